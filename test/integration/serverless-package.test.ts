/**
 * `serverless package` without AWS credentials, then the generated CloudFormation template read
 * back: every resource, property and link of the private path, cfn-lint, and the deployed policies
 * (intrinsics resolved with concrete ids) evaluated by the IAM simulator.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveCfnLint } from '../../scripts/local/cfn-lint';
import { parseConfig } from '../../src/config';
import { ACCOUNT, type Decision, OTHER_ACCOUNT, resolveIntrinsics, simulate } from '../support/iam';
import { zipEntries } from '../support/zip-entries';

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
};

function ofType(template: Template, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

let ci: Packaged;
let iam: Packaged;

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
  });
});

afterAll(() => {
  for (const p of [ci, iam]) if (p) rmSync(p.dir, { recursive: true, force: true });
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

  it('authorizes GET /studio-url without AWS_IAM in jwt mode', () => {
    expect(ci.template.Resources.ApiGatewayMethodStudioDashurlGet?.Properties.AuthorizationType).toBe('NONE');
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
    expect(ofType(ci.template, 'AWS::IAM::Role').map(([id]) => id)).toEqual(['StudioUrlRole']);
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
      StsEndpoint: 'com.amazonaws.eu-west-1.sts',
      LogsEndpoint: 'com.amazonaws.eu-west-1.logs',
      MonitoringEndpoint: 'com.amazonaws.eu-west-1.monitoring',
      Ec2Endpoint: 'com.amazonaws.eu-west-1.ec2',
    });
    for (const [id, p] of Object.entries(endpoints)) {
      expect(p.VpcEndpointType).toBe('Interface');
      expect(p.VpcId).toBe('vpc-0123456789abcdef0');
      expect(p.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
      expect(p.PrivateDnsEnabled).toBe(id !== 'StudioEndpoint');
    }
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
  it.each(decisions)('deployed role: %s → %s', async (_what, action, resource, context, expected) => {
    const doc = resolveIntrinsics(ci.template.Resources.StudioUrlRole?.Properties.Policies[0].PolicyDocument, IDS);
    await expect(
      simulate({ action, resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:${resource}`, context, identityPolicies: [doc] }),
    ).resolves.toBe(expected);
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
    const files = zipEntries(join(ci.dir, 'studio-gate.zip'));
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
  it('requires AWS_IAM on the method', () => {
    expect(iam.template.Resources.ApiGatewayMethodStudioDashurlGet?.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('creates no endpoint and names the existing ones in every policy', () => {
    expect(ofType(iam.template, 'AWS::EC2::VPCEndpoint')).toEqual([]);
    expect(iam.template.Resources.SageMakerApiPrivateZone).toBeUndefined();
    const api = iam.template.Resources.ApiGatewayRestApi?.Properties as Record<string, any>;
    expect(api.EndpointConfiguration.VpcEndpointIds).toEqual(['vpce-0123456789abcdef3']);
    const role = JSON.stringify(
      resolveIntrinsics(iam.template.Resources.StudioUrlRole?.Properties.Policies[0].PolicyDocument, IDS),
    );
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
  it('adds an alias with the configured provisioned concurrency when asked', async () => {
    const pc = await packageStage('ci', { provisionedConcurrency: '2' });
    try {
      const [[, alias] = []] = ofType(pc.template, 'AWS::Lambda::Alias');
      expect(alias?.Properties.ProvisionedConcurrencyConfig).toEqual({ ProvisionedConcurrentExecutions: 2 });
    } finally {
      rmSync(pc.dir, { recursive: true, force: true });
    }
  });
});

describe('deployment parameters', () => {
  it('refuses to package a stage whose parameters are incomplete, naming each problem', async () => {
    expect.assertions(4);
    const error = (await packageStage('prod').catch((e: unknown) => e)) as { stdout: string; stderr: string };
    const output = `${error.stdout}${error.stderr}`;
    expect(output).toContain('param domainId must be a Studio domain id');
    expect(output).toContain('param vpcId must be a VPC id');
    expect(output).toContain('param subnetIds needs at least 2 subnet id');
    expect(output).toContain('param allowedSourceCidrs must list the client ranges');
  });

  it('refuses world-open and malformed ranges, a loopback Studio origin and a foreign SageMaker endpoint on a real stage', async () => {
    expect.assertions(6);
    const error = (await packageStage('ci', {
      allowedSourceCidrs: '0.0.0.0/1,128.0.0.0/1',
      lambdaEgressCidrs: '::0/0',
      publicSourceCidrs: '999.1.1.1/99',
      localStudioOrigin: 'http://127.0.0.1:4599',
      sagemakerEndpointUrl: 'https://evil.example',
    }).catch((e: unknown) => e)) as { stdout: string; stderr: string };
    const output = `${error.stdout}${error.stderr}`;
    expect(output).toContain('param allowedSourceCidrs: "0.0.0.0/1" is broader than /8');
    expect(output).toContain('param allowedSourceCidrs: together the ranges cover the whole IPv4 address space');
    expect(output).toContain('param lambdaEgressCidrs: "::0/0" is the whole address space');
    expect(output).toContain('param publicSourceCidrs: "999.1.1.1/99" is not a CIDR block');
    expect(output).toContain('param localStudioOrigin is for the local stack only');
    expect(output).toContain('param sagemakerEndpointUrl must be');
  });
});
