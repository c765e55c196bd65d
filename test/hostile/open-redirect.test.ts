/**
 * No open redirect: the only Location the SSO routes ever answer is the IdP's own endpoint or a
 * presigned URL that passed the Studio URL check. The corpus holds the bypass shapes redirect
 * checkers are known to miss (identity-aware proxies keep such tables): protocol-relative and
 * backslash forms, encoded slashes and dots, tabs/CR/LF, userinfo `@` tricks, look-alike hosts,
 * ports, other schemes. Each is tried as every parameter a redirect could hide in: `landing`,
 * `space`, `return_to`, `redirect_uri`, `next`, `url`, the SAML RelayState, and extra callback parameters.
 */
import { LOCAL_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../scripts/local/dynamo';
import type { SageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import { demoFields, signedResponse } from '../../scripts/local/saml-idp';
import { type LocalSso, localSso, startPeers } from '../../scripts/local/stack';
import type { TokenIssuer } from '../../scripts/local/token-issuer';
import { buildOidcApp } from '../../src/composition/sso-oidc';
import { buildSamlApp } from '../../src/composition/sso-saml';
import { OIDC_COOKIE, oidcHandler, samlHandler } from '../../src/http/sso-endpoint';
import { lambdaContext } from '../support/lambda-context';
import { freePorts } from '../support/ports';
import { IdpBrowser, queryOf, setCookie, ssoEnv, ssoEvent } from '../support/sso';

jest.setTimeout(120_000);

const REDIRECT_BYPASSES: readonly string[] = [
  'https://evil.example',
  'http://evil.example/',
  '//evil.example',
  '///evil.example',
  '////evil.example/x',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/%2F%2Fevil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  '/..//evil.example',
  '/.%2e/evil.example',
  '%2e%2e%2f%2e%2e%2fevil.example',
  '\t//evil.example',
  ' //evil.example',
  '/\r\n//evil.example',
  '%0d%0aLocation:%20https://evil.example',
  'https:evil.example',
  'https:/evil.example',
  'https://127.0.0.1:4599@evil.example',
  'https://evil.example@127.0.0.1:4599',
  'https://127.0.0.1.evil.example',
  'https://127.0.0.1:4599.evil.example/auth',
  'https://d-localdemo.studio.eu-west-1.sagemaker.aws.evil.example/',
  'https://d-localdemo.studio.eu-west-1.sagemaker.aws:8443/',
  'https://xn--80ak6aa92e.com',
  'http://[::ffff:7f00:1]:4599/',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'app:JupyterLab:/../../evil.example',
  'app:JupyterLab://evil.example',
  'studio::/..%2f..%2fevil.example',
  'studio:://evil.example',
];

const PARAMETERS = ['landing', 'space', 'return_to', 'redirect_uri', 'next', 'url', 'RelayState', 'redirect'];

const TABLE = 'studio-gate-redirect-test';
let peers: { emulator: SageMakerEmulator; issuer: TokenIssuer };
let dynamo: LocalDynamo;
let sso: LocalSso;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  const [emulator, issuer, dynamoPort] = (await freePorts(3)) as [number, number, number];
  sso = await localSso(3997);
  peers = await startPeers({ emulator, issuer }, 'studio-gate', sso);
  dynamo = await startLocalDynamo({ port: dynamoPort, tableName: TABLE });
  env = ssoEnv(sso, { emulatorUrl: peers.emulator.url, issuer: peers.issuer.issuer, dynamoUrl: dynamo.url, table: TABLE });
});

afterAll(async () => {
  await Promise.all([peers?.emulator.close(), peers?.issuer.close(), dynamo?.close()]);
});

const silent = { record: () => {}, problem: () => {} };

/** The only places a Location may point: the IdP's own endpoints, or Studio through the emulator. */
function assertSafeLocation(location: string | undefined): void {
  if (location === undefined) return;
  const url = new URL(location);
  const idp = new URL(peers.issuer.issuer);
  const allowed =
    (url.origin === idp.origin && (url.pathname === '/auth' || url.pathname === '/__local/saml/sso')) ||
    (url.origin === peers.emulator.url && url.pathname === '/auth');
  expect({ location, allowed }).toEqual({ location, allowed: true });
  expect(location).not.toMatch(/evil|javascript:|data:/i);
}

describe('GET /sso/login and /sso/saml/login never redirect where a parameter says', () => {
  const oidc = () => oidcHandler({ app: buildOidcApp(env, { credentials: LOCAL_CREDENTIALS }), auditLog: silent });
  const saml = () => samlHandler({ app: buildSamlApp(env, { credentials: LOCAL_CREDENTIALS }), auditLog: silent });
  const cases = PARAMETERS.flatMap((parameter) => REDIRECT_BYPASSES.map((value) => [parameter, value] as const));

  it(`${cases.length} parameter × bypass pairs: a 400, or a 302 to the IdP only`, async () => {
    const [o, s] = [oidc(), saml()];
    const statuses = new Map<number, number>();
    for (const [parameter, value] of cases) {
      for (const [route, handler] of [
        ['/sso/login', o],
        ['/sso/saml/login', s],
      ] as const) {
        const response = await handler(ssoEvent('GET', route, { query: { [parameter]: [value] } }), lambdaContext());
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect([302, 400]).toContain(response.statusCode);
        assertSafeLocation(response.headers?.Location as string | undefined);
        if (response.statusCode === 302) expect(response.headers?.Location).not.toContain(encodeURIComponent(value).slice(0, 12));
      }
    }
    // Every bypass value is refused outright: none is a valid landing or space.
    expect([...statuses.keys()]).toEqual([400]);
  });
});

describe('POST /sso/saml never redirects to its RelayState', () => {
  it.each(REDIRECT_BYPASSES)('RelayState %j: a 400, never a Location of its own', async (relayState) => {
    const handler = samlHandler({ app: buildSamlApp(env, { credentials: LOCAL_CREDENTIALS }), auditLog: silent });
    const form = { SAMLResponse: signedResponse(demoFields('alice'), sso.acsUrl, sso.samlKey), RelayState: relayState };
    const response = await handler(ssoEvent('POST', '/sso/saml', { form }), lambdaContext());
    expect(response.statusCode).toBe(400);
    assertSafeLocation(response.headers?.Location as string | undefined);
  });
});

describe('GET /sso/callback ignores redirect-looking parameters the IdP (or an attacker) adds', () => {
  it('lands in Studio, whatever return_to/redirect_uri/next/url say', async () => {
    const handler = oidcHandler({ app: buildOidcApp(env, { credentials: LOCAL_CREDENTIALS }), auditLog: silent });
    for (const value of REDIRECT_BYPASSES.slice(0, 6)) {
      const start = await handler(ssoEvent('GET', '/sso/login'), lambdaContext());
      const back = await new IdpBrowser().signIn(start.headers?.Location as string, 'alice');
      const query = { ...queryOf(back), return_to: [value], redirect_uri: [value], next: [value], url: [value] };
      const response = await handler(
        ssoEvent('GET', '/sso/callback', { query, cookie: setCookie(start, OIDC_COOKIE) as string }),
        lambdaContext(),
      );
      // The IdP binds the code to the registered redirect URI; an extra redirect_uri is the IdP's to refuse.
      expect([302, 401]).toContain(response.statusCode);
      assertSafeLocation(response.headers?.Location as string | undefined);
    }
  });
});
