/**
 * The local OpenID provider: oidc-provider (a certified OpenID Connect implementation) with the
 * demo people, one confidential client (studio-gate, PKCE S256 required, client_secret_basic), and
 * a plain login form (fields `login` and `password`; every demo person's password is `demo`).
 * It runs in a process of its own (oidc-provider is ESM-only) behind the token issuer's port, which
 * forwards every path it does not serve itself (see token-issuer.ts). It signs ID tokens with the
 * token issuer's key, so one issuer, one JWKS, serves both bearer tokens and sign-ins.
 *
 * Environment: OIDC_IDP_ISSUER, OIDC_IDP_CLIENT_ID, OIDC_IDP_CLIENT_SECRET, OIDC_IDP_REDIRECT_URIS
 * (comma-separated), OIDC_IDP_SIGNING_JWK (private JWK, JSON). Prints `{"url":…}` once it listens
 * on 127.0.0.1; stops on SIGTERM or when its parent's stdin closes.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { escapeHtml } from '../../src/domain/text';
import { DEMO_PASSWORD, DEMO_PEOPLE } from './demo-data';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function loginPage(uid: string, message = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local IdP sign-in</title></head>
<body><h1>Local IdP</h1><p>Demo people: ${Object.keys(DEMO_PEOPLE).join(', ')}; password <code>${DEMO_PASSWORD}</code>.</p>
${message ? `<p id="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Login <input name="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function main(): Promise<void> {
  const issuer = required('OIDC_IDP_ISSUER');
  const signingJwk = JSON.parse(required('OIDC_IDP_SIGNING_JWK')) as Record<string, unknown>;
  const configuration: Configuration = {
    clients: [
      {
        client_id: required('OIDC_IDP_CLIENT_ID'),
        client_secret: required('OIDC_IDP_CLIENT_SECRET'),
        redirect_uris: required('OIDC_IDP_REDIRECT_URIS').split(','),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingJwk as never] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    // The claims the client asked for go into the ID token (studio-gate reads no userinfo).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AuthorizationCode: 60, IdToken: 300, AccessToken: 300, Session: 600, Interaction: 600, Grant: 600 },
    // A first-party client: no consent screen.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope('openid email groups');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, id) => {
      const person = DEMO_PEOPLE[id];
      if (!person) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: `local|${id}`, email: person.email, email_verified: true, groups: [...person.groups] }),
      };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html><body><h1>Local IdP error</h1><p id="error">${escapeHtml(String(out.error))}</p></body></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  const oidc = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
    if (!match) return oidc(req, res);
    const uid = match[1] as string;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET' && !match[2]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(loginPage(uid));
      return;
    }
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const login = form.get('login') ?? '';
      if (!Object.hasOwn(DEMO_PEOPLE, login) || form.get('password') !== DEMO_PASSWORD) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(loginPage(uid, 'Unknown login or wrong password.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(405);
    res.end();
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://idp.invalid').pathname;
    interaction(req, res, path).catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('interaction failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`oidc idp: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
