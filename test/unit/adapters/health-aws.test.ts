/**
 * The health checks over the real EC2 and SageMaker adapters, with aws-sdk-client-mock answering as
 * the services do: every command's exact input is asserted, and realistic DescribeVpcEndpoints,
 * DescribeSecurityGroups, DescribeVpcs and DescribeDomain answers drive pass, warn and fail.
 */
import {
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandOutput,
  DescribeVpcEndpointsCommand,
  type DescribeVpcEndpointsCommandOutput,
  DescribeVpcsCommand,
  EC2Client,
  type State,
} from '@aws-sdk/client-ec2';
import {
  DescribeDomainCommand,
  DescribeUserProfileCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2NetworkAdapter } from '../../../src/adapters/ec2-network';
import { SageMakerHealthAdapter } from '../../../src/adapters/sagemaker-health';
import type { CheckResult } from '../../../src/domain/health/check';
import type { DnsAnswer } from '../../../src/domain/health/dns';
import { type HealthPlan, parsePlan } from '../../../src/domain/health/plan';
import type { DnsPort, TlsPort } from '../../../src/use-cases/health-ports';
import { runHealth } from '../../../src/use-cases/run-health-checks';
import { sdkEc2Api } from '../../support/sdk-clients';

const ec2 = mockClient(EC2Client);
const sagemaker = mockClient(SageMakerClient);

const VPC = 'vpc-0123456789abcdef0';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'];
const FUNCTION_SG = 'sg-0eeeeeeeeeeeeeee5';
const STUDIO_SG = 'sg-0ccccccccccccccc3';
const SERVICE_SG = 'sg-0aaaaaaaaaaaaaaa1';
const EXECUTE_SG = 'sg-0bbbbbbbbbbbbbbb2';

const plan = parsePlan(
  JSON.stringify({
    region: 'eu-west-1',
    checkTimeoutMs: 2000,
    network: {
      vpcId: VPC,
      subnetIds: SUBNETS,
      functionSecurityGroupId: FUNCTION_SG,
      studioSecurityGroupIds: [STUDIO_SG],
      clientCidrs: ['192.0.2.0/24'],
      endpoints: [
        {
          name: 'sagemaker-api',
          serviceName: 'com.amazonaws.eu-west-1.sagemaker.api',
          privateDns: true,
          ingressFrom: ['function', 'studio'],
        },
        { name: 'execute-api', serviceName: 'com.amazonaws.eu-west-1.execute-api', privateDns: true, ingressFrom: ['clients'] },
      ],
    },
    dns: {
      servers: [],
      privateRanges: [],
      names: [{ name: 'sagemaker-api', host: 'api.sagemaker.eu-west-1.amazonaws.com', tls: false }],
    },
    studio: {
      domainId: 'd-exampledomain',
      canary: { profileName: 'canary', owner: { identity: 'canary@example.com', tagKey: 'studio-gate:owner' } },
    },
  }),
) as HealthPlan;

/** DescribeVpcEndpoints as EC2 answers it for a healthy VPC. */
function endpointsAnswer(
  overrides: { state?: string; privateDns?: boolean; subnets?: string[] } = {},
): DescribeVpcEndpointsCommandOutput {
  return {
    $metadata: {},
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-0aaaaaaaaaaaaaaa1',
        VpcEndpointType: 'Interface',
        VpcId: VPC,
        ServiceName: 'com.amazonaws.eu-west-1.sagemaker.api',
        // EC2 answers in lower case, whatever the SDK's enum says.
        State: (overrides.state ?? 'available') as State,
        PrivateDnsEnabled: overrides.privateDns ?? true,
        SubnetIds: overrides.subnets ?? SUBNETS,
        Groups: [{ GroupId: SERVICE_SG, GroupName: 'studio-gate-ServiceEndpointSecurityGroup' }],
        NetworkInterfaceIds: ['eni-0aaaaaaaaaaaaaaa1', 'eni-0bbbbbbbbbbbbbbb2'],
        DnsEntries: [
          {
            DnsName: 'vpce-0aaaaaaaaaaaaaaa1-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com',
            HostedZoneId: 'Z7HUB22UULQXV',
          },
        ],
      },
      {
        VpcEndpointId: 'vpce-0ccccccccccccccc3',
        VpcEndpointType: 'Interface',
        VpcId: VPC,
        ServiceName: 'com.amazonaws.eu-west-1.execute-api',
        State: 'available' as State,
        PrivateDnsEnabled: true,
        SubnetIds: SUBNETS,
        Groups: [{ GroupId: EXECUTE_SG, GroupName: 'studio-gate-ExecuteApiEndpointSecurityGroup' }],
      },
    ],
  };
}

function groupsAnswer(studioRule = true): DescribeSecurityGroupsCommandOutput {
  return {
    $metadata: {},
    SecurityGroups: [
      {
        GroupId: SERVICE_SG,
        VpcId: VPC,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            UserIdGroupPairs: [
              { GroupId: FUNCTION_SG, UserId: '111122223333' },
              ...(studioRule ? [{ GroupId: STUDIO_SG, UserId: '111122223333' }] : []),
            ],
            IpRanges: [],
            Ipv6Ranges: [],
          },
        ],
      },
      {
        GroupId: EXECUTE_SG,
        VpcId: VPC,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '192.0.2.0/24' }], UserIdGroupPairs: [] },
        ],
      },
    ],
  };
}

const privateDns: DnsPort = {
  resolve: async (): Promise<DnsAnswer> => ({ kind: 'addresses', addresses: ['10.0.1.5', '10.0.2.9'] }),
};
const noTls: TlsPort = { handshake: async () => ({ kind: 'error', address: '', code: 'unused' }) };

function ports(dns: DnsPort = privateDns) {
  return {
    network: new Ec2NetworkAdapter(sdkEc2Api()),
    studio: new SageMakerHealthAdapter(new SageMakerClient({ region: 'eu-west-1' })),
    dns,
    tls: noTls,
  };
}

function healthyWorld() {
  ec2.on(DescribeVpcEndpointsCommand).resolves(endpointsAnswer());
  ec2.on(DescribeSecurityGroupsCommand).resolves(groupsAnswer());
  ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      {
        VpcId: VPC,
        CidrBlockAssociationSet: [
          { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
          { CidrBlock: '100.64.0.0/16', CidrBlockState: { State: 'disassociated' } },
        ],
      },
    ],
  });
  sagemaker
    .on(DescribeDomainCommand)
    .resolves({ DomainId: 'd-exampledomain', Status: 'InService', AppNetworkAccessType: 'VpcOnly' });
  sagemaker.on(DescribeUserProfileCommand).resolves({
    Status: 'InService',
    UserProfileArn: 'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-exampledomain/canary',
  });
  sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'studio-gate:owner', Value: 'canary@example.com' }] });
}

/** An error as SageMaker sends it (its message is upstream text the checks must never repeat). */
function serviceError(name: string, status: number, message: string): SageMakerServiceException {
  return new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

const byName = (checks: readonly CheckResult[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

beforeEach(() => {
  ec2.reset();
  sagemaker.reset();
});

describe('health checks over EC2 and SageMaker', () => {
  it('passes a healthy VPC, asking each service exactly once with exactly these inputs', async () => {
    healthyWorld();
    const summary = await runHealth(plan, ports());
    expect(summary.checks.map((c) => [c.name, c.status])).toEqual([
      ['endpoint.sagemaker-api', 'pass'],
      ['security-group.sagemaker-api', 'pass'],
      ['endpoint.execute-api', 'pass'],
      ['security-group.execute-api', 'pass'],
      ['dns.sagemaker-api', 'pass'],
      ['domain', 'pass'],
      ['canary', 'pass'],
    ]);
    expect(summary.healthy).toBe(true);
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'service-name', Values: ['com.amazonaws.eu-west-1.sagemaker.api', 'com.amazonaws.eu-west-1.execute-api'] },
      ],
    });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { GroupIds: [SERVICE_SG] });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { GroupIds: [EXECUTE_SG] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcsCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcsCommand, { VpcIds: [VPC] });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeDomainCommand, { DomainId: 'd-exampledomain' });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeUserProfileCommand, {
      DomainId: 'd-exampledomain',
      UserProfileName: 'canary',
    });
    expect(sagemaker).toHaveReceivedCommandWith(ListTagsCommand, {
      ResourceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-exampledomain/canary',
      MaxResults: 100,
    });
  });

  it('reads every page of DescribeVpcEndpoints', async () => {
    healthyWorld();
    const [first, second] = endpointsAnswer().VpcEndpoints ?? [];
    ec2
      .on(DescribeVpcEndpointsCommand)
      .resolvesOnce({ VpcEndpoints: [first as never], NextToken: 'page-2' })
      .resolvesOnce({ VpcEndpoints: [second as never] });
    const checks = byName((await runHealth(plan, ports())).checks);
    expect(checks['endpoint.execute-api']?.status).toBe('pass');
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, { NextToken: 'page-2' });
  });

  it.each<[string, () => void, string, 'warn' | 'fail', RegExp]>([
    [
      'a pending endpoint',
      () => ec2.on(DescribeVpcEndpointsCommand).resolves(endpointsAnswer({ state: 'pending' })),
      'endpoint.sagemaker-api',
      'fail',
      /pending/,
    ],
    [
      'private DNS off',
      () => ec2.on(DescribeVpcEndpointsCommand).resolves(endpointsAnswer({ privateDns: false })),
      'endpoint.sagemaker-api',
      'fail',
      /private DNS off/,
    ],
    [
      'a subnet without the endpoint',
      () => ec2.on(DescribeVpcEndpointsCommand).resolves(endpointsAnswer({ subnets: [SUBNETS[0] as string] })),
      'endpoint.sagemaker-api',
      'fail',
      /subnet-0bbbbbbbbbbbbbbb2/,
    ],
    [
      'Studio’s rule removed',
      () => ec2.on(DescribeSecurityGroupsCommand).resolves(groupsAnswer(false)),
      'security-group.sagemaker-api',
      'fail',
      /Studio \(sg-0ccccccccccccccc3\)/,
    ],
    [
      'a domain open to the internet',
      () => sagemaker.on(DescribeDomainCommand).resolves({ Status: 'InService', AppNetworkAccessType: 'PublicInternetOnly' }),
      'domain',
      'warn',
      /PublicInternetOnly/,
    ],
    [
      'a deleted domain',
      () => sagemaker.on(DescribeDomainCommand).rejects(serviceError('ResourceNotFound', 400, 'gone')),
      'domain',
      'fail',
      /does not exist/,
    ],
    [
      'SageMaker refusing the role',
      () =>
        sagemaker
          .on(DescribeDomainCommand)
          .rejects(
            serviceError('AccessDeniedException', 403, 'User: arn:aws:sts::111122223333:assumed-role/x is not authorized'),
          ),
      'domain',
      'fail',
      /could not run \(sagemaker-access-denied:403\)/,
    ],
    [
      'a canary owned by someone else',
      () => sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'studio-gate:owner', Value: 'mallory@example.com' }] }),
      'canary',
      'fail',
      /profile-owner-mismatch/,
    ],
    [
      'a canary that was deleted',
      () => sagemaker.on(DescribeUserProfileCommand).rejects(serviceError('ResourceNotFound', 400, 'x')),
      'canary',
      'fail',
      /does not exist/,
    ],
  ])('%s', async (_, breakIt, name, status, reason) => {
    healthyWorld();
    breakIt();
    const summary = await runHealth(plan, ports());
    const check = byName(summary.checks)[name];
    expect(check).toMatchObject({ status, reason: expect.stringMatching(reason) });
    expect(check?.fix).toBeTruthy();
    expect(summary.healthy).toBe(status !== 'fail');
    // Only the broken part is reported: every other check still passes.
    expect(summary.checks.filter((c) => c.status !== 'pass').map((c) => c.name)).toEqual([name]);
    // Upstream error text never reaches a reason.
    expect(JSON.stringify(summary)).not.toMatch(/not authorized|assumed-role/);
  });

  it('judges DNS against the VPC’s associated ranges only', async () => {
    healthyWorld();
    const disassociated: DnsPort = { resolve: async () => ({ kind: 'addresses', addresses: ['100.64.0.10'] }) };
    const check = byName((await runHealth(plan, ports(disassociated))).checks)['dns.sagemaker-api'];
    expect(check).toMatchObject({ status: 'fail', reason: expect.stringMatching(/100\.64\.0\.10, outside the VPC/) });
  });

  it('fails the network checks, and only those, when EC2 cannot be reached', async () => {
    healthyWorld();
    ec2
      .on(DescribeVpcEndpointsCommand)
      .rejects(Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError' }));
    const checks = (await runHealth(plan, ports())).checks;
    const failing = checks.filter((c) => c.status === 'fail');
    expect(failing.map((c) => c.name)).toEqual([
      'endpoint.sagemaker-api',
      'security-group.sagemaker-api',
      'endpoint.execute-api',
      'security-group.execute-api',
    ]);
    for (const c of failing) expect(c.reason).toBe('the check could not run (TimeoutError)');
  });
});
