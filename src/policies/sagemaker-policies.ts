/**
 * Policies around SageMaker: the function's own permissions, the two SageMaker endpoint policies,
 * and the user-side managed policies a platform team attaches to people's roles.
 */
import { appArn, domainArn, spaceArn, userProfileArn } from '../domain/arns';
import { DEFAULT_OWNER_TAG } from '../domain/profile-owner';
import {
  type DeploymentFacts,
  type DomainFacts,
  domainsOf,
  type PolicyDocument,
  type PolicyStatement,
  policyDocument,
} from './policy-types';

/** The two actions a Studio URL needs. */
export const PRESIGN_ACTIONS = ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile'];

/**
 * Condition: the request came through one of our two SageMaker endpoints. The API endpoint carries
 * the function's own calls; the Studio endpoint carries the Studio session the URL opens, for which
 * SageMaker re-evaluates the URL creator's permissions on every request and WebSocket frame.
 */
function throughOurSageMakerEndpoints(f: DeploymentFacts) {
  return { StringEquals: { 'aws:SourceVpce': [f.sagemakerApiVpceId, f.studioVpceId] } };
}

/** The issuer roles of the deployment's domains, each once. */
export function issuerRoleArns(f: DeploymentFacts): string[] {
  return [...new Set(domainsOf(f).flatMap((d) => (d.issuerRoleArn === undefined ? [] : [d.issuerRoleArn])))];
}

/** The issuer roles of tag-bound domains, each once: their sessions carry the owner tag. */
export function tagBoundRoleArns(f: DeploymentFacts): string[] {
  return [
    ...new Set(
      domainsOf(f).flatMap((d) => (d.issuerRoleArn === undefined || d.issuance !== 'tag-bound' ? [] : [d.issuerRoleArn])),
    ),
  ];
}

/** `sts:TagSession` on the tag-bound issuer roles, with the owner tag's key only (none without such roles). */
export function tagSessionStatements(f: DeploymentFacts, Sid: string): PolicyStatement[] {
  const roles = tagBoundRoleArns(f);
  if (roles.length === 0) return [];
  return [
    {
      Sid,
      Effect: 'Allow',
      Action: 'sts:TagSession',
      Resource: arns(roles),
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [ownerTagKeyOf(f)] } },
    },
  ];
}

/** The owner tag's key of a deployment. */
export function ownerTagKeyOf(f: DeploymentFacts): string {
  return f.ownerTagKey ?? DEFAULT_OWNER_TAG;
}

/** One ARN, or a list of them when there are several. */
export function arns(list: readonly string[]): string | string[] {
  return list.length === 1 ? (list[0] as string) : [...list];
}

/** `f` narrowed to one domain, for the ARN builders. */
function at(f: DeploymentFacts, d: DomainFacts) {
  return { partition: f.partition, region: d.region, accountId: d.accountId, domainId: d.id };
}

/**
 * Statements of the studio-url function's role (SageMaker part). The function's own credentials
 * reach only the domains without an issuer role (this account's), only through our endpoints when
 * they are in this region; every other domain is reached by assuming exactly its issuer role, with
 * the person as SourceIdentity (sts:SetSourceIdentity), and nothing else.
 */
export function studioUrlFunctionStatements(f: DeploymentFacts): PolicyStatement[] {
  const all = domainsOf(f);
  const own = all.filter((d) => d.issuerRoleArn === undefined);
  const roles = issuerRoleArns(f);
  const statements: PolicyStatement[] = [];
  // Domains of this region go through our endpoints; another region's through that region's (not ours to name).
  for (const [suffix, domains, condition] of [
    ['', own.filter((d) => d.region === f.region), throughOurSageMakerEndpoints(f)],
    ['InOtherRegions', own.filter((d) => d.region !== f.region), undefined],
  ] as const) {
    if (domains.length === 0) continue;
    const where = (d: DomainFacts) => at(f, d);
    const statement = (sid: string, action: string | string[], resource: string | string[]): PolicyStatement => ({
      Sid: `${sid}${suffix}`,
      Effect: 'Allow',
      Action: action,
      Resource: resource,
      ...(condition && { Condition: condition }),
    });
    statements.push(
      statement('PresignStudioUrlsForDomainProfiles', [...PRESIGN_ACTIONS], arns(domains.map((d) => userProfileArn(where(d))))),
      // The owner check reads the profile's tags (its owner tag) before any URL is issued.
      statement('ReadProfileOwnerTags', 'sagemaker:ListTags', arns(domains.map((d) => userProfileArn(where(d))))),
      // `space=`: the space must exist and, when private, belong to the caller's profile.
      statement('DescribeSpacesOfDomain', 'sagemaker:DescribeSpace', arns(domains.map((d) => spaceArn(where(d))))),
      statement('DescribeStudioDomain', 'sagemaker:DescribeDomain', arns(domains.map((d) => domainArn(where(d))))),
    );
  }
  if (roles.length > 0) {
    statements.push({
      // Each person's session of a domain's issuer role, naming them (SourceIdentity): these roles only.
      Sid: 'AssumeIssuerRolesAsThePerson',
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Resource: arns(roles),
    });
  }
  // Tag-bound domains: the session carries the person under the owner tag's key, and no other tag.
  statements.push(...tagSessionStatements(f, 'TagIssuerSessionsWithTheOwner'));
  return statements;
}

/**
 * The accounts whose principals may use our SageMaker endpoints for the domains: ours, and those of
 * domains in this region that are reached through an issuer role (their sessions are principals there).
 */
function endpointAccounts(f: DeploymentFacts): string[] {
  const others = domainsOf(f).filter((d) => d.region === f.region && d.accountId !== f.accountId);
  return [f.accountId, ...new Set(others.map((d) => d.accountId))];
}

/** The domains our endpoints in this region serve. */
function regionDomains(f: DeploymentFacts): DomainFacts[] {
  return domainsOf(f).filter((d) => d.region === f.region);
}

/** Principals of our account, or (with several domains) of the accounts of this region's domains. */
const SAME_ACCOUNT = (f: DeploymentFacts) => {
  const accounts = endpointAccounts(f);
  return { StringEquals: { 'aws:PrincipalAccount': accounts.length === 1 ? (accounts[0] as string) : accounts } };
};

/**
 * Policy of the Studio endpoint (aws.sagemaker.REGION.studio): KernelGateway apps of our domain may
 * be created, by principals of our account. The source design named a user-profile ARN here, which
 * IAM never matches for CreateApp (it authorizes on app/DOMAIN/PROFILE/APPTYPE/APPNAME).
 */
export function studioEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  return policyDocument(
    perAccount(f, {
      Sid: 'CreateKernelGatewayAppsOfDomain',
      Action: 'sagemaker:CreateApp',
      resourceOf: (d) => appArn(at(f, d), 'KernelGateway'),
    }),
  );
}

/**
 * One Allow per account of this region's domains, for `action` on that account's domains only, by
 * that account's principals only: a domain account's sessions reach its own domains through our
 * endpoints, never another account's. With one domain: the one statement of before.
 */
function perAccount(
  f: DeploymentFacts,
  spec: { Sid: string; Action: string | string[]; resourceOf: (d: DomainFacts) => string },
): PolicyStatement[] {
  const domains = regionDomains(f);
  const accounts = [...new Set(domains.map((d) => d.accountId))];
  return accounts.map((account, i) => ({
    Sid: accounts.length === 1 ? spec.Sid : `${spec.Sid}${i + 1}`,
    Effect: 'Allow',
    Principal: '*',
    Action: spec.Action,
    Resource: arns(domains.filter((d) => d.accountId === account).map(spec.resourceOf)),
    Condition: { StringEquals: { 'aws:PrincipalAccount': account } },
  }));
}

/**
 * Policy of the SageMaker API endpoint (com.amazonaws.REGION.sagemaker.api): what studio-gate
 * needs (presign and describe on our domains' profiles, describe the domains) and what Studio itself
 * calls for its apps and spaces, by principals of our account (and, with several domains, each
 * domain account's principals on that account's domains only), on those domains only.
 */
export function sagemakerApiEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  return policyDocument([
    ...perAccount(f, { Sid: 'StudioGatePresign', Action: [...PRESIGN_ACTIONS], resourceOf: (d) => userProfileArn(at(f, d)) }),
    ...perAccount(f, { Sid: 'StudioDescribeDomain', Action: 'sagemaker:DescribeDomain', resourceOf: (d) => domainArn(at(f, d)) }),
    ...perAccount(f, {
      Sid: 'StudioAppLifecycle',
      Action: ['sagemaker:CreateApp', 'sagemaker:DeleteApp', 'sagemaker:DescribeApp'],
      resourceOf: (d) => appArn(at(f, d)),
    }),
    ...perAccount(f, {
      Sid: 'StudioSpaces',
      Action: ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace', 'sagemaker:DeleteSpace', 'sagemaker:DescribeSpace'],
      resourceOf: (d) => spaceArn(at(f, d)),
    }),
    {
      // List* actions have no resource-level permissions in IAM: "*" is the narrowest there is.
      Sid: 'StudioListings',
      Effect: 'Allow',
      Principal: '*',
      Action: [
        'sagemaker:ListApps',
        'sagemaker:ListSpaces',
        'sagemaker:ListUserProfiles',
        'sagemaker:ListDomains',
        'sagemaker:ListTags',
      ],
      Resource: '*',
      Condition: SAME_ACCOUNT(f),
    },
  ]);
}

/** The user-side managed policies, one per pattern of the source design, plus the tag guardrail. */
export interface UserPolicies {
  /** Example 1: only from our VPC (aws:SourceVpc). */
  readonly sourceVpc: PolicyDocument;
  /** Example 2: only through our SageMaker endpoints (aws:SourceVpce). */
  readonly sourceVpce: PolicyDocument;
  /** Example 3: only from the corporate public ranges (aws:SourceIp); absent without ranges. */
  readonly sourceIp?: PolicyDocument;
  /** Example 4: only from client ranges inside our VPC (aws:VpcSourceIp and aws:SourceVpc); absent without ranges. */
  readonly vpcSourceIp?: PolicyDocument;
  /** A Deny-only guardrail: no profile but the one whose `studiouserid` tag matches the caller's. */
  readonly ownProfileByTag: PolicyDocument;
}

/** A network pattern: the condition that must hold, and its negation as one or more Deny conditions. */
interface NetworkPattern {
  readonly sid: string;
  readonly allowWhen: NonNullable<PolicyStatement['Condition']>;
  /** Each entry denies on its own: together they deny whenever `allowWhen` does not hold. */
  readonly denyWhen: NonNullable<PolicyStatement['Condition']>[];
}

const OWN_TAG = 'sagemaker:ResourceTag/studiouserid';
const CALLER_TAG = '${aws:PrincipalTag/studiouserid}';

/** Every user profile in every domain: the Deny guardrails hold whatever else grants presign. */
const ANY_USER_PROFILE = (f: DeploymentFacts) => `arn:${f.partition}:sagemaker:*:*:user-profile/*`;

/**
 * The own-profile guardrails: deny presign and describe on any profile whose tag is not the
 * caller's (a missing profile tag makes StringNotEquals true, so untagged profiles are denied too),
 * and for callers without the tag at all (a policy variable that cannot be resolved would make the
 * first condition not match, so this Deny is what closes that gap).
 */
function ownProfileGuardrails(f: DeploymentFacts): PolicyStatement[] {
  return [
    {
      Sid: 'DenyProfilesOfOthers',
      Effect: 'Deny',
      Action: [...PRESIGN_ACTIONS],
      Resource: ANY_USER_PROFILE(f),
      Condition: { StringNotEquals: { [OWN_TAG]: CALLER_TAG } },
    },
    {
      Sid: 'DenyCallersWithoutStudioUserId',
      Effect: 'Deny',
      Action: [...PRESIGN_ACTIONS],
      Resource: ANY_USER_PROFILE(f),
      Condition: { Null: { 'aws:PrincipalTag/studiouserid': 'true' } },
    },
  ];
}

/**
 * One pattern's policy: Allow the caller's own profile of our domain from the pattern's network,
 * Deny presign from anywhere else (negated operators: a missing network key denies, which is what
 * makes two patterns attached together narrow to their intersection instead of widening to their
 * union), and the own-profile guardrails.
 */
function networkPolicy(f: DeploymentFacts, pattern: NetworkPattern): PolicyDocument {
  return policyDocument([
    {
      Sid: `${pattern.sid}OwnProfile`,
      Effect: 'Allow',
      Action: [...PRESIGN_ACTIONS],
      Resource: userProfileArn(f),
      Condition: { ...pattern.allowWhen, StringEquals: { ...pattern.allowWhen.StringEquals, [OWN_TAG]: CALLER_TAG } },
    },
    ...pattern.denyWhen.map(
      (condition, i): PolicyStatement => ({
        Sid: `${pattern.sid}DenyElsewhere${pattern.denyWhen.length > 1 ? i + 1 : ''}`,
        Effect: 'Deny',
        Action: [...PRESIGN_ACTIONS],
        Resource: ANY_USER_PROFILE(f),
        Condition: condition,
      }),
    ),
    ...ownProfileGuardrails(f),
  ]);
}

/** Builds the user-side policies; the network patterns are narrowed to our domain and the caller's own profile. */
export function userPolicies(f: DeploymentFacts): UserPolicies {
  const endpoints = [f.sagemakerApiVpceId, f.studioVpceId];
  return {
    sourceVpc: networkPolicy(f, {
      sid: 'StudioFromOurVpc',
      allowWhen: { StringEquals: { 'aws:SourceVpc': f.vpcId } },
      denyWhen: [{ StringNotEquals: { 'aws:SourceVpc': f.vpcId } }],
    }),
    sourceVpce: networkPolicy(f, {
      sid: 'StudioThroughOurEndpoints',
      allowWhen: { StringEquals: { 'aws:SourceVpce': endpoints } },
      denyWhen: [{ StringNotEquals: { 'aws:SourceVpce': endpoints } }],
    }),
    ...(f.publicSourceCidrs.length > 0 && {
      sourceIp: networkPolicy(f, {
        sid: 'StudioFromCorporateRanges',
        allowWhen: { IpAddress: { 'aws:SourceIp': [...f.publicSourceCidrs] } },
        denyWhen: [{ NotIpAddress: { 'aws:SourceIp': [...f.publicSourceCidrs] } }],
      }),
    }),
    ...(f.vpcSourceCidrs.length > 0 && {
      vpcSourceIp: networkPolicy(f, {
        sid: 'StudioFromVpcClientRanges',
        allowWhen: { IpAddress: { 'aws:VpcSourceIp': [...f.vpcSourceCidrs] }, StringEquals: { 'aws:SourceVpc': f.vpcId } },
        denyWhen: [
          { NotIpAddress: { 'aws:VpcSourceIp': [...f.vpcSourceCidrs] } },
          { StringNotEquals: { 'aws:SourceVpc': f.vpcId } },
        ],
      }),
    }),
    ownProfileByTag: policyDocument(ownProfileGuardrails(f)),
  };
}
