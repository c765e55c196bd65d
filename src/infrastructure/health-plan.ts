/**
 * The health plan of a stage (src/domain/health/plan.ts): what the scheduled function and the
 * doctor check. A deployed stage checks its endpoints, their security groups, the private names
 * and their TLS, the domain and the optional canary; the local stack checks what runs on loopback
 * (the emulator's domain and canary, names on the local DNS server, the peers' ports, the JWKS).
 * Placeholders (`${AWS::Region}`, `${LambdaSecurityGroupId}`, `${ApiGatewayRestApi}`) are left for
 * CloudFormation; the local plan has none.
 */
import type { DomainPlan, HealthPlan, WrittenPlan } from '../domain/health/plan';
import { DEFAULT_OWNER_TAG } from '../domain/profile-owner';
import type { StudioDomain } from '../domain/studio-domains';

/** Each check's own limit; the function's timeout leaves room for the store and metrics after it. */
export const HEALTH_CHECK_TIMEOUT_MS = 5000;

/** The parts of the stage a plan needs. */
export interface HealthPlanInput {
  readonly region: string;
  readonly domainId: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly studioSecurityGroupIds: readonly string[];
  readonly clientCidrs: readonly string[];
  readonly privateDns: Readonly<Record<'SageMakerApi' | 'Studio', boolean>>;
  readonly extraEndpoints: Readonly<Record<'Sts' | 'Logs' | 'Monitoring' | 'Ec2' | 'Ssm', boolean>>;
  readonly canary?: { readonly profileName: string; readonly ownerIdentity?: string };
  readonly ownerTagKey?: string;
  /** One tag-bound domain: its issuer role, which the negative probe checks (with a canary that has an owner). */
  readonly issuerRoleArn?: string;
  /** Several domains (studioDomains): each checked through the credentials that issue there. */
  readonly domains?: readonly StudioDomain[];
  /** With several domains: the STS endpoint the issuer roles are assumed through, when it is not ours. */
  readonly stsEndpointUrl?: string;
}

const EXTRA = {
  Sts: { name: 'sts', service: 'sts', host: 'sts.${AWS::Region}.amazonaws.com' },
  Logs: { name: 'logs', service: 'logs', host: 'logs.${AWS::Region}.amazonaws.com' },
  Monitoring: { name: 'monitoring', service: 'monitoring', host: 'monitoring.${AWS::Region}.amazonaws.com' },
  Ec2: { name: 'ec2', service: 'ec2', host: 'ec2.${AWS::Region}.amazonaws.com' },
  Ssm: { name: 'ssm', service: 'ssm', host: 'ssm.${AWS::Region}.amazonaws.com' },
} as const;

function canaryOf(input: Pick<HealthPlanInput, 'canary' | 'ownerTagKey'>): NonNullable<HealthPlan['studio']>['canary'] {
  if (input.canary === undefined) return undefined;
  const { profileName, ownerIdentity } = input.canary;
  return {
    profileName,
    ...(ownerIdentity !== undefined && { owner: { identity: ownerIdentity, tagKey: input.ownerTagKey ?? DEFAULT_OWNER_TAG } }),
  };
}

/**
 * Several domains as the health checks reach them: the stage's canary goes to `primary` (the
 * domain the single-domain parts are about), each other domain's to its own `canary` field, all
 * owned by the stage's canary owner.
 */
export function domainPlans(
  domains: readonly StudioDomain[],
  primary: string,
  input: Pick<HealthPlanInput, 'canary' | 'ownerTagKey'>,
): DomainPlan[] {
  return domains.map((d) => {
    const profileName = d.canaryProfile ?? (d.id === primary ? input.canary?.profileName : undefined);
    const canary = profileName === undefined ? undefined : canaryOf({ ...input, canary: { ...input.canary, profileName } });
    return {
      domainId: d.id,
      region: d.region,
      ...(d.issuerRoleArn !== undefined && { issuerRoleArn: d.issuerRoleArn }),
      ...(d.sagemakerEndpointUrl !== undefined && { endpointUrl: d.sagemakerEndpointUrl }),
      ...(d.issuance === 'tag-bound' && { ownerTagKey: input.ownerTagKey ?? DEFAULT_OWNER_TAG }),
      ...(canary && { canary }),
    };
  });
}

/** The studio part of a plan: one domain, or several. */
function studioPart(input: Pick<HealthPlanInput, 'domainId' | 'domains' | 'canary' | 'ownerTagKey' | 'issuerRoleArn'>) {
  if (input.domains !== undefined) return { domains: domainPlans(input.domains, input.domainId, input) };
  const canary = canaryOf(input);
  const binding =
    input.issuerRoleArn !== undefined && canary?.owner !== undefined
      ? { issuerRoleArn: input.issuerRoleArn, ownerTagKey: canary.owner.tagKey }
      : undefined;
  return { studio: { domainId: input.domainId, ...(canary && { canary }), ...(binding && { binding }) } };
}

/** The plan of a deployed stage (with CloudFormation placeholders). */
export function deployedHealthPlan(input: HealthPlanInput): WrittenPlan {
  type Written = NonNullable<WrittenPlan['network']>['endpoints'][number];
  const endpoints: Written[] = [
    {
      name: 'sagemaker-api',
      serviceName: 'com.amazonaws.${AWS::Region}.sagemaker.api',
      privateDns: input.privateDns.SageMakerApi,
      ingressFrom: ['function', 'studio'],
    },
    {
      name: 'studio',
      serviceName: 'aws.sagemaker.${AWS::Region}.studio',
      privateDns: input.privateDns.Studio,
      ingressFrom: ['function', 'studio', 'clients'],
    },
    { name: 'execute-api', serviceName: 'com.amazonaws.${AWS::Region}.execute-api', privateDns: true, ingressFrom: ['clients'] },
    { name: 'dynamodb', serviceName: 'com.amazonaws.${AWS::Region}.dynamodb', privateDns: false, ingressFrom: ['function'] },
  ];
  const names: WrittenPlan['dns']['names'][number][] = [
    { name: 'sagemaker-api', host: 'api.sagemaker.${AWS::Region}.amazonaws.com', tls: true },
    { name: 'studio', host: `${input.domainId}.studio.\${AWS::Region}.sagemaker.aws`, tls: true },
    // DNS only: the functions are not the API's clients, and their security group may not open 443 to
    // the execute-api endpoint (only client ranges may). The doctor, run from a client, sees the rest.
    { name: 'execute-api', host: '${ApiGatewayRestApi}.execute-api.${AWS::Region}.amazonaws.com', tls: false },
  ];
  for (const [key, extra] of Object.entries(EXTRA) as [keyof typeof EXTRA, (typeof EXTRA)[keyof typeof EXTRA]][]) {
    if (!input.extraEndpoints[key]) continue;
    endpoints.push({
      name: extra.name,
      serviceName: `com.amazonaws.\${AWS::Region}.${extra.service}`,
      privateDns: true,
      ingressFrom: ['function', 'studio'],
    });
    names.push({ name: extra.name, host: extra.host, tls: true });
  }
  // An STS endpoint named by its own DNS name (not ours): its name must resolve privately and answer TLS too.
  if (input.stsEndpointUrl !== undefined && !input.extraEndpoints.Sts) {
    names.push({ name: 'sts', host: new URL(input.stsEndpointUrl).hostname, tls: true });
  }
  return {
    region: '${AWS::Region}',
    checkTimeoutMs: HEALTH_CHECK_TIMEOUT_MS,
    network: {
      vpcId: input.vpcId,
      subnetIds: input.subnetIds,
      functionSecurityGroupId: '${LambdaSecurityGroupId}',
      studioSecurityGroupIds: input.studioSecurityGroupIds,
      clientCidrs: input.clientCidrs,
      endpoints,
    },
    // The VPC resolver (the system's), answers judged against the VPC's own ranges.
    dns: { servers: [], privateRanges: [], names },
    tlsPort: 443,
    ...studioPart(input),
  };
}

/** Where the local stack's pieces listen. */
export interface LocalPlanInput {
  readonly region: string;
  readonly domainId: string;
  readonly emulatorUrl: string;
  readonly jwksUrl: string;
  /** `127.0.0.1:PORT` of the local DNS server. */
  readonly dnsServer: string;
  readonly canary?: { readonly profileName: string; readonly ownerIdentity?: string };
  readonly ownerTagKey?: string;
  /** The doctor adds the API's own GET /health (the scheduled function cannot check itself). */
  readonly apiHealthUrl?: string;
  readonly apiPort?: number;
  /** The doctor also checks the local DynamoDB's port. */
  readonly dynamoUrl?: string;
  /** Several domains (the demo's two), instead of `domainId` alone. */
  readonly domains?: readonly StudioDomain[];
  /** One tag-bound domain: its issuer role (at the emulator's STS), for the negative probe. */
  readonly issuerRoleArn?: string;
}

/** The plan of the local stack: loopback only. */
export function localHealthPlan(input: LocalPlanInput): WrittenPlan {
  const port = (url: string) => {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  };
  return {
    region: input.region,
    checkTimeoutMs: 2000,
    dns: {
      servers: [input.dnsServer],
      privateRanges: ['127.0.0.0/8', '::1/128'],
      names: [
        { name: 'sagemaker-api', host: `api.sagemaker.${input.region}.amazonaws.com`, tls: false },
        { name: 'studio', host: `${input.domainId}.studio.${input.region}.sagemaker.aws`, tls: false },
      ],
    },
    tlsPort: 443,
    ...studioPart(input),
    probes: {
      ports: [
        { name: 'emulator', label: 'the SageMaker emulator', ...port(input.emulatorUrl) },
        { name: 'issuer', label: 'the token issuer', ...port(input.jwksUrl) },
        ...(input.apiPort !== undefined ? [{ name: 'api', label: 'the local API', host: '127.0.0.1', port: input.apiPort }] : []),
        ...(input.dynamoUrl !== undefined ? [{ name: 'dynamo', label: 'the local DynamoDB', ...port(input.dynamoUrl) }] : []),
      ],
      jwksUrl: input.jwksUrl,
      ...(input.apiHealthUrl !== undefined && { apiHealthUrl: input.apiHealthUrl }),
    },
  };
}
