/**
 * `serverless package` without AWS credentials, then the generated CloudFormation template read
 * back: every resource, property and link of the private path, cfn-lint, and the deployed policies
 * (intrinsics resolved with concrete ids) evaluated by the IAM simulator.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveCfnLint } from '../../scripts/local/cfn-lint';
import { parseHealthCheckConfig, parseHealthEndpointConfig } from '../../src/config/health';
import { parseSsoConfig } from '../../src/config/sso';
import { parseConfig } from '../../src/config/studio-url';
import { checkNamesOf } from '../../src/infrastructure/health-resources';
import { ACCOUNT, type Decision, OTHER_ACCOUNT, resolveIntrinsics, simulate } from '../support/iam';
import { zipEntries, zipText } from '../support/zip-entries';

jest.setTimeout(180_000);

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BUILD_DIR = `.esbuild-package-test-${process.pid}`;

type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;
  Outputs: Record<string, unknown>;
};
interface Packaged {
  dir: string;
  template: Template;
  state: { service: { provider: Record<string, any> } };
  templatePath: string;
}

/** Packages a stage with extra --param overrides, with no AWS credentials in the environment. */
async function packageStage(stage: string, params: Record<string, string> = {}): Promise<Packaged> {
  const dir = mkdtempSync(join(tmpdir(), 'studio-gate-package-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    STUDIO_GATE_BUILD_DIR: BUILD_DIR,
  };
  const args = [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'package', '--stage', stage, '--package', dir];
  for (const [k, v] of Object.entries(params)) args.push('--param', `${k}=${v}`);
  await run(process.execPath, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  const templatePath = join(dir, 'cloudformation-template-update-stack.json');
  return {
    dir,
    templatePath,
    template: JSON.parse(readFileSync(templatePath, 'utf8')),
    state: JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')),
  };
}

const IDS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': ACCOUNT,
  SageMakerApiEndpoint: 'vpce-0aaaaaaaaaaaaaaa1',
  StudioEndpoint: 'vpce-0bbbbbbbbbbbbbbb2',
  ExecuteApiEndpoint: 'vpce-0ccccccccccccccc3',
  LambdaSecurityGroup: 'sg-0eeeeeeeeeeeeeee5',
  ServiceTable: 'studio-gate-ci-ServiceTable-ABC123',
  ApiGatewayRestApi: 'a1b2c3d4e5',
  'DynamoDbEndpoint.DnsEntries': JSON.stringify([
    'Z7HUB22UULQXV:vpce-0fffffffffffffff6-abcdefgh.dynamodb.eu-west-1.vpce.amazonaws.com',
    'Z7HUB22UULQXV:vpce-0fffffffffffffff6-abcdefgh-eu-west-1a.dynamodb.eu-west-1.vpce.amazonaws.com',
  ]),
};

function ofType(template: Template, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

let ci: Packaged;
let iam: Packaged;
let several: Packaged;

/** The hub stage (config/params.yml): a domain of this account, one of another (its issuer role), one of another region. */
const RISK_ACCOUNT = '555566667777';
/** The hub stage's home domain: tag-bound through an issuer role in studio-gate's own account. */
const HOME_ROLE = 'arn:aws:iam::111122223333:role/studio-gate-issuer';
const RISK_ROLES = [
  `arn:aws:iam::${RISK_ACCOUNT}:role/studio-gate-issuer`,
  `arn:aws:iam::${RISK_ACCOUNT}:role/studio-gate-issuer-us`,
];

// Finds cfn-lint, or provisions the pinned one into .local/cfn-lint (slow only the first time).
beforeAll(() => resolveCfnLint(), 600_000);

beforeAll(async () => {
  // One after the other: serverless-esbuild bundles in a shared .esbuild folder.
  ci = await packageStage('ci');
  iam = await packageStage('ci', {
    authMode: 'iam',
    iamAllowedAccounts: ACCOUNT,
    iamAllowedRoles: `${ACCOUNT}:StudioUsers`,
    existingSageMakerApiEndpointId: 'vpce-0123456789abcdef1',
    existingStudioEndpointId: 'vpce-0123456789abcdef2',
    existingExecuteApiEndpointId: 'vpce-0123456789abcdef3',
    sagemakerApiPrivateDns: 'false',
    createStsEndpoint: 'false',
    createLogsEndpoint: 'false',
    createMonitoringEndpoint: 'false',
    createEc2Endpoint: 'false',
    healthIntervalMinutes: '1',
    healthAlarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:studio-gate-alerts`,
    provisionedConcurrency: '2',
    // The SSO bridge needs jwt mode (its people are named by email).
    ssoOidc: 'false',
    ssoSaml: 'false',
  });
  several = await packageStage('hub');
});

afterAll(() => {
  for (const p of [ci, iam, several]) if (p) rmSync(p.dir, { recursive: true, force: true });
  rmSync(join(ROOT, BUILD_DIR), { recursive: true, force: true });
});

describe('packaged template (stage ci: create everything)', () => {
  it('names no account id or region by hand', () => {
    const text = JSON.stringify(ci.template);
    expect(text).not.toMatch(/:\d{12}:|"\d{12}"/);
    expect(text).not.toMatch(/"(eu|us|ap|sa|ca|me|af|il)-[a-z]+-\d"/);
    expect(text).not.toMatch(/(eu|us|ap)-[a-z]+-\d\./);
  });

  it('makes the REST API private, bound to our execute-api endpoint, with AWS’s resource-policy pattern', () => {
    const api = ci.template.Resources.ApiGatewayRestApi?.Properties as Record<string, any>;
    expect(api.EndpointConfiguration.Types).toEqual(['PRIVATE']);
    expect(resolveIntrinsics(api.EndpointConfiguration.VpcEndpointIds, IDS)).toEqual(['vpce-0ccccccccccccccc3']);
    const policy = resolveIntrinsics(api.Policy, IDS) as { Statement: any[] };
    expect(policy.Statement.map((s) => [s.Sid, s.Effect])).toEqual([
      ['AllowInvoke', 'Allow'],
      ['DenyOutsideOurEndpoints', 'Deny'],
      ['DenyOutsideClientRanges', 'Deny'],
    ]);
    expect(policy.Statement[1].Condition).toEqual({ StringNotEquals: { 'aws:SourceVpce': ['vpce-0ccccccccccccccc3'] } });
    expect(policy.Statement[2].Condition).toEqual({ NotIpAddress: { 'aws:VpcSourceIp': ['192.0.2.0/24', '2001:db8::/32'] } });
  });

  it('logs API access without execution logs, data tracing or query strings', () => {
    const logs = ci.state.service.provider.logs.restApi;
    expect(logs).toMatchObject({ accessLogging: true, executionLogging: false, fullExecutionData: false });
    expect(logs.format).not.toMatch(/querystring|\$input|\$context\.path|requestOverride|Authorization/i);
    expect(JSON.parse(logs.format)).toHaveProperty('vpce', '$context.identity.vpceId');
  });

  it('puts no-store and the other security headers on API Gateway’s own 4xx and 5xx answers', () => {
    const responses = ofType(ci.template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const r of responses) {
      expect(r.RestApiId).toEqual({ Ref: 'ApiGatewayRestApi' });
      expect(r.ResponseParameters).toEqual({
        'gatewayresponse.header.Cache-Control': "'no-store'",
        'gatewayresponse.header.Pragma': "'no-cache'",
        'gatewayresponse.header.Referrer-Policy': "'no-referrer'",
        'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      });
    }
  });

  it('authorizes GET and POST /studio-url without AWS_IAM in jwt mode, both on the studio-url function', () => {
    expect(ci.template.Resources.ApiGatewayMethodStudioDashurlGet?.Properties.AuthorizationType).toBe('NONE');
    expect(ci.template.Resources.ApiGatewayMethodStudioDashurlPost?.Properties.AuthorizationType).toBe('NONE');
    const methods = ofType(ci.template, 'AWS::ApiGateway::Method').map(([id, r]) => [
      id,
      JSON.stringify(r.Properties.Integration.Uri),
    ]);
    const target = (id: string) =>
      id.includes('Health')
        ? 'HealthLambdaFunction'
        : id.includes('SsoSaml')
          ? 'SsoSamlLambdaFunction'
          : id.includes('Sso')
            ? 'SsoOidcLambdaFunction'
            : 'StudioUrlLambdaFunction';
    for (const [id, uri] of methods) expect(uri).toContain(target(id as string));
    expect(methods.map(([id]) => id).sort()).toEqual([
      'ApiGatewayMethodHealthGet',
      'ApiGatewayMethodSsoCallbackGet',
      'ApiGatewayMethodSsoLoginGet',
      'ApiGatewayMethodSsoSamlLoginGet',
      'ApiGatewayMethodSsoSamlMetadataGet',
      'ApiGatewayMethodSsoSamlPost',
      'ApiGatewayMethodStudioDashurlGet',
      'ApiGatewayMethodStudioDashurlPost',
    ]);
  });

  it('puts the function in the VPC, with its own role and a timeout matching its configuration', () => {
    const fn = ci.template.Resources.StudioUrlLambdaFunction?.Properties as Record<string, any>;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.VpcConfig).toEqual({
      SecurityGroupIds: [{ Ref: 'LambdaSecurityGroup' }],
      SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['StudioUrlRole', 'Arn'] });
    expect(fn.Environment.Variables.FUNCTION_TIMEOUT_SECONDS).toBe(String(fn.Timeout));
    expect(fn.Timeout).toBeLessThan(29);
    expect(ofType(ci.template, 'AWS::IAM::Role').map(([id]) => id)).toEqual([
      'StudioUrlRole',
      'HealthCheckRole',
      'HealthRole',
      // Tag-bound (the default): every URL is issued through it.
      'IssuerRole',
      'SsoOidcRole',
      'SsoSamlRole',
    ]);
  });

  it('gives the function an environment that passes the service’s own config validation', () => {
    const fn = ci.template.Resources.StudioUrlLambdaFunction?.Properties as Record<string, any>;
    const env = resolveIntrinsics(fn.Environment.Variables, IDS) as Record<string, string>;
    const config = parseConfig({ ...env, AWS_REGION: 'eu-west-1' });
    expect(config.source.vpceIds).toEqual({ kind: 'only', values: ['vpce-0ccccccccccccccc3'] });
    expect(config.source.vpcIds).toEqual({ kind: 'only', values: ['vpc-0123456789abcdef0'] });
    expect(config.sagemakerEndpointUrl).toBeUndefined();
    expect(config.localStudioOrigin).toBeUndefined();
  });

  it('creates every interface endpoint in every subnet, private DNS on except where Route 53 stands in', () => {
    const endpoints = Object.fromEntries(ofType(ci.template, 'AWS::EC2::VPCEndpoint').map(([id, r]) => [id, r.Properties]));
    const services = Object.fromEntries(Object.entries(endpoints).map(([id, p]) => [id, resolveIntrinsics(p.ServiceName, IDS)]));
    expect(services).toEqual({
      SageMakerApiEndpoint: 'com.amazonaws.eu-west-1.sagemaker.api',
      StudioEndpoint: 'aws.sagemaker.eu-west-1.studio',
      ExecuteApiEndpoint: 'com.amazonaws.eu-west-1.execute-api',
      SsmEndpoint: 'com.amazonaws.eu-west-1.ssm',
      StsEndpoint: 'com.amazonaws.eu-west-1.sts',
      LogsEndpoint: 'com.amazonaws.eu-west-1.logs',
      MonitoringEndpoint: 'com.amazonaws.eu-west-1.monitoring',
      Ec2Endpoint: 'com.amazonaws.eu-west-1.ec2',
      DynamoDbEndpoint: 'com.amazonaws.eu-west-1.dynamodb',
    });
    for (const [id, p] of Object.entries(endpoints)) {
      expect(p.VpcEndpointType).toBe('Interface');
      expect(p.VpcId).toBe('vpc-0123456789abcdef0');
      expect(p.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
      // The DynamoDB endpoint is named by its own DNS name (AWS_ENDPOINT_URL_DYNAMODB).
      expect(p.PrivateDnsEnabled).toBe(id !== 'StudioEndpoint' && id !== 'DynamoDbEndpoint');
    }
    expect(endpoints.DynamoDbEndpoint?.SecurityGroupIds).toEqual([{ Ref: 'ServiceEndpointSecurityGroup' }]);
    expect(endpoints.StudioEndpoint?.SecurityGroupIds).toEqual([{ Ref: 'StudioEndpointSecurityGroup' }]);
    expect(endpoints.ExecuteApiEndpoint?.SecurityGroupIds).toEqual([{ Ref: 'ExecuteApiEndpointSecurityGroup' }]);
    expect(endpoints.SageMakerApiEndpoint?.SecurityGroupIds).toEqual([{ Ref: 'ServiceEndpointSecurityGroup' }]);
  });

  it('serves Studio’s private DNS from a Route 53 zone with a wildcard alias to the Studio endpoint', () => {
    const zone = ci.template.Resources.StudioPrivateZone?.Properties as Record<string, any>;
    expect(resolveIntrinsics(zone.Name, IDS)).toBe('studio.eu-west-1.sagemaker.aws');
    expect(zone.VPCs).toEqual([{ VPCId: 'vpc-0123456789abcdef0', VPCRegion: { Ref: 'AWS::Region' } }]);
    const record = ci.template.Resources.StudioPrivateWildcardRecord?.Properties as Record<string, any>;
    expect(resolveIntrinsics(record.Name, IDS)).toBe('*.studio.eu-west-1.sagemaker.aws');
    expect(record.HostedZoneId).toEqual({ Ref: 'StudioPrivateZone' });
    expect(JSON.stringify(record.AliasTarget)).toContain('"StudioEndpoint","DnsEntries"');
    expect(ci.template.Resources.SageMakerApiPrivateZone).toBeUndefined();
  });

  it('opens endpoints on 443 only, from Studio, the functions and client ranges; never from anywhere', () => {
    const ingress = ofType(ci.template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
      expect([rule.CidrIp, rule.CidrIpv6]).not.toContain('0.0.0.0/0');
      expect([rule.CidrIp, rule.CidrIpv6]).not.toContain('::/0');
    }
    const from = (group: string) =>
      ingress
        .filter((r) => r.GroupId.Ref === group)
        .map((r) => r.SourceSecurityGroupId?.Ref ?? r.SourceSecurityGroupId ?? r.CidrIp ?? r.CidrIpv6);
    expect(from('ServiceEndpointSecurityGroup').sort()).toEqual([
      'LambdaSecurityGroup',
      'sg-0ccccccccccccccc3',
      'sg-0ddddddddddddddd4',
    ]);
    expect(from('StudioEndpointSecurityGroup').sort()).toEqual([
      '192.0.2.0/24',
      '2001:db8::/32',
      'LambdaSecurityGroup',
      'sg-0ccccccccccccccc3',
      'sg-0ddddddddddddddd4',
    ]);
    expect(from('ExecuteApiEndpointSecurityGroup').sort()).toEqual(['192.0.2.0/24', '2001:db8::/32']);
    for (const [, group] of ofType(ci.template, 'AWS::EC2::SecurityGroup')) {
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(JSON.stringify(group.Properties.SecurityGroupEgress)).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
    }
  });

  it('lets the functions out only to our endpoints and the configured IdP range', () => {
    const egress = ofType(ci.template, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties);
    expect(egress.every((e) => e.GroupId.Ref === 'LambdaSecurityGroup' && e.FromPort === 443 && e.ToPort === 443)).toBe(true);
    expect(egress.map((e) => e.DestinationSecurityGroupId?.Ref ?? e.CidrIp).sort()).toEqual([
      '198.51.100.0/24',
      'ServiceEndpointSecurityGroup',
      'StudioEndpointSecurityGroup',
    ]);
  });

  it('gives every role statement a Sid, and Resource "*" only where IAM allows nothing narrower', () => {
    const doc = ci.template.Resources.StudioUrlRole?.Properties.Policies[0].PolicyDocument;
    const statements = resolveIntrinsics(doc, IDS) as { Statement: any[] };
    expect(statements.Statement.every((s) => typeof s.Sid === 'string' && s.Sid.length > 0)).toBe(true);
    expect(statements.Statement.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['DescribeNetworkInterfaces']);
  });

  const decisions: [string, string, string, Record<string, string>, Decision][] = [
    [
      'presign via the API endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      'user-profile/d-exampledomain/alice',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    [
      'presign via the Studio endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      'user-profile/d-exampledomain/alice',
      { 'aws:SourceVpce': 'vpce-0bbbbbbbbbbbbbbb2' },
      'Allowed',
    ],
    [
      'describe via the API endpoint',
      'sagemaker:DescribeUserProfile',
      'user-profile/d-exampledomain/bob',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    [
      'describe the domain',
      'sagemaker:DescribeDomain',
      'domain/d-exampledomain',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    [
      'presign via the execute-api endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      'user-profile/d-exampledomain/alice',
      { 'aws:SourceVpce': 'vpce-0ccccccccccccccc3' },
      'ImplicitlyDenied',
    ],
    [
      'presign with no endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      'user-profile/d-exampledomain/alice',
      {},
      'ImplicitlyDenied',
    ],
    [
      'read owner tags via the API endpoint',
      'sagemaker:ListTags',
      'user-profile/d-exampledomain/alice',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    ['read owner tags with no endpoint', 'sagemaker:ListTags', 'user-profile/d-exampledomain/alice', {}, 'ImplicitlyDenied'],
    [
      'read the tags of something not a profile',
      'sagemaker:ListTags',
      'domain/d-exampledomain',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'ImplicitlyDenied',
    ],
    [
      'presign in another domain',
      'sagemaker:CreatePresignedDomainUrl',
      'user-profile/d-other/alice',
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'ImplicitlyDenied',
    ],
  ];
  // Tag-bound (the default): the stack's issuer role issues, in alice's session, on profiles she owns.
  const OWNER = 'studio-gate:owner';
  const alice = { [`aws:PrincipalTag/${OWNER}`]: 'alice@example.com' };
  it.each(decisions)('deployed issuer role, alice’s session: %s → %s', async (_what, action, resource, context, expected) => {
    const doc = resolveIntrinsics(ci.template.Resources.IssuerRole?.Properties.Policies[0].PolicyDocument, IDS);
    const owned: Record<string, string> = resource.startsWith('user-profile/')
      ? { [`sagemaker:ResourceTag/${OWNER}`]: 'alice@example.com' }
      : {};
    await expect(
      simulate({
        action,
        resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:${resource}`,
        context: { ...context, ...alice, ...owned },
        identityPolicies: [doc],
      }),
    ).resolves.toBe(expected);
  });

  it('deployed issuer role: alice’s session presigns no profile owned by someone else, an untagged session nothing', async () => {
    const doc = resolveIntrinsics(ci.template.Resources.IssuerRole?.Properties.Policies[0].PolicyDocument, IDS);
    const bob = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/bob`;
    const via = { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' };
    const presign = (context: Record<string, string>) =>
      simulate({
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: bob,
        context: { ...via, ...context },
        identityPolicies: [doc],
      });
    await expect(presign({ ...alice, [`sagemaker:ResourceTag/${OWNER}`]: 'bob@example.com' })).resolves.toBe('ExplicitlyDenied');
    await expect(presign({ [`sagemaker:ResourceTag/${OWNER}`]: 'bob@example.com' })).resolves.toBe('ExplicitlyDenied');
  });

  it('deployed issuer role: the health run may open a session as itself for the negative probe, which reads nothing it does not own and presigns nothing', async () => {
    const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/studio-gate-ci-${name}-1A2B3C`;
    const ids = {
      ...IDS,
      ...Object.fromEntries(
        ['HealthCheckRole', 'StudioUrlRole', 'SsoOidcRole', 'SsoSamlRole'].map((r) => [`${r}.Arn`, roleArn(r)]),
      ),
    };
    const issuer = ci.template.Resources.IssuerRole?.Properties;
    const trust = resolveIntrinsics(issuer?.AssumeRolePolicyDocument, ids);
    const permissions = resolveIntrinsics(issuer?.Policies[0].PolicyDocument, IDS);
    const health = resolveIntrinsics(ci.template.Resources.HealthCheckRole?.Properties.Policies[0].PolicyDocument, IDS);
    const ISSUER = `arn:aws:iam::${ACCOUNT}:role/studio-gate-ci-eu-west-1-issuer`;
    const nobody = { 'aws:TagKeys': [OWNER], [`aws:RequestTag/${OWNER}`]: 'studio-gate-health' };
    const assume = (action: string, sourceIdentity: string) =>
      simulate({
        principal: roleArn('HealthCheckRole'),
        action,
        resource: ISSUER,
        context: { 'aws:PrincipalArn': roleArn('HealthCheckRole'), 'sts:SourceIdentity': sourceIdentity, ...nobody },
        identityPolicies: [health],
        resourcePolicy: trust,
      });
    await expect(assume('sts:AssumeRole', 'studio-gate-health')).resolves.toBe('Allowed');
    await expect(assume('sts:TagSession', 'studio-gate-health')).resolves.toBe('Allowed');
    // Its tag: nobody, or the stage's canary owner, never another person.
    const tagAs = (value: string) =>
      simulate({
        principal: roleArn('HealthCheckRole'),
        action: 'sts:TagSession',
        resource: ISSUER,
        context: {
          'aws:PrincipalArn': roleArn('HealthCheckRole'),
          'aws:TagKeys': [OWNER],
          [`aws:RequestTag/${OWNER}`]: value,
        },
        identityPolicies: [health],
        resourcePolicy: trust,
      });
    await expect(tagAs('studio-gate-canary@example.com')).resolves.toBe('Allowed');
    await expect(tagAs('alice@example.com')).resolves.toBe('ImplicitlyDenied');
    // Never as a person: that name is the issuing functions' alone.
    await expect(assume('sts:AssumeRole', 'alice@example.com')).resolves.toBe('ImplicitlyDenied');
    const probe = (action: string) =>
      simulate({
        action,
        resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/studio-gate-canary`,
        context: {
          'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1',
          'aws:SourceIdentity': 'studio-gate-health',
          [`aws:PrincipalTag/${OWNER}`]: 'studio-gate-health',
          [`sagemaker:ResourceTag/${OWNER}`]: 'studio-gate-canary@example.com',
        },
        identityPolicies: [permissions],
      });
    await expect(probe('sagemaker:DescribeUserProfile')).resolves.toBe('ExplicitlyDenied');
    await expect(probe('sagemaker:CreatePresignedDomainUrl')).resolves.toBe('ExplicitlyDenied');
  });

  it('deployed function role: presigns, describes and reads tags of no profile itself', async () => {
    const doc = resolveIntrinsics(ci.template.Resources.StudioUrlRole?.Properties.Policies[0].PolicyDocument, IDS);
    for (const action of ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags']) {
      await expect(
        simulate({
          action,
          resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/alice`,
          context: { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
          identityPolicies: [doc],
        }),
      ).resolves.toBe('ImplicitlyDenied');
    }
  });

  it('deployed endpoint policies: KernelGateway apps through Studio, presign through the API, our account only', async () => {
    const policy = (id: string) => resolveIntrinsics(ci.template.Resources[id]?.Properties.PolicyDocument, IDS);
    const app = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:app/d-exampledomain/alice/KernelGateway/default`;
    const profile = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/alice`;
    const ours = { 'aws:PrincipalAccount': ACCOUNT };
    await expect(
      simulate({ action: 'sagemaker:CreateApp', resource: app, context: ours, endpointPolicies: [policy('StudioEndpoint')] }),
    ).resolves.toBe('Allowed');
    await expect(
      simulate({
        action: 'sagemaker:CreateApp',
        resource: app,
        context: { 'aws:PrincipalAccount': OTHER_ACCOUNT },
        endpointPolicies: [policy('StudioEndpoint')],
      }),
    ).resolves.toBe('ImplicitlyDenied');
    await expect(
      simulate({
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: profile,
        context: ours,
        endpointPolicies: [policy('SageMakerApiEndpoint')],
      }),
    ).resolves.toBe('Allowed');
    await expect(
      simulate({
        action: 'sagemaker:DeleteDomain',
        resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:domain/d-exampledomain`,
        context: ours,
        endpointPolicies: [policy('SageMakerApiEndpoint')],
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('deploys the five user-side managed policies, the tag-scoped one keeping its IAM policy variable', async () => {
    const managed = Object.fromEntries(
      ofType(ci.template, 'AWS::IAM::ManagedPolicy').map(([id, r]) => [id, resolveIntrinsics(r.Properties.PolicyDocument, IDS)]),
    );
    expect(Object.keys(managed).sort()).toEqual([
      'UserPolicyOwnProfileByTag',
      'UserPolicySourceIp',
      'UserPolicySourceVpc',
      'UserPolicySourceVpce',
      'UserPolicyVpcSourceIp',
    ]);
    expect(JSON.stringify(managed.UserPolicyOwnProfileByTag)).toContain('${aws:PrincipalTag/studiouserid}');
    const bob = `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/bob`;
    const as = (who: string, owner: string) => ({
      'aws:PrincipalTag/studiouserid': who,
      'sagemaker:ResourceTag/studiouserid': owner,
    });
    const throughOurEndpoint = { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' };
    const decide = (context: Record<string, string>, policies: unknown[]) =>
      simulate({ action: 'sagemaker:CreatePresignedDomainUrl', resource: bob, context, identityPolicies: policies });
    await expect(decide({ ...as('bob', 'bob'), ...throughOurEndpoint }, [managed.UserPolicySourceVpce])).resolves.toBe('Allowed');
    await expect(decide({ ...as('alice', 'bob'), ...throughOurEndpoint }, [managed.UserPolicySourceVpce])).resolves.toBe(
      'ExplicitlyDenied',
    );
    await expect(
      decide({ ...as('bob', 'bob'), 'aws:SourceVpce': 'vpce-0999999999999999a' }, [managed.UserPolicySourceVpce]),
    ).resolves.toBe('ExplicitlyDenied');
    await expect(decide({ ...as('bob', 'bob'), ...throughOurEndpoint }, [managed.UserPolicyOwnProfileByTag])).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(
      decide({ ...as('alice', 'bob'), ...throughOurEndpoint }, [managed.UserPolicySourceVpce, managed.UserPolicyOwnProfileByTag]),
    ).resolves.toBe('ExplicitlyDenied');
  });

  it('lets the role manage network interfaces only in our VPC, our subnets, with the function’s group', async () => {
    const doc = resolveIntrinsics(ci.template.Resources.StudioUrlRole?.Properties.Policies[0].PolicyDocument, IDS);
    const ec2 = `arn:aws:ec2:eu-west-1:${ACCOUNT}`;
    const ours = { 'ec2:Vpc': `${ec2}:vpc/vpc-0123456789abcdef0`, 'ec2:Subnet': `${ec2}:subnet/subnet-0aaaaaaaaaaaaaaa1` };
    const decide = (action: string, resource: string, context: Record<string, string>) =>
      simulate({ action, resource, context, identityPolicies: [doc] });
    await expect(decide('ec2:CreateNetworkInterface', `${ec2}:subnet/subnet-0aaaaaaaaaaaaaaa1`, ours)).resolves.toBe('Allowed');
    await expect(decide('ec2:CreateNetworkInterface', `${ec2}:security-group/sg-0eeeeeeeeeeeeeee5`, ours)).resolves.toBe(
      'Allowed',
    );
    await expect(decide('ec2:CreateNetworkInterface', `${ec2}:network-interface/eni-0123`, ours)).resolves.toBe('Allowed');
    await expect(decide('ec2:CreateNetworkInterface', `${ec2}:subnet/subnet-0fffffffffffffff9`, ours)).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(decide('ec2:CreateNetworkInterface', `${ec2}:security-group/sg-0fffffffffffffff9`, ours)).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(
      decide('ec2:CreateNetworkInterface', `${ec2}:network-interface/eni-0123`, {
        ...ours,
        'ec2:Vpc': `${ec2}:vpc/vpc-0fffffffffffffff9`,
      }),
    ).resolves.toBe('ImplicitlyDenied');
    await expect(decide('ec2:DeleteNetworkInterface', `${ec2}:network-interface/eni-0123`, ours)).resolves.toBe('Allowed');
    await expect(
      decide('ec2:DeleteNetworkInterface', `${ec2}:network-interface/eni-0123`, {
        ...ours,
        'ec2:Subnet': `${ec2}:subnet/subnet-0fffffffffffffff9`,
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('ships one minified handler of under 500 KB, without a source map, and no provisioned concurrency by default', async () => {
    const files = zipEntries(join(ci.dir, 'studioUrl.zip'));
    expect(files.map((f) => f.name)).toEqual(['handlers/studio-url.js']);
    expect(files[0]?.size).toBeLessThan(500_000);
    expect(ofType(ci.template, 'AWS::Lambda::Alias')).toEqual([]);
  });

  it('passes cfn-lint with no errors and no warnings', async () => {
    const result = await run(await resolveCfnLint(), ['--', ci.templatePath], { cwd: ROOT }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(result).toEqual({ code: 0, out: '' });
  });
});

describe('packaged template (iam mode, existing endpoints)', () => {
  it('requires AWS_IAM on the methods', () => {
    expect(iam.template.Resources.ApiGatewayMethodStudioDashurlGet?.Properties.AuthorizationType).toBe('AWS_IAM');
    expect(iam.template.Resources.ApiGatewayMethodStudioDashurlPost?.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('creates no endpoint it is given (only the table’s DynamoDB one) and names the existing ones in every policy', () => {
    // STS's endpoint is made for the tag-bound issuer role (existing endpoints stand for the three of them only).
    expect(ofType(iam.template, 'AWS::EC2::VPCEndpoint').map(([id]) => id)).toEqual(['StsEndpoint', 'DynamoDbEndpoint']);
    expect(iam.template.Resources.SageMakerApiPrivateZone).toBeUndefined();
    const api = iam.template.Resources.ApiGatewayRestApi?.Properties as Record<string, any>;
    expect(api.EndpointConfiguration.VpcEndpointIds).toEqual(['vpce-0123456789abcdef3']);
    // The issuer role acts only through the given endpoints.
    const role = JSON.stringify(resolveIntrinsics(iam.template.Resources.IssuerRole?.Properties.Policies[0].PolicyDocument, IDS));
    expect(role).toContain('"aws:SourceVpce":["vpce-0123456789abcdef1","vpce-0123456789abcdef2"]');
    const env = iam.template.Resources.StudioUrlLambdaFunction?.Properties.Environment.Variables;
    expect(env.ALLOWED_VPCE_IDS).toBe('vpce-0123456789abcdef3');
    expect(parseConfig({ ...(resolveIntrinsics(env, IDS) as Record<string, string>), AWS_REGION: 'eu-west-1' }).auth.mode).toBe(
      'iam',
    );
  });

  it('passes cfn-lint', async () => {
    await expect(run(await resolveCfnLint(), ['--', iam.templatePath], { cwd: ROOT })).resolves.toMatchObject({ stdout: '' });
  });
});

describe('provisioned concurrency', () => {
  it('adds an alias with the configured provisioned concurrency when asked (the iam package asks for 2)', () => {
    const [[, alias] = []] = ofType(iam.template, 'AWS::Lambda::Alias');
    expect(alias?.Properties.ProvisionedConcurrencyConfig).toEqual({ ProvisionedConcurrentExecutions: 2 });
  });
});

describe('deployment parameters', () => {
  it('refuses to package a stage whose parameters are incomplete or misspelt, naming each problem', async () => {
    expect.assertions(5);
    const error = (await packageStage('prod', { requiredGroup: 'admins' }).catch((e: unknown) => e)) as {
      stdout: string;
      stderr: string;
    };
    const output = `${error.stdout}${error.stderr}`;
    expect(output).toContain('param domainId must be a Studio domain id');
    expect(output).toContain('param vpcId must be a VPC id');
    expect(output).toContain('param subnetIds needs at least 2 subnet id');
    expect(output).toContain('param allowedSourceCidrs must list the client ranges');
    expect(output).toContain('param requiredGroup (--param) is not a stage parameter');
  });

  it('refuses to package the local stack’s stage, which serverless.yml falls back to without --stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-gate-package-'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      STUDIO_GATE_BUILD_DIR: BUILD_DIR,
    };
    const args = [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'package', '--package', dir];
    const error = (await run(process.execPath, args, { cwd: ROOT, env }).catch((e: unknown) => e)) as {
      stdout: string;
      stderr: string;
    };
    expect(`${error.stdout}${error.stderr}`).toContain(
      'The stage "local" is the local stack (npm start), never packaged or deployed',
    );
    expect(existsSync(join(dir, 'cloudformation-template-update-stack.json'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
  // Each refusal of a malformed or world-open parameter is a unit test (test/unit/infrastructure/deployment.test.ts):
  // packaging once more would only prove again that the Framework shows our problems, which the test above does.
});

describe('packaged template: the health checks', () => {
  const fn = (p: Packaged, id: string) => p.template.Resources[id]?.Properties as Record<string, any>;
  const env = (p: Packaged, id: string) =>
    resolveIntrinsics(fn(p, id).Environment.Variables, {
      ...IDS,
      ...{ LambdaSecurityGroupId: IDS.LambdaSecurityGroup as string },
    }) as Record<string, string>;

  it('runs the scheduled function every healthIntervalMinutes, once at a time, never retried', () => {
    const rules = ofType(ci.template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    expect(rules[0]?.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['HealthCheckLambdaFunction', 'Arn'] });
    expect(ofType(iam.template, 'AWS::Events::Rule')[0]?.[1].Properties.ScheduleExpression).toBe('rate(1 minute)');
    const health = fn(ci, 'HealthCheckLambdaFunction');
    expect(health).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 30 });
    expect(health.Role).toEqual({ 'Fn::GetAtt': ['HealthCheckRole', 'Arn'] });
    expect(health.VpcConfig.SecurityGroupIds).toEqual([{ Ref: 'LambdaSecurityGroup' }]);
    const [, invokeConfig] = ofType(ci.template, 'AWS::Lambda::EventInvokeConfig')[0] ?? [];
    expect(invokeConfig?.Properties).toMatchObject({ MaximumRetryAttempts: 0 });
  });

  it('gives the scheduled function a plan that passes its own validation and checks the whole path', () => {
    const config = parseHealthCheckConfig({ ...env(ci, 'HealthCheckLambdaFunction'), AWS_REGION: 'eu-west-1' });
    expect(config.tableName).toBe(IDS.ServiceTable);
    expect(config.dynamoEndpointUrl).toBe('https://vpce-0fffffffffffffff6-abcdefgh.dynamodb.eu-west-1.vpce.amazonaws.com');
    expect(config.metricsService).toBe('studio-gate-ci');
    expect(config.plan.network?.endpoints.map((e) => e.name)).toEqual([
      'sagemaker-api',
      'studio',
      'execute-api',
      'dynamodb',
      'sts',
      'logs',
      'monitoring',
      'ec2',
      'ssm',
    ]);
    expect(config.plan.network?.endpoints[0]?.ingressFromGroups.map((g) => g.id)).toEqual([
      'sg-0eeeeeeeeeeeeeee5',
      'sg-0ccccccccccccccc3',
      'sg-0ddddddddddddddd4',
    ]);
    expect(config.plan.dns.names.find((n) => n.name === 'execute-api')?.host).toBe(
      'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    );
    expect(config.plan.studio?.canary?.profileName).toBe('studio-gate-canary');
  });

  it('serves GET /health with the source checks of GET /studio-url, AWS_IAM in iam mode', () => {
    expect(fn(ci, 'ApiGatewayMethodHealthGet').AuthorizationType).toBe('NONE');
    expect(fn(iam, 'ApiGatewayMethodHealthGet').AuthorizationType).toBe('AWS_IAM');
    const health = parseHealthEndpointConfig({ ...env(ci, 'HealthLambdaFunction'), AWS_REGION: 'eu-west-1' });
    const studio = parseConfig({ ...env(ci, 'StudioUrlLambdaFunction'), AWS_REGION: 'eu-west-1' });
    expect(health.source).toEqual(studio.source);
    expect(health.intervalMinutes).toBe(5);
    // Each function carries only its own settings.
    expect(Object.keys(env(ci, 'HealthLambdaFunction'))).not.toContain('JWT_ISSUER');
    expect(Object.keys(env(ci, 'StudioUrlLambdaFunction'))).not.toContain('HEALTH_PLAN');
    // No deployed function carries the local-stack flag (studio-url's is empty): none takes a loopback endpoint.
    for (const name of ['HealthLambdaFunction', 'HealthCheckLambdaFunction', 'StudioUrlLambdaFunction']) {
      expect([name, env(ci, name).LOCAL_STUDIO_ORIGIN ?? '']).toEqual([name, '']);
    }
  });

  it('keeps the summary in an encrypted, on-demand, point-in-time-recovered table with typed keys and a TTL', () => {
    const [, table] = ofType(ci.template, 'AWS::DynamoDB::Table')[0] ?? [];
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table?.Properties).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${IDS.ServiceTable}`;
  const role = (id: string) => resolveIntrinsics(ci.template.Resources[id]?.Properties.Policies[0].PolicyDocument, IDS);
  const healthItem = { 'dynamodb:LeadingKeys': ['health'] };
  const decisions: [string, string, string, string, Record<string, string | string[]>, Decision][] = [
    ['HealthCheckRole', 'writes the health item', 'dynamodb:PutItem', TABLE_ARN, healthItem, 'Allowed'],
    [
      'HealthCheckRole',
      'writes no other item',
      'dynamodb:PutItem',
      TABLE_ARN,
      { 'dynamodb:LeadingKeys': ['saml-assertion#x'] },
      'ImplicitlyDenied',
    ],
    ['HealthCheckRole', 'reads nothing from the table', 'dynamodb:GetItem', TABLE_ARN, healthItem, 'ImplicitlyDenied'],
    [
      'HealthCheckRole',
      'writes no other table',
      'dynamodb:PutItem',
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/other`,
      healthItem,
      'ImplicitlyDenied',
    ],
    ['HealthCheckRole', 'reads the endpoints', 'ec2:DescribeVpcEndpoints', '*', {}, 'Allowed'],
    [
      'HealthCheckRole',
      'changes no endpoint',
      'ec2:ModifyVpcEndpoint',
      `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-endpoint/vpce-0aaaaaaaaaaaaaaa1`,
      {},
      'ImplicitlyDenied',
    ],
    [
      'HealthCheckRole',
      'describes the domain through our endpoint',
      'sagemaker:DescribeDomain',
      `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:domain/d-exampledomain`,
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    [
      'HealthCheckRole',
      'not from elsewhere',
      'sagemaker:DescribeDomain',
      `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:domain/d-exampledomain`,
      { 'aws:SourceVpce': 'vpce-0999999999999999f' },
      'ImplicitlyDenied',
    ],
    [
      'HealthCheckRole',
      'reads the canary’s tags',
      'sagemaker:ListTags',
      `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/studio-gate-canary`,
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'Allowed',
    ],
    [
      'HealthCheckRole',
      'no other profile',
      'sagemaker:DescribeUserProfile',
      `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/alice`,
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'ImplicitlyDenied',
    ],
    [
      'HealthCheckRole',
      'mints no URL',
      'sagemaker:CreatePresignedDomainUrl',
      `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/studio-gate-canary`,
      { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaa1' },
      'ImplicitlyDenied',
    ],
    ['HealthRole', 'reads the health item', 'dynamodb:GetItem', TABLE_ARN, healthItem, 'Allowed'],
    ['HealthRole', 'writes nothing', 'dynamodb:PutItem', TABLE_ARN, healthItem, 'ImplicitlyDenied'],
    [
      'HealthRole',
      'reads no other item',
      'dynamodb:GetItem',
      TABLE_ARN,
      { 'dynamodb:LeadingKeys': ['other'] },
      'ImplicitlyDenied',
    ],
    ['HealthRole', 'no EC2', 'ec2:DescribeVpcEndpoints', '*', {}, 'ImplicitlyDenied'],
    ['StudioUrlRole', 'the studio-url role has no table access', 'dynamodb:GetItem', TABLE_ARN, healthItem, 'ImplicitlyDenied'],
  ];
  it.each(decisions)('%s %s', async (id, _what, action, resource, context, expected) => {
    await expect(simulate({ action, resource, context, identityPolicies: [role(id)] })).resolves.toBe(expected);
  });

  it('lets only this account use only our table through the DynamoDB endpoint', async () => {
    const policy = resolveIntrinsics(ci.template.Resources.DynamoDbEndpoint?.Properties.PolicyDocument, IDS);
    const ask = (resource: string, account: string) =>
      simulate({
        action: 'dynamodb:PutItem',
        resource,
        context: { 'aws:PrincipalAccount': account },
        endpointPolicies: [policy],
      });
    await expect(ask(TABLE_ARN, ACCOUNT)).resolves.toBe('Allowed');
    await expect(ask(TABLE_ARN, OTHER_ACCOUNT)).resolves.toBe('ImplicitlyDenied');
    await expect(ask(`arn:aws:dynamodb:eu-west-1:${OTHER_ACCOUNT}:table/exfil`, ACCOUNT)).resolves.toBe('ImplicitlyDenied');
  });

  it('alarms on Healthy below 1 for two intervals, or on no data at all, notifying the topic when given', () => {
    const [, alarm] = ofType(ci.template, 'AWS::CloudWatch::Alarm')[0] ?? [];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'studio-gate',
      MetricName: 'Healthy',
      Dimensions: [{ Name: 'service', Value: 'studio-gate-ci' }],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(alarm?.Properties.AlarmActions).toBeUndefined();
    const [, iamAlarm] = ofType(iam.template, 'AWS::CloudWatch::Alarm')[0] ?? [];
    expect(iamAlarm?.Properties).toMatchObject({
      Period: 60,
      AlarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:studio-gate-alerts`],
      OKActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:studio-gate-alerts`],
    });
  });

  it('draws a dashboard of health per check, URLs issued, denials by reason and latency p50/p99', () => {
    const [, dashboard] = ofType(ci.template, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.parse(resolveIntrinsics(dashboard?.Properties.DashboardBody, IDS) as string);
    const titles = body.widgets.map((w: any) => w.properties.title);
    expect(titles).toEqual([
      'Health per check (1 pass, 0.5 warn, 0 fail)',
      'Studio URLs issued',
      'Denials by reason',
      'Request latency p50 / p99 (ms)',
    ]);
    const config = parseHealthCheckConfig({ ...env(ci, 'HealthCheckLambdaFunction'), AWS_REGION: 'eu-west-1' });
    const drawn = body.widgets[0].properties.metrics.map((m: string[]) => m[1]);
    expect(drawn).toEqual(['Healthy', ...checkNamesOf(config.plan).map((n) => `check.${n}`)]);
    expect(body.widgets[2].properties.metrics[0][0].expression).toContain('MetricName="Denials" service="studio-gate-ci"');
    expect(body.widgets[3].properties.metrics.map((m: any[]) => m[4].stat)).toEqual(['p50', 'p99']);
    for (const w of body.widgets) expect(w.properties.region).toBe('eu-west-1');
  });

  it('packages each function on its own, so each cold start loads only its own bundle', () => {
    const health = zipEntries(join(ci.dir, 'health.zip'));
    const check = zipEntries(join(ci.dir, 'healthCheck.zip'));
    expect(health.map((f) => f.name)).toEqual(['handlers/health.js']);
    expect(check.map((f) => f.name)).toEqual(['handlers/health-check.js']);
    expect(health[0]?.size).toBeLessThan(500_000);
  });
});

describe('packaged template: the SSO bridge', () => {
  const fn = (p: Packaged, id: string) => p.template.Resources[id]?.Properties as Record<string, any>;
  const env = (p: Packaged, id: string) => resolveIntrinsics(fn(p, id).Environment.Variables, IDS) as Record<string, string>;
  const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${IDS.ServiceTable}`;
  const role = (id: string) => resolveIntrinsics(ci.template.Resources[id]?.Properties.Policies[0].PolicyDocument, IDS);
  const replayItem = { 'dynamodb:LeadingKeys': ['sso-replay'] };
  const viaApi = { 'aws:SourceVpce': IDS.SageMakerApiEndpoint as string };
  const parameter = (stage: string, name: string) => `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/studio-gate/${stage}/${name}`;

  it('serves the five SSO routes without AWS_IAM (browsers do not sign), each on its own function, in the VPC', () => {
    for (const id of ['SsoLoginGet', 'SsoCallbackGet', 'SsoSamlLoginGet', 'SsoSamlPost', 'SsoSamlMetadataGet']) {
      expect(ci.template.Resources[`ApiGatewayMethod${id}`]?.Properties.AuthorizationType).toBe('NONE');
    }
    for (const [name, roleId] of [
      ['SsoOidcLambdaFunction', 'SsoOidcRole'],
      ['SsoSamlLambdaFunction', 'SsoSamlRole'],
    ] as const) {
      const f = fn(ci, name);
      expect(f.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(f.VpcConfig.SecurityGroupIds).toEqual([{ Ref: 'LambdaSecurityGroup' }]);
    }
  });

  it('gives each SSO function an environment that passes its own validation, secrets as SSM parameters only', () => {
    for (const [name, which] of [
      ['SsoOidcLambdaFunction', 'oidc'],
      ['SsoSamlLambdaFunction', 'saml'],
    ] as const) {
      const variables = env(ci, name);
      const config = parseSsoConfig({ ...variables, AWS_REGION: 'eu-west-1' }, which);
      expect(config.cookie).toMatchObject({
        keys: { kind: 'ssm', name: '/studio-gate/ci/sso-cookie-keys' },
        secure: true,
        namePrefix: '__Host-',
        path: '/',
      });
      expect(config.replayTable).toBe(IDS.ServiceTable);
      if (which === 'oidc')
        expect(config.oidc?.clientSecret).toEqual({ kind: 'ssm', name: '/studio-gate/ci/oidc-client-secret' });
      else expect(config.saml?.idpCerts).toEqual({ kind: 'ssm', name: '/studio-gate/ci/saml-idp-certs' });
      expect(variables.SSO_SECRETS_SOURCE).toBeUndefined();
      expect(variables.SSO_COOKIE_SECURE).toBeUndefined();
    }
  });

  it('packages the OIDC function without the SAML library and the SAML one without the OpenID client', () => {
    const oidc = zipEntries(join(ci.dir, 'ssoOidc.zip'));
    const saml = zipEntries(join(ci.dir, 'ssoSaml.zip'));
    expect(oidc.map((f) => f.name)).toEqual(['handlers/sso-oidc.js']);
    expect(saml.map((f) => f.name)).toEqual(['handlers/sso-saml.js']);
    const text = (zip: string) => zipText(join(ci.dir, zip), 0);
    expect(text('ssoOidc.zip')).not.toContain('urn:oasis:names:tc:SAML:2.0:assertion');
    expect(text('ssoSaml.zip')).not.toContain('code_challenge_method');
    for (const f of [...oidc, ...saml]) expect(f.size).toBeLessThan(1_500_000);
  });

  const decisions: [string, string, string, string, Record<string, string | string[]>, Decision][] = [];
  for (const id of ['SsoOidcRole', 'SsoSamlRole']) {
    decisions.push(
      [id, 'writes used-once records', 'dynamodb:PutItem', TABLE_ARN, replayItem, 'Allowed'],
      [id, 'writes no health item', 'dynamodb:PutItem', TABLE_ARN, { 'dynamodb:LeadingKeys': ['health'] }, 'ImplicitlyDenied'],
      [id, 'reads nothing from the table', 'dynamodb:GetItem', TABLE_ARN, replayItem, 'ImplicitlyDenied'],
      [id, 'deletes nothing', 'dynamodb:DeleteItem', TABLE_ARN, replayItem, 'ImplicitlyDenied'],
      [id, 'reads its stage’s secrets', 'ssm:GetParameters', parameter('ci', 'sso-cookie-keys'), {}, 'Allowed'],
      [id, 'reads no other stage’s', 'ssm:GetParameters', parameter('prod', 'sso-cookie-keys'), {}, 'ImplicitlyDenied'],
      [id, 'writes no parameter', 'ssm:PutParameter', parameter('ci', 'sso-cookie-keys'), {}, 'ImplicitlyDenied'],
      [
        id,
        'presigns nothing itself (only through the issuer role)',
        'sagemaker:CreatePresignedDomainUrl',
        `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/alice`,
        viaApi,
        'ImplicitlyDenied',
      ],
      [
        id,
        'assumes the issuer role',
        'sts:AssumeRole',
        `arn:aws:iam::${ACCOUNT}:role/studio-gate-ci-eu-west-1-issuer`,
        {},
        'Allowed',
      ],
      [
        id,
        'not from elsewhere',
        'sagemaker:CreatePresignedDomainUrl',
        `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-exampledomain/alice`,
        {},
        'ImplicitlyDenied',
      ],
      [id, 'reads no network', 'ec2:DescribeVpcEndpoints', '*', {}, 'ImplicitlyDenied'],
    );
  }
  it.each(decisions)('%s %s', async (id, _what, action, resource, context, expected) => {
    await expect(simulate({ action, resource, context, identityPolicies: [role(id)] })).resolves.toBe(expected);
  });

  it('lets only this account read only this stage’s parameters through the SSM endpoint', async () => {
    const policy = resolveIntrinsics(ci.template.Resources.SsmEndpoint?.Properties.PolicyDocument, IDS);
    const ask = (resource: string, account: string, action = 'ssm:GetParameters') =>
      simulate({ action, resource, context: { 'aws:PrincipalAccount': account }, endpointPolicies: [policy] });
    await expect(ask(parameter('ci', 'oidc-client-secret'), ACCOUNT)).resolves.toBe('Allowed');
    await expect(ask(parameter('ci', 'oidc-client-secret'), OTHER_ACCOUNT)).resolves.toBe('ImplicitlyDenied');
    await expect(ask(parameter('prod', 'oidc-client-secret'), ACCOUNT)).resolves.toBe('ImplicitlyDenied');
    await expect(ask(parameter('ci', 'oidc-client-secret'), ACCOUNT, 'ssm:PutParameter')).resolves.toBe('ImplicitlyDenied');
  });

  it('deploys no SSO function, role or SSM endpoint where the stage leaves the bridge off', () => {
    const ids = Object.keys(iam.template.Resources);
    expect(ids.filter((id) => /^Sso|^Ssm|ApiGatewayResourceSso/.test(id))).toEqual([]);
  });
});

describe('several domains (hub and spoke)', () => {
  it('gives the issuing functions the domains, and not the single domain’s variables', () => {
    for (const fn of ['StudioUrlLambdaFunction', 'SsoOidcLambdaFunction', 'SsoSamlLambdaFunction']) {
      const env = several.template.Resources[fn]?.Properties.Environment.Variables;
      expect([fn, JSON.parse(env.STUDIO_DOMAINS).map((d: { id: string }) => d.id)]).toEqual([
        fn,
        ['d-homedomain01', 'd-riskdomain01', 'd-usdomain0001'],
      ]);
      expect([fn, env.STUDIO_GATE_ACCOUNT_ID, env.STUDIO_DOMAIN_ID, env.STUDIO_ACCOUNT_ID]).toEqual([
        fn,
        ACCOUNT,
        undefined,
        undefined,
      ]);
      const config = parseConfig({ ...(resolveIntrinsics(env, IDS) as Record<string, string>), AWS_REGION: 'eu-west-1' });
      expect(config.domains.map((d) => d.issuerRoleArn ?? 'own')).toEqual([HOME_ROLE, ...RISK_ROLES]);
    }
  });

  it('lets the issuing roles assume exactly the configured issuer roles, and names those roles as an output', () => {
    for (const role of ['StudioUrlRole', 'SsoOidcRole', 'SsoSamlRole']) {
      const statements = resolveIntrinsics(several.template.Resources[role]?.Properties.Policies[0].PolicyDocument, IDS) as {
        Statement: { Sid: string; Action: unknown; Resource: unknown }[];
      };
      const assume = statements.Statement.find((s) => s.Sid === 'AssumeIssuerRolesAsThePerson');
      expect([role, assume?.Action, assume?.Resource]).toEqual([
        role,
        ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        [HOME_ROLE, ...RISK_ROLES],
      ]);
    }
    expect(several.template.Outputs.IssuerTrustedRoleArns).toBeDefined();
    // The single-domain stage: its issuer role is its own stack's, trusting its roles itself; the outputs name them
    // for the guardrails (and for an issuer role made elsewhere); no STS variable, no domain list.
    expect(
      resolveIntrinsics((ci.template.Outputs.IssuerTrustedRoleArns as { Value: unknown }).Value, {
        ...IDS,
        'StudioUrlRole.Arn': 'a',
        'SsoOidcRole.Arn': 'b',
        'SsoSamlRole.Arn': 'c',
      }),
    ).toBe('a,b,c');
    expect(ci.template.Outputs.HealthCheckRoleArn).toBeDefined();
    const single = JSON.stringify(ci.template);
    for (const piece of ['STUDIO_DOMAINS', 'AWS_ENDPOINT_URL_STS', 'ISSUER_SESSION_SECONDS']) {
      expect([piece, single.includes(piece)]).toEqual([piece, false]);
    }
  });

  it('checks every domain from the scheduled run, assuming the issuer roles as itself', () => {
    const env = several.template.Resources.HealthCheckLambdaFunction?.Properties.Environment.Variables;
    const plan = JSON.parse(resolveIntrinsics(env.HEALTH_PLAN, IDS) as string);
    expect(plan.studio).toBeUndefined();
    expect(plan.domains.map((d: { domainId: string; issuerRoleArn?: string }) => [d.domainId, d.issuerRoleArn ?? 'own'])).toEqual(
      [
        ['d-homedomain01', HOME_ROLE],
        ['d-riskdomain01', RISK_ROLES[0]],
        ['d-usdomain0001', RISK_ROLES[1]],
      ],
    );
    expect(env.AWS_ENDPOINT_URL_STS).toBe('https://vpce-0123456789abcdef8-abcdefgh.sts.eu-west-1.vpce.amazonaws.com');
    // The STS endpoint it names: resolved privately and answering TLS, like every endpoint of the path.
    expect(plan.dns.names).toContainEqual({
      name: 'sts',
      host: 'vpce-0123456789abcdef8-abcdefgh.sts.eu-west-1.vpce.amazonaws.com',
      tls: true,
    });
    const role = resolveIntrinsics(several.template.Resources.HealthCheckRole?.Properties.Policies[0].PolicyDocument, IDS) as {
      Statement: { Sid: string; Resource: unknown }[];
    };
    expect(role.Statement.find((s) => s.Sid === 'AssumeIssuerRolesAsTheCheck')?.Resource).toEqual([HOME_ROLE, ...RISK_ROLES]);
    expect(role.Statement.find((s) => s.Sid === 'TagTheCheckSessionWithTheOwner')?.Resource).toEqual([HOME_ROLE, ...RISK_ROLES]);
    // The health role is named apart: the issuer roles let it check, never issue.
    expect(JSON.stringify(several.template.Outputs.IssuerTrustedRoleArns)).not.toContain('HealthCheckRole');
    expect(several.template.Outputs.HealthCheckRoleArn).toMatchObject({ Value: { 'Fn::GetAtt': ['HealthCheckRole', 'Arn'] } });
  });

  it('admits through the SageMaker API endpoint the accounts of this region’s domains only', () => {
    const policy = JSON.stringify(
      resolveIntrinsics(several.template.Resources.SageMakerApiEndpoint?.Properties.PolicyDocument, IDS),
    );
    // Each account's principals, on that account's domains only.
    expect(policy).toContain(
      `"Resource":"arn:aws:sagemaker:eu-west-1:${RISK_ACCOUNT}:user-profile/d-riskdomain01/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"${RISK_ACCOUNT}"}}`,
    );
    expect(policy).not.toContain('d-usdomain0001');
  });

  it('passes cfn-lint', async () => {
    await expect(run(await resolveCfnLint(), ['--', several.templatePath], { cwd: ROOT })).resolves.toMatchObject({ stdout: '' });
  });

  it('prints a cfn-lint clean issuer role for the domain account', async () => {
    const file = join(several.dir, 'issuer-role.json');
    const { stdout } = await run(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [
        join(ROOT, 'scripts', 'issuer-role.ts'),
        '--account',
        RISK_ACCOUNT,
        '--domain',
        'd-riskdomain01',
        '--region',
        'eu-west-1',
        '--network-account',
        ACCOUNT,
        '--trusted-role-arns',
        `arn:aws:iam::${ACCOUNT}:role/studio-gate-hub-StudioUrlRole-1A2B3C4D,arn:aws:iam::${ACCOUNT}:role/studio-gate-hub-SsoOidcRole-1A2B3C4D`,
        '--health-role-arn',
        `arn:aws:iam::${ACCOUNT}:role/studio-gate-hub-HealthCheckRole-1A2B3C4D`,
        '--sagemaker-endpoint',
        'vpce-0123456789abcdef1',
        '--studio-endpoint',
        'vpce-0123456789abcdef2',
      ],
      { cwd: ROOT },
    );
    writeFileSync(file, stdout);
    expect(JSON.parse(stdout).Resources.IssuerRole.Type).toBe('AWS::IAM::Role');
    await expect(run(await resolveCfnLint(), ['--', file], { cwd: ROOT })).resolves.toMatchObject({ stdout: '' });
  });
});
