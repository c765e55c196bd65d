/** The SSO bridge's pure parts (the sealed cookie, the configuration, the pages, the readers) and its secrets' reading. */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { generate } from 'selfsigned';
import { JoseStateSealer, parseCookieKeys } from '../../../src/adapters/cookie-sealer';
import { buildOidcApp } from '../../../src/composition/sso-oidc';
import { parsePemCertificates, parseSsoConfig } from '../../../src/config/sso';
import { ConfigurationError, ForbiddenError, ProfileNotReadyError, UpstreamUnavailableError } from '../../../src/domain/errors';
import { callbackUrlOf, cookieValue, samlFormOf } from '../../../src/http/sso-endpoint';
import { PAGE_CSP, ssoErrorResponse } from '../../../src/http/sso-pages';
import { jwtEnv, problemsFrom } from '../../support/env';
import { sdkSsmApi } from '../../support/sdk-clients';
import { ssoEvent } from '../../support/sso';

const KEY_A = Buffer.alloc(32, 1).toString('base64url');
const KEY_B = Buffer.alloc(32, 2).toString('base64url');

/** A deployed OIDC stage's environment: secrets in SSM. */
const oidcEnv = (more: Record<string, string | undefined> = {}) =>
  jwtEnv({
    OIDC_ISSUER: 'https://idp.example.com',
    OIDC_CLIENT_ID: 'studio-gate',
    OIDC_CLIENT_SECRET: 'ssm:/studio-gate/prod/oidc-client-secret',
    SSO_REDIRECT_URI: 'https://api.example.com/prod/sso/callback',
    SSO_COOKIE_KEYS: 'ssm:/studio-gate/prod/sso-cookie-keys',
    SSO_REPLAY_TABLE: 'studio-gate-prod',
    ...more,
  });

describe('the sealed login cookie', () => {
  let now = 1_800_000_000_000;
  const clock = () => now;

  it('round-trips its state, hides it, and opens under a rotated key list', async () => {
    const sealed = await new JoseStateSealer(KEY_A, 300, clock).seal('oidc', { state: 'the-state', nonce: 'n' });
    expect(sealed).not.toContain('the-state');
    expect(Buffer.from(sealed.split('.')[0] as string, 'base64url').toString()).toContain('"alg":"dir"');
    await expect(new JoseStateSealer(`${KEY_B},${KEY_A}`, 300, clock).open('oidc', sealed)).resolves.toEqual({
      state: 'the-state',
      nonce: 'n',
    });
  });

  it('refuses another purpose, a dropped key, a flipped byte, an expired cookie and garbage', async () => {
    const sealer = new JoseStateSealer(KEY_A, 300, clock);
    const sealed = await sealer.seal('oidc', { state: 's' });
    await expect(sealer.open('saml', sealed)).rejects.toMatchObject({ reason: 'sso-cookie-invalid' });
    await expect(new JoseStateSealer(KEY_B, 300, clock).open('oidc', sealed)).rejects.toMatchObject({
      reason: 'sso-cookie-invalid',
    });
    const parts = sealed.split('.');
    const tag = parts[4] as string;
    parts[4] = `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    await expect(sealer.open('oidc', parts.join('.'))).rejects.toMatchObject({ reason: 'sso-cookie-invalid' });
    now += 301_000;
    await expect(sealer.open('oidc', sealed)).rejects.toMatchObject({ reason: 'sso-cookie-expired' });
    await expect(sealer.open('oidc', 'not-a-cookie')).rejects.toMatchObject({ reason: 'sso-cookie-invalid' });
    await expect(sealer.open('oidc', 'x'.repeat(5000))).rejects.toMatchObject({ reason: 'sso-cookie-invalid' });
  });

  it('takes only 32-byte base64url keys, each once', () => {
    expect(() => parseCookieKeys('')).toThrow(ConfigurationError);
    expect(() => parseCookieKeys('c2hvcnQ')).toThrow(/not 32 bytes/);
    expect(() => parseCookieKeys(`${KEY_A},${KEY_A}`)).toThrow(/twice/);
    expect(parseCookieKeys(`${KEY_A},${KEY_B}`)).toHaveLength(2);
  });
});

describe('the SSO configuration', () => {
  it('reads a deployed OIDC stage: secrets in SSM, a __Host- cookie on /, the SSO routes from the redirect URI', () => {
    const config = parseSsoConfig(oidcEnv(), 'oidc');
    expect(config.cookie).toMatchObject({ namePrefix: '__Host-', path: '/', secure: true, maxAgeSeconds: 300 });
    expect(config.ssoPath).toBe('/prod/sso');
    expect(config.oidc?.clientSecret).toEqual({ kind: 'ssm', name: '/studio-gate/prod/oidc-client-secret' });
    // The SageMaker worst case (no JWKS fetch of its own), three IdP calls of OIDC_TIMEOUT_MS and the replay put (2 × 1 s + 200 ms).
    expect(config.requestDeadlineMs).toBe(config.core.requestDeadlineMs - 1500 + 3 * 1500 + 2200);
  });

  it.each([
    ['a secret in the environment', { OIDC_CLIENT_SECRET: 'hunter2' }, /OIDC_CLIENT_SECRET must be ssm:/],
    ['a cookie that is not Secure outside the local stack', { SSO_COOKIE_SECURE: 'false' }, /local stack only/],
    [
      'a redirect URI that is not the callback',
      { SSO_REDIRECT_URI: 'https://api.example.com/sso/elsewhere' },
      /must end in \/sso\/callback/,
    ],
    ['an http redirect URI', { SSO_REDIRECT_URI: 'http://api.example.com/sso/callback' }, /must use https/],
    ['scopes without openid', { OIDC_SCOPES: 'email' }, /must include openid/],
    [
      'a secrets endpoint that is not an SSM interface endpoint',
      { AWS_ENDPOINT_URL_SSM: 'https://ssm.attacker.invalid' },
      /AWS_ENDPOINT_URL_SSM must be the endpoint-specific DNS name of an SSM interface endpoint/,
    ],
    [
      'a replay store endpoint that is not a DynamoDB interface endpoint',
      { AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com' },
      /AWS_ENDPOINT_URL_DYNAMODB must be the endpoint-specific DNS name of a DynamoDB interface endpoint/,
    ],
    [
      'a worst case (SageMaker, the IdP, the table, SSM) that does not fit the function timeout',
      { FUNCTION_TIMEOUT_SECONDS: '15' },
      /worst-case SSO request \d+ ms/,
    ],
    [
      'iam mode',
      { AUTH_MODE: 'iam', IAM_ALLOWED_ACCOUNTS: '111122223333', IAM_ALLOWED_ROLES: '*', IAM_ALLOWED_USERS: '' },
      /needs AUTH_MODE=jwt/,
    ],
  ])('refuses %s', (_what, more, problem) => {
    expect(() => parseSsoConfig(oidcEnv(more), 'oidc')).toThrow(problem);
  });

  /** This machine, spelled the ways a URL may: on Lambda, where the Runtime API and extensions listen. */
  const THIS_MACHINE = [
    'http://127.0.0.1:9001',
    'https://127.0.0.2',
    'https://localhost',
    'https://localhost.',
    'https://api.localhost',
    'https://[::1]',
    'https://[::ffff:127.0.0.1]',
    'https://0.0.0.0',
    'https://[::]',
    'https://2130706433',
    'https://0x7f.1',
  ];
  const IDP_URLS: [string, 'oidc' | 'saml', (url: string) => Record<string, string>][] = [
    ['JWT_JWKS_URI', 'oidc', (url) => ({ JWT_JWKS_URI: `${url}/jwks` })],
    ['OIDC_ISSUER', 'oidc', (url) => ({ OIDC_ISSUER: url })],
    ['SSO_REDIRECT_URI', 'oidc', (url) => ({ SSO_REDIRECT_URI: `${url}/sso/callback` })],
    ['SAML_ACS_URL', 'saml', (url) => ({ SAML_ACS_URL: `${url}/sso/saml` })],
    ['SAML_IDP_SSO_URL', 'saml', (url) => ({ SAML_IDP_SSO_URL: `${url}/sso` })],
  ];
  const samlEnv = (more: Record<string, string>) =>
    jwtEnv({
      SAML_IDP_CERTS: 'ssm:/studio-gate/prod/saml-idp-certs',
      SAML_IDP_ENTITY_ID: 'urn:idp',
      SAML_SP_ENTITY_ID: 'urn:sp',
      SAML_ACS_URL: 'https://api.example.com/prod/sso/saml',
      SAML_IDP_SSO_URL: 'https://idp.example.com/sso',
      SSO_COOKIE_KEYS: 'ssm:/studio-gate/prod/sso-cookie-keys',
      SSO_REPLAY_TABLE: 'studio-gate-prod',
      ...more,
    });
  const problemsOf = (which: 'oidc' | 'saml', more: Record<string, string>) =>
    problemsFrom(() => parseSsoConfig(which === 'oidc' ? oidcEnv(more) : samlEnv(more), which));

  it.each(IDP_URLS)('refuses %s on this machine outside the local stack, however spelled', (name, which, env) => {
    expect(problemsOf(which, {})).toEqual([]);
    for (const url of THIS_MACHINE) {
      expect([url, problemsOf(which, env(url))]).toEqual([
        url,
        [expect.stringMatching(new RegExp(`^${name} must not name this machine`))],
      ]);
    }
  });

  it('says what to do: the fully qualified name for a single label, the local stack for loopback', () => {
    expect(problemsOf('oidc', { OIDC_ISSUER: 'https://adfs' })).toEqual([
      'OIDC_ISSUER must not name this machine (adfs): a single-label name may be this machine through /etc/hosts; use the fully qualified name',
    ]);
    expect(problemsOf('oidc', { OIDC_ISSUER: 'https://127.0.0.1:9001' })).toEqual([
      'OIDC_ISSUER must not name this machine (127.0.0.1): loopback is for the local stack only (LOCAL_STUDIO_ORIGIN)',
    ]);
  });

  it.each(IDP_URLS)('takes %s on loopback, http too, on the local stack', (_name, which, env) => {
    const local = { LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' };
    expect(problemsOf(which, { ...local, ...env('http://127.0.0.1:4600') })).toEqual([]);
    // Plain http to another host stays refused there too.
    expect(problemsOf(which, { ...local, ...env('http://idp.example.com') })).toEqual([expect.stringMatching(/must use https/)]);
  });

  it('refuses SAML settings that would accept anything or nothing', () => {
    const saml = jwtEnv({
      SAML_IDP_CERTS: 'not a certificate',
      SAML_IDP_ENTITY_ID: 'urn:idp',
      SAML_SP_ENTITY_ID: 'urn:sp',
      SAML_ACS_URL: 'https://api.example.com/sso/saml',
      SAML_WANT_RESPONSE_SIGNED: 'false',
      SAML_WANT_ASSERTIONS_SIGNED: 'false',
      SSO_COOKIE_KEYS: 'ssm:/k',
      SSO_REPLAY_TABLE: 't',
    });
    let problems: readonly string[] = [];
    try {
      parseSsoConfig(saml, 'saml');
    } catch (error) {
      problems = (error as ConfigurationError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/SAML_IDP_CERTS must hold one or more PEM certificates/),
        expect.stringMatching(/cannot both be false/),
        expect.stringMatching(/SAML_IDP_SSO_URL .* or SAML_ALLOW_IDP_INITIATED=true/),
      ]),
    );
  });
});

describe('the IdP certificates', () => {
  it('reads each once into its public key, and refuses one that does not parse or holds a key other than RSA', async () => {
    const [rsa, ec] = await Promise.all([
      generate([{ name: 'commonName', value: 'rsa idp' }], { keySize: 2048 }),
      generate([{ name: 'commonName', value: 'ec idp' }], { keyType: 'ec' }),
    ]);
    const good = parsePemCertificates('SAML_IDP_CERTS', rsa.cert);
    expect(good.problems).toEqual([]);
    expect(good.keys.map((k) => k.asymmetricKeyType)).toEqual(['rsa']);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    const bad = parsePemCertificates('SAML_IDP_CERTS', `${rsa.cert}\n${ec.cert}\n${broken}`);
    expect(bad.keys).toHaveLength(1);
    expect(bad.problems).toEqual([
      'SAML_IDP_CERTS: certificate 2 holds a ec key; SAML signatures verify with RSA keys only',
      'SAML_IDP_CERTS: certificate 3 does not parse',
    ]);
  });
});

describe('the pages', () => {
  const page = { cookie: { name: 'studio_gate_oidc', path: '/sso', secure: true }, signInPath: '/sso/login' };
  const reference = { requestId: 'req-123', at: Date.UTC(2026, 11, 2, 15, 0, 0) };
  const html = ssoEvent('GET', '/sso/callback', { headers: { Accept: 'text/html' } });

  it('shows the code only, clears the cookie, and loads nothing', () => {
    const response = ssoErrorResponse(new ForbiddenError('group-missing'), page, html);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('<code id="error-code">forbidden</code>');
    expect(response.body).not.toContain('group-missing');
    expect(response.headers?.['Content-Security-Policy']).toBe(PAGE_CSP);
    expect(response.multiValueHeaders?.['Set-Cookie']).toEqual([
      'studio_gate_oidc=; Path=/sso; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
  });

  it('tells a person whose profile is Pending so, and comes back after Retry-After', () => {
    const response = ssoErrorResponse(new ProfileNotReadyError('Pending', 10), page, html);
    expect(response.statusCode).toBe(409);
    expect(response.headers?.['Retry-After']).toBe('10');
    expect(response.body).toContain('being prepared (Pending)');
    expect(response.body).toContain('<meta http-equiv="refresh" content="10;url=/sso/login">');
  });

  it('says what to do next, with the request id and time to quote and a link to sign in again', () => {
    const response = ssoErrorResponse(new ForbiddenError('group-missing'), page, html, reference);
    expect(response.body).toContain('<code id="request-id">req-123</code>');
    expect(response.body).toContain('<code id="request-time">2026-12-02T15:00:00.000Z</code>');
    expect(response.body).toContain('<a id="sign-in-again" href="/sso/login">Sign in again</a>');
    expect(response.body).toContain('Ask your platform team for access');
    const idpInitiatedOnly = ssoErrorResponse(new ForbiddenError('x'), { cookie: page.cookie }, html, reference);
    expect(idpInitiatedOnly.body).not.toContain('sign-in-again');
    expect(idpInitiatedOnly.body).toContain('start from your Studio tile');
  });

  it('escapes a request id it is given, whatever it holds', () => {
    const response = ssoErrorResponse(new ForbiddenError('x'), page, html, { requestId: '<script>x</script>', at: 0 });
    expect(response.body).not.toContain('<script>');
    expect(response.body).toContain('&#60;script&#62;');
  });

  it('does not reload itself for a failed profile, says waiting will not fix it, and answers problem+json to JSON clients', () => {
    const failed = ssoErrorResponse(new ProfileNotReadyError('Failed'), page, html, reference).body;
    expect(failed).not.toContain('refresh');
    expect(failed).not.toContain('not ready yet');
    expect(failed).toContain('waiting will not fix it');
    const json = ssoErrorResponse(new UpstreamUnavailableError('x', 5), page, ssoEvent('GET', '/sso/callback'));
    expect(json.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(json.body)).toMatchObject({ status: 503, code: 'upstream_unavailable' });
  });
});

describe('reading the request', () => {
  it('refuses two login cookies (a planted one must not win) and finds one among others', () => {
    expect(cookieValue(ssoEvent('GET', '/sso/callback', { cookie: 'a=1; studio_gate_oidc=v; b=2' }), 'studio_gate_oidc')).toBe(
      'v',
    );
    expect(() =>
      cookieValue(ssoEvent('GET', '/sso/callback', { cookie: 'studio_gate_oidc=v; studio_gate_oidc=w' }), 'studio_gate_oidc'),
    ).toThrow(expect.objectContaining({ reason: 'sso-cookie-repeated' }));
  });

  it('builds the callback URL from the configured redirect URI, never from the Host header', () => {
    const event = ssoEvent('GET', '/sso/callback', { query: { code: ['c'], state: ['s'] }, headers: { Host: 'evil.example' } });
    expect(callbackUrlOf('https://api.example.com/prod/sso/callback', event)).toBe(
      'https://api.example.com/prod/sso/callback?code=c&state=s',
    );
  });

  it('takes a form-encoded SAMLResponse only', () => {
    const json = ssoEvent('POST', '/sso/saml', { body: { SAMLResponse: 'x' } });
    expect(() => samlFormOf(json)).toThrow(expect.objectContaining({ reason: 'body-content-type' }));
    const big = ssoEvent('POST', '/sso/saml', { form: { SAMLResponse: 'A'.repeat(310 * 1024) } });
    expect(() => samlFormOf(big)).toThrow(expect.objectContaining({ reason: 'body-too-large' }));
    const empty = ssoEvent('POST', '/sso/saml', { form: { RelayState: 'studio::' } });
    expect(() => samlFormOf(empty)).toThrow(expect.objectContaining({ reason: 'body-missing' }));
    expect(samlFormOf(ssoEvent('POST', '/sso/saml', { form: { SAMLResponse: 'abc', RelayState: 'studio::' } }))).toEqual({
      samlResponse: 'abc',
      relayState: 'studio::',
    });
  });
});

describe('the secrets', () => {
  const ssm = mockClient(SSMClient);
  afterEach(() => ssm.reset());
  const fakeOidc = { authorize: jest.fn(), finish: jest.fn() };

  it('are read in one GetParameters call (decrypted) per container, again only after a failure', async () => {
    ssm
      .on(GetParametersCommand)
      .rejectsOnce(new Error('endpoint down'))
      .resolves({
        Parameters: [
          { Name: '/studio-gate/prod/oidc-client-secret', Value: 'the-client-secret' },
          { Name: '/studio-gate/prod/sso-cookie-keys', Value: KEY_A },
        ],
      });
    const secrets: string[] = [];
    const app = buildOidcApp(oidcEnv(), {
      ssmClient: sdkSsmApi(),
      oidcPort: (secret) => {
        secrets.push(secret);
        return fakeOidc;
      },
    });
    await expect(app()).rejects.toMatchObject({ reason: 'sso-secrets-unavailable' });
    const built = await app();
    await app();
    expect(built.oidc.oidc).toBe(fakeOidc);
    expect(secrets).toEqual(['the-client-secret']);
    const calls = ssm.commandCalls(GetParametersCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toEqual({
      Names: ['/studio-gate/prod/sso-cookie-keys', '/studio-gate/prod/oidc-client-secret'],
      WithDecryption: true,
    });
  });

  it('name a missing parameter, never a value', async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: ['/studio-gate/prod/sso-cookie-keys'] });
    const app = buildOidcApp(oidcEnv(), { ssmClient: sdkSsmApi(), oidcPort: () => fakeOidc });
    await expect(app()).rejects.toThrow(/not found: \/studio-gate\/prod\/sso-cookie-keys/);
  });
});
