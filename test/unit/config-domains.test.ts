/** STUDIO_DOMAINS: read strictly, every problem at once; STUDIO_DOMAIN_ID alone keeps meaning one domain. */
import { parseConfig } from '../../src/config/studio-url';
import { jwtEnv, problemsFrom } from './../support/env';

const ENDPOINT = 'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com';
const good = [
  { id: 'd-home', region: 'eu-west-1', account: '222233334444', label: 'Home', groups: ['studio-users'], issuance: 'direct' },
  {
    id: 'd-risk',
    region: 'eu-west-1',
    account: '555566667777',
    label: 'Risk',
    groups: ['risk'],
    role: 'arn:aws:iam::555566667777:role/studio-gate-issuer',
    canary: 'canary',
  },
];
const env = (domains: unknown, more: Record<string, string | undefined> = {}) =>
  jwtEnv({
    STUDIO_DOMAIN_ID: undefined,
    STUDIO_ISSUANCE: undefined,
    STUDIO_DOMAINS: JSON.stringify(domains),
    STUDIO_GATE_ACCOUNT_ID: '222233334444',
    ...more,
  });

function problems(e: Record<string, string | undefined>): readonly string[] {
  return problemsFrom(() => parseConfig(e));
}

it('reads the domains, their entitlements, roles and canaries', () => {
  const config = parseConfig(env(good, { AWS_ENDPOINT_URL_SAGEMAKER: ENDPOINT }));
  expect(config.domains).toEqual([
    {
      id: 'd-home',
      region: 'eu-west-1',
      accountId: '222233334444',
      label: 'Home',
      entitled: { kind: 'only', values: ['studio-users'] },
      issuance: 'direct',
      sagemakerEndpointUrl: ENDPOINT,
    },
    {
      id: 'd-risk',
      region: 'eu-west-1',
      accountId: '555566667777',
      label: 'Risk',
      entitled: { kind: 'only', values: ['risk'] },
      issuerRoleArn: 'arn:aws:iam::555566667777:role/studio-gate-issuer',
      issuance: 'tag-bound',
      sagemakerEndpointUrl: ENDPOINT,
      canaryProfile: 'canary',
    },
  ]);
  expect(config.issuerSessionSeconds).toBe(3600);
});

it('keeps STUDIO_DOMAIN_ID alone as one domain in the function’s region, open to every admitted caller', () => {
  expect(parseConfig(jwtEnv()).domains).toEqual([
    expect.objectContaining({ id: expect.stringMatching(/^d-/), region: 'eu-west-1', entitled: { kind: 'any' } }),
  ]);
});

it('reports every problem of every domain at once', () => {
  const bad = [
    { ...good[0], extra: 1 },
    { ...good[0] },
    { id: 'D-Bad', region: 'eu-west-9', account: '12', label: '', groups: [] },
    { id: 'd-other', region: 'eu-west-1', account: '555566667777', label: 'x', groups: ['*', 'a'] },
    {
      id: 'd-role',
      region: 'eu-west-1',
      account: '555566667777',
      label: 'x',
      groups: ['a'],
      role: 'arn:aws:iam::888899990000:role/r',
    },
    { id: 'd-far', region: 'us-east-1', account: '222233334444', label: 'x', groups: ['a'], issuance: 'direct' },
    {
      id: 'd-public',
      region: 'eu-west-1',
      account: '222233334444',
      label: 'x',
      groups: ['a'],
      issuance: 'direct',
      endpoint: 'https://api.sagemaker.eu-west-1.amazonaws.com',
    },
    { id: 'd-canary', region: 'eu-west-1', account: '222233334444', label: 'x', groups: ['a'], canary: 'not a name' },
    { id: 'd-nokind', region: 'eu-west-1', account: '222233334444', label: 'x', groups: ['a'], issuance: 'open' },
  ];
  expect(problems(env(bad, { STUDIO_DOMAIN_ID: 'd-x', STUDIO_ACCOUNT_ID: '222233334444' }))).toEqual([
    'STUDIO_DOMAIN_ID must not be set beside STUDIO_DOMAINS (list the domain there)',
    'STUDIO_ACCOUNT_ID must not be set beside STUDIO_DOMAINS (list the domain there)',
    'STUDIO_DOMAINS[0] (d-home): unknown field "extra"',
    'STUDIO_DOMAINS[2]: id must be a Studio domain id (d-...)',
    'STUDIO_DOMAINS[2]: region must be a known AWS region, got "eu-west-9"',
    'STUDIO_DOMAINS[2]: account must be a 12-digit account id',
    'STUDIO_DOMAINS[2]: label must be 1–64 printable characters',
    'STUDIO_DOMAINS[2]: groups must list at least one group (or "*" for every caller)',
    'STUDIO_DOMAINS[2]: a tag-bound domain needs the role to issue through (npm run -s issuer-role), or "issuance": "direct" to opt out',
    'STUDIO_DOMAINS[3] (d-other): "*" must stand alone in groups',
    "STUDIO_DOMAINS[3] (d-other): a domain outside studio-gate's account (222233334444) needs the role to issue through",
    "STUDIO_DOMAINS[4] (d-role): role is in account 888899990000, not the domain's 555566667777",
    "STUDIO_DOMAINS[5] (d-far): a domain in another region than the functions' (eu-west-1) needs its endpoint: the DNS name of that region's SageMaker API interface endpoint, reached by peering or Transit Gateway",
    'STUDIO_DOMAINS[6] (d-public): endpoint must be the endpoint-specific DNS name of a SageMaker API interface endpoint in eu-west-1 (https://vpce-….api.sagemaker.eu-west-1.vpce.amazonaws.com)',
    'STUDIO_DOMAINS[7] (d-canary): a tag-bound domain needs the role to issue through (npm run -s issuer-role), or "issuance": "direct" to opt out',
    'STUDIO_DOMAINS[7] (d-canary): canary must be a user profile name',
    'STUDIO_DOMAINS[8] (d-nokind): issuance must be "tag-bound" (the default) or "direct"',
    'STUDIO_DOMAINS: domain d-home is listed more than once',
  ]);
});

it('refuses a loopback endpoint outside the local stack, a list that is not one, and no account of its own', () => {
  const local = [{ ...good[0], endpoint: 'http://127.0.0.1:4599' }];
  expect(problems(env(local)).join('\n')).toMatch(/endpoint must be the endpoint-specific DNS name/);
  expect(problems(env(local, { LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' }))).toEqual([]);
  expect(problems(env({ id: 'd-home' }))).toContain('STUDIO_DOMAINS must be a JSON list of 1 to 100 domains');
  expect(problems(env([]))).toContain('STUDIO_DOMAINS must be a JSON list of 1 to 100 domains');
  expect(problems(env(good, { STUDIO_GATE_ACCOUNT_ID: undefined }))).toContain(
    'Environment variable STUDIO_GATE_ACCOUNT_ID is required',
  );
});

it.each([
  'https://sts.attacker.example',
  'https://sts.amazonaws.com',
  'https://sts.eu-west-1.amazonaws.com',
  'https://vpce-0123456789abcdef0-abcdefgh.sts.us-east-1.vpce.amazonaws.com',
  'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com',
  'http://localhost:4566',
])('refuses AWS_ENDPOINT_URL_STS %s: AssumeRole goes to STS’s interface endpoint only', (url) => {
  expect(problems(env(good, { AWS_ENDPOINT_URL_STS: url })).join('\n')).toMatch(/AWS_ENDPOINT_URL_STS must be/);
});

it('takes the STS endpoint’s own DNS name, and loopback on the local stack only', () => {
  expect(
    problems(env(good, { AWS_ENDPOINT_URL_STS: 'https://vpce-0123456789abcdef0-abcdefgh.sts.eu-west-1.vpce.amazonaws.com' })),
  ).toEqual([]);
  expect(
    problems(env(good, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4599', LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' })),
  ).toEqual([]);
});
