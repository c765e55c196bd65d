/** Helpers of the SSO tests: the functions' environment, their events, and a browser-like walk through the local IdP. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DEMO_ACCOUNT, demoDomains } from '../../scripts/local/demo-data';
import { LOCAL_SAML_IDP_ENTITY_ID, LOCAL_SAML_SP_ENTITY_ID } from '../../scripts/local/saml-idp';
import type { LocalSso } from '../../scripts/local/stack';
import { jwtEnv } from './env';
import { type EventOptions, privateApiEvent } from './events';

/**
 * The SSO functions' environment for these local settings (the fixture event's source allowed), with
 * both demo domains as `npm start` serves them (the risk one through its issuer role at the emulator).
 */
export function ssoEnv(
  sso: LocalSso,
  peers: { emulatorUrl: string; issuer: string; dynamoUrl: string; table: string },
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return jwtEnv({
    JWT_ISSUER: peers.issuer,
    JWT_JWKS_URI: `${peers.issuer}/.well-known/jwks.json`,
    AWS_ENDPOINT_URL_SAGEMAKER: peers.emulatorUrl,
    LOCAL_STUDIO_ORIGIN: peers.emulatorUrl,
    STUDIO_DOMAIN_ID: '',
    STUDIO_ISSUANCE: '',
    STUDIO_DOMAINS: demoDomains(peers.emulatorUrl),
    STUDIO_GATE_ACCOUNT_ID: DEMO_ACCOUNT,
    AWS_ENDPOINT_URL_STS: peers.emulatorUrl,
    PROFILE_CACHE_TTL_SECONDS: '0',
    OIDC_ISSUER: peers.issuer,
    OIDC_CLIENT_ID: sso.clientId,
    OIDC_CLIENT_SECRET: sso.clientSecret,
    SSO_REDIRECT_URI: sso.redirectUri,
    SSO_COOKIE_KEYS: sso.cookieKeys,
    SSO_COOKIE_SECURE: 'false',
    SSO_SECRETS_SOURCE: 'env',
    SSO_REPLAY_TABLE: peers.table,
    AWS_ENDPOINT_URL_DYNAMODB: peers.dynamoUrl,
    SAML_IDP_CERTS: sso.samlKey.certificate,
    SAML_IDP_ENTITY_ID: LOCAL_SAML_IDP_ENTITY_ID,
    SAML_SP_ENTITY_ID: LOCAL_SAML_SP_ENTITY_ID,
    SAML_ACS_URL: sso.acsUrl,
    SAML_IDP_SSO_URL: `${peers.issuer}/__local/saml/sso`,
    SAML_ALLOW_IDP_INITIATED: 'true',
    ...overrides,
  });
}

/** An event of an SSO route. */
export function ssoEvent(
  method: 'GET' | 'POST',
  resource: string,
  options: EventOptions & { cookie?: string; form?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const headers = { ...options.headers };
  if (options.cookie !== undefined) headers.Cookie = options.cookie;
  if (options.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const event = privateApiEvent({
    ...options,
    headers,
    ...(options.form && { body: new URLSearchParams(options.form).toString() }),
  });
  event.httpMethod = method;
  event.requestContext.httpMethod = method;
  event.resource = resource;
  event.path = resource;
  return event;
}

/** `name=value` of the response's Set-Cookie for `name` (undefined when it sets none). */
export function setCookie(response: APIGatewayProxyResult, name: string): string | undefined {
  const all = (response.multiValueHeaders?.['Set-Cookie'] ?? []) as string[];
  const found = all.find((c) => c.startsWith(`${name}=`));
  return found?.split(';')[0];
}

/** The names of the cookies a response sets. */
export function setCookieNames(response: APIGatewayProxyResult): string[] {
  return ((response.multiValueHeaders?.['Set-Cookie'] ?? []) as string[]).map((c) => c.slice(0, c.indexOf('=')));
}

/** A tiny cookie-keeping client for the local IdP (as a browser would be), redirects not followed. */
export class IdpBrowser {
  private readonly cookies = new Map<string, string>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair as string).indexOf('=');
      this.cookies.set((pair as string).slice(0, eq), (pair as string).slice(eq + 1));
    }
    return response;
  }

  /** From the authorization URL to the redirect back to studio-gate: signs `login` in with `password`. */
  async signIn(authorizationUrl: string, login: string, password = 'demo'): Promise<URL> {
    let response = await this.get(authorizationUrl);
    let location = new URL(response.headers.get('location') as string, authorizationUrl);
    response = await this.get(location.toString());
    const form = /action="([^"]+)"/.exec(await response.text());
    if (!form) throw new Error('no login form');
    response = await this.get(new URL(form[1] as string, location).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
    for (let i = 0; i < 5; i++) {
      const next = response.headers.get('location');
      if (!next) throw new Error(`the IdP answered ${response.status} without a redirect`);
      location = new URL(next, location);
      if (!location.pathname.startsWith('/auth') && !location.pathname.startsWith('/interaction')) return location;
      response = await this.get(location.toString());
    }
    throw new Error('too many redirects');
  }
}

/** The query of a URL in API Gateway's multi-value form. */
export function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) query[k] = [...(query[k] ?? []), v];
  return query;
}
