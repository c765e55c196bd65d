/**
 * Private DNS rules: a name the private path depends on must resolve, as the VPC's resolver answers
 * it, to addresses inside the VPC's ranges only. A public answer is a fail: the traffic would leave
 * PrivateLink (and the endpoint policies would never see it).
 */
import { addressInBlocks, type CidrBlock } from '../network-source';
import { type CheckOutcome, fail, pass } from './check';

/** The addresses of an answer outside the private ranges (the VPC's CIDR blocks, or the plan's). */
export function outsideRanges(addresses: readonly string[], privateRanges: readonly CidrBlock[]): string[] {
  return addresses.filter((address) => !addressInBlocks(address, privateRanges));
}

/** What the resolver said about one name (A and AAAA together). */
export type DnsAnswer =
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'no-data' }
  | { readonly kind: 'servfail' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly code: string };

const ZONE_FIX =
  'enable private DNS on the endpoint, or associate the private hosted zone with the VPC (enableDnsSupport and enableDnsHostnames on)';

export function checkPrivateResolution(host: string, answer: DnsAnswer, privateRanges: readonly CidrBlock[]): CheckOutcome {
  switch (answer.kind) {
    case 'addresses': {
      const outside = outsideRanges(answer.addresses, privateRanges);
      if (answer.addresses.length === 0) return fail(`${host} has no A or AAAA record`, ZONE_FIX);
      if (outside.length > 0) {
        return fail(`${host} resolves to ${outside.join(', ')}, outside the VPC: traffic would leave PrivateLink`, ZONE_FIX);
      }
      return pass(`${host} resolves to ${answer.addresses.length} private address(es) in the VPC`);
    }
    case 'nxdomain':
      return fail(`${host} does not exist (NXDOMAIN)`, ZONE_FIX);
    case 'no-data':
      return fail(`${host} has no A or AAAA record`, ZONE_FIX);
    case 'servfail':
      return fail(
        `the resolver failed on ${host} (SERVFAIL)`,
        'check the VPC resolver and any Route 53 Resolver rules forwarding this name',
      );
    case 'refused':
      return fail(`the resolver refused to answer for ${host}`, 'check which DNS servers the VPC (DHCP options set) hands out');
    case 'timeout':
      return fail(
        `no DNS answer for ${host} within ${answer.afterMs} ms`,
        'check the DHCP options set and that the resolver is reachable',
      );
    default:
      return fail(`resolving ${host} failed (${answer.code})`, 'check the DHCP options set and the VPC resolver');
  }
}
