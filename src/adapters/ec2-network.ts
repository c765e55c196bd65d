/**
 * EC2 adapter of the health checks: the VPC's endpoints, their security groups and the VPC's
 * ranges, read with DescribeVpcEndpoints, DescribeSecurityGroups and DescribeVpcs (every page),
 * through src/adapters/ec2-client.ts.
 * In a VPC-only deployment the client reaches EC2 through the ec2 interface endpoint
 * (createEc2Endpoint=true); each attempt is bounded like the SageMaker client's.
 */
import type { EndpointFacts } from '../domain/health/endpoints';
import type { IngressRule, SecurityGroupFacts } from '../domain/health/security-groups';
import type { NetworkPort } from '../use-cases/health-ports';
import type { CallOptions } from '../use-cases/ports';
import { MAX_SAGEMAKER_RESPONSE_BYTES } from './bounded-http-handler';
import { type Ec2Api, Ec2Client, type IpPermissionRecord } from './ec2-client';
import type { StaticCredentials } from './static-credentials';

/** Pages read at most per call (a VPC with more than 10,000 endpoints is not one we check). */
const MAX_PAGES = 10;

/** Backoff before EC2's second attempt (the SDK's standard base delay). */
const RETRY_BACKOFF_MS = 100;

export function createEc2Client(region: string, timeoutMs: number, credentials?: StaticCredentials): Ec2Client {
  return new Ec2Client({
    region,
    credentials,
    connectTimeoutMs: Math.min(1000, timeoutMs),
    attemptTimeoutMs: timeoutMs,
    maxResponseBytes: MAX_SAGEMAKER_RESPONSE_BYTES,
    maxAttempts: 2,
    backoffMs: () => RETRY_BACKOFF_MS,
  });
}

function ingressOf(permission: IpPermissionRecord): IngressRule {
  return {
    protocol: String(permission.IpProtocol ?? ''),
    ...(permission.FromPort !== undefined && permission.FromPort >= 0 && { fromPort: permission.FromPort }),
    ...(permission.ToPort !== undefined && permission.ToPort >= 0 && { toPort: permission.ToPort }),
    groupIds: (permission.UserIdGroupPairs ?? []).map((p) => p.GroupId).filter((id): id is string => typeof id === 'string'),
    cidrs: [...(permission.IpRanges ?? []).map((r) => r.CidrIp), ...(permission.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter(
      (c): c is string => typeof c === 'string',
    ),
  };
}

export class Ec2NetworkAdapter implements NetworkPort {
  constructor(private readonly client: Ec2Api) {}

  async describeVpcEndpoints(
    input: { vpcId: string; serviceNames: readonly string[] },
    options: CallOptions = {},
  ): Promise<EndpointFacts[]> {
    const found: EndpointFacts[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.client.describeVpcEndpoints(
        {
          Filters: [
            { Name: 'vpc-id', Values: [input.vpcId] },
            { Name: 'service-name', Values: [...input.serviceNames] },
          ],
          ...(token && { NextToken: token }),
        },
        options.signal,
      );
      for (const e of out.VpcEndpoints ?? []) {
        if (typeof e.VpcEndpointId !== 'string' || typeof e.ServiceName !== 'string') continue;
        found.push({
          id: e.VpcEndpointId,
          serviceName: e.ServiceName,
          vpcId: e.VpcId ?? '',
          state: String(e.State ?? 'unknown'),
          privateDnsEnabled: e.PrivateDnsEnabled === true,
          subnetIds: (e.SubnetIds ?? []).filter((s): s is string => typeof s === 'string'),
          securityGroupIds: (e.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => typeof g === 'string'),
        });
      }
      token = out.NextToken;
      if (!token) break;
    }
    return found;
  }

  async describeSecurityGroups(groupIds: readonly string[], options: CallOptions = {}): Promise<SecurityGroupFacts[]> {
    const out = await this.client.describeSecurityGroups({ GroupIds: [...groupIds] }, options.signal);
    return (out.SecurityGroups ?? [])
      .filter((g) => typeof g.GroupId === 'string')
      .map((g) => ({ id: g.GroupId as string, ingress: (g.IpPermissions ?? []).map(ingressOf) }));
  }

  async describeVpcCidrs(vpcId: string, options: CallOptions = {}): Promise<string[]> {
    const out = await this.client.describeVpcs({ VpcIds: [vpcId] }, options.signal);
    const vpc = out.Vpcs?.[0];
    const live = (state: unknown) => state === 'associated' || state === undefined;
    return [
      ...(vpc?.CidrBlockAssociationSet ?? []).filter((a) => live(a.CidrBlockState?.State)).map((a) => a.CidrBlock),
      ...(vpc?.Ipv6CidrBlockAssociationSet ?? []).filter((a) => live(a.Ipv6CidrBlockState?.State)).map((a) => a.Ipv6CidrBlock),
    ].filter((c): c is string => typeof c === 'string');
  }
}
