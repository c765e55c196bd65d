/**
 * IP addresses in their strict text forms, and CIDR arithmetic on them. Strict on purpose: every
 * address studio-gate reads (API Gateway's `sourceIp`, a configured range, a WHATWG-normalised URL
 * host) comes in one of these forms, so anything else is refused rather than guessed at.
 * - IPv4: four decimal parts, 0–255, no leading zeros (`0300.0.2.1` is octal to some parsers and
 *   decimal to others, and is refused);
 * - IPv6: RFC 4291's text forms (eight groups of one to four hex digits, at most one `::`, the last
 *   32 bits optionally as strict IPv4), without a zone (`%eth0`) or brackets.
 */

/** An address: its family and its value as an unsigned integer of 32 or 128 bits. */
export interface IpAddress {
  readonly family: 'ipv4' | 'ipv6';
  readonly value: bigint;
}

/** Bits per family. */
export const ADDRESS_BITS = { ipv4: 32, ipv6: 128 } as const;

const IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** An IPv4 address's value, or undefined when `text` is not four strict decimal parts. */
function ipv4Value(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  let value = 0;
  for (const part of text.split('.')) {
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

/** The groups of one side of `::` (empty side: none), the last possibly an IPv4 address; undefined when malformed. */
function groupsOf(side: string, last: boolean): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (last && i === parts.length - 1 && part.includes('.')) {
      const v4 = ipv4Value(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** An IPv6 address's value, or undefined when `text` is not one of RFC 4291's text forms. */
function ipv6Value(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = groupsOf(halves[0] as string, !compressed);
  const tail = compressed ? groupsOf(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const given = head.length + tail.length;
  // `::` stands for one zero group or more; without it, all eight are written.
  if (compressed ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** The longest strict form: eight groups, the last two as IPv4 (`ffff:…:ffff:255.255.255.255`). */
const MAX_ADDRESS_LENGTH = 45;

/**
 * Parses an address in its strict text form (above). @returns undefined for anything else. Input
 * longer than any address is refused before any expression reads it (a client's `sourceIp`).
 */
export function parseIp(text: string): IpAddress | undefined {
  if (text.length > MAX_ADDRESS_LENGTH) return undefined;
  const v4 = ipv4Value(text);
  if (v4 !== undefined) return { family: 'ipv4', value: v4 };
  const v6 = ipv6Value(text);
  return v6 === undefined ? undefined : { family: 'ipv6', value: v6 };
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4 address it maps; any other as it is. */
export function unmapped(address: IpAddress): IpAddress {
  if (address.family === 'ipv6' && address.value >> 32n === 0xffffn) {
    return { family: 'ipv4', value: address.value - MAPPED_PREFIX };
  }
  return address;
}

/** The address with every bit after the first `prefix` cleared. */
export function networkOf(address: IpAddress, prefix: number): IpAddress {
  const hostBits = BigInt(ADDRESS_BITS[address.family] - prefix);
  return { family: address.family, value: (address.value >> hostBits) << hostBits };
}

/** Whether `address` lies in `network`/`prefix`: same family, same first `prefix` bits. */
export function inNetwork(address: IpAddress, network: IpAddress, prefix: number): boolean {
  if (address.family !== network.family) return false;
  const hostBits = BigInt(ADDRESS_BITS[address.family] - prefix);
  return address.value >> hostBits === network.value >> hostBits;
}

/** The address's text: dotted decimal, or IPv6 in RFC 5952's form (lower case, the longest run of two or more zero groups as `::`). */
export function formatIp(address: IpAddress): string {
  if (address.family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((address.value >> shift) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > best.length) best = { start: i, length: end - i };
    i = end;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (best.length < 2) return hex(0, 8);
  return `${hex(0, best.start)}::${hex(best.start + best.length, 8)}`;
}
