/**
 * studio-gate's own EC2 reads (src/adapters/ec2-client.ts) against an EC2 on loopback, with the
 * SDK's EC2Client as the reference: the same form bodies, and from the same answers (written as
 * EC2 writes them, with fields the checks never read) the same values of every field they read. A
 * hostile EC2 gets no field read from a malformed answer, and its errors keep AWS's code only.
 */
import { DescribeSecurityGroupsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Ec2Client } from '../../src/adapters/ec2-client';
import { Ec2NetworkAdapter } from '../../src/adapters/ec2-network';
import { type AwsPeer, answer, startAwsPeer } from '../support/aws-peer';
import { sdkEc2Api } from '../support/sdk-clients';

const CREDENTIALS = { accessKeyId: 'AKIDEC2TEST', secretAccessKey: 'ec2-test-secret' };
const NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

const ENDPOINTS = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcEndpointsResponse ${NS}>
  <requestId>a1b2</requestId>
  <vpcEndpointSet>
    <item>
      <vpcEndpointId>vpce-0123456789abcdef0</vpcEndpointId>
      <vpcEndpointType>Interface</vpcEndpointType>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <serviceName>com.amazonaws.eu-west-1.sagemaker.api</serviceName>
      <state>available</state>
      <policyDocument>{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}</policyDocument>
      <routeTableIdSet/>
      <subnetIdSet><item>subnet-0aaaaaaaaaaaaaaa1</item><item>subnet-0bbbbbbbbbbbbbbb2</item></subnetIdSet>
      <groupSet>
        <item><groupId>sg-0aaaaaaaaaaaaaaa1</groupId><groupName>sagemaker-api</groupName></item>
      </groupSet>
      <ipAddressType>ipv4</ipAddressType>
      <dnsOptions><dnsRecordIpType>ipv4</dnsRecordIpType></dnsOptions>
      <privateDnsEnabled>true</privateDnsEnabled>
      <requesterManaged>false</requesterManaged>
      <networkInterfaceIdSet><item>eni-0123</item></networkInterfaceIdSet>
      <dnsEntrySet>
        <item><dnsName>vpce-0123-abcd.api.sagemaker.eu-west-1.vpce.amazonaws.com</dnsName><hostedZoneId>Z1</hostedZoneId></item>
      </dnsEntrySet>
      <creationTimestamp>2026-01-02T03:04:05.000Z</creationTimestamp>
      <tagSet><item><key>Name</key><value>a &amp; b</value></item></tagSet>
      <ownerId>111122223333</ownerId>
    </item>
    <item>
      <vpcEndpointId>vpce-0fedcba9876543210</vpcEndpointId>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <serviceName>com.amazonaws.eu-west-1.execute-api</serviceName>
      <state>pendingAcceptance</state>
      <subnetIdSet/>
      <privateDnsEnabled>false</privateDnsEnabled>
    </item>
  </vpcEndpointSet>
  <nextToken>page+2/=</nextToken>
</DescribeVpcEndpointsResponse>`;

const GROUPS = `<DescribeSecurityGroupsResponse ${NS}>
  <requestId>r</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>111122223333</ownerId>
      <groupId>sg-0aaaaaaaaaaaaaaa1</groupId>
      <groupName>sagemaker-api</groupName>
      <groupDescription>endpoint</groupDescription>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <ipPermissions>
        <item>
          <ipProtocol>tcp</ipProtocol>
          <fromPort>443</fromPort>
          <toPort>443</toPort>
          <groups><item><userId>111122223333</userId><groupId>sg-0eeeeeeeeeeeeeee5</groupId></item></groups>
          <ipRanges><item><cidrIp>198.51.100.0/24</cidrIp><description>corp</description></item></ipRanges>
          <ipv6Ranges><item><cidrIpv6>2001:db8::/32</cidrIpv6></item></ipv6Ranges>
          <prefixListIds/>
        </item>
        <item>
          <ipProtocol>-1</ipProtocol>
          <groups/>
          <ipRanges/>
        </item>
      </ipPermissions>
      <ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissionsEgress>
      <securityGroupArn>arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0aaaaaaaaaaaaaaa1</securityGroupArn>
    </item>
    <item><groupId>sg-0bbbbbbbbbbbbbbb2</groupId><ipPermissions/></item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`;

const VPCS = `<DescribeVpcsResponse ${NS}>
  <requestId>r</requestId>
  <vpcSet>
    <item>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <ownerId>111122223333</ownerId>
      <state>available</state>
      <cidrBlock>198.51.100.0/24</cidrBlock>
      <cidrBlockAssociationSet>
        <item><cidrBlock>198.51.100.0/24</cidrBlock><associationId>a-1</associationId><cidrBlockState><state>associated</state></cidrBlockState></item>
        <item><cidrBlock>203.0.113.0/24</cidrBlock><associationId>a-2</associationId><cidrBlockState><state>disassociated</state></cidrBlockState></item>
      </cidrBlockAssociationSet>
      <ipv6CidrBlockAssociationSet>
        <item><ipv6CidrBlock>2001:db8:1::/56</ipv6CidrBlock><ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState><networkBorderGroup>eu-west-1</networkBorderGroup></item>
      </ipv6CidrBlockAssociationSet>
      <dhcpOptionsId>dopt-1</dhcpOptionsId>
      <instanceTenancy>default</instanceTenancy>
      <isDefault>false</isDefault>
    </item>
  </vpcSet>
</DescribeVpcsResponse>`;

let peer: AwsPeer;
const xml = (status: number, body: string) => answer(status, 'text/xml;charset=UTF-8', body);
/** The requests' bodies, in order. */
const bodies = () => peer.seen.map((r) => r.body);

beforeAll(async () => {
  peer = await startAwsPeer((res, request) => {
    const action = new URLSearchParams(request.body).get('Action');
    xml(200, action === 'DescribeVpcEndpoints' ? ENDPOINTS : action === 'DescribeSecurityGroups' ? GROUPS : VPCS)(res, request);
  });
});
afterAll(() => peer.close());
beforeEach(() => peer.reset());

const ours = () =>
  new Ec2Client({
    region: 'eu-west-1',
    endpoint: peer.url,
    credentials: CREDENTIALS,
    connectTimeoutMs: 500,
    attemptTimeoutMs: 1000,
    maxResponseBytes: 1024 * 1024,
    maxAttempts: 2,
    backoffMs: () => 1,
  });
/** `value` as JSON would carry it: fields that are undefined are gone, as an absent field is. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
const sdk = () => new EC2Client({ region: 'eu-west-1', endpoint: peer.url, credentials: CREDENTIALS, maxAttempts: 1 });

/** The checks' facts, through the adapter, from either client: they must be equal. */
async function facts(adapter: Ec2NetworkAdapter) {
  return {
    endpoints: await adapter.describeVpcEndpoints({
      vpcId: 'vpc-0123456789abcdef0',
      serviceNames: ['com.amazonaws.eu-west-1.sagemaker.api', 'com.amazonaws.eu-west-1.execute-api'],
    }),
    groups: await adapter.describeSecurityGroups(['sg-0aaaaaaaaaaaaaaa1', 'sg-0bbbbbbbbbbbbbbb2']),
    cidrs: await adapter.describeVpcCidrs('vpc-0123456789abcdef0'),
  };
}

it('sends the requests the SDK sends and reads the facts the SDK reads, page after page', async () => {
  // Both stop after ten pages of the same token: the page cap.
  const mine = await facts(new Ec2NetworkAdapter(ours()));
  const mineBodies = bodies();
  peer.reset();
  const theirs = await facts(new Ec2NetworkAdapter(sdkEc2Api(sdk())));
  expect(mineBodies).toEqual(bodies());
  expect(mine).toEqual(theirs);
  expect(mineBodies[1]).toContain('NextToken=page%2B2%2F%3D');
  expect(mine.endpoints[0]).toEqual({
    id: 'vpce-0123456789abcdef0',
    serviceName: 'com.amazonaws.eu-west-1.sagemaker.api',
    vpcId: 'vpc-0123456789abcdef0',
    state: 'available',
    privateDnsEnabled: true,
    subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    securityGroupIds: ['sg-0aaaaaaaaaaaaaaa1'],
  });
  expect(mine.groups[0]?.ingress[0]).toEqual({
    protocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    groupIds: ['sg-0eeeeeeeeeeeeeee5'],
    cidrs: ['198.51.100.0/24', '2001:db8::/32'],
  });
  expect(mine.cidrs).toEqual(['198.51.100.0/24', '2001:db8:1::/56']);
});

it('reads each answer’s raw fields as the SDK does', async () => {
  const client = ours();
  const input = { Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }], NextToken: 't' };
  const mine = await client.describeVpcEndpoints(input);
  const theirs = await sdk().send(
    new DescribeVpcEndpointsCommand({ ...input, Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }] }),
  );
  expect(bodies()[0]).toBe(bodies()[1]);
  expect(mine.VpcEndpoints).toEqual(
    theirs.VpcEndpoints?.map(({ VpcEndpointId, ServiceName, VpcId, State, PrivateDnsEnabled, SubnetIds, Groups }) =>
      plain({
        VpcEndpointId,
        ServiceName,
        VpcId,
        State,
        PrivateDnsEnabled,
        SubnetIds,
        Groups: Groups?.map((g) => ({ GroupId: g.GroupId })),
      }),
    ),
  );
  const groups = await client.describeSecurityGroups({ GroupIds: ['sg-1'] });
  const theirGroups = await sdk().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-1'] }));
  expect(groups.SecurityGroups).toEqual(
    theirGroups.SecurityGroups?.map((g) =>
      plain({
        GroupId: g.GroupId,
        IpPermissions: g.IpPermissions?.map((p) => ({
          IpProtocol: p.IpProtocol,
          FromPort: p.FromPort,
          ToPort: p.ToPort,
          UserIdGroupPairs: p.UserIdGroupPairs?.map((u) => ({ GroupId: u.GroupId })),
          IpRanges: p.IpRanges?.map((r) => ({ CidrIp: r.CidrIp })),
          Ipv6Ranges: p.Ipv6Ranges?.map((r) => ({ CidrIpv6: r.CidrIpv6 })),
        })),
      }),
    ),
  );
  const vpcs = await client.describeVpcs({ VpcIds: ['vpc-1'] });
  const theirVpcs = await sdk().send(new DescribeVpcsCommand({ VpcIds: ['vpc-1'] }));
  expect(vpcs.Vpcs).toEqual(
    theirVpcs.Vpcs?.map((v) =>
      plain({
        CidrBlockAssociationSet: v.CidrBlockAssociationSet?.map((a) => ({
          CidrBlock: a.CidrBlock,
          CidrBlockState: a.CidrBlockState && { State: a.CidrBlockState.State },
        })),
        Ipv6CidrBlockAssociationSet: v.Ipv6CidrBlockAssociationSet?.map((a) => ({
          Ipv6CidrBlock: a.Ipv6CidrBlock,
          Ipv6CidrBlockState: a.Ipv6CidrBlockState && { State: a.Ipv6CidrBlockState.State },
        })),
      }),
    ),
  );
});

it.each([
  [403, 'UnauthorizedOperation'],
  [400, 'InvalidGroup.NotFound'],
  [400, 'RequestLimitExceeded'],
  [503, 'Unavailable'],
])('names an error answer %s %s as the SDK does, and keeps no message', async (status, code) => {
  const error = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>You are not authorized. Encoded authorization failure message: secret</Message></Error></Errors><RequestID>r</RequestID></Response>`;
  peer.reply(xml(status, error));
  const theirs = (await sdk()
    .send(new DescribeVpcsCommand({ VpcIds: ['vpc-1'] }))
    .catch((e: unknown) => e)) as Error;
  peer.reply(xml(status, error), xml(status, error));
  const mine = (await ours()
    .describeVpcs({ VpcIds: ['vpc-1'] })
    .catch((e: unknown) => e)) as Error & { $metadata: unknown };
  expect([mine.name, mine.$metadata]).toEqual([theirs.name, { httpStatusCode: status }]);
  expect(mine.message).not.toContain('secret');
});

it.each([
  ['a port that is not a number', GROUPS.replace('<fromPort>443</fromPort>', '<fromPort>https</fromPort>')],
  ['a boolean that is not one', ENDPOINTS.replace('<privateDnsEnabled>true', '<privateDnsEnabled>yes')],
  ['a field twice', ENDPOINTS.replace('<state>available</state>', '<state>available</state><state>deleted</state>')],
  ['two lists of endpoints', ENDPOINTS.replace('<nextToken>', '<vpcEndpointSet/><nextToken>')],
  ['another operation’s answer', VPCS],
  [
    'an item that is not one',
    ENDPOINTS.replace('<item><groupId>', '<group><groupId>').replace('</groupName></item>', '</groupName></group>'),
  ],
  [
    'a prefixed item',
    GROUPS.replace('<ipRanges><item><cidrIp>198.51.100.0/24</cidrIp>', '<ipRanges><z:item><cidrIp>0.0.0.0/0</cidrIp>').replace(
      '<description>corp</description></item></ipRanges>',
      '<description>corp</description></z:item></ipRanges>',
    ),
  ],
  ['an internal entity', `<!DOCTYPE x [<!ENTITY e "vpce-evil">]>${ENDPOINTS}`],
])('reads nothing from an answer with %s', async (_what, body) => {
  peer.reply(xml(200, body));
  await expect(ours().describeVpcEndpoints({ Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] })).rejects.toMatchObject({
    name: 'MalformedAnswer',
    $metadata: { httpStatusCode: 200 },
  });
  expect(bodies()).toHaveLength(1);
});
