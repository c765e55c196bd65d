/**
 * The Studio domains one studio-gate serves, who is entitled to each, and which one a request is
 * for. A caller may name a domain (`domain=`), never trust it: the choice is taken only from the
 * domains the caller's groups entitle them to, and an unknown domain is refused exactly like one
 * they are not entitled to (the audit reason tells the two apart). With no choice and one entitled
 * domain, that one; with several, the caller is shown the choices (their ids and labels only).
 */
import { type AllowList, allowsValue } from './allow-list';
import { ForbiddenError } from './errors';

/** A Studio domain studio-gate issues URLs for. */
export interface StudioDomain {
  readonly id: string;
  readonly region: string;
  /** The domain's account; undefined only for the single-domain form without STUDIO_ACCOUNT_ID. */
  readonly accountId?: string;
  /** A short name people recognise (shown in the choices; never trusted as input). */
  readonly label: string;
  /** The groups whose members may open it (`*`: any caller who passed the way in's own checks). */
  readonly entitled: AllowList<string>;
  /** The role assumed to issue URLs there (required unless issuance is `direct` in studio-gate's own account). */
  readonly issuerRoleArn?: string;
  /**
   * How its URLs are issued: `tag-bound` (the default) through a session of the issuer role tagged
   * with the person's canonical identity, which IAM lets act only on profiles whose owner tag equals
   * it; `direct` (an opt-out) through the function's own credentials, or a session of the issuer role
   * without the tag: only studio-gate's code stands between one person and another's profile.
   */
  readonly issuance: IssuanceMode;
  /** The SageMaker API endpoint to reach it by (an interface endpoint's own DNS name); undefined: private DNS. */
  readonly sagemakerEndpointUrl?: string;
  /** The health checks' canary profile in this domain, if any (checked as a caller's would be). */
  readonly canaryProfile?: string;
}

/** How a domain's URLs are issued (see {@link StudioDomain.issuance}). */
export type IssuanceMode = 'tag-bound' | 'direct';
export const ISSUANCE_MODES: readonly IssuanceMode[] = ['tag-bound', 'direct'];

/** Whether `value` names an issuance mode. */
export function isIssuanceMode(value: unknown): value is IssuanceMode {
  return ISSUANCE_MODES.includes(value as IssuanceMode);
}

/** A domain id as SageMaker spells them. */
export const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;

/** The domains `groups` entitle their holder to, in configured order. */
export function entitledDomains(domains: readonly StudioDomain[], groups: readonly string[]): StudioDomain[] {
  return domains.filter((domain) => domain.entitled.kind === 'any' || groups.some((g) => allowsValue(domain.entitled, g)));
}

/** Which domain a request is for: one, or the caller must choose among several. */
export type DomainChoice =
  | { readonly kind: 'chosen'; readonly domain: StudioDomain }
  | { readonly kind: 'choose'; readonly domains: readonly StudioDomain[] };

/**
 * @param requested the caller's `domain=`, if any (already shaped like a domain id).
 * @throws ForbiddenError `domain-unknown`, `domain-not-entitled` or `domain-none-entitled`; the
 *   client sees the same 403 for each.
 */
export function chooseDomain(
  domains: readonly StudioDomain[],
  groups: readonly string[],
  requested: string | undefined,
): DomainChoice {
  const entitled = entitledDomains(domains, groups);
  if (requested !== undefined) {
    if (!domains.some((d) => d.id === requested)) throw new ForbiddenError('domain-unknown');
    const domain = entitled.find((d) => d.id === requested);
    if (domain === undefined) throw new ForbiddenError('domain-not-entitled');
    return { kind: 'chosen', domain };
  }
  const [only, ...others] = entitled;
  if (only === undefined) throw new ForbiddenError('domain-none-entitled');
  if (others.length === 0) return { kind: 'chosen', domain: only };
  return { kind: 'choose', domains: entitled };
}

/** IAM role ARNs: `arn:<partition>:iam::<account>:role/<path/>name`. */
export const ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The account a role ARN names, or undefined when it is not a role ARN. */
export function roleAccount(roleArn: string): string | undefined {
  return ROLE_ARN_PATTERN.exec(roleArn)?.[2];
}

/**
 * Whether `roleArn` is exactly one role (no wildcard: the pattern admits none) of `accountId` in
 * `partition`: what a trust or an exemption may name, since a pattern would also admit a role
 * someone creates later under a matching name.
 */
export function isRoleOf(roleArn: string, accountId: string, partition: string): boolean {
  return roleAccount(roleArn) === accountId && roleArn.startsWith(`arn:${partition}:`);
}

/**
 * The commercial, China and GovCloud regions SageMaker Studio runs in (a region outside this list is
 * a typo, refused at start-up; add one here when AWS opens it).
 */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
];

/** The services studio-gate reaches through interface endpoints, by their label in the endpoint's DNS name. */
export type InterfaceService = 'api.sagemaker' | 'sts' | 'ssm' | 'dynamodb';

/**
 * Whether `url` is the endpoint-specific DNS name of an interface endpoint of `service` in `region`,
 * regional or zonal (the zone in that region), as an https origin. Anything else (the public
 * endpoint, another service, another region) is not one.
 */
export function isInterfaceEndpoint(url: string, service: InterfaceService, region: string): boolean {
  const match =
    /^https:\/\/vpce-[0-9a-f]{8,17}-[a-z0-9]{8}(?:-([a-z]{2}(?:-[a-z]+)+-\d)[a-z])?\.([a-z.]+)\.([a-z0-9-]+)\.vpce\.amazonaws\.com(\.cn)?\/?$/.exec(
      url,
    );
  if (match === null || match[2] !== service || match[3] !== region) return false;
  if (match[1] !== undefined && match[1] !== region) return false;
  return (match[4] !== undefined) === region.startsWith('cn-');
}

/** The endpoint-specific DNS name of a SageMaker API interface endpoint in `region`. */
export function isSageMakerApiEndpoint(url: string, region: string): boolean {
  return isInterfaceEndpoint(url, 'api.sagemaker', region);
}
