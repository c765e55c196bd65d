/**
 * Every health rule, table-driven over realistic facts: pass, warn and fail, with the reason and
 * the fix each one promises.
 */

import {
  ForbiddenError,
  ProfileNotFoundError,
  UpstreamInvalidResponseError,
  UpstreamUnavailableError,
} from '../../../../src/domain/errors';
import { combine, fail, healthState, pass, summarize, warn } from '../../../../src/domain/health/check';
import { checkPrivateResolution, type DnsAnswer } from '../../../../src/domain/health/dns';
import { checkEndpoint, type EndpointExpectation, type EndpointFacts } from '../../../../src/domain/health/endpoints';
import { checkApiHealth, checkJwks, checkPort } from '../../../../src/domain/health/probes';
import { checkIngress, type IngressExpectation, type SecurityGroupFacts } from '../../../../src/domain/health/security-groups';
import { bindingUnprobed, checkBinding, checkCanary, checkDomain } from '../../../../src/domain/health/studio';
import { checkTls } from '../../../../src/domain/health/tls';
import { type CidrBlock, parseCidr } from '../../../../src/domain/network-source';

const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'];
const API: EndpointExpectation = {
  name: 'sagemaker-api',
  serviceName: 'com.amazonaws.eu-west-1.sagemaker.api',
  privateDns: true,
  subnetIds: SUBNETS,
};
const endpoint = (overrides: Partial<EndpointFacts> = {}): EndpointFacts => ({
  id: 'vpce-0aaaaaaaaaaaaaaa1',
  serviceName: API.serviceName,
  vpcId: 'vpc-0123456789abcdef0',
  state: 'available',
  privateDnsEnabled: true,
  subnetIds: SUBNETS,
  securityGroupIds: ['sg-0aaaaaaaaaaaaaaa1'],
  ...overrides,
});

describe('checkEndpoint', () => {
  it.each<[string, EndpointExpectation, EndpointFacts[], 'pass' | 'warn' | 'fail', RegExp]>([
    ['available everywhere', API, [endpoint()], 'pass', /available in 2 subnet/],
    ['missing', API, [], 'fail', /no com\.amazonaws\.eu-west-1\.sagemaker\.api interface endpoint/],
    ['another service only', API, [endpoint({ serviceName: 'com.amazonaws.eu-west-1.sts' })], 'fail', /no com\.amazonaws/],
    ['pending', API, [endpoint({ state: 'pending' })], 'fail', /is pending/],
    ['pendingAcceptance', API, [endpoint({ state: 'pendingAcceptance' })], 'fail', /pendingAcceptance/],
    ['deleted', API, [endpoint({ state: 'deleted' })], 'fail', /is deleted/],
    ['rejected', API, [endpoint({ state: 'Rejected' })], 'fail', /is Rejected/],
    ['private DNS off', API, [endpoint({ privateDnsEnabled: false })], 'fail', /private DNS off/],
    ['private DNS on beside our zone', { ...API, privateDns: false }, [endpoint()], 'warn', /manages a private hosted zone/],
    [
      'one subnet missing',
      API,
      [endpoint({ subnetIds: [SUBNETS[0] as string] })],
      'fail',
      /no interface in subnet-0bbbbbbbbbbbbbbb2/,
    ],
    [
      'a deleted and an available one',
      API,
      [endpoint({ id: 'vpce-0old', state: 'deleted' }), endpoint()],
      'pass',
      /vpce-0aaaaaaaaaaaaaaa1 available/,
    ],
  ])('%s', (_, expect_, found, status, reason) => {
    const outcome = checkEndpoint(expect_, found);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
    expect(outcome.fix === undefined).toBe(status === 'pass');
  });

  it('names every problem of a broken endpoint, the worst first', () => {
    const outcome = checkEndpoint(API, [endpoint({ state: 'pending', privateDnsEnabled: false, subnetIds: [] })]);
    expect(outcome).toMatchObject({ status: 'fail', reason: expect.stringMatching(/is pending \(and 2 more\)$/) });
  });
});

const FUNCTION_SG = 'sg-0eeeeeeeeeeeeeee5';
const STUDIO_SG = 'sg-0ccccccccccccccc3';
const INGRESS: IngressExpectation = {
  endpointName: 'studio',
  fromGroups: [
    { id: FUNCTION_SG, label: 'the studio-gate functions' },
    { id: STUDIO_SG, label: 'Studio' },
  ],
  fromCidrs: ['192.0.2.0/24'],
};
const group = (ingress: SecurityGroupFacts['ingress']): SecurityGroupFacts => ({ id: 'sg-0aaaaaaaaaaaaaaa1', ingress });
const rule = (overrides: Partial<SecurityGroupFacts['ingress'][number]>) => ({
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  groupIds: [],
  cidrs: [],
  ...overrides,
});

describe('checkIngress', () => {
  const all = [rule({ groupIds: [FUNCTION_SG, STUDIO_SG] }), rule({ cidrs: ['192.0.2.0/24'] })];
  it.each<[string, SecurityGroupFacts[], string[], 'pass' | 'fail', RegExp]>([
    ['every peer by reference and range', [group(all)], [], 'pass', /from all 3 expected peer/],
    [
      'all traffic (-1) counts',
      [
        group([
          rule({
            protocol: '-1',
            fromPort: undefined,
            toPort: undefined,
            groupIds: [FUNCTION_SG, STUDIO_SG],
            cidrs: ['192.0.0.0/16'],
          }),
        ]),
      ],
      [],
      'pass',
      /all 3/,
    ],
    [
      'a port range covering 443',
      [group([rule({ fromPort: 0, toPort: 1024, groupIds: [FUNCTION_SG, STUDIO_SG], cidrs: ['192.0.2.0/23'] })])],
      [],
      'pass',
      /all 3/,
    ],
    [
      'the whole VPC range stands in for the groups',
      [group([rule({ cidrs: ['10.0.0.0/16', '192.0.2.0/24'] })])],
      ['10.0.0.0/16'],
      'pass',
      /all 3/,
    ],
    [
      'Studio group missing',
      [group([rule({ groupIds: [FUNCTION_SG] }), rule({ cidrs: ['192.0.2.0/24'] })])],
      [],
      'fail',
      /Studio \(sg-0ccccccccccccccc3\) cannot open 443/,
    ],
    [
      'only port 80',
      [group([rule({ fromPort: 80, toPort: 80, groupIds: [FUNCTION_SG, STUDIO_SG], cidrs: ['192.0.2.0/24'] })])],
      [],
      'fail',
      /cannot open 443/,
    ],
    [
      'udp 443',
      [group([rule({ protocol: 'udp', groupIds: [FUNCTION_SG, STUDIO_SG], cidrs: ['192.0.2.0/24'] })])],
      [],
      'fail',
      /cannot open 443/,
    ],
    [
      'client range only partly covered',
      [group([rule({ groupIds: [FUNCTION_SG, STUDIO_SG] }), rule({ cidrs: ['192.0.2.0/25'] })])],
      [],
      'fail',
      /clients in 192\.0\.2\.0\/24 cannot/,
    ],
    [
      'a VPC range that covers only part of the VPC',
      [group([rule({ cidrs: ['10.0.0.0/24', '192.0.2.0/24'] })])],
      ['10.0.0.0/16'],
      'fail',
      /cannot open 443/,
    ],
    [
      'IPv6 range for an IPv4 client range',
      [group([rule({ groupIds: [FUNCTION_SG, STUDIO_SG], cidrs: ['2001:db8::/32'] })])],
      [],
      'fail',
      /192\.0\.2\.0\/24/,
    ],
  ])('%s', (_, groups, vpcCidrs, status, reason) => {
    const outcome = checkIngress(INGRESS, ['sg-0aaaaaaaaaaaaaaa1'], groups, vpcCidrs);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
    if (status === 'fail') expect(outcome.fix).toMatch(/add an inbound rule tcp\/443 from/);
  });

  it('fails when the endpoint has no group that could be read', () => {
    expect(checkIngress(INGRESS, [], []).status).toBe('fail');
    expect(checkIngress(INGRESS, ['sg-0aaaaaaaaaaaaaaa1'], []).reason).toMatch(/no security group that could be read/);
  });

  it('only counts the groups attached to the endpoint', () => {
    const other = { id: 'sg-0ffffffffffffffff', ingress: all };
    expect(checkIngress(INGRESS, ['sg-0aaaaaaaaaaaaaaa1'], [group([]), other]).status).toBe('fail');
  });
});

const VPC: CidrBlock[] = ['10.0.0.0/16', 'fd00:ec2::/56'].map((c) => parseCidr(c) as CidrBlock);
const HOST = 'api.sagemaker.eu-west-1.amazonaws.com';

describe('checkPrivateResolution', () => {
  it.each<[string, DnsAnswer, 'pass' | 'fail', RegExp]>([
    [
      'private IPv4 and IPv6',
      { kind: 'addresses', addresses: ['10.0.1.5', '10.0.2.7', 'fd00:ec2::5'] },
      'pass',
      /3 private address/,
    ],
    [
      'a public answer',
      { kind: 'addresses', addresses: ['203.0.113.10'] },
      'fail',
      /203\.0\.113\.10, outside the VPC: traffic would leave PrivateLink/,
    ],
    ['one private, one public', { kind: 'addresses', addresses: ['10.0.1.5', '198.51.100.7'] }, 'fail', /198\.51\.100\.7/],
    ['private but another VPC range', { kind: 'addresses', addresses: ['10.1.0.5'] }, 'fail', /outside the VPC/],
    ['empty', { kind: 'addresses', addresses: [] }, 'fail', /no A or AAAA/],
    ['NXDOMAIN', { kind: 'nxdomain' }, 'fail', /NXDOMAIN/],
    ['no data', { kind: 'no-data' }, 'fail', /no A or AAAA/],
    ['SERVFAIL', { kind: 'servfail' }, 'fail', /SERVFAIL/],
    ['refused', { kind: 'refused' }, 'fail', /refused/],
    ['timeout', { kind: 'timeout', afterMs: 900 }, 'fail', /within 900 ms/],
    ['other error', { kind: 'error', code: 'ECONNREFUSED' }, 'fail', /ECONNREFUSED/],
  ])('%s', (_, answer, status, reason) => {
    const outcome = checkPrivateResolution(HOST, answer, VPC);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });
});

describe('checkTls', () => {
  it.each<[string, Parameters<typeof checkTls>[1], 'pass' | 'fail', RegExp]>([
    [
      'every address',
      [
        { kind: 'ok', address: '10.0.1.5', ms: 12 },
        { kind: 'ok', address: '10.0.2.7', ms: 30 },
      ],
      'pass',
      /2 address\(es\), certificate valid, slowest 30 ms/,
    ],
    [
      'a name mismatch',
      [
        { kind: 'ok', address: '10.0.1.5', ms: 12 },
        { kind: 'name-mismatch', address: '10.0.2.7' },
      ],
      'fail',
      /10\.0\.2\.7 presents a certificate that is not valid for/,
    ],
    [
      'untrusted',
      [{ kind: 'untrusted', address: '10.0.1.5', code: 'SELF_SIGNED_CERT_IN_CHAIN' }],
      'fail',
      /untrusted certificate \(SELF_SIGNED_CERT_IN_CHAIN\)/,
    ],
    ['a hang', [{ kind: 'timeout', address: '10.0.1.5', afterMs: 800 }], 'fail', /within 800 ms/],
    ['refused', [{ kind: 'refused', address: '10.0.1.5' }], 'fail', /refused/],
    ['no address', [], 'fail', /no address/],
  ])('%s', (_, handshakes, status, reason) => {
    const outcome = checkTls(HOST, handshakes);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });
});

describe('checkDomain and checkCanary', () => {
  it.each<[string, Parameters<typeof checkDomain>[1], 'pass' | 'warn' | 'fail', RegExp]>([
    ['InService and VpcOnly', { status: 'InService', appNetworkAccessType: 'VpcOnly' }, 'pass', /InService and VpcOnly/],
    [
      'public internet',
      { status: 'InService', appNetworkAccessType: 'PublicInternetOnly' },
      'warn',
      /PublicInternetOnly, not VpcOnly/,
    ],
    ['updating', { status: 'Updating', appNetworkAccessType: 'VpcOnly' }, 'warn', /is Updating/],
    ['failed', { status: 'Failed', appNetworkAccessType: 'VpcOnly' }, 'fail', /is Failed/],
    [
      'failed and public',
      { status: 'Update_Failed', appNetworkAccessType: 'PublicInternetOnly' },
      'fail',
      /Update_Failed \(and 1 more\)/,
    ],
    ['missing', undefined, 'fail', /does not exist/],
  ])('domain %s', (_, facts, status, reason) => {
    const outcome = checkDomain('d-exampledomain', facts);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });

  const owner = { identity: 'alice@example.com', tagKey: 'studio-gate:owner' };
  const tag = (value: string) => ({ key: 'studio-gate:owner', value });
  it.each<[string, Parameters<typeof checkCanary>[1], typeof owner | undefined, 'pass' | 'warn' | 'fail', RegExp]>([
    ['owned and InService', { status: 'InService', tags: [tag('alice@example.com')] }, owner, 'pass', /InService and owned/],
    ['no owner rule', { status: 'InService', tags: [] }, undefined, 'pass', /is InService$/],
    ['someone else’s', { status: 'InService', tags: [tag('mallory@example.com')] }, owner, 'fail', /profile-owner-mismatch/],
    ['untagged', { status: 'InService', tags: [] }, owner, 'fail', /profile-owner-missing/],
    [
      'two owner tags',
      { status: 'InService', tags: [tag('alice@example.com'), tag('alice@example.com')] },
      owner,
      'fail',
      /profile-owner/,
    ],
    ['pending', { status: 'Pending', tags: [tag('alice@example.com')] }, owner, 'warn', /is Pending/],
    ['failed', { status: 'Failed', tags: [tag('alice@example.com')] }, owner, 'fail', /is Failed/],
    ['missing', undefined, owner, 'fail', /does not exist/],
  ])('canary %s', (_, facts, rule_, status, reason) => {
    const outcome = checkCanary('alice', facts, rule_);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });
});

describe('checkBinding (the negative probe)', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/studio-gate-issuer';
  it('passes only when IAM refuses the session that owns nothing', () => {
    expect(checkBinding(ROLE, 'alice', { ok: false, error: new ForbiddenError('issuer-role-refused') })).toMatchObject({
      status: 'pass',
    });
    expect(checkBinding(ROLE, 'alice', { ok: true })).toMatchObject({
      status: 'fail',
      reason: `${ROLE} let a session that owns nothing read canary profile alice: the owner binding is gone`,
    });
  });

  it('warns that nothing was probed when the canary is missing, and fails on any other error (thrown to the runner)', () => {
    expect(checkBinding(ROLE, 'alice', { ok: false, error: new ProfileNotFoundError('alice') })).toMatchObject({
      status: 'warn',
    });
    // Another refusal (the owner check's, say) is not IAM's: it proves nothing about the role.
    expect(() => checkBinding(ROLE, 'alice', { ok: false, error: new ForbiddenError('profile-owner-mismatch') })).toThrow(
      'profile-owner-mismatch',
    );
    expect(() =>
      checkBinding(ROLE, 'alice', { ok: false, error: new UpstreamUnavailableError('sagemaker-unreachable', 5) }),
    ).toThrow();
  });
});

describe('bindingUnprobed (the probe’s session could not be opened)', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/studio-gate-issuer';
  it('fails, and names the trust to fix when STS refused the health role', () => {
    expect(bindingUnprobed(ROLE, new UpstreamInvalidResponseError('sts-access-denied:403'))).toMatchObject({
      status: 'fail',
      reason: `could not open a session of ${ROLE} as the health check (sts-access-denied:403): the owner binding was not probed`,
      fix: expect.stringContaining('--health-role-arn'),
    });
    expect(bindingUnprobed(ROLE, new UpstreamUnavailableError('sts-unreachable', 5))).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('STS interface endpoint'),
    });
  });
});

describe('probes', () => {
  it('reads ports', () => {
    expect(checkPort('the emulator', '127.0.0.1:4599', { kind: 'open', ms: 2 }).status).toBe('pass');
    expect(checkPort('the emulator', '127.0.0.1:4599', { kind: 'refused' }).reason).toMatch(
      /nothing listens on 127\.0\.0\.1:4599/,
    );
    expect(checkPort('x', 'h:1', { kind: 'timeout', afterMs: 5 }).status).toBe('fail');
  });

  it.each<[string, Parameters<typeof checkJwks>[1], 'pass' | 'fail', RegExp]>([
    [
      'a signing key',
      { kind: 'answer', status: 200, body: '{"keys":[{"kid":"k1","kty":"RSA","use":"sig"}]}' },
      'pass',
      /1 signing key/,
    ],
    [
      'only an encryption key',
      { kind: 'answer', status: 200, body: '{"keys":[{"kid":"k1","kty":"RSA","use":"enc"}]}' },
      'fail',
      /no signing key/,
    ],
    ['no kid', { kind: 'answer', status: 200, body: '{"keys":[{"kty":"RSA"}]}' }, 'fail', /no signing key/],
    ['a page', { kind: 'answer', status: 200, body: '<html>' }, 'fail', /not JSON/],
    ['404', { kind: 'answer', status: 404, body: '' }, 'fail', /answered 404/],
    ['down', { kind: 'error', code: 'ECONNREFUSED' }, 'fail', /unreachable \(ECONNREFUSED\)/],
  ])('jwks: %s', (_, probe, status, reason) => {
    const outcome = checkJwks('http://127.0.0.1:4600/.well-known/jwks.json', probe);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });

  it.each<[string, Parameters<typeof checkApiHealth>[1], 'pass' | 'fail', RegExp]>([
    ['healthy', { kind: 'answer', status: 200, body: '{"status":"healthy","checks":[]}' }, 'pass', /reports healthy/],
    [
      'unhealthy names the failing checks',
      {
        kind: 'answer',
        status: 503,
        body: '{"status":"unhealthy","checks":[{"name":"domain","status":"fail"},{"name":"jwks","status":"pass"}]}',
      },
      'fail',
      /unhealthy: domain$/,
    ],
    ['stale', { kind: 'answer', status: 503, body: '{"status":"stale","checks":[]}' }, 'fail', /stale summary/],
    ['a 200 that is not healthy', { kind: 'answer', status: 200, body: '{"status":"unhealthy"}' }, 'fail', /answered 200/],
    ['a 403', { kind: 'answer', status: 403, body: '{}' }, 'fail', /answered 403/],
    ['a hang', { kind: 'timeout', afterMs: 100 }, 'fail', /within 100 ms/],
  ])('api health: %s', (_, probe, status, reason) => {
    const outcome = checkApiHealth('http://127.0.0.1:3000/health', probe);
    expect(outcome.status).toBe(status);
    expect(outcome.reason).toMatch(reason);
  });
});

describe('summaries', () => {
  it('is healthy with warnings, unhealthy with any fail', () => {
    const r = (name: string, o: ReturnType<typeof pass>) => ({ name, ...o, durationMs: 1 });
    expect(summarize([r('a', pass('ok')), r('b', warn('hm', 'look'))], 0)).toMatchObject({ healthy: true, status: 'warn' });
    expect(summarize([r('a', pass('ok')), r('b', fail('no', 'fix'))], 0)).toMatchObject({ healthy: false, status: 'fail' });
    expect(summarize([], 0)).toMatchObject({ healthy: true, status: 'pass' });
  });

  it('combines findings: the worst decides', () => {
    expect(combine([], 'all good')).toEqual(pass('all good'));
    expect(combine([warn('w', 'f1'), fail('x', 'f2')], 'all good')).toEqual({
      status: 'fail',
      reason: 'x (and 1 more)',
      fix: 'f2',
    });
  });

  it('goes stale after two intervals, unknown without a summary', () => {
    const summary = summarize([], 1_000_000);
    expect(healthState(undefined, 0, 300_000)).toBe('unknown');
    expect(healthState(summary, 1_000_000 + 600_000, 300_000)).toBe('healthy');
    expect(healthState(summary, 1_000_000 + 600_001, 300_000)).toBe('stale');
    expect(healthState({ ...summary, healthy: false }, 1_000_000, 300_000)).toBe('unhealthy');
  });
});
