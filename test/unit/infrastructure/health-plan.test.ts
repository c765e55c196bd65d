/**
 * The health plan: what the deployment writes (HEALTH_PLAN) reads back, once CloudFormation has
 * filled in its placeholders, as exactly the checks the stage needs; a malformed plan is refused
 * whole, with every problem named.
 */
import { type HealthPlan, parsePlan } from '../../../src/domain/health/plan';
import { buildDeployment, parseDeploymentParams } from '../../../src/infrastructure/deployment';
import { checkNamesOf } from '../../../src/infrastructure/health-resources';
import { resolveIntrinsics } from '../../support/iam';

const CI = {
  region: 'eu-west-1',
  domainId: 'd-exampledomain',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  studioSecurityGroupIds: 'sg-0ccccccccccccccc3',
  allowedSourceCidrs: '192.0.2.0/24',
  authMode: 'jwt',
  studioPrivateDns: 'false',
  createEc2Endpoint: 'true',
  healthCanaryProfile: 'canary',
  healthCanaryOwner: 'canary@example.com',
};
const IDS = {
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::AccountId': '111122223333',
  LambdaSecurityGroup: 'sg-0eeeeeeeeeeeeeee5',
  ApiGatewayRestApi: 'a1b2c3d4e5',
  ServiceTable: 'studio-gate-ci-table',
  SageMakerApiEndpoint: 'vpce-0aaaaaaaaaaaaaaa1',
  StudioEndpoint: 'vpce-0bbbbbbbbbbbbbbb2',
  ExecuteApiEndpoint: 'vpce-0ccccccccccccccc3',
};

function deployedPlan(raw: Record<string, string> = CI): HealthPlan {
  const deployment = buildDeployment(parseDeploymentParams(raw, 'studio-gate', 'ci'));
  const text = resolveIntrinsics(deployment.healthCheckEnvironment.HEALTH_PLAN, IDS) as string;
  const plan = parsePlan(text);
  if (Array.isArray(plan)) throw new Error(plan.join('\n'));
  return plan;
}

describe('the deployed plan', () => {
  it('checks every endpoint, its security groups, the private names with TLS, the domain and the canary', () => {
    const plan = deployedPlan();
    expect(checkNamesOf(plan)).toEqual([
      'endpoint.sagemaker-api',
      'security-group.sagemaker-api',
      'endpoint.studio',
      'security-group.studio',
      'endpoint.execute-api',
      'security-group.execute-api',
      'endpoint.dynamodb',
      'security-group.dynamodb',
      // The tag-bound domain's issuer role is assumed through STS's endpoint.
      'endpoint.sts',
      'security-group.sts',
      'endpoint.ec2',
      'security-group.ec2',
      'dns.sagemaker-api',
      'tls.sagemaker-api',
      'dns.studio',
      'tls.studio',
      'dns.execute-api',
      'dns.sts',
      'tls.sts',
      'dns.ec2',
      'tls.ec2',
      'domain',
      'canary',
      // The negative probe: a session of the stack's issuer role, tagged as nobody, is refused the canary.
      'binding',
    ]);
    expect(plan.dns).toEqual(expect.objectContaining({ servers: [], privateRanges: [] }));
    expect(plan.dns.names.map((n) => n.host)).toEqual([
      'api.sagemaker.eu-west-1.amazonaws.com',
      'd-exampledomain.studio.eu-west-1.sagemaker.aws',
      'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'sts.eu-west-1.amazonaws.com',
      'ec2.eu-west-1.amazonaws.com',
    ]);
    expect(plan.studio).toEqual({
      domainId: 'd-exampledomain',
      canary: { profileName: 'canary', owner: { identity: 'canary@example.com', tagKey: 'studio-gate:owner' } },
      binding: {
        issuerRoleArn: 'arn:aws:iam::111122223333:role/studio-gate-ci-eu-west-1-issuer',
        ownerTagKey: 'studio-gate:owner',
      },
    });
  });

  it('probes the binding only where there is one and a canary owner to probe it with', () => {
    expect(deployedPlan({ ...CI, issuance: 'direct' }).studio?.binding).toBeUndefined();
    const { healthCanaryOwner: _, ...noOwner } = CI;
    expect(deployedPlan(noOwner).studio?.binding).toBeUndefined();
  });

  it('refuses a binding the run could not probe', () => {
    const plan = (studio: unknown) =>
      parsePlan(JSON.stringify({ region: 'eu-west-1', checkTimeoutMs: 5000, dns: { names: [] }, tlsPort: 443, studio }));
    const binding = { issuerRoleArn: 'arn:aws:iam::111122223333:role/studio-gate-issuer', ownerTagKey: 'studio-gate:owner' };
    expect(plan({ domainId: 'd-exampledomain', canary: { profileName: 'canary' }, binding })).toEqual([
      'plan.studio.binding needs a canary with an owner (the profile it probes)',
    ]);
    expect(
      plan({ domainId: 'd-exampledomain', binding: { ...binding, issuerRoleArn: 'arn:aws:iam::*:role/x', extra: 1 } }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/plan\.studio\.binding/)]));
  });

  it('expects each endpoint reached by exactly the peers the deployment lets in', () => {
    const byName = Object.fromEntries((deployedPlan().network?.endpoints ?? []).map((e) => [e.name, e]));
    const fn = { id: 'sg-0eeeeeeeeeeeeeee5', label: 'the studio-gate functions' };
    const studio = { id: 'sg-0ccccccccccccccc3', label: 'Studio' };
    expect(byName['sagemaker-api']).toMatchObject({ privateDns: true, ingressFromGroups: [fn, studio], ingressFromCidrs: [] });
    expect(byName.studio).toMatchObject({
      privateDns: false,
      ingressFromGroups: [fn, studio],
      ingressFromCidrs: ['192.0.2.0/24'],
    });
    expect(byName['execute-api']).toMatchObject({ privateDns: true, ingressFromGroups: [], ingressFromCidrs: ['192.0.2.0/24'] });
    expect(byName.dynamodb).toMatchObject({ privateDns: false, ingressFromGroups: [fn] });
    for (const e of Object.values(byName)) expect(e.subnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
  });

  it('fits in Lambda’s 4 KB of environment with every optional endpoint', () => {
    const deployment = buildDeployment(
      parseDeploymentParams(
        { ...CI, createStsEndpoint: 'true', createLogsEndpoint: 'true', createMonitoringEndpoint: 'true' },
        'studio-gate',
        'ci',
      ),
    );
    const env = resolveIntrinsics(deployment.healthCheckEnvironment, {
      ...IDS,
      'DynamoDbEndpoint.DnsEntries': JSON.stringify(['Z1:vpce-0fffffffffffffff6-abcdefgh.dynamodb.eu-west-1.vpce.amazonaws.com']),
    }) as Record<string, string>;
    const bytes = Object.entries(env).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(bytes).toBeLessThan(4096);
  });

  it('has no canary without healthCanaryProfile, and refuses an owner without a profile', () => {
    const { healthCanaryProfile: _p, healthCanaryOwner: _o, ...rest } = CI;
    expect(deployedPlan(rest).studio).toEqual({ domainId: 'd-exampledomain' });
    expect(() => parseDeploymentParams({ ...rest, healthCanaryOwner: 'x@example.com' }, 'studio-gate', 'ci')).toThrow(
      /healthCanaryOwner needs healthCanaryProfile/,
    );
  });

  it('refuses bad health parameters, and the local-only ones elsewhere', () => {
    expect(() =>
      parseDeploymentParams(
        {
          ...CI,
          healthIntervalMinutes: '0',
          healthAlarmTopicArn: 'arn:aws:sqs:eu-west-1:111122223333:q',
          localDnsServer: '127.0.0.1:53',
        },
        'studio-gate',
        'ci',
      ),
    ).toThrow(
      /(?=[\s\S]*healthIntervalMinutes must be a whole number from 1 to 1440)(?=[\s\S]*healthAlarmTopicArn must be an SNS topic ARN)(?=[\s\S]*localDnsServer is for the local stack only)/,
    );
  });
});

describe('parsePlan', () => {
  const minimal = { region: 'eu-west-1', checkTimeoutMs: 1000, dns: { servers: [], privateRanges: ['10.0.0.0/16'], names: [] } };

  const withNetwork = (studioSecurityGroupIds: string[], endpoints: unknown[]) => ({
    ...minimal,
    network: { vpcId: 'vpc-0123', subnetIds: [], studioSecurityGroupIds, clientCidrs: [], endpoints },
  });

  it('reads a minimal plan', () => {
    expect(parsePlan(JSON.stringify(minimal))).toEqual({ ...minimal, tlsPort: 443 });
  });

  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{', /not JSON/],
    ['an unknown field', { ...minimal, extra: 1 }, /plan\.extra is not a plan field/],
    ['a bad region', { ...minimal, region: 'EU' }, /plan\.region/],
    ['a timeout out of range', { ...minimal, checkTimeoutMs: 10 }, /checkTimeoutMs must be an integer 100–60000/],
    [
      'a bad host',
      { ...minimal, dns: { ...minimal.dns, names: [{ name: 'x', host: 'bad host', tls: true }] } },
      /names\[0\]\.host/,
    ],
    [
      'a name used twice',
      {
        ...minimal,
        dns: {
          ...minimal.dns,
          names: [
            { name: 'x', host: 'a.example.com' },
            { name: 'x', host: 'b.example.com' },
          ],
        },
      },
      /check name dns\.x is used twice/,
    ],
    [
      'names without ranges or network',
      { ...minimal, dns: { servers: [], privateRanges: [], names: [{ name: 'x', host: 'a.example.com' }] } },
      /privateRanges is required/,
    ],
    [
      'an unknown peer set',
      withNetwork([], [{ name: 'a', serviceName: 's', privateDns: true, ingressFrom: ['everyone'] }]),
      /everyone is not one of function, studio, clients/,
    ],
    [
      'function peers without the function group',
      withNetwork([], [{ name: 'a', serviceName: 's', privateDns: true, ingressFrom: ['function'] }]),
      /functionSecurityGroupId is not set/,
    ],
    [
      'a bad security group',
      {
        ...minimal,
        network: { vpcId: 'vpc-0123', subnetIds: [], studioSecurityGroupIds: ['sg-XYZ'], clientCidrs: [], endpoints: [] },
      },
      /sg-XYZ is not a security group id/,
    ],
    ['a bad probe URL', { ...minimal, probes: { ports: [], jwksUrl: 'file:///etc/passwd' } }, /jwksUrl must be an http\(s\) URL/],
    [
      'a bad port',
      { ...minimal, probes: { ports: [{ name: 'p', label: 'l', host: '127.0.0.1', port: 70000 }] } },
      /port must be an integer 1–65535/,
    ],
    [
      'an owner tag key IAM cannot name, or one without a role',
      { ...minimal, domains: [{ domainId: 'd-one', region: 'eu-west-1', ownerTagKey: 'aws:owner' }] },
      /domains\[0\]\.ownerTagKey is missing or malformed[\s\S]*ownerTagKey needs issuerRoleArn/,
    ],
    [
      'two owner tag keys (the functions have one)',
      {
        ...minimal,
        domains: ['d-one', 'd-two'].map((domainId, i) => ({
          domainId,
          region: 'eu-west-1',
          issuerRoleArn: 'arn:aws:iam::111122223333:role/studio-gate-issuer',
          ownerTagKey: i === 0 ? 'studio-gate:owner' : 'owner',
        })),
      },
      /plan\.domains must all name the same ownerTagKey/,
    ],
  ])('refuses %s', (_, plan, problem) => {
    const result = parsePlan(typeof plan === 'string' ? plan : JSON.stringify(plan));
    expect(Array.isArray(result)).toBe(true);
    expect((result as string[]).join('\n')).toMatch(problem);
  });
});
