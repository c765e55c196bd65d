/**
 * Security-group rules (over EC2 DescribeSecurityGroups): every client of an endpoint can open
 * 443/tcp to it. A group peer is let in by a rule naming that group, or by a CIDR rule covering the
 * whole VPC; a CIDR peer by a CIDR rule covering it. Egress of the peers is the deployment's
 * business and is not judged here.
 */
import { blockCovers, parseCidr } from '../network-source';
import { type CheckOutcome, combine, fail } from './check';

const HTTPS = 443;

/** One inbound permission of a group, as DescribeSecurityGroups lists it. */
export interface IngressRule {
  /** `tcp`, `udp`, `icmp`, `-1` (all) or a protocol number. */
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly groupIds: readonly string[];
  /** IPv4 and IPv6 ranges. */
  readonly cidrs: readonly string[];
}

export interface SecurityGroupFacts {
  readonly id: string;
  readonly ingress: readonly IngressRule[];
}

/** Who must reach one endpoint on 443. */
export interface IngressExpectation {
  readonly endpointName: string;
  readonly fromGroups: readonly { readonly id: string; readonly label: string }[];
  readonly fromCidrs: readonly string[];
}

function coversHttps(rule: IngressRule): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all') return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  return (rule.fromPort ?? 0) <= HTTPS && HTTPS <= (rule.toPort ?? 65535);
}

/** Whether `inner` lies wholly inside one of the rule's ranges (same family, no narrower, containing its start). */
function rangeCovers(ruleCidrs: readonly string[], inner: string): boolean {
  const parsed = parseCidr(inner);
  if (typeof parsed === 'string') return false;
  return ruleCidrs.some((cidr) => {
    const rule = parseCidr(cidr);
    return typeof rule !== 'string' && blockCovers(rule, parsed);
  });
}

/**
 * @param groups the endpoint's security groups, as described
 * @param vpcCidrs the VPC's ranges: a CIDR rule covering one of them lets any group inside it in
 */
export function checkIngress(
  expect: IngressExpectation,
  endpointGroupIds: readonly string[],
  groups: readonly SecurityGroupFacts[],
  vpcCidrs: readonly string[] = [],
): CheckOutcome {
  const attached = groups.filter((g) => endpointGroupIds.includes(g.id));
  const missingGroups = endpointGroupIds.filter((id) => !groups.some((g) => g.id === id));
  if (endpointGroupIds.length === 0 || attached.length === 0) {
    return fail(
      `the ${expect.endpointName} endpoint has no security group that could be read (${missingGroups.join(', ') || 'none attached'})`,
      'attach the stack’s endpoint security group to the endpoint',
    );
  }
  const rules = attached.flatMap((g) => g.ingress).filter(coversHttps);
  const groupTo = attached.map((g) => g.id).join(', ');
  const findings: CheckOutcome[] = [];
  for (const peer of expect.fromGroups) {
    const byReference = rules.some((r) => r.groupIds.includes(peer.id));
    const byVpcRange = vpcCidrs.some((vpc) => rules.some((r) => rangeCovers(r.cidrs, vpc)));
    if (!byReference && !byVpcRange) {
      findings.push(
        fail(
          `${peer.label} (${peer.id}) cannot open 443 to the ${expect.endpointName} endpoint`,
          `add an inbound rule tcp/443 from ${peer.id} to ${groupTo}`,
        ),
      );
    }
  }
  for (const cidr of expect.fromCidrs) {
    if (!rules.some((r) => rangeCovers(r.cidrs, cidr))) {
      findings.push(
        fail(
          `clients in ${cidr} cannot open 443 to the ${expect.endpointName} endpoint`,
          `add an inbound rule tcp/443 from ${cidr} to ${groupTo}`,
        ),
      );
    }
  }
  const peers = expect.fromGroups.length + expect.fromCidrs.length;
  return combine(findings, `443 open to the ${expect.endpointName} endpoint from all ${peers} expected peer(s)`);
}
