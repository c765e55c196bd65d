/**
 * The three EC2 reads of the health checks (DescribeVpcEndpoints, DescribeSecurityGroups,
 * DescribeVpcs) over {@link SignedRpc} in EC2's Query protocol: the requests the SDK's EC2Client
 * would send, and of each answer the fields the checks read, named as the SDK names them, read
 * strictly. The SDK's EC2 client registers the schema of every EC2 operation at load (540 KB of the
 * health-check bundle, issue 19) for these three.
 */
import { queryCall, type ServiceSettings, SignedRpc } from './signed-rpc';
import { childText, optionalChild, XmlAnswerError, type XmlElement } from './xml-answer';

/** EC2's API version. */
const VERSION = '2016-11-15';

export interface VpcEndpointRecord {
  readonly VpcEndpointId?: string;
  readonly ServiceName?: string;
  readonly VpcId?: string;
  readonly State?: string;
  readonly PrivateDnsEnabled?: boolean;
  readonly SubnetIds?: string[];
  readonly Groups?: { readonly GroupId?: string }[];
}

export interface IpPermissionRecord {
  readonly IpProtocol?: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly UserIdGroupPairs?: { readonly GroupId?: string }[];
  readonly IpRanges?: { readonly CidrIp?: string }[];
  readonly Ipv6Ranges?: { readonly CidrIpv6?: string }[];
}

export interface SecurityGroupRecord {
  readonly GroupId?: string;
  readonly IpPermissions?: IpPermissionRecord[];
}

export interface VpcRecord {
  readonly CidrBlockAssociationSet?: { readonly CidrBlock?: string; readonly CidrBlockState?: { readonly State?: string } }[];
  readonly Ipv6CidrBlockAssociationSet?: {
    readonly Ipv6CidrBlock?: string;
    readonly Ipv6CidrBlockState?: { readonly State?: string };
  }[];
}

export interface DescribeVpcEndpointsInput {
  readonly Filters: readonly { readonly Name: string; readonly Values: readonly string[] }[];
  readonly NextToken?: string;
}

/** The EC2 reads of the health checks, in the SDK's names. */
export interface Ec2Api {
  describeVpcEndpoints(
    input: DescribeVpcEndpointsInput,
    signal?: AbortSignal,
  ): Promise<{ VpcEndpoints?: VpcEndpointRecord[]; NextToken?: string }>;
  describeSecurityGroups(
    input: { GroupIds: readonly string[] },
    signal?: AbortSignal,
  ): Promise<{ SecurityGroups?: SecurityGroupRecord[] }>;
  describeVpcs(input: { VpcIds: readonly string[] }, signal?: AbortSignal): Promise<{ Vpcs?: VpcRecord[] }>;
}

/**
 * The `<item>`s of the list `name` (EC2 writes every list as `<name><item>…</item></name>`), or
 * undefined when the answer has no such list. @throws XmlAnswerError when it holds anything else.
 */
function items(parent: XmlElement, name: string): XmlElement[] | undefined {
  const list = optionalChild(parent, name);
  if (list === undefined) return undefined;
  if (list.children.some((child) => child.name !== 'item')) throw new XmlAnswerError(`${name} holds more than items`);
  return [...list.children];
}

function int(parent: XmlElement, name: string): number | undefined {
  const text = childText(parent, name);
  if (text === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(text.trim())) throw new XmlAnswerError(`${name} is not an integer`);
  return Number(text);
}

function bool(parent: XmlElement, name: string): boolean | undefined {
  const text = childText(parent, name)?.trim();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new XmlAnswerError(`${name} is not a boolean`);
  return text === 'true';
}

/** `fields` without the ones that are undefined: an absent field stays absent, as the SDK leaves it. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** The list `name` read item by item, or undefined when the answer has no such list. */
function listOf<T>(parent: XmlElement, name: string, read: (item: XmlElement) => T): T[] | undefined {
  return items(parent, name)?.map(read);
}

const groupId = (item: XmlElement) => defined<{ GroupId?: string }>({ GroupId: childText(item, 'groupId') });

function readEndpoint(item: XmlElement): VpcEndpointRecord {
  return defined<VpcEndpointRecord>({
    VpcEndpointId: childText(item, 'vpcEndpointId'),
    ServiceName: childText(item, 'serviceName'),
    VpcId: childText(item, 'vpcId'),
    State: childText(item, 'state'),
    PrivateDnsEnabled: bool(item, 'privateDnsEnabled'),
    SubnetIds: listOf(item, 'subnetIdSet', (i) => i.text),
    Groups: listOf(item, 'groupSet', groupId),
  });
}

function readPermission(item: XmlElement): IpPermissionRecord {
  return defined<IpPermissionRecord>({
    IpProtocol: childText(item, 'ipProtocol'),
    FromPort: int(item, 'fromPort'),
    ToPort: int(item, 'toPort'),
    UserIdGroupPairs: listOf(item, 'groups', groupId),
    IpRanges: listOf(item, 'ipRanges', (r) => defined<{ CidrIp?: string }>({ CidrIp: childText(r, 'cidrIp') })),
    Ipv6Ranges: listOf(item, 'ipv6Ranges', (r) => defined<{ CidrIpv6?: string }>({ CidrIpv6: childText(r, 'cidrIpv6') })),
  });
}

function readGroup(item: XmlElement): SecurityGroupRecord {
  return defined<SecurityGroupRecord>({
    GroupId: childText(item, 'groupId'),
    IpPermissions: listOf(item, 'ipPermissions', readPermission),
  });
}

/** An association's `<…State><state>`, as `{ State }`, or undefined when absent. */
function stateOf(item: XmlElement, name: string): { State?: string } | undefined {
  const holder = optionalChild(item, name);
  return holder === undefined ? undefined : defined<{ State?: string }>({ State: childText(holder, 'state') });
}

function readVpc(item: XmlElement): VpcRecord {
  return defined<VpcRecord>({
    CidrBlockAssociationSet: listOf(item, 'cidrBlockAssociationSet', (a) =>
      defined({ CidrBlock: childText(a, 'cidrBlock'), CidrBlockState: stateOf(a, 'cidrBlockState') }),
    ),
    Ipv6CidrBlockAssociationSet: listOf(item, 'ipv6CidrBlockAssociationSet', (a) =>
      defined({ Ipv6CidrBlock: childText(a, 'ipv6CidrBlock'), Ipv6CidrBlockState: stateOf(a, 'ipv6CidrBlockState') }),
    ),
  });
}

/** A list parameter as EC2 takes it: `Name.1`, `Name.2`, … */
function listParams(name: string, values: readonly string[]): [string, string][] {
  return values.map((value, i) => [`${name}.${i + 1}`, value]);
}

/** EC2 over one signed endpoint. */
export class Ec2Client implements Ec2Api {
  private readonly rpc: SignedRpc;

  constructor(settings: ServiceSettings) {
    this.rpc = new SignedRpc({ ...settings, service: 'ec2' });
  }

  describeVpcEndpoints(input: DescribeVpcEndpointsInput, signal?: AbortSignal) {
    const params: [string, string][] = input.Filters.flatMap((filter, i) => [
      [`Filter.${i + 1}.Name`, filter.Name] as [string, string],
      ...listParams(`Filter.${i + 1}.Value`, filter.Values),
    ]);
    if (input.NextToken !== undefined) params.push(['NextToken', input.NextToken]);
    return this.describe('DescribeVpcEndpoints', params, signal, (root) => {
      const next = childText(root, 'nextToken');
      return { VpcEndpoints: listOf(root, 'vpcEndpointSet', readEndpoint) ?? [], ...(next !== undefined && { NextToken: next }) };
    });
  }

  describeSecurityGroups(input: { GroupIds: readonly string[] }, signal?: AbortSignal) {
    return this.describe('DescribeSecurityGroups', listParams('GroupId', input.GroupIds), signal, (root) => ({
      SecurityGroups: listOf(root, 'securityGroupInfo', readGroup) ?? [],
    }));
  }

  describeVpcs(input: { VpcIds: readonly string[] }, signal?: AbortSignal) {
    return this.describe('DescribeVpcs', listParams('VpcId', input.VpcIds), signal, (root) => ({
      Vpcs: listOf(root, 'vpcSet', readVpc) ?? [],
    }));
  }

  /** One Describe call: EC2's answers hold their fields in the root element. */
  private describe<T>(
    action: string,
    params: [string, string][],
    signal: AbortSignal | undefined,
    read: (root: XmlElement) => T,
  ) {
    return queryCall(this.rpc, action, VERSION, params, read, { signal, resultElement: false });
  }

  destroy(): void {
    this.rpc.destroy();
  }
}
