/**
 * The local identity provider: signs RS256 JWTs for the demo people and publishes its JWKS and an
 * OpenID discovery document, on loopback. Its key lives in memory only, so tokens from an earlier
 * run stop verifying when it restarts.
 *
 * `GET /__local/token?person=alice` mints a token (the `npm run token` script calls it). That route
 * exists only here, for the demo: a real IdP signs people in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_PEOPLE, REQUIRED_GROUP } from './demo-data';
import { generateSigningKey, type SigningKey, signJwt } from './jwt';
import { demoFields, localSamlSso, type SamlKeyPair, signedResponse } from './saml-idp';

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Overrides the `iss` claim (defaults to the issuer's own origin). */
  readonly issuer?: string;
  readonly audience: string;
  readonly tokenLifetimeSeconds?: number;
  readonly clock?: () => number;
  /**
   * Also be an OpenID provider (oidc-provider, in a child process behind this port): the code flow
   * for this one client, signing with this issuer's key.
   */
  readonly oidc?: LocalOidcClient;
  /** Also be a SAML IdP: `GET /__local/saml?person=alice` answers a signed response for that ACS. */
  readonly saml?: { readonly key: SamlKeyPair; readonly acsUrl: string };
}

/** The confidential client the local OpenID provider knows. */
export interface LocalOidcClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

/** Starts oidc-provider in its own process; resolves with its origin once it listens. */
async function startOidcProcess(
  issuer: string,
  key: SigningKey,
  client: LocalOidcClient,
): Promise<{ url: string; child: ChildProcess }> {
  const privateJwk = { ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' };
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'oidc-idp-process.ts')],
    {
      env: {
        PATH: process.env.PATH,
        OIDC_IDP_ISSUER: issuer,
        OIDC_IDP_CLIENT_ID: client.clientId,
        OIDC_IDP_CLIENT_SECRET: client.clientSecret,
        OIDC_IDP_REDIRECT_URIS: client.redirectUris.join(','),
        OIDC_IDP_SIGNING_JWK: JSON.stringify(privateJwk),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local OpenID provider did not start in 30 s: ${errors}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`the local OpenID provider said: ${line} ${errors}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local OpenID provider exited with ${code}: ${errors}`));
    });
  });
  return { url, child };
}

/** A running token issuer. */
export interface TokenIssuer {
  readonly url: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly key: SigningKey;
  /** Signs a token for a demo person, with optional claim overrides. */
  tokenFor(person: string, overrides?: Record<string, unknown>): string;
  close(): Promise<void>;
}

/**
 * What `GET /__local/token` was asked for: a demo `person`, or any `email` (then `sub` is
 * `local|<email>` and the groups `studio-users`); `groups` (comma-separated, empty for none),
 * `email_verified` (`true`, `false`, or `absent` to leave the claim out) and `lifetime` (seconds from
 * now to `exp`, 1-86400) change that person's token. The local stack's demo only: a real IdP signs people in.
 */
export function requestedToken(
  query: URLSearchParams,
  nowSeconds: number,
): { person?: string; claims: Record<string, unknown> } | { status: number; error: string } {
  const person = query.get('person') ?? '';
  const email = query.get('email');
  if (person === '' && email === null) return { status: 400, error: 'give a person or an email' };
  if (person !== '' && !DEMO_PEOPLE[person])
    return { status: 404, error: `unknown person; known: ${Object.keys(DEMO_PEOPLE).join(', ')}` };
  const claims: Record<string, unknown> =
    person === '' ? { sub: `local|${email}`, email, email_verified: true, groups: [REQUIRED_GROUP] } : {};
  if (email !== null) claims.email = email;
  const groups = query.get('groups');
  if (groups !== null)
    claims.groups = groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
  const verified = query.get('email_verified');
  if (verified !== null) {
    if (!['true', 'false', 'absent'].includes(verified)) return { status: 400, error: 'email_verified is true, false or absent' };
    claims.email_verified = verified === 'absent' ? undefined : verified === 'true';
  }
  const lifetime = query.get('lifetime');
  if (lifetime !== null) {
    if (!/^\d+$/.test(lifetime) || Number(lifetime) < 1 || Number(lifetime) > 86400)
      return { status: 400, error: 'lifetime is a whole number of seconds from 1 to 86400' };
    claims.exp = nowSeconds + Number(lifetime);
  }
  return { ...(person !== '' && { person }), claims };
}

/** Paths the issuer answers itself; with an OpenID provider behind it, every other path is the provider's. */
const OWN_PATHS = new Set(['/.well-known/jwks.json', '/__local/token', '/__local/saml', '/__local/saml/sso']);

/** Forwards a request to the OpenID provider's process, as it came. */
function forward(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, upstream: string): void {
  const target = new URL(upstream);
  const out = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
}

/** Starts the issuer; resolves once it listens. */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const key = generateSigningKey('local-1');
  const clock = options.clock ?? Date.now;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  let origin = '';
  let issuer = '';

  function mint(claims: Record<string, unknown>): string {
    const now = Math.floor(clock() / 1000);
    const signed: Record<string, unknown> = {
      iss: issuer,
      aud: options.audience,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      ...claims,
    };
    for (const [name, value] of Object.entries(signed)) if (value === undefined) delete signed[name];
    return signJwt(signed, key);
  }

  function tokenFor(person: string, overrides: Record<string, unknown> = {}): string {
    const who = DEMO_PEOPLE[person];
    if (!who) throw new Error(`unknown demo person "${person}" (known: ${Object.keys(DEMO_PEOPLE).join(', ')})`);
    return mint({ sub: `local|${person}`, email: who.email, email_verified: true, groups: who.groups, ...overrides });
  }

  let oidcUpstream: string | undefined;
  let oidcChild: ChildProcess | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (oidcUpstream && !OWN_PATHS.has(url.pathname)) return forward(req, res, oidcUpstream);
    if (url.pathname === '/__local/saml/sso' && options.saml) {
      localSamlSso(req, res, options.saml.key, options.saml.acsUrl, new Date(clock())).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
    if (url.pathname === '/.well-known/jwks.json') return json(200, { keys: [key.publicJwk] });
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        jwks_uri: `${origin}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
      });
    }
    if (url.pathname === '/__local/token') {
      const requested = requestedToken(url.searchParams, Math.floor(clock() / 1000));
      if ('error' in requested) return json(requested.status, { error: requested.error });
      return json(200, { token: requested.person ? tokenFor(requested.person, requested.claims) : mint(requested.claims) });
    }
    if (url.pathname === '/__local/saml' && options.saml) {
      const person = url.searchParams.get('person') ?? '';
      if (!DEMO_PEOPLE[person]) return json(404, { error: `unknown person; known: ${Object.keys(DEMO_PEOPLE).join(', ')}` });
      const { key, acsUrl } = options.saml;
      return json(200, { acsUrl, samlResponse: signedResponse(demoFields(person), acsUrl, key, new Date(clock())) });
    }
    return json(404, { error: 'not found' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  issuer = options.issuer ?? origin;
  if (options.oidc) {
    try {
      const started = await startOidcProcess(issuer, key, options.oidc);
      oidcUpstream = started.url;
      oidcChild = started.child;
    } catch (error) {
      server.close();
      throw error;
    }
  }

  return {
    url: origin,
    issuer,
    jwksUri: `${origin}/.well-known/jwks.json`,
    key,
    tokenFor,
    close: async () => {
      if (oidcChild && oidcChild.exitCode === null) {
        const exited = new Promise((resolve) => oidcChild?.once('exit', resolve));
        oidcChild.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
