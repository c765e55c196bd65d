/**
 * A corpus of hostile inputs, each through the whole handler stack: profile-looking values in every
 * parameter, landing and space values outside their documented forms, forged and mis-signed tokens,
 * oversized headers. Whatever comes in, alice gets alice's URL or a refusal, and a refusal never
 * reaches CreatePresignedDomainUrl.
 */
import { CreatePresignedDomainUrlCommand, DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker';
import { generateSigningKey, signJwt } from '../../scripts/local/jwt';
import { JsonLineAuditLog } from '../../src/adapters/audit-log';
import { captureOutput, leaksIn } from '../support/capture';
import { key, sagemaker, setup, tokenFor } from '../support/mock-pipeline';

const PROFILE_LOOKING = [
  'bob',
  '../bob',
  'bob%00',
  'bob\u0000',
  'b'.repeat(64),
  '\u0430lice',
  '\uFF41lice',
  '',
  ' bob',
  'bob/..',
  '%2e%2e%2fbob',
];
const PARAMETERS = [
  'user',
  'profile',
  'UserProfileName',
  'userProfileName',
  'domain',
  'DomainId',
  'redirect',
  'landing',
  'space',
];

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'http://127.0.0.1:4600',
  aud: 'studio-gate',
  sub: 'idp|alice',
  email: 'alice@example.com',
  groups: ['studio-users'],
  iat: now(),
  exp: now() + 300,
  ...overrides,
});
const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;

describe('profile-looking values in every parameter', () => {
  const cases = PARAMETERS.flatMap((parameter) => PROFILE_LOOKING.map((value) => [parameter, value] as const));

  it.each(cases)('%s=%j never yields another profile', async (parameter, value) => {
    const { call } = setup();
    const response = await call({ token: tokenFor('alice'), query: { [parameter]: [value] } });
    const presigned = sagemaker.commandCalls(CreatePresignedDomainUrlCommand).map((c) => c.args[0].input.UserProfileName);
    const described = sagemaker.commandCalls(DescribeUserProfileCommand).map((c) => c.args[0].input.UserProfileName);
    expect([...presigned, ...described].every((name) => name === 'alice')).toBe(true);
    // The only parameter such a value can legitimately be is a space name: asked of SageMaker for
    // alice's own profile, and opened only when it is hers or shared (no space `bob` is: a 404).
    if (parameter === 'space' && /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(value)) {
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body).url).toBeUndefined();
    } else {
      expect(response.statusCode).toBe(400);
      expect(presigned).toEqual([]);
    }
  });
});

describe('landing and space outside their documented forms', () => {
  it.each([
    ['landing', 'https://evil.example/'],
    ['landing', '//evil.example'],
    ['landing', 'javascript:alert(1)'],
    ['landing', 'studio:'],
    ['landing', 'studio::../../admin'],
    ['landing', 'app:KernelGateway:'],
    ['landing', 'app:JupyterLab:lab?token=x'],
    ['landing', 'app:JupyterLab:lab#x'],
    ['landing', 'app:jupyterlab:'],
    ['landing', `studio::${'a'.repeat(1024)}`],
    ['landing', 'studio::\r\nSet-Cookie: x=1'],
    ['space', 'a'.repeat(64)],
    ['space', '-leading-dash'],
    ['space', 'under_score'],
    ['space', 'dot.ted'],
    ['space', 'sp ace'],
  ])('%s=%j is a 400 that never reaches SageMaker', async (parameter, value) => {
    const { call } = setup();
    const response = await call({ token: tokenFor('alice'), query: { [parameter]: [value] } });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'invalid_parameter', parameter });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('forged and mis-signed tokens', () => {
  const foreign = generateSigningKey('k1');
  it.each<[string, () => string]>([
    ['alg none', () => signJwt(claims(), key, { alg: 'none' })],
    ['alg none with a signature', () => `${signJwt(claims(), key, { alg: 'none' })}c2ln`],
    ['HS256 signed with the public key', () => signJwt(claims(), key, { alg: 'HS256' }, Buffer.from(publicPem))],
    ['an unknown kid', () => signJwt(claims(), key, { kid: 'unknown' })],
    ['no kid', () => signJwt(claims(), key, { kid: undefined })],
    ['a wrong issuer', () => signJwt(claims({ iss: 'https://evil.example' }), key)],
    ['a wrong audience', () => signJwt(claims({ aud: 'other' }), key)],
    ['an audience list without ours', () => signJwt(claims({ aud: ['a', 'b'] }), key)],
    ['an expiry beyond the skew', () => signJwt(claims({ exp: now() - 1 }), key)],
    ['a not-before in the future', () => signJwt(claims({ nbf: now() + 60 }), key)],
    ['no expiry at all', () => signJwt(claims({ exp: undefined }), key)],
    ['an expiry years away', () => signJwt(claims({ exp: now() + 5 * 365 * 86400 }), key)],
    ['valid claims signed by a foreign key', () => signJwt(claims(), foreign)],
    [
      'a payload swapped under a valid signature',
      () => {
        const [h, , sig] = signJwt(claims({ email: 'mallory@example.com' }), key).split('.');
        return `${h}.${Buffer.from(JSON.stringify(claims({ email: 'bob@example.com' }))).toString('base64url')}.${sig}`;
      },
    ],
    ['a token of 9000 characters', () => `${'a'.repeat(9000)}.b.c`],
    ['a token with whitespace inside', () => signJwt(claims(), key).replace('.', ' .')],
  ])('%s → 401, no SageMaker call', async (_what, token) => {
    const { call, audit } = setup();
    const response = await call({ token: token() });
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Bearer realm="studio-gate"');
    expect(sagemaker.calls()).toHaveLength(0);
    expect(audit.entries[0]?.reason).toMatch(/^(jwt|bearer)-/);
  });
});

describe('oversized and odd headers', () => {
  it('ignores a 64 KiB header it does not read', async () => {
    const { call } = setup();
    const response = await call({ token: tokenFor('alice'), headers: { 'X-Padding': 'x'.repeat(65536) } });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['two Authorization headers, one per casing', { authorization: `Bearer ${tokenFor('bob')}` }],
    ['a second Authorization carrying the same token', { AUTHORIZATION: `Bearer ${tokenFor('alice')}` }],
  ])('refuses %s', async (_what, headers) => {
    const { call } = setup();
    expect((await call({ token: tokenFor('alice'), headers })).statusCode).toBe(401);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('prints nothing secret while refusing all of the above', async () => {
    const { call } = setup(undefined, new JsonLineAuditLog());
    const tokens = [tokenFor('alice'), signJwt(claims(), key, { alg: 'none' }), signJwt(claims({ exp: now() - 1 }), key)];
    const { output } = await captureOutput(async () => {
      for (const token of tokens) await call({ token, query: { user: ['bob'] } });
      for (const token of tokens) await call({ token });
    });
    expect(output.split('\n').filter(Boolean)).toHaveLength(6);
    expect(leaksIn(output, [...tokens, 'SECRET-'])).toEqual([]);
  });
});

describe('hostile POST bodies', () => {
  const json = { 'Content-Type': 'application/json' };
  const bodies: string[] = [
    ...PARAMETERS.flatMap((field) => PROFILE_LOOKING.map((value) => JSON.stringify({ [field]: value }))),
    '{"space":"team-a","space":"bob"}',
    '{"space" :"team-a", "space":"bob"}',
    '{"\\u0073pace":"bob"}',
    '{"space":"team\\u002da"}',
    '{"constructor":{"prototype":{"redirect":true}}}',
    '{"__proto__":{"userProfileName":"bob"}}',
    '[{"space":"team-a"}]',
    '{"redirect":true}garbage',
    '\uFEFF{"redirect":true}',
    `{"landing":"${'a'.repeat(5000)}"}`,
    '{"landing":"studio::","landing":"app:JupyterLab:../../bob"}',
    `${'['.repeat(2000)}${']'.repeat(2000)}`,
    '{"redirect":tru',
    '',
    'null',
    '1e999',
  ];

  it.each(bodies.map((b) => [b.length > 60 ? `${b.slice(0, 57)}...` : b, b]))(
    '%s: alice’s own URL or a 400, never another profile or a 500',
    async (_, text) => {
      const { call } = setup();
      const response = await call({ token: tokenFor('alice'), body: text, headers: json });
      expect([200, 302, 400, 403, 404]).toContain(response.statusCode);
      const names = [
        ...sagemaker.commandCalls(CreatePresignedDomainUrlCommand).map((c) => c.args[0].input.UserProfileName),
        ...sagemaker.commandCalls(DescribeUserProfileCommand).map((c) => c.args[0].input.UserProfileName),
      ];
      expect(names.every((name) => name === 'alice')).toBe(true);
    },
  );
});
