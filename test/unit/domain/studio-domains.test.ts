/**
 * The domain choice (a request, never a grant), the endpoint and role shapes, and how a person is
 * named in an issuer role session.
 */
import { ALLOW_ANY, allowOnly } from '../../../src/domain/allow-list';
import { ForbiddenError } from '../../../src/domain/errors';
import {
  HEALTH_SOURCE_IDENTITY,
  healthCheckSession,
  roleSessionNameOf,
  sourceIdentityOf,
} from '../../../src/domain/role-session';
import { chooseDomain, isSageMakerApiEndpoint, roleAccount, type StudioDomain } from '../../../src/domain/studio-domains';

const domain = (id: string, entitled: string[] | '*'): StudioDomain => ({
  id,
  region: 'eu-west-1',
  label: id,
  entitled: entitled === '*' ? ALLOW_ANY : allowOnly(entitled),
  issuance: 'direct',
});
const DOMAINS = [domain('d-open', '*'), domain('d-risk', ['risk']), domain('d-ops', ['ops', 'risk'])];

describe('chooseDomain', () => {
  it.each<[string[], string | undefined, string | string[]]>([
    [[], undefined, 'd-open'],
    [['risk'], undefined, ['d-open', 'd-risk', 'd-ops']],
    [['risk'], 'd-risk', 'd-risk'],
    [['ops'], 'd-ops', 'd-ops'],
    [[], 'd-open', 'd-open'],
  ])('groups %j asking %s get %j', (groups, requested, expected) => {
    const choice = chooseDomain(DOMAINS, groups, requested);
    if (Array.isArray(expected))
      expect(choice).toEqual({ kind: 'choose', domains: DOMAINS.filter((d) => expected.includes(d.id)) });
    else expect(choice).toEqual({ kind: 'chosen', domain: DOMAINS.find((d) => d.id === expected) });
  });

  it.each<[string[], string | undefined, string]>([
    [['ops'], 'd-risk', 'domain-not-entitled'],
    [['risk'], 'd-nosuch', 'domain-unknown'],
    // Group names match exactly: no case folding, no trimming, no prefix.
    [['Risk', 'risk ', 'ris'], 'd-risk', 'domain-not-entitled'],
  ])('refuses groups %j asking %s (%s), as one ForbiddenError', (groups, requested, reason) => {
    expect(() => chooseDomain(DOMAINS, groups, requested)).toThrow(ForbiddenError);
    expect(() => chooseDomain(DOMAINS, groups, requested)).toThrow(expect.objectContaining({ reason }));
  });

  it('refuses a caller no domain is open to', () => {
    expect(() => chooseDomain([domain('d-risk', ['risk'])], ['ops'], undefined)).toThrow(
      expect.objectContaining({ reason: 'domain-none-entitled' }),
    );
  });
});

describe('shapes', () => {
  it.each([
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com', 'eu-west-1', true],
    ['https://vpce-0123456789abcdef0-abcdefgh-eu-west-1a.api.sagemaker.eu-west-1.vpce.amazonaws.com', 'eu-west-1', true],
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.cn-north-1.vpce.amazonaws.com.cn', 'cn-north-1', true],
    // Another region, the public endpoint, another service, http, a path, userinfo, a look-alike host.
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.us-east-1.vpce.amazonaws.com', 'eu-west-1', false],
    ['https://api.sagemaker.eu-west-1.amazonaws.com', 'eu-west-1', false],
    ['https://vpce-0123456789abcdef0-abcdefgh.sts.eu-west-1.vpce.amazonaws.com', 'eu-west-1', false],
    ['http://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com', 'eu-west-1', false],
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com/x', 'eu-west-1', false],
    ['https://a@vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com', 'eu-west-1', false],
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com.evil.example', 'eu-west-1', false],
    ['https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com.cn', 'eu-west-1', false],
    // A zonal name whose zone is in another region.
    ['https://vpce-0123456789abcdef0-abcdefgh-us-east-1a.api.sagemaker.eu-west-1.vpce.amazonaws.com', 'eu-west-1', false],
  ])('%s is a SageMaker API endpoint of %s: %s', (url, region, expected) => {
    expect(isSageMakerApiEndpoint(url, region)).toBe(expected);
  });

  it('reads a role ARN’s account, and nothing from what is not one', () => {
    expect(roleAccount('arn:aws:iam::111111111111:role/path/studio-gate-issuer')).toBe('111111111111');
    expect(roleAccount('arn:aws:iam::111111111111:user/alice')).toBeUndefined();
    expect(roleAccount('arn:aws:iam::11111111111:role/x')).toBeUndefined();
  });
});

describe('the person in an issuer role session', () => {
  const STS_NAME = /^[\w+=,.@-]{2,64}$/;

  it('is the canonical identity when STS takes it as it is', () => {
    expect(sourceIdentityOf('grace@example.com')).toBe('grace@example.com');
    expect(roleSessionNameOf('grace@example.com')).toBe('sg.grace@example.com');
  });

  it.each([
    '111122223333:assumed-role/StudioUsers/alice',
    '111122223333:user/alice',
    'Idp|Alice',
    'x',
    `${'a'.repeat(70)}@example.com`,
    'ab-0123456789abcdef',
  ])('is readable, in STS’s alphabet and distinct for %s', (canonical) => {
    for (const name of [sourceIdentityOf(canonical), roleSessionNameOf(canonical)]) expect(name).toMatch(STS_NAME);
    expect(sourceIdentityOf(canonical)).not.toBe(canonical);
  });

  it('never gives a person the health check’s name, however they are called', () => {
    for (const canonical of ['studio-gate-health', 'Studio-Gate-Health', 'studio-gate-health-0123456789abcdef']) {
      expect(sourceIdentityOf(canonical)).not.toBe(HEALTH_SOURCE_IDENTITY);
      expect(sourceIdentityOf(canonical)).toMatch(/-[0-9a-f]{16}$/);
    }
    expect(healthCheckSession()).toEqual({ sourceIdentity: 'studio-gate-health', sessionName: 'sg.studio-gate-health' });
  });

  it('never gives two people one name, even one who spells the other’s digested form', () => {
    const victim = '111122223333:user/bob';
    const forged = sourceIdentityOf(victim);
    expect(sourceIdentityOf(forged)).not.toBe(forged);
    const names = ['a:b', 'a_b', 'a/b', 'a b', 'A:b', victim, forged].map(sourceIdentityOf);
    expect(new Set(names).size).toBe(names.length);
  });
});
