import { ALLOW_ANY, allowOnly } from '../../../src/domain/allow-list';
import { ForbiddenError } from '../../../src/domain/errors';
import {
  addressInBlocks,
  assertSourceAllowed,
  type CidrBlock,
  isLoopbackUrl,
  namesThisHost,
  parseCidr,
  type RequestSource,
  type SourcePolicy,
} from '../../../src/domain/network-source';

function blocks(...texts: string[]): CidrBlock[] {
  return texts.map((t) => {
    const parsed = parseCidr(t);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  });
}

const policy: SourcePolicy = {
  vpceIds: allowOnly(['vpce-0a1b2c3d4e5f60718']),
  vpcIds: allowOnly(['vpc-0123456789abcdef0']),
  sourceCidrs: allowOnly(blocks('198.51.100.0/24', '2001:db8:1::/48')),
};
const good: RequestSource = { vpceId: 'vpce-0a1b2c3d4e5f60718', vpcId: 'vpc-0123456789abcdef0', sourceIp: '198.51.100.7' };

function reasonOf(source: RequestSource, p: SourcePolicy = policy): string | undefined {
  try {
    assertSourceAllowed(source, p);
    return undefined;
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return error.reason;
  }
}

describe('assertSourceAllowed', () => {
  it('allows a request whose endpoint, VPC and address are all allowed', () => {
    expect(reasonOf(good)).toBeUndefined();
  });

  it.each<[string, RequestSource, string]>([
    ['endpoint missing', { ...good, vpceId: undefined }, 'source-vpce-missing'],
    ['endpoint empty', { ...good, vpceId: '' }, 'source-vpce-missing'],
    ['another endpoint', { ...good, vpceId: 'vpce-0ffffffffffffffff' }, 'source-vpce-not-allowed'],
    ['endpoint differs only in case', { ...good, vpceId: 'VPCE-0A1B2C3D4E5F60718' }, 'source-vpce-not-allowed'],
    ['VPC missing', { ...good, vpcId: undefined }, 'source-vpc-missing'],
    ['another VPC', { ...good, vpcId: 'vpc-0fffffffffffffff0' }, 'source-vpc-not-allowed'],
    ['address missing', { ...good, sourceIp: undefined }, 'source-ip-missing'],
    ['address outside the ranges', { ...good, sourceIp: '203.0.113.7' }, 'source-ip-not-allowed'],
    ['address not an address', { ...good, sourceIp: 'not-an-ip' }, 'source-ip-not-allowed'],
    ['address in legacy octal form', { ...good, sourceIp: '0306.51.100.7' }, 'source-ip-not-allowed'],
    ['IPv6 address outside the range', { ...good, sourceIp: '2001:db8:2::1' }, 'source-ip-not-allowed'],
  ])('denies when the %s', (_what, source, reason) => {
    expect(reasonOf(source)).toBe(reason);
  });

  it('checks the endpoint before the VPC and the address', () => {
    expect(reasonOf({})).toBe('source-vpce-missing');
  });

  it('treats * as "check off", even for a field the request lacks', () => {
    expect(reasonOf({}, { vpceIds: ALLOW_ANY, vpcIds: ALLOW_ANY, sourceCidrs: ALLOW_ANY })).toBeUndefined();
  });

  it('denies everything with empty allow-lists', () => {
    expect(reasonOf(good, { ...policy, vpceIds: allowOnly([]) })).toBe('source-vpce-not-allowed');
    expect(reasonOf(good, { ...policy, sourceCidrs: allowOnly([]) })).toBe('source-ip-not-allowed');
  });
});

describe('addressInBlocks', () => {
  it.each([
    ['198.51.100.0', true],
    ['198.51.100.255', true],
    ['198.51.101.0', false],
    ['::ffff:198.51.100.9', true],
    ['2001:db8:1::1', true],
    ['2001:db8:1:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8:2::', false],
    ['::1', false],
    ['', false],
  ])('%s in 198.51.100.0/24 or 2001:db8:1::/48 → %s', (address, expected) => {
    expect(addressInBlocks(address, blocks('198.51.100.0/24', '2001:db8:1::/48'))).toBe(expected);
  });
});

describe('parseCidr', () => {
  it.each(['192.0.2.0/24', '203.0.113.128/25', '2001:db8::/32', '0.0.0.0/0', '192.0.2.7/32', '::1/128'])('accepts %s', (text) => {
    expect(typeof parseCidr(text)).toBe('object');
  });

  it.each([
    ['192.0.2.0', 'missing /prefix'],
    ['192.0.2.0/33', 'not a CIDR'],
    ['192.0.2.1/24', 'host bits set (did you mean 192.0.2.0/24?)'],
    ['2001:db8::1/32', 'host bits set'],
    ['0300.0.2.0/24', 'four decimal parts'],
    ['banana/8', 'not a CIDR'],
  ])('refuses %s (%s)', (text, message) => {
    expect(parseCidr(text)).toEqual(expect.stringContaining(message));
  });
});

describe('namesThisHost', () => {
  const host = (url: string) => new URL(url).hostname;
  it.each([
    'http://localhost',
    'http://LOCALHOST.',
    'http://a.b.localhost',
    'http://127.0.0.1',
    'http://127.255.255.254',
    'http://127.1',
    'http://2130706433',
    'http://0x7f000001',
    'http://[::1]',
    'http://[0:0::1]',
    'http://[::ffff:127.0.0.1]',
    'http://0.0.0.0',
    'http://0',
    'http://[::]',
    'http://[::ffff:0.0.0.0]',
    'http://localhost4',
    'http://localhost6.localdomain6',
    'http://localhost.localdomain',
    'http://ip6-loopback',
    // A single label: /etc/hosts may map the machine's own name to loopback.
    'http://vm',
    'http://runsc',
  ])('%s names this machine, or may', (url) => {
    expect(namesThisHost(host(url))).toBe(true);
  });

  it.each([
    'https://idp.example.com',
    'https://localhost.example.com',
    'https://mylocalhost.example.com',
    'https://198.51.100.7',
    'https://[2001:db8::1]',
    'https://[::ffff:198.51.100.7]',
    'https://169.254.170.2',
    'https://vpce-0123456789abcdef0-abcdefgh.sts.eu-west-1.vpce.amazonaws.com',
  ])('%s does not', (url) => {
    expect(namesThisHost(host(url))).toBe(false);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:3000/x', true],
    ['https://localhost/', true],
    ['http://[::1]:8080', true],
    ['http://LOCALHOST:1', true],
    // Exact spellings only: the local stack's peers are addressed these three ways.
    ['http://127.0.0.2', false],
    ['http://localhost.example.com', false],
    ['http://[::ffff:127.0.0.1]', false],
    ['ftp://127.0.0.1', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });

  it('takes only the protocols it is given', () => {
    expect(isLoopbackUrl('https://127.0.0.1', ['http:'])).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1', ['http:'])).toBe(true);
  });
});
