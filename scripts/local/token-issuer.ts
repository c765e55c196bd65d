/**
 * The local identity provider: signs RS256 JWTs for the demo people and publishes its JWKS and an
 * OpenID discovery document, on loopback. Its key lives in memory only, so tokens from an earlier
 * run stop verifying when it restarts.
 *
 * `GET /__local/token?person=alice` mints a token (the `npm run token` script calls it). That route
 * exists only here, for the demo: a real IdP signs people in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_PEOPLE } from './demo-data';
import { generateSigningKey, type SigningKey, signJwt } from './jwt';

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Overrides the `iss` claim (defaults to the issuer's own origin). */
  readonly issuer?: string;
  readonly audience: string;
  readonly tokenLifetimeSeconds?: number;
  readonly clock?: () => number;
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

/** Starts the issuer; resolves once it listens. */
export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const key = generateSigningKey('local-1');
  const clock = options.clock ?? Date.now;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  let origin = '';
  let issuer = '';

  function tokenFor(person: string, overrides: Record<string, unknown> = {}): string {
    const who = DEMO_PEOPLE[person];
    if (!who) throw new Error(`unknown demo person "${person}" (known: ${Object.keys(DEMO_PEOPLE).join(', ')})`);
    const now = Math.floor(clock() / 1000);
    return signJwt(
      {
        iss: issuer,
        aud: options.audience,
        sub: `local|${person}`,
        email: who.email,
        email_verified: true,
        groups: who.groups,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        ...overrides,
      },
      key,
    );
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
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
      const person = url.searchParams.get('person') ?? '';
      if (!DEMO_PEOPLE[person]) return json(404, { error: `unknown person; known: ${Object.keys(DEMO_PEOPLE).join(', ')}` });
      return json(200, { token: tokenFor(person) });
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

  return {
    url: origin,
    issuer,
    jwksUri: `${origin}/.well-known/jwks.json`,
    key,
    tokenFor,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
