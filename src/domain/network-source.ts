/**
 * Where a request came from, as API Gateway saw it, and the fail-closed checks on it.
 * Only fields API Gateway sets (`requestContext.identity.vpceId`, `vpcId`, `sourceIp`) get here;
 * X-Forwarded-For and friends are attacker-controlled and never reach this module.
 */
import ipaddr from 'ipaddr.js';
import { type AllowList, allowsValue } from './allow-list';
import { ForbiddenError } from './errors';

/** The network origin of a request, from the API Gateway request context. Absent fields stay undefined. */
export interface RequestSource {
  readonly vpceId?: string;
  readonly vpcId?: string;
  readonly sourceIp?: string;
}

/** A parsed CIDR block, IPv4 or IPv6. */
export interface CidrBlock {
  readonly text: string;
  readonly range: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/** What the deployment allows. Each list is either `*` or an explicit (possibly empty) set. */
export interface SourcePolicy {
  readonly vpceIds: AllowList<string>;
  readonly vpcIds: AllowList<string>;
  readonly sourceCidrs: AllowList<CidrBlock>;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR strictly: four-part decimal IPv4 only, prefix in range, and no
 * host bits set (`10.0.0.1/8` is almost always a typo for `10.0.0.0/8`, so it is refused).
 * @returns the block, or an error message naming the problem.
 */
export function parseCidr(text: string): CidrBlock | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `"${text}" is not a CIDR block (missing /prefix)`;
  const addressText = text.slice(0, slash);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(text.slice(slash + 1)))
    return `"${text}" is not a CIDR block (the prefix must be a plain number)`;
  if (addressText.includes('.') && !addressText.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
    return `"${text}" is not a CIDR block (IPv4 must be four decimal parts)`;
  }
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    range = ipaddr.parseCIDR(text);
  } catch {
    return `"${text}" is not a CIDR block`;
  }
  const [address, bits] = range;
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  if (network.toNormalizedString() !== address.toNormalizedString()) {
    return `"${text}" has host bits set (did you mean ${network.toString()}/${bits}?)`;
  }
  return { text, range };
}

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

/**
 * Whether the blocks together cover every IPv4 or every IPv6 address (`0.0.0.0/1,128.0.0.0/1` as
 * much as `0.0.0.0/0` or `::0/0`): @returns the family they cover, or undefined.
 */
export function coversWholeAddressSpace(blocks: readonly CidrBlock[]): 'IPv4' | 'IPv6' | undefined {
  for (const [family, width] of [
    ['ipv4', 32n],
    ['ipv6', 128n],
  ] as const) {
    const ranges = blocks
      .filter(({ range }) => range[0].kind() === family)
      .map(({ range }) => {
        const start = toBigInt(range[0]);
        return [start, start + (1n << (width - BigInt(range[1])))] as const;
      })
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

/** Parses a client address; IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes IPv4. Undefined if invalid. */
function parseClientAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  if (text.includes('.') && !text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.process(text);
}

/** True when `address` lies inside one of the blocks (IPv4 blocks match IPv4 addresses only, likewise IPv6). */
export function addressInBlocks(address: string, blocks: readonly CidrBlock[]): boolean {
  const parsed = parseClientAddress(address);
  if (parsed === undefined) return false;
  return blocks.some(({ range }) => range[0].kind() === parsed.kind() && parsed.match(range));
}

/** The loopback aliases /etc/hosts carries on Amazon Linux and Debian. */
const LOOPBACK_ALIASES = /^(localhost[46]?(\.localdomain[46]?)?|ip6-(localhost|loopback))$/;

/**
 * Whether a URL's host (WHATWG-normalised, as `new URL(u).hostname` gives it) names, or may name,
 * the machine itself: `localhost` or a name under it, the loopback aliases of /etc/hosts, a
 * loopback or unspecified address (127.0.0.0/8, ::1, 0.0.0.0/8, ::) or one of those mapped into
 * IPv6, and any single-label name (/etc/hosts may map the machine's own name, `vm` or `runsc`, to
 * loopback). On Lambda that is where the Runtime API and extensions listen. Every host studio-gate
 * is given (an IdP, an interface endpoint) is a fully qualified name or a routable address.
 */
export function namesThisHost(hostname: string): boolean {
  const host = bareHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost') || LOOPBACK_ALIASES.test(host)) return true;
  if (!ipaddr.isValid(host)) return isSingleLabelName(host);
  // process() reads an IPv4-mapped IPv6 address as the IPv4 one.
  const range = ipaddr.process(host).range();
  return range === 'loopback' || range === 'unspecified';
}

/** Whether `hostname` is one label and no address (`idp`, `adfs`): /etc/hosts may map it to this machine. */
export function isSingleLabelName(hostname: string): boolean {
  const host = bareHost(hostname);
  return !host.includes('.') && !ipaddr.isValid(host);
}

/** A URL's host without IPv6 brackets or a final dot, lower-cased. */
function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
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
