/**
 * Where a request came from, as API Gateway saw it, and the fail-closed checks on it.
 * Only fields API Gateway sets (`requestContext.identity.vpceId`, `vpcId`, `sourceIp`) get here;
 * X-Forwarded-For and friends are attacker-controlled and never reach this module.
 */
import { type AllowList, allowsValue } from './allow-list';
import { ForbiddenError } from './errors';
import { ADDRESS_BITS, formatIp, type IpAddress, inNetwork, networkOf, parseIp, unmapped } from './ip-address';

/** The network origin of a request, from the API Gateway request context. Absent fields stay undefined. */
export interface RequestSource {
  readonly vpceId?: string;
  readonly vpcId?: string;
  readonly sourceIp?: string;
}

/** A parsed CIDR block, IPv4 or IPv6: its network address (no host bits set) and prefix length. */
export interface CidrBlock {
  readonly text: string;
  readonly network: IpAddress;
  readonly prefix: number;
}

/** What the deployment allows. Each list is either `*` or an explicit (possibly empty) set. */
export interface SourcePolicy {
  readonly vpceIds: AllowList<string>;
  readonly vpcIds: AllowList<string>;
  readonly sourceCidrs: AllowList<CidrBlock>;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR strictly (src/domain/ip-address.ts): four-part decimal IPv4
 * only, prefix in range, and no host bits set (`10.0.0.1/8` is almost always a typo for
 * `10.0.0.0/8`, so it is refused).
 * @returns the block, or an error message naming the problem.
 */
export function parseCidr(text: string): CidrBlock | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `"${text}" is not a CIDR block (missing /prefix)`;
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return `"${text}" is not a CIDR block (the prefix must be a plain number)`;
  const address = parseIp(addressText);
  if (address === undefined) {
    return /^[\d.]+$/.test(addressText)
      ? `"${text}" is not a CIDR block (IPv4 must be four decimal parts)`
      : `"${text}" is not a CIDR block`;
  }
  const prefix = Number(prefixText);
  if (prefix > ADDRESS_BITS[address.family]) return `"${text}" is not a CIDR block (the prefix is longer than the address)`;
  const network = networkOf(address, prefix);
  if (network.value !== address.value) {
    return `"${text}" has host bits set (did you mean ${formatIp(network)}/${prefix}?)`;
  }
  return { text, network, prefix };
}

/** The block in its normal text form (`2001:DB8:0::/32` → `2001:db8::/32`). */
export function formatCidr(block: CidrBlock): string {
  return `${formatIp(block.network)}/${block.prefix}`;
}

/** Whether `inner` lies wholly inside `outer` (same family, no narrower). */
export function blockCovers(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.prefix <= inner.prefix && inNetwork(inner.network, outer.network, outer.prefix);
}

/**
 * Whether the blocks together cover every IPv4 or every IPv6 address (`0.0.0.0/1,128.0.0.0/1` as
 * much as `0.0.0.0/0` or `::0/0`): @returns the family they cover, or undefined.
 */
export function coversWholeAddressSpace(blocks: readonly CidrBlock[]): 'IPv4' | 'IPv6' | undefined {
  for (const family of ['ipv4', 'ipv6'] as const) {
    const width = BigInt(ADDRESS_BITS[family]);
    const ranges = blocks
      .filter(({ network }) => network.family === family)
      .map(({ network, prefix }) => [network.value, network.value + (1n << (width - BigInt(prefix)))] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let covered = 0n;
    for (const [start, end] of ranges) {
      if (start > covered) break;
      if (end > covered) covered = end;
    }
    if (covered >= 1n << width) return family === 'ipv4' ? 'IPv4' : 'IPv6';
  }
  return undefined;
}

/**
 * True when `address` lies inside one of the blocks (IPv4 blocks match IPv4 addresses only,
 * likewise IPv6; an IPv4-mapped IPv6 address is its IPv4 one). An address not in strict text form
 * lies in none.
 */
export function addressInBlocks(address: string, blocks: readonly CidrBlock[]): boolean {
  const parsed = parseIp(address);
  if (parsed === undefined) return false;
  const client = unmapped(parsed);
  return blocks.some(({ network, prefix }) => inNetwork(client, network, prefix));
}

/**
 * The hosts of the local stack's peers, as a URL's hostname spells them: http is accepted only on
 * these, and only on the local stack (configuration), and the OIDC client lets only such an issuer
 * speak plain http. Deliberately exact, unlike {@link namesThisHost}, which refuses every spelling.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether `url` parses and names one of {@link LOOPBACK_HOSTS} with one of `protocols`. */
export function isLoopbackUrl(url: string, protocols: readonly string[] = ['http:', 'https:']): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return LOOPBACK_HOSTS.has(parsed.hostname) && protocols.includes(parsed.protocol);
}

/** The loopback aliases /etc/hosts carries on Amazon Linux and Debian. */
const LOOPBACK_ALIASES = /^(localhost[46]?(\.localdomain[46]?)?|ip6-(localhost|loopback))$/;

/**
 * Whether a URL's host (WHATWG-normalised, as `new URL(u).hostname` gives it) names, or may name,
 * the machine itself: `localhost` or a name under it, the loopback aliases of /etc/hosts, a
 * loopback or unspecified address (127.0.0.0/8, ::1, 0.0.0.0/8, ::) or one of those mapped into
 * IPv6 (or written IPv4-compatible, `::127.0.0.1`), and any single-label name (/etc/hosts may map the machine's own name, `vm` or `runsc`, to
 * loopback). On Lambda that is where the Runtime API and extensions listen. Every host studio-gate
 * is given (an IdP, an interface endpoint) is a fully qualified name or a routable address.
 */
export function namesThisHost(hostname: string): boolean {
  const host = bareHost(hostname);
  // A zoned IPv6 address (`::ffff:127.0.0.1%lo`): no URL carries one, and it may name this machine.
  if (host.includes('%')) return true;
  if (host === 'localhost' || host.endsWith('.localhost') || LOOPBACK_ALIASES.test(host)) return true;
  const address = parseIp(host);
  if (address === undefined) return isOneLabel(host);
  const { family, value } = unmapped(address);
  // 127.0.0.0/8 and 0.0.0.0/8, also IPv4-compatible (`::127.0.0.1`, deprecated); `::1` and `::` lie in the latter.
  if (family === 'ipv6' && value >> 32n !== 0n) return false;
  const first = value >> 24n;
  return first === 127n || first === 0n;
}

/** Whether `hostname` is one label and no address (`idp`, `adfs`): /etc/hosts may map it to this machine. */
export function isSingleLabelName(hostname: string): boolean {
  return isOneLabel(bareHost(hostname));
}

/** {@link isSingleLabelName} of a host {@link bareHost} has already normalised (normalising twice would strip a second dot). */
function isOneLabel(host: string): boolean {
  return !host.includes('.') && parseIp(host) === undefined;
}

/**
 * A host as WHATWG URL parsing normalises it (the legacy IPv4 forms `127.1`, `2130706433` and
 * `0x7f000001` become `127.0.0.1`; a URL's hostname is already so), without IPv6 brackets or final
 * dots, lower-cased. A host no URL can carry is judged as written.
 */
function bareHost(hostname: string): string {
  const raw = hostname.replace(/^\[|\]$/g, '');
  let host = raw;
  try {
    host = new URL(`http://${raw.includes(':') ? `[${raw}]` : raw}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // Not a host a URL can name: judged as written.
  }
  // Every final dot: `localhost..` is no other host than `localhost`.
  return host.replace(/\.+$/, '').toLowerCase();
}

function checkListed(field: 'vpce' | 'vpc', value: string | undefined, list: AllowList<string>): void {
  if (list.kind === 'any') return;
  if (value === undefined || value === '') throw new ForbiddenError(`source-${field}-missing`);
  if (!allowsValue(list, value)) throw new ForbiddenError(`source-${field}-not-allowed`);
}

/**
 * Denies unless every configured check passes. A check set to `*` is off; any other check whose
 * field is absent from the request denies (fail closed).
 * @throws ForbiddenError with reason `source-<field>-missing` or `source-<field>-not-allowed`.
 */
export function assertSourceAllowed(source: RequestSource, policy: SourcePolicy): void {
  checkListed('vpce', source.vpceId, policy.vpceIds);
  checkListed('vpc', source.vpcId, policy.vpcIds);
  if (policy.sourceCidrs.kind === 'any') return;
  if (source.sourceIp === undefined || source.sourceIp === '') throw new ForbiddenError('source-ip-missing');
  if (!addressInBlocks(source.sourceIp, policy.sourceCidrs.values)) throw new ForbiddenError('source-ip-not-allowed');
}
