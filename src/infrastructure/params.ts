/**
 * Stage parameters → validated {@link DeploymentParams}: every problem is reported at once, ranges
 * go through the runtime's strict CIDR parser and are written back in normal form, and nothing that
 * would widen the private path (the whole address space, a loopback emulator outside the local
 * stage) is accepted.
 */
import { readDomainList } from '../config/domains';
import { type CidrBlock, coversWholeAddressSpace, formatCidr, isLoopbackUrl, parseCidr } from '../domain/network-source';
import {
  type IssuanceMode,
  isIssuanceMode,
  isSageMakerApiEndpoint,
  ROLE_ARN_PATTERN,
  type StudioDomain,
} from '../domain/studio-domains';

/** Stage parameters as strings, exactly as serverless resolves them. */
export type RawDeploymentParams = Readonly<Record<string, string | undefined>>;

/** The scheduled health checks and their alarm. */
export interface HealthParams {
  /** The schedule: every this many minutes (1–1440). */
  readonly intervalMinutes: number;
  readonly canary?: { readonly profileName: string; readonly ownerIdentity?: string };
  /** SNS topic the alarm notifies (alarm and OK). */
  readonly alarmTopicArn?: string;
}

/** Validated deployment parameters. */
export interface DeploymentParams {
  readonly service: string;
  readonly stage: string;
  /** The domain (with several: the first in this account and region, else the first listed). */
  readonly domainId: string;
  /** With several domains (studioDomains): each, as the functions read them, and this stack's account. */
  readonly several?: {
    readonly domains: readonly StudioDomain[];
    readonly networkAccountId: string;
    /** The STS interface endpoint's own DNS name, when given (else STS's private DNS). */
    readonly stsEndpointUrl?: string;
  };
  /**
   * One domain: how its URLs are issued, and (tag-bound) the issuer role: the one named by the
   * issuerRoleArn param, or (undefined) the one this stack creates. With several, each domain says.
   */
  readonly issuance: IssuanceMode;
  readonly issuerRoleArn?: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly studioSecurityGroupIds: readonly string[];
  /** Existing endpoint ids to use instead of creating one. */
  readonly existing: Readonly<Partial<Record<'SageMakerApi' | 'Studio' | 'ExecuteApi', string>>>;
  readonly privateDns: Readonly<Record<'SageMakerApi' | 'Studio', boolean>>;
  readonly extraEndpoints: Readonly<Record<'Sts' | 'Logs' | 'Monitoring' | 'Ec2' | 'Ssm', boolean>>;
  /** Client ranges (IPv4/IPv6): ALLOWED_SOURCE_CIDRS, the API's aws:VpcSourceIp narrowing, endpoint ingress. */
  readonly clientCidrs: readonly string[];
  readonly publicSourceCidrs: readonly string[];
  readonly lambdaEgressCidrs: readonly string[];
  readonly authMode: 'jwt' | 'iam';
  readonly region: string;
  /** The timeout of the functions that serve requests (below API Gateway's 29 s). */
  readonly functionTimeoutSeconds: number;
  /** Pre-warmed instances of the studio-url function (0: none). */
  readonly provisionedConcurrency: number;
  /** The owner tag GET /studio-url checks (profileOwnerTag), for the canary check. */
  readonly ownerTagKey?: string;
  readonly health: HealthParams;
  /** The SSO bridge's functions this stage deploys (ssoOidc, ssoSaml). */
  readonly sso: Readonly<{ oidc: boolean; saml: boolean }>;
  /** The local stack's loopback peers (stage local only). */
  readonly local?: {
    readonly dynamoEndpointUrl: string;
    readonly dnsServer: string;
    readonly sagemakerEndpointUrl: string;
    readonly jwksUrl: string;
    /** LOCAL_STUDIO_ORIGIN: the emulator's origin, and every function's local-stack flag. */
    readonly studioOrigin: string;
  };
}

/** The narrowest prefix a client or egress range may have without `allowBroadCidrs=true`. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** The stage `npm start` runs; the only one that may point Studio URLs at a loopback emulator. */
export const LOCAL_STAGE = 'local';

/** Raised with every problem in the parameters at once. */
export class DeploymentParamsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid deployment parameters:\n- ${problems.join('\n- ')}`);
    this.name = 'DeploymentParamsError';
  }
}

const ID = {
  vpc: /^vpc-[0-9a-f]{8,17}$/,
  subnet: /^subnet-[0-9a-f]{8,17}$/,
  sg: /^sg-[0-9a-f]{8,17}$/,
  vpce: /^vpce-[0-9a-f]{8,17}$/,
  domain: /^d-(-*[a-z0-9]){1,61}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
};

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses and checks the stage parameters; every problem is reported at once. */
export function parseDeploymentParams(raw: RawDeploymentParams, service: string, stage: string): DeploymentParams {
  const problems: string[] = [];
  const need = (name: string, pattern: RegExp, what: string): string => {
    const value = (raw[name] ?? '').trim();
    if (!pattern.test(value)) problems.push(`param ${name} must be ${what}, got "${value}"`);
    return value;
  };
  const ids = (name: string, pattern: RegExp, what: string, min: number): string[] => {
    const values = list(raw[name]);
    if (values.length < min) problems.push(`param ${name} needs at least ${min} ${what} (comma-separated)`);
    for (const v of values) if (!pattern.test(v)) problems.push(`param ${name}: "${v}" is not a ${what}`);
    return values;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = (raw[name] ?? '').trim();
    if (value === '') return fallback;
    if (value !== 'true' && value !== 'false') problems.push(`param ${name} must be true or false, got "${value}"`);
    return value === 'true';
  };
  const allowBroad = flag('allowBroadCidrs', false);
  // Parsed by the same strict parser as ALLOWED_SOURCE_CIDRS, and written back in its normal form,
  // so what lands in security groups and policies is exactly what was checked.
  const cidrs = (name: string): string[] => {
    const blocks: CidrBlock[] = [];
    for (const v of list(raw[name])) {
      const parsed = parseCidr(v);
      if (typeof parsed === 'string') {
        problems.push(`param ${name}: ${parsed}`);
        continue;
      }
      const bits = parsed.prefix;
      const min = MIN_PREFIX[parsed.network.family];
      if (bits === 0) problems.push(`param ${name}: "${v}" is the whole address space`);
      else if (bits < min && !allowBroad) {
        problems.push(`param ${name}: "${v}" is broader than /${min} (set allowBroadCidrs=true if that is really meant)`);
      }
      blocks.push(parsed);
    }
    const whole = coversWholeAddressSpace(blocks);
    if (whole && !blocks.some(({ prefix }) => prefix === 0)) {
      problems.push(`param ${name}: together the ranges cover the whole ${whole} address space`);
    }
    return blocks.map(formatCidr);
  };
  const existing = (name: string): string | undefined => {
    const value = (raw[name] ?? '').trim();
    if (value === '') return undefined;
    if (!ID.vpce.test(value)) problems.push(`param ${name}: "${value}" is not a VPC endpoint id`);
    return value;
  };

  const clientCidrsRaw = (raw.allowedSourceCidrs ?? '').trim();
  if (clientCidrsRaw === '*' || clientCidrsRaw === '') {
    problems.push(
      "param allowedSourceCidrs must list the client ranges for a deployment (it also builds the endpoints' ingress rules); * is for the local stack only",
    );
  }
  const authMode = (raw.authMode ?? '').trim();
  if (authMode !== 'jwt' && authMode !== 'iam') problems.push(`param authMode must be jwt or iam, got "${authMode}"`);

  const localOrigin = (raw.localStudioOrigin ?? '').trim();
  if (localOrigin !== '' && stage !== LOCAL_STAGE) {
    problems.push(`param localStudioOrigin is for the local stack only; leave it empty on stage "${stage}"`);
  }
  const accountId = (raw.studioAccountId ?? '').trim();
  if (accountId !== '' && !/^\d{12}$/.test(accountId))
    problems.push(`param studioAccountId must be a 12-digit account id, got "${accountId}"`);
  const region = (raw.region ?? '').trim();
  if (region !== '' && !ID.region.test(region)) problems.push(`param region must be an AWS region, got "${region}"`);
  const endpointUrl = (raw.sagemakerEndpointUrl ?? '').trim();
  if (endpointUrl !== '') {
    const origin = URL.canParse(endpointUrl) && endpointUrl.replace(/\/$/, '') === new URL(endpointUrl).origin;
    const loopback = stage === LOCAL_STAGE && isLoopbackUrl(endpointUrl, ['http:']);
    if (!origin || !(loopback || isSageMakerApiEndpoint(endpointUrl, region))) {
      problems.push(
        `param sagemakerEndpointUrl must be https://vpce-….api.sagemaker.${region || 'REGION'}.vpce.amazonaws.com (the SageMaker API endpoint's own DNS name)${stage === LOCAL_STAGE ? ' or a loopback http origin' : ''}, got "${endpointUrl}"`,
      );
    }
  }

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = (raw[name] ?? '').trim();
    if (value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`param ${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return Number(value);
  };
  const optional = (name: string, pattern: RegExp, what: string): string | undefined => {
    const value = (raw[name] ?? '').trim();
    if (value === '') return undefined;
    if (!pattern.test(value)) problems.push(`param ${name} must be ${what}, got "${value}"`);
    return value;
  };
  const canaryProfile = optional('healthCanaryProfile', /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a user profile name');
  const canaryOwner = optional(
    'healthCanaryOwner',
    /^[\x21-\x7e]{1,256}$/,
    "the canary's owner identity (as its owner tag holds it)",
  );
  if (canaryOwner !== undefined && canaryProfile === undefined)
    problems.push('param healthCanaryOwner needs healthCanaryProfile');
  const alarmTopicArn = optional(
    'healthAlarmTopicArn',
    /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
    'an SNS topic ARN',
  );
  const ownerTagKey = optional('profileOwnerTag', /^[\x21-\x7e]{1,128}$/, 'a tag key');
  const health: HealthParams = {
    intervalMinutes: int('healthIntervalMinutes', 5, 1, 1440),
    ...(canaryProfile !== undefined && {
      canary: { profileName: canaryProfile, ...(canaryOwner !== undefined && { ownerIdentity: canaryOwner }) },
    }),
    ...(alarmTopicArn !== undefined && { alarmTopicArn }),
  };
  let local: DeploymentParams['local'];
  if (stage === LOCAL_STAGE) {
    const loopback = (name: string): string => {
      const value = (raw[name] ?? '').trim();
      if (!isLoopbackUrl(value, ['http:'])) {
        problems.push(`param ${name} must be a loopback http URL on the local stage, got "${value}"`);
      }
      return value;
    };
    const dnsServer = (raw.localDnsServer ?? '').trim();
    if (!/^127\.0\.0\.1:\d{1,5}$/.test(dnsServer))
      problems.push(`param localDnsServer must be 127.0.0.1:PORT, got "${dnsServer}"`);
    local = {
      dynamoEndpointUrl: loopback('localDynamoEndpointUrl'),
      dnsServer,
      sagemakerEndpointUrl: loopback('sagemakerEndpointUrl'),
      jwksUrl: loopback('jwtJwksUri'),
      studioOrigin: loopback('localStudioOrigin'),
    };
  } else {
    for (const name of ['localDynamoEndpointUrl', 'localDnsServer']) {
      if ((raw[name] ?? '').trim() !== '')
        problems.push(`param ${name} is for the local stack only; leave it empty on stage "${stage}"`);
    }
    // A secret never goes into the template or the Lambda environment: deployed stages read SSM.
    const secretsSource = (raw.ssoSecretsSource ?? '').trim();
    if (secretsSource !== '' && secretsSource !== 'ssm') {
      problems.push(`param ssoSecretsSource is for the local stack only (secrets as values); leave it empty on stage "${stage}"`);
    }
    for (const name of ['oidcClientSecret', 'ssoCookieKeys']) {
      const value = (raw[name] ?? '').trim();
      if (value !== '' && !value.startsWith('ssm:')) {
        problems.push(
          `param ${name} must name an SSM parameter (ssm:/…) on stage "${stage}": a secret never goes into the template`,
        );
      }
    }
  }

  const several = severalDomains(raw, stage, region, problems);
  const issuanceRaw = (raw.issuance ?? '').trim();
  const issuance: IssuanceMode = issuanceRaw === 'direct' ? 'direct' : 'tag-bound';
  if (issuanceRaw !== '' && !isIssuanceMode(issuanceRaw))
    problems.push(`param issuance must be tag-bound (the default) or direct, got "${issuanceRaw}"`);
  const issuerRoleArn = optional('issuerRoleArn', ROLE_ARN_PATTERN, 'an IAM role ARN');
  if (several && (issuanceRaw !== '' || issuerRoleArn !== undefined)) {
    problems.push('params issuance and issuerRoleArn are for one domain; with studioDomains, each domain says (issuance, role)');
  }
  if (issuance === 'direct' && issuerRoleArn !== undefined) problems.push('param issuerRoleArn goes with issuance tag-bound');
  // The single domain's own issuer role, assumed through STS's interface endpoint (ours, or private DNS).
  const ownIssuerRole = !several && issuance === 'tag-bound';

  const sso = { oidc: flag('ssoOidc', false), saml: flag('ssoSaml', false) };
  if ((sso.oidc || sso.saml) && authMode === 'iam') {
    problems.push(
      'the SSO bridge (ssoOidc, ssoSaml) needs authMode jwt: its people are named by email, as the owner tags of a jwt stage are',
    );
  }
  const params: DeploymentParams = {
    service,
    stage,
    domainId: several
      ? primaryDomain(several.domains, region, several.networkAccountId)
      : need('domainId', ID.domain, 'a Studio domain id (d-...)'),
    ...(several && { several }),
    issuance,
    ...(issuerRoleArn !== undefined && { issuerRoleArn }),
    vpcId: need('vpcId', ID.vpc, 'a VPC id'),
    subnetIds: ids('subnetIds', ID.subnet, 'subnet id', 2),
    studioSecurityGroupIds: ids('studioSecurityGroupIds', ID.sg, 'security group id', 1),
    existing: Object.fromEntries(
      (['SageMakerApi', 'Studio', 'ExecuteApi'] as const)
        .map((name) => [name, existing(`existing${name}EndpointId`)] as const)
        .filter(([, id]) => id !== undefined),
    ),
    privateDns: { SageMakerApi: flag('sagemakerApiPrivateDns', true), Studio: flag('studioPrivateDns', true) },
    extraEndpoints: {
      // Issuer roles are assumed through STS's interface endpoint: ours, unless stsEndpointUrl names another.
      Sts:
        flag('createStsEndpoint', false) ||
        (((several?.domains.some((d) => d.issuerRoleArn !== undefined) === true && (raw.stsEndpointUrl ?? '').trim() === '') ||
          ownIssuerRole) &&
          !local),
      Logs: flag('createLogsEndpoint', false),
      Monitoring: flag('createMonitoringEndpoint', false),
      Ec2: flag('createEc2Endpoint', false),
      // The SSO functions read their secrets from SSM: through an endpoint of ours.
      Ssm: !local && (sso.oidc || sso.saml),
    },
    clientCidrs: clientCidrsRaw === '*' ? [] : cidrs('allowedSourceCidrs'),
    publicSourceCidrs: cidrs('publicSourceCidrs'),
    lambdaEgressCidrs: cidrs('lambdaEgressCidrs'),
    authMode: authMode as 'jwt' | 'iam',
    region,
    functionTimeoutSeconds: int('functionTimeoutSeconds', 20, 1, 28),
    provisionedConcurrency: int('provisionedConcurrency', 0, 0, 1000),
    ...(ownerTagKey !== undefined && { ownerTagKey }),
    health,
    sso,
    ...(local && { local }),
  };
  if (problems.length > 0) throw new DeploymentParamsError(problems);
  return params;
}

/**
 * studioDomains, read by the functions' own reader (src/config/domains.ts), so the stage is refused
 * for exactly what the functions would refuse. With it, domainId and studioAccountId must be empty
 * (on the local stage their defaults stand aside) and networkAccountId names this stack's account.
 */
function severalDomains(
  raw: RawDeploymentParams,
  stage: string,
  region: string,
  problems: string[],
): DeploymentParams['several'] {
  const text = (raw.studioDomains ?? '').trim();
  if (text === '') {
    for (const name of ['networkAccountId', 'stsEndpointUrl', 'issuerSessionSeconds']) {
      if ((raw[name] ?? '').trim() !== '' && !(stage === LOCAL_STAGE && name === 'networkAccountId')) {
        problems.push(`param ${name} is for several domains (studioDomains); leave it empty with domainId`);
      }
    }
    return undefined;
  }
  // local.yml's defaults for one domain stand aside on the local stage.
  for (const name of stage === LOCAL_STAGE ? [] : ['domainId', 'studioAccountId']) {
    if ((raw[name] ?? '').trim() !== '') problems.push(`param ${name} must be empty with studioDomains (list the domain there)`);
  }
  const endpoint = (raw.sagemakerEndpointUrl ?? '').trim();
  const { settings, problems: found } = readDomainList(
    {
      STUDIO_DOMAINS: text,
      STUDIO_GATE_ACCOUNT_ID: raw.networkAccountId,
      AWS_ENDPOINT_URL_STS: raw.stsEndpointUrl,
      ISSUER_SESSION_SECONDS: raw.issuerSessionSeconds,
      // As the functions read it: only the local stage's flag lets the domains name loopback endpoints.
      ...(stage === LOCAL_STAGE && { LOCAL_STUDIO_ORIGIN: raw.localStudioOrigin }),
    },
    region,
    endpoint === '' ? undefined : endpoint,
  );
  problems.push(...found.map((problem) => `param studioDomains: ${problem}`));
  return {
    domains: settings.domains,
    networkAccountId: (raw.networkAccountId ?? '').trim(),
    ...(settings.stsEndpointUrl !== undefined && { stsEndpointUrl: settings.stsEndpointUrl }),
  };
}

/** The domain the single-domain parts (health checks, user policies) are about: the first of this account and region. */
function primaryDomain(domains: readonly StudioDomain[], region: string, account: string): string {
  const home = domains.find((d) => d.region === region && d.accountId === account);
  return (home ?? domains[0])?.id ?? '';
}
