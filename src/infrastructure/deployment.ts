/**
 * The private path studio-gate deploys into an existing VPC, built from stage parameters: the
 * interface VPC endpoints and their security groups, private DNS where an endpoint has none, the
 * function's role, the user-side managed policies, and what serverless.yml needs for the private API
 * (endpoint ids, resource policy, VPC config). Pure: config/serverless/deployment.js feeds it the
 * resolved parameters and hands the result to the Framework. No account id or region is written
 * here: they stay `${AWS::AccountId}` / `${AWS::Region}` until CloudFormation fills them in.
 */

import type { WrittenPlan } from '../domain/health/plan';
import { type CidrBlock, coversWholeAddressSpace, parseCidr } from '../domain/network-source';
import { SECURITY_HEADERS } from '../http/headers';
import { apiResourcePolicyStatements, executeApiEndpointPolicy } from '../policies/api-policies';
import type { DeploymentFacts, PolicyDocument } from '../policies/policy-types';
import {
  sagemakerApiEndpointPolicy,
  studioEndpointPolicy,
  studioUrlFunctionStatements,
  userPolicies,
} from '../policies/sagemaker-policies';
import { type CfnValue, toCloudFormation } from './cloudformation';
import { deployedHealthPlan, localHealthPlan } from './health-plan';
import { type HealthParams, healthPart } from './health-resources';
import { functionRole } from './roles';

/** Stage parameters as strings, exactly as serverless resolves them. */
export type RawDeploymentParams = Readonly<Record<string, string | undefined>>;

/** Interface endpoints studio-gate knows how to create. */
export const ENDPOINTS = {
  SageMakerApi: { service: 'com.amazonaws.${AWS::Region}.sagemaker.api', param: 'SageMakerApi' },
  Studio: { service: 'aws.sagemaker.${AWS::Region}.studio', param: 'Studio' },
  ExecuteApi: { service: 'com.amazonaws.${AWS::Region}.execute-api', param: 'ExecuteApi' },
  Sts: { service: 'com.amazonaws.${AWS::Region}.sts', param: 'Sts' },
  Logs: { service: 'com.amazonaws.${AWS::Region}.logs', param: 'Logs' },
  Monitoring: { service: 'com.amazonaws.${AWS::Region}.monitoring', param: 'Monitoring' },
  Ec2: { service: 'com.amazonaws.${AWS::Region}.ec2', param: 'Ec2' },
} as const;

/** Validated deployment parameters. */
export interface DeploymentParams {
  readonly service: string;
  readonly stage: string;
  readonly domainId: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly studioSecurityGroupIds: readonly string[];
  /** Existing endpoint ids to use instead of creating one. */
  readonly existing: Readonly<Partial<Record<'SageMakerApi' | 'Studio' | 'ExecuteApi', string>>>;
  readonly privateDns: Readonly<Record<'SageMakerApi' | 'Studio', boolean>>;
  readonly extraEndpoints: Readonly<Record<'Sts' | 'Logs' | 'Monitoring' | 'Ec2', boolean>>;
  /** Client ranges (IPv4/IPv6): ALLOWED_SOURCE_CIDRS, the API's aws:VpcSourceIp narrowing, endpoint ingress. */
  readonly clientCidrs: readonly string[];
  readonly publicSourceCidrs: readonly string[];
  readonly lambdaEgressCidrs: readonly string[];
  readonly authMode: 'jwt' | 'iam';
  readonly region: string;
  /** The owner tag GET /studio-url checks (profileOwnerTag), for the canary check. */
  readonly ownerTagKey?: string;
  readonly health: HealthParams;
  /** The local stack's loopback peers (stage local only). */
  readonly local?: {
    readonly dynamoEndpointUrl: string;
    readonly dnsServer: string;
    readonly sagemakerEndpointUrl: string;
    readonly jwksUrl: string;
  };
}

/** The narrowest prefix a client or egress range may have without `allowBroadCidrs=true`. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** The stage `npm start` runs; the only one that may point Studio URLs at a loopback emulator. */
export const LOCAL_STAGE = 'local';

/** `https://vpce-<id>-<suffix>[-<az>].api.sagemaker.<region>.vpce.amazonaws.com`: a SageMaker API endpoint's own DNS name. */
function sagemakerEndpointHost(region: string): RegExp {
  const r = region.replace(/[^a-z0-9-]/g, '');
  return new RegExp(`^vpce-[0-9a-f]{8,17}-[0-9a-z]{8}(?:-${r}[a-z])?\\.api\\.sagemaker\\.${r}\\.vpce\\.amazonaws\\.com$`);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

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
      const [address, bits] = parsed.range;
      const min = MIN_PREFIX[address.kind()];
      if (bits === 0) problems.push(`param ${name}: "${v}" is the whole address space`);
      else if (bits < min && !allowBroad) {
        problems.push(`param ${name}: "${v}" is broader than /${min} (set allowBroadCidrs=true if that is really meant)`);
      }
      blocks.push(parsed);
    }
    const whole = coversWholeAddressSpace(blocks);
    if (whole && !blocks.some(({ range }) => range[1] === 0)) {
      problems.push(`param ${name}: together the ranges cover the whole ${whole} address space`);
    }
    return blocks.map(({ range: [address, bits] }) => `${address.toString()}/${bits}`);
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
    let url: URL | undefined;
    try {
      url = new URL(endpointUrl);
    } catch {
      url = undefined;
    }
    const origin = url !== undefined && endpointUrl.replace(/\/$/, '') === url.origin;
    const loopback = url !== undefined && stage === LOCAL_STAGE && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
    const endpoint =
      url !== undefined && url.protocol === 'https:' && sagemakerEndpointHost(region).test(url.hostname) && url.port === '';
    if (!origin || !(loopback || endpoint)) {
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
      if (!URL.canParse(value) || !LOOPBACK_HOSTS.has(new URL(value).hostname) || new URL(value).protocol !== 'http:') {
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
    };
  } else {
    for (const name of ['localDynamoEndpointUrl', 'localDnsServer']) {
      if ((raw[name] ?? '').trim() !== '')
        problems.push(`param ${name} is for the local stack only; leave it empty on stage "${stage}"`);
    }
  }

  const params: DeploymentParams = {
    service,
    stage,
    domainId: need('domainId', ID.domain, 'a Studio domain id (d-...)'),
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
      Sts: flag('createStsEndpoint', false),
      Logs: flag('createLogsEndpoint', false),
      Monitoring: flag('createMonitoringEndpoint', false),
      Ec2: flag('createEc2Endpoint', false),
    },
    clientCidrs: clientCidrsRaw === '*' ? [] : cidrs('allowedSourceCidrs'),
    publicSourceCidrs: cidrs('publicSourceCidrs'),
    lambdaEgressCidrs: cidrs('lambdaEgressCidrs'),
    authMode: authMode as 'jwt' | 'iam',
    region,
    ...(ownerTagKey !== undefined && { ownerTagKey }),
    health,
    ...(local && { local }),
  };
  if (problems.length > 0) throw new DeploymentParamsError(problems);
  return params;
}

/** What serverless.yml takes from the deployment. */
export interface Deployment {
  /** `resources:` fragment: Resources and Outputs. */
  readonly resources: { Resources: Record<string, unknown>; Outputs: Record<string, unknown> };
  /** `provider.apiGateway.resourcePolicy` statements. */
  readonly apiResourcePolicy: CfnValue;
  /** `provider.vpcEndpointIds`. */
  readonly executeApiVpceIds: CfnValue;
  /** `provider.vpc`. */
  readonly lambdaVpc: CfnValue;
  /** Values for the function environment. */
  readonly allowedVpceIds: CfnValue;
  readonly allowedVpcIds: string;
  /** Facts with placeholders, for tests and docs. */
  readonly facts: DeploymentFacts;
  /** The stage's health plan (with placeholders outside the local stage). */
  readonly healthPlan: WrittenPlan;
  readonly healthCheckEnvironment: Record<string, CfnValue>;
  readonly healthEnvironment: Record<string, CfnValue>;
}

const HTTPS = 443;

/** Logical id of an endpoint's security group. */
function endpointGroupOf(name: keyof typeof ENDPOINTS): string {
  if (name === 'Studio') return 'StudioEndpointSecurityGroup';
  if (name === 'ExecuteApi') return 'ExecuteApiEndpointSecurityGroup';
  return 'ServiceEndpointSecurityGroup';
}

/** The CloudFormation property naming a CIDR block, IPv4 or IPv6. */
function rangeOf(cidr: string): { CidrIp: string } | { CidrIpv6: string } {
  return cidr.includes(':') ? { CidrIpv6: cidr } : { CidrIp: cidr };
}

/** A 443/tcp rule of `group`, in or out, to or from a security group or a CIDR range. */
function rule443(kind: 'Ingress' | 'Egress', group: string, peer: Record<string, CfnValue>, description: string): unknown {
  return {
    Type: `AWS::EC2::SecurityGroup${kind}`,
    Properties: { GroupId: { Ref: group }, IpProtocol: 'tcp', FromPort: HTTPS, ToPort: HTTPS, ...peer, Description: description },
  };
}

/** A security group with no egress at all (AWS adds allow-all egress unless one rule is given; this one matches nothing routable). */
function securityGroup(vpcId: string, description: string): unknown {
  return {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: description,
      VpcId: vpcId,
      SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '127.0.0.1/32', Description: 'no egress' }],
    },
  };
}

function aliasTo(endpoint: string): CfnValue {
  const entry = { 'Fn::Select': [0, { 'Fn::GetAtt': [endpoint, 'DnsEntries'] }] };
  return {
    DNSName: { 'Fn::Select': [1, { 'Fn::Split': [':', entry] }] },
    HostedZoneId: { 'Fn::Select': [0, { 'Fn::Split': [':', entry] }] },
  };
}

/** Builds the deployment from validated parameters. */
export function buildDeployment(params: DeploymentParams): Deployment {
  const vars: Record<string, CfnValue> = {};
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  const endpointId = (name: 'SageMakerApi' | 'Studio' | 'ExecuteApi'): string => {
    const given = params.existing[name];
    if (given) return given;
    vars[`${name}VpceId`] = { Ref: `${name}Endpoint` };
    return `\${${name}VpceId}`;
  };

  const facts: DeploymentFacts = {
    partition: '${AWS::Partition}',
    region: '${AWS::Region}',
    accountId: '${AWS::AccountId}',
    domainId: params.domainId,
    vpcId: params.vpcId,
    sagemakerApiVpceId: endpointId('SageMakerApi'),
    studioVpceId: endpointId('Studio'),
    executeApiVpceIds: [endpointId('ExecuteApi')],
    authMode: params.authMode,
    vpcSourceCidrs: params.clientCidrs,
    publicSourceCidrs: params.publicSourceCidrs,
  };
  vars.LambdaSecurityGroupId = { Ref: 'LambdaSecurityGroup' };
  vars.ServiceTableName = { Ref: 'ServiceTable' };
  vars.ApiGatewayRestApi = { Ref: 'ApiGatewayRestApi' };
  const render = (value: unknown) => toCloudFormation(value, vars);

  // Security groups: the Lambda's, and one per kind of endpoint. Ingress is 443 only, from named
  // groups or the configured client ranges; never 0.0.0.0/0 (parseDeploymentParams refuses it).
  resources.LambdaSecurityGroup = securityGroup(params.vpcId, 'studio-gate functions: 443 out to our endpoints only');
  resources.ServiceEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'studio-gate interface endpoints (SageMaker API and AWS services): 443 from Studio and the functions',
  );
  resources.StudioEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'Studio interface endpoint: 443 from Studio, the functions and client ranges',
  );
  resources.ExecuteApiEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'execute-api interface endpoint: 443 from client ranges',
  );
  for (const group of ['ServiceEndpointSecurityGroup', 'StudioEndpointSecurityGroup']) {
    resources[`${group}IngressFromLambda`] = rule443(
      'Ingress',
      group,
      { SourceSecurityGroupId: { Ref: 'LambdaSecurityGroup' } },
      'studio-gate functions',
    );
    params.studioSecurityGroupIds.forEach((sg, i) => {
      resources[`${group}IngressFromStudio${i}`] = rule443(
        'Ingress',
        group,
        { SourceSecurityGroupId: sg },
        `Studio security group ${sg}`,
      );
    });
    resources[`LambdaEgressTo${group}`] = rule443(
      'Egress',
      'LambdaSecurityGroup',
      { DestinationSecurityGroupId: { Ref: group } },
      'to our endpoints',
    );
  }
  params.clientCidrs.forEach((cidr, i) => {
    resources[`ExecuteApiEndpointSecurityGroupIngressFromClients${i}`] = rule443(
      'Ingress',
      'ExecuteApiEndpointSecurityGroup',
      rangeOf(cidr),
      'clients of the private API',
    );
    resources[`StudioEndpointSecurityGroupIngressFromClients${i}`] = rule443(
      'Ingress',
      'StudioEndpointSecurityGroup',
      rangeOf(cidr),
      'browsers opening Studio',
    );
  });
  params.lambdaEgressCidrs.forEach((cidr, i) => {
    resources[`LambdaEgressToCidr${i}`] = rule443('Egress', 'LambdaSecurityGroup', rangeOf(cidr), 'identity provider (JWKS)');
  });

  // Interface endpoints, in every configured subnet.
  const policies: Partial<Record<keyof typeof ENDPOINTS, PolicyDocument>> = {
    SageMakerApi: sagemakerApiEndpointPolicy(facts),
    Studio: studioEndpointPolicy(facts),
    ExecuteApi: executeApiEndpointPolicy(facts),
  };
  const wanted = (Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[]).filter((name) => {
    if (name === 'SageMakerApi' || name === 'Studio' || name === 'ExecuteApi') return params.existing[name] === undefined;
    return params.extraEndpoints[name];
  });
  for (const name of wanted) {
    const privateDns = name === 'SageMakerApi' || name === 'Studio' ? params.privateDns[name] : true;
    resources[`${name}Endpoint`] = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Interface',
        ServiceName: render(ENDPOINTS[name].service),
        VpcId: params.vpcId,
        SubnetIds: [...params.subnetIds],
        SecurityGroupIds: [{ Ref: endpointGroupOf(name) }],
        PrivateDnsEnabled: privateDns,
        ...(policies[name] && { PolicyDocument: render(policies[name]) }),
      },
    };
    outputs[`${name}EndpointId`] = { Description: `${name} interface endpoint id`, Value: { Ref: `${name}Endpoint` } };
  }

  // Private DNS through Route 53 where the endpoint's own private DNS is off: a private zone for
  // the service's name, associated with the VPC, and an alias record to the endpoint.
  const privateZones = [
    {
      endpoint: 'SageMakerApi',
      zone: 'api.sagemaker.${AWS::Region}.amazonaws.com',
      record: 'api.sagemaker.${AWS::Region}.amazonaws.com',
      recordId: 'SageMakerApiPrivateRecord',
    },
    {
      endpoint: 'Studio',
      zone: 'studio.${AWS::Region}.sagemaker.aws',
      record: '*.studio.${AWS::Region}.sagemaker.aws',
      recordId: 'StudioPrivateWildcardRecord',
    },
  ] as const;
  for (const { endpoint, zone, record, recordId } of privateZones) {
    if (params.privateDns[endpoint] || params.existing[endpoint] !== undefined) continue;
    resources[`${endpoint}PrivateZone`] = {
      Type: 'AWS::Route53::HostedZone',
      Properties: { Name: render(zone), VPCs: [{ VPCId: params.vpcId, VPCRegion: { Ref: 'AWS::Region' } }] },
    };
    resources[recordId] = {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        HostedZoneId: { Ref: `${endpoint}PrivateZone` },
        Name: render(record),
        Type: 'A',
        AliasTarget: aliasTo(`${endpoint}Endpoint`),
      },
    };
  }

  // API Gateway's own answers (resource-policy denials, throttling, integration timeouts) carry
  // the same no-store/no-referrer headers as the function's.
  for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
    resources[`GatewayResponse${type.replace('DEFAULT_', 'Default')}`] = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: type,
        ResponseParameters: Object.fromEntries(
          Object.entries(SECURITY_HEADERS).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`]),
        ),
      },
    };
  }

  // The function's role and the user-side managed policies.
  resources.StudioUrlRole = render(functionRole(params, 'studioUrl', studioUrlFunctionStatements(facts)));
  const users = userPolicies(facts);
  const descriptions: Record<keyof typeof users, string> = {
    sourceVpc: 'Studio URLs only from the studio-gate VPC (aws:SourceVpc)',
    sourceVpce: 'Studio URLs only through the studio-gate SageMaker endpoints (aws:SourceVpce)',
    sourceIp: 'Studio URLs only from the corporate public ranges (aws:SourceIp)',
    vpcSourceIp: 'Studio URLs only from client ranges inside the studio-gate VPC (aws:VpcSourceIp + aws:SourceVpc)',
    ownProfileByTag: 'Studio URLs only for the profile whose studiouserid tag matches the caller',
  };
  for (const [key, document] of Object.entries(users) as [keyof typeof users, PolicyDocument | undefined][]) {
    if (!document) continue;
    const id = `UserPolicy${key[0]?.toUpperCase()}${key.slice(1)}`;
    resources[id] = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { Description: descriptions[key], PolicyDocument: render(document) },
    };
    outputs[`${id}Arn`] = { Description: descriptions[key], Value: { Ref: id } };
  }

  // The health checks: table, DynamoDB endpoint, roles, alarm, dashboard (src/infrastructure/health-resources.ts).
  const planInput = {
    ...params,
    domainId: params.domainId,
    ...(params.health.canary && { canary: params.health.canary }),
  };
  const healthPlan = params.local
    ? localHealthPlan({
        region: params.region,
        domainId: params.domainId,
        emulatorUrl: params.local.sagemakerEndpointUrl,
        jwksUrl: params.local.jwksUrl,
        dnsServer: params.local.dnsServer,
        ...(params.health.canary && { canary: params.health.canary }),
        ...(params.ownerTagKey !== undefined && { ownerTagKey: params.ownerTagKey }),
      })
    : deployedHealthPlan(planInput);
  const health = healthPart(params, facts, healthPlan, render);
  Object.assign(resources, health.resources);
  Object.assign(outputs, health.outputs);
  // serverless-offline reads no CloudFormation: the local stage's environments are plain values.
  const localStore = params.local && {
    HEALTH_TABLE_NAME: `${params.service}-${params.stage}`,
    AWS_ENDPOINT_URL_DYNAMODB: params.local.dynamoEndpointUrl,
    METRICS_SERVICE: `${params.service}-${params.stage}`,
  };
  const healthCheckEnvironment = localStore
    ? {
        ...localStore,
        HEALTH_PLAN: JSON.stringify(healthPlan),
        AWS_ENDPOINT_URL_SAGEMAKER: params.local?.sagemakerEndpointUrl ?? '',
      }
    : health.healthCheckEnvironment;
  const healthEnvironment = localStore
    ? { ...localStore, HEALTH_INTERVAL_MINUTES: String(params.health.intervalMinutes) }
    : health.healthEnvironment;

  return {
    healthPlan,
    healthCheckEnvironment,
    healthEnvironment,
    resources: { Resources: resources, Outputs: outputs },
    apiResourcePolicy: render(apiResourcePolicyStatements(facts)),
    executeApiVpceIds: render(facts.executeApiVpceIds),
    lambdaVpc: { securityGroupIds: [{ Ref: 'LambdaSecurityGroup' }], subnetIds: [...params.subnetIds] },
    allowedVpceIds: render(facts.executeApiVpceIds.join(',')),
    allowedVpcIds: params.vpcId,
    facts,
  };
}
