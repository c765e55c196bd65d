/**
 * The OIDC way in end to end: the OIDC function (in process, as Lambda runs it) against the real
 * OpenID provider of the local stack (oidc-provider over loopback HTTP), the SageMaker emulator and
 * dynalite. A person signs in at the IdP's login form; the callback lands them in their own Studio.
 * Every negative is a check that, removed, lets the case through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../scripts/local/dynamo';
import { generateSigningKey, signJwt } from '../../scripts/local/jwt';
import type { SageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import { type LocalSso, localSso, startPeers } from '../../scripts/local/stack';
import type { TokenIssuer } from '../../scripts/local/token-issuer';
import { JoseStateSealer } from '../../src/adapters/cookie-sealer';
import { buildOidcApp } from '../../src/composition/sso-oidc';
import { OIDC_COOKIE, oidcHandler } from '../../src/http/sso-endpoint';
import type { AuditEntry } from '../../src/use-cases/ports';
import { captureOutput, leaksIn } from '../support/capture';
import { lambdaContext } from '../support/lambda-context';
import { freePorts } from '../support/ports';
import { IdpBrowser, queryOf, setCookie, ssoEnv, ssoEvent } from '../support/sso';

jest.setTimeout(60_000);

const TABLE = 'studio-gate-sso-test';
let peers: { emulator: SageMakerEmulator; issuer: TokenIssuer };
let dynamo: LocalDynamo;
let sso: LocalSso;

function handlerFor(env: Record<string, string | undefined>, entries: AuditEntry[], problems: unknown[] = []) {
  const app = buildOidcApp(env, { credentials: LOCAL_CREDENTIALS });
  return oidcHandler({ app, auditLog: { record: (e) => void entries.push(e), problem: (m, d) => void problems.push({ m, d }) } });
}

function env(overrides: Record<string, string | undefined> = {}) {
  return ssoEnv(
    sso,
    { emulatorUrl: peers.emulator.url, issuer: peers.issuer.issuer, dynamoUrl: dynamo.url, table: TABLE },
    overrides,
  );
}

/** /sso/login through the handler: the IdP URL and the sealed cookie. */
async function login(handler: ReturnType<typeof handlerFor>, query?: Record<string, string[]>) {
  const response = await handler(ssoEvent('GET', '/sso/login', query ? { query } : {}), lambdaContext());
  expect(response.statusCode).toBe(302);
  return { location: response.headers?.Location as string, cookie: setCookie(response, OIDC_COOKIE) as string, response };
}

async function callback(handler: ReturnType<typeof handlerFor>, query: Record<string, string[]>, cookie?: string) {
  const event = ssoEvent('GET', '/sso/callback', { query, ...(cookie !== undefined && { cookie }) });
  return handler(event, lambdaContext());
}

/** A whole sign-in: /sso/login, the IdP's form, and the callback's query. */
async function signIn(handler: ReturnType<typeof handlerFor>, person: string, query?: Record<string, string[]>) {
  const started = await login(handler, query);
  const back = await new IdpBrowser().signIn(started.location, person);
  expect(`${back.origin}${back.pathname}`).toBe(sso.redirectUri);
  return { ...started, query: queryOf(back) };
}

beforeAll(async () => {
  const [emulator, issuer, dynamoPort] = (await freePorts(3)) as [number, number, number];
  sso = await localSso(3999);
  peers = await startPeers({ emulator, issuer }, 'studio-gate', sso);
  dynamo = await startLocalDynamo({ port: dynamoPort, tableName: TABLE });
});

afterAll(async () => {
  await Promise.all([peers?.emulator.close(), peers?.issuer.close(), dynamo?.close()]);
});

describe('the OIDC code flow against the real OpenID provider', () => {
  it('signs alice in and sends her to her own Studio, clearing the cookie; nothing secret is logged', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { result, output } = await captureOutput(async () => {
      const started = await login(handler, { landing: ['app:JupyterLab:'] });
      const url = new URL(started.location);
      expect(`${url.origin}${url.pathname}`).toBe(`${peers.issuer.issuer}/auth`);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
      expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
      const cookieLine = String((started.response.multiValueHeaders?.['Set-Cookie'] ?? [])[0]);
      expect(cookieLine).toMatch(/HttpOnly/);
      expect(cookieLine).toMatch(/SameSite=Lax/);
      expect(cookieLine).toMatch(/Path=\/sso;/);
      expect(cookieLine).toMatch(/Max-Age=300/);
      // Sealed: nothing of the state, nonce or landing reads through.
      expect(started.cookie).not.toContain(url.searchParams.get('state'));
      const back = await new IdpBrowser().signIn(started.location, 'alice');
      const response = await callback(handler, queryOf(back), started.cookie);
      return { response, started, back };
    });
    const { response, started, back } = result;
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers?.Location as string);
    expect(location.origin).toBe(peers.emulator.url);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
    expect(setCookie(response, OIDC_COOKIE)).toBe(`${OIDC_COOKIE}=`);
    const studio = await fetch(location, { redirect: 'manual' });
    expect(await studio.text()).toContain('alice');
    expect(entries.map((e) => [e.reason, e.status])).toEqual([
      ['sso-login-started', 302],
      ['issued', 302],
    ]);
    expect(entries[1]?.userProfileName).toBe('alice');
    // One name per person in the audit log, whichever way in: the canonical identity (the owner tag's value).
    expect(entries[1]?.identity).toBe('alice@example.com');
    expect(leaksIn(output + JSON.stringify(entries))).toEqual([]);
    for (const secret of [back.searchParams.get('code') as string, started.cookie.split('=')[1] as string, location.search]) {
      expect(output).not.toContain(secret);
      expect(JSON.stringify(entries)).not.toContain(secret);
    }
  });

  it('shows mallory (not in the required group) the error page, with the code and nothing else', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'mallory');
    const event = ssoEvent('GET', '/sso/callback', {
      query,
      cookie,
      headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<code id="error-code">forbidden</code>');
    expect(response.body).not.toMatch(/group|mallory|studio-users/i);
    expect(entries[1]?.reason).toBe('group-missing');
  });

  it('answers problem+json to a client that asks for JSON', async () => {
    const handler = handlerFor(env(), []);
    const event = ssoEvent('GET', '/sso/callback', {
      query: { code: ['x'], state: ['y'] },
      headers: { Accept: 'application/json' },
    });
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(response.body).code).toBe('unauthenticated');
  });
});

describe('OIDC negatives', () => {
  const reasons = (entries: AuditEntry[]) => entries.map((e) => e.reason);

  it.each([
    ['the state is missing', (q: Record<string, string[]>) => ({ code: q.code as string[] }), 'oidc-state-missing'],
    [
      'the state is another login’s',
      (q: Record<string, string[]>) => ({ ...q, state: ['another-login-state-value-000000'] }),
      'oidc-state-mismatch',
    ],
    [
      'the state is repeated',
      (q: Record<string, string[]>) => ({ ...q, state: [...(q.state as string[]), ...(q.state as string[])] }),
      'oidc-state-repeated',
    ],
  ])('refuses a callback when %s', async (_what, bend, reason) => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    const response = await callback(handler, bend(query), cookie);
    expect(response.statusCode).toBe(401);
    expect(reasons(entries)).toContain(reason);
  });

  it.each([
    ['a space', 'a b'],
    ['a control character', 'a\u0000b'],
    ['more than 2 KiB', 'c'.repeat(2049)],
    ['non-ASCII', 'c\u00e9'],
  ])('refuses a code with %s before spending the state or calling the IdP, so the real code still works', async (_what, bad) => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    expect((await callback(handler, { ...query, code: [bad] }, cookie)).statusCode).toBe(401);
    // The state was not spent by the refused callback: the browser's genuine redirect still lands.
    expect((await callback(handler, query, cookie)).statusCode).toBe(302);
    expect(reasons(entries)).toEqual(['sso-login-started', 'oidc-code-malformed', 'issued']);
  });

  it('refuses a callback without its cookie, and one replayed with it', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    expect((await callback(handler, query)).statusCode).toBe(401);
    expect((await callback(handler, query, cookie)).statusCode).toBe(302);
    // The same cookie and code again (a stolen redirect), on another container sharing the table.
    const other = handlerFor(env(), entries);
    expect((await callback(other, query, cookie)).statusCode).toBe(401);
    expect(reasons(entries)).toEqual(['sso-login-started', 'sso-cookie-missing', 'issued', 'oidc-callback-replayed']);
  });

  /** A cookie sealed with the function's keys but other content (what only a key holder could make). */
  async function resealed(cookie: string, change: Record<string, string>, clock = Date.now) {
    const state = await new JoseStateSealer(sso.cookieKeys, 300).open('oidc', cookie.split('=')[1] as string);
    return `${OIDC_COOKIE}=${await new JoseStateSealer(sso.cookieKeys, 300, clock).seal('oidc', { ...state, ...change })}`;
  }

  it('refuses an ID token whose nonce is not the login’s', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    const response = await callback(handler, query, await resealed(cookie, { nonce: 'a-different-nonce-than-the-token-has' }));
    expect(response.statusCode).toBe(401);
    expect(reasons(entries)).toContain('oidc-id-token-nonce-mismatch');
  });

  it('refuses when the PKCE verifier is not the one the challenge was made from (the IdP rejects the code)', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    const response = await callback(handler, query, await resealed(cookie, { verifier: 'x'.repeat(43) }));
    expect(response.statusCode).toBe(401);
    expect(reasons(entries)).toContain('oidc-code-rejected');
  });

  it('refuses a tampered cookie, a cookie sealed with another key, an expired one, and two of them', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { query, cookie } = await signIn(handler, 'alice');
    const value = cookie.split('=')[1] as string;
    const flipped = `${value.slice(0, -5)}${value.slice(-5, -4) === 'A' ? 'B' : 'A'}${value.slice(-4)}`;
    expect((await callback(handler, query, `${OIDC_COOKIE}=${flipped}`)).statusCode).toBe(401);
    const foreign = new JoseStateSealer(Buffer.alloc(32, 7).toString('base64url'), 300);
    expect(
      (await callback(handler, query, `${OIDC_COOKIE}=${await foreign.seal('oidc', { state: 's', nonce: 'n', verifier: 'v' })}`))
        .statusCode,
    ).toBe(401);
    const old = await resealed(cookie, {}, () => Date.now() - 301_000);
    expect((await callback(handler, query, old)).statusCode).toBe(401);
    expect((await callback(handler, query, `${cookie}; ${cookie}`)).statusCode).toBe(401);
    expect(reasons(entries).slice(1)).toEqual([
      'sso-cookie-invalid',
      'sso-cookie-invalid',
      'sso-cookie-expired',
      'sso-cookie-repeated',
    ]);
  });
});

describe('ID tokens the code exchange may bring back (a hostile IdP on loopback)', () => {
  const good = generateSigningKey('idp-key');
  const foreign = generateSigningKey('idp-key');
  let server: Server;
  let issuer = '';
  let idToken: (nonce: string) => string = () => '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', issuer || 'http://x');
      const json = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === '/jwks') return json({ keys: [good.publicJwk] });
      if (url.pathname === '/token' && tokenMode === 'stall') {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":"at",'); // and never the rest
        return;
      }
      if (url.pathname === '/token' && tokenMode === 'huge') {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"access_token":"${'a'.repeat(400 * 1024)}","token_type":"Bearer"}`);
        return;
      }
      if (url.pathname === '/token') {
        req.resume();
        req.on('end', () => json({ access_token: 'at', token_type: 'Bearer', expires_in: 60, id_token: idToken(pendingNonce) }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  let pendingNonce = '';
  let tokenMode: 'ok' | 'stall' | 'huge' = 'ok';
  afterEach(() => {
    tokenMode = 'ok';
  });

  async function exchange(
    make: (claims: Record<string, unknown>) => string,
    overrides: Record<string, string> = {},
  ): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env({ OIDC_ISSUER: issuer, ...overrides }), entries);
    const started = await login(handler);
    const url = new URL(started.location);
    pendingNonce = url.searchParams.get('nonce') as string;
    const now = Math.floor(Date.now() / 1000);
    idToken = (nonce) =>
      make({
        iss: issuer,
        aud: sso.clientId,
        sub: 'idp|alice',
        email: 'alice@example.com',
        email_verified: true,
        groups: ['studio-users'],
        nonce,
        iat: now,
        exp: now + 300,
      });
    const query = { code: ['any-code'], state: [url.searchParams.get('state') as string] };
    const response = await callback(handler, query, started.cookie);
    lastStatus = response.statusCode;
    const reason = entries.at(-1)?.reason ?? '';
    if (tokenMode === 'ok') expect(response.statusCode).toBe(reason === 'issued' ? 302 : reason.startsWith('email-') ? 403 : 401);
    return entries;
  }
  let lastStatus = 0;

  it('answers 504 on time when the token endpoint sends its headers and then stalls', async () => {
    tokenMode = 'stall';
    const started = Date.now();
    const entries = await exchange((c) => signJwt(c, good));
    expect(lastStatus).toBe(504);
    expect(entries.at(-1)?.reason).toBe('oidc-idp-timeout');
    // OIDC_TIMEOUT_MS (1.5 s) bounds the whole answer, body included.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers 503 when the token endpoint sends more than the size cap', async () => {
    tokenMode = 'huge';
    const entries = await exchange((c) => signJwt(c, good));
    expect(lastStatus).toBe(503);
    expect(entries.at(-1)?.reason).toBe('oidc-idp-unavailable');
  });

  it('accepts a well-made ID token (the control)', async () => {
    expect((await exchange((c) => signJwt(c, good))).at(-1)?.reason).toBe('issued');
  });
  it('refuses one signed by a foreign key', async () => {
    expect((await exchange((c) => signJwt(c, foreign))).at(-1)?.reason).toMatch(
      /^oidc-id-token-(signature-invalid|key-unknown)$/,
    );
  });
  it('refuses one for another audience', async () => {
    expect((await exchange((c) => signJwt({ ...c, aud: 'another-client' }, good))).at(-1)?.reason).toBe(
      'oidc-id-token-aud-mismatch',
    );
  });
  it('refuses an expired one', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect((await exchange((c) => signJwt({ ...c, iat: past, exp: past + 60 }, good))).at(-1)?.reason).toBe(
      'oidc-id-token-expired',
    );
  });
  it('refuses one whose azp names another client, even with aud ours alone (OIDC Core 3.1.3.7); accepts azp = client id', async () => {
    expect((await exchange((c) => signJwt({ ...c, azp: 'another-client' }, good))).at(-1)?.reason).toBe(
      'oidc-id-token-azp-mismatch',
    );
    expect((await exchange((c) => signJwt({ ...c, azp: sso.clientId }, good))).at(-1)?.reason).toBe('issued');
  });
  it('refuses an unverified address in the claim the callback reads, whatever the token path reads', async () => {
    expect(
      (
        await exchange((c) => signJwt({ ...c, email_verified: false }, good), {
          JWT_PROFILE_CLAIM: 'sub',
          OIDC_PROFILE_CLAIM: 'email',
        })
      ).at(-1)?.reason,
    ).toBe('email-not-verified');
  });
  it('refuses one from another issuer', async () => {
    expect((await exchange((c) => signJwt({ ...c, iss: 'https://idp.example.com' }, good))).at(-1)?.reason).toBe(
      'oidc-id-token-iss-mismatch',
    );
  });
});

describe('several domains after OIDC sign-in', () => {
  it('shows grace, entitled to both, the chooser: a link per domain through /sso/login again, and no state of its own', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { cookie, query } = await signIn(handler, 'grace');
    const page = await handler(
      ssoEvent('GET', '/sso/callback', { query, cookie, headers: { Accept: 'text/html' } }),
      lambdaContext(),
    );
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers?.['Content-Security-Policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<a data-domain="d-localdemo" href="/sso/login?domain=d-localdemo">');
    expect(page.body).toContain('<a data-domain="d-localrisk" href="/sso/login?domain=d-localrisk">');
    // Her spaces: shared ones and her own private one; never alice's or bob's private spaces.
    expect([...page.body.matchAll(/data-domain="([^"]+)" data-space="([^"]+)" href="([^"]+)"/g)].map((m) => m.slice(1))).toEqual([
      ['d-localdemo', 'team-a', '/sso/login?domain=d-localdemo&#38;space=team-a'],
      ['d-localrisk', 'grace-models', '/sso/login?domain=d-localrisk&#38;space=grace-models'],
      ['d-localrisk', 'risk-shared', '/sso/login?domain=d-localrisk&#38;space=risk-shared'],
    ]);
    // The login cookie is cleared, and nothing else is set.
    expect(page.multiValueHeaders?.['Set-Cookie']).toEqual([expect.stringMatching(/Max-Age=0/)]);
    expect(entries.at(-1)?.reason).toBe('domain-choice');
  });

  it('answers a client that asks for JSON with the same choices as GET /studio-url (300)', async () => {
    const handler = handlerFor(env(), []);
    const { cookie, query } = await signIn(handler, 'grace');
    const answer = await callback(handler, query, cookie);
    expect(answer.statusCode).toBe(300);
    expect(JSON.parse(answer.body).domains.map((d: { url: string }) => d.url)).toEqual([
      '/sso/login?domain=d-localdemo',
      '/sso/login?domain=d-localrisk',
    ]);
  });

  it('carries domain= through the IdP in the sealed state, into the chosen domain', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { cookie, query } = await signIn(handler, 'grace', { domain: ['d-localrisk'] });
    const landed = await callback(handler, query, cookie);
    expect(landed.statusCode).toBe(302);
    const token = new URL(landed.headers?.Location as string).searchParams.get('token') as string;
    expect(peers.emulator.sessions.get(token)).toMatchObject({
      domainId: 'd-localrisk',
      userProfileName: 'grace',
      sourceIdentity: 'grace@example.com',
    });
    expect(entries.at(-1)).toMatchObject({ reason: 'issued', domainId: 'd-localrisk' });
  });

  it('refuses alice a domain she is not entitled to, after sign-in, with the forbidden page', async () => {
    const entries: AuditEntry[] = [];
    const handler = handlerFor(env(), entries);
    const { cookie, query } = await signIn(handler, 'alice', { domain: ['d-localrisk'] });
    const refused = await callback(handler, query, cookie);
    expect(refused.statusCode).toBe(403);
    expect(entries.at(-1)?.reason).toBe('domain-not-entitled');
  });
});
