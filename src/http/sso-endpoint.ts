/**
 * The SSO routes over API Gateway (REST, proxy integration), one middy stack per function:
 * - OIDC: GET /sso/login (→ the IdP), GET /sso/callback (→ Studio);
 * - SAML: GET /sso/saml/login (→ the IdP), POST /sso/saml (the ACS, → Studio), GET /sso/saml/metadata.
 * The audit boundary writes one line per request and answers errors as pages (src/http/sso-pages.ts).
 * Only API Gateway-set fields, the query, the cookie and (ACS) the form body are read; the callback
 * URL is the configured redirect URI with the query, never anything built from a Host header.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidParameterError, UnauthenticatedError } from '../domain/errors';
import type { AuditLog, Clock, RequestMetrics } from '../use-cases/ports';
import {
  acceptSamlPost,
  finishOidcLogin,
  type OidcDeps,
  type SamlDeps,
  samlMetadata,
  startOidcLogin,
  startSamlLogin,
} from '../use-cases/sso-login';
import { type AuditedContext, auditBoundary } from './audit-boundary';
import { withDeadline } from './deadline';
import { headerValues, withSecurityHeaders } from './headers';
import { chooserResponse, clearedCookie, type LoginCookie, type PageOptions, ssoErrorResponse } from './sso-pages';
import { queryParametersOf, requestSourceOf } from './studio-url-http';

/** The prefix of every deployed stage's login cookies (see {@link SsoHttpSettings}). */
export const HOST_COOKIE_PREFIX = '__Host-';

/** What the SSO routes read of their configuration (src/config/sso.ts builds it). */
export interface SsoHttpSettings {
  /** The request's deadline: SageMaker, the IdP and the replay table in the worst case. */
  readonly requestDeadlineMs: number;
  /** The SSO routes' directory: the part of SSO_REDIRECT_URI / SAML_ACS_URL that ends in /sso. */
  readonly ssoPath: string;
  readonly cookie: LoginCookieSettings;
  readonly oidc?: { readonly redirectUri: string };
  readonly saml?: { readonly idpSsoUrl?: string };
}

/** How the login cookie is set on this stage. */
export interface LoginCookieSettings {
  readonly secure: boolean;
  /**
   * `__Host-` on every deployed stage (the browser then takes the cookie only from this host, over
   * https, with `Path=/` and no Domain, so a sibling subdomain cannot plant one); empty only on the
   * local stack's plain http (SSO_COOKIE_SECURE=false), where browsers refuse the prefix.
   */
  readonly namePrefix: typeof HOST_COOKIE_PREFIX | '';
  /** The cookie's Path: `/` with the prefix; the SSO directory on the local stack. */
  readonly path: string;
  readonly maxAgeSeconds: number;
}

/** The login cookies' names; deployed stages prefix them with `__Host-` (SsoHttpSettings.cookie.namePrefix). */
export const OIDC_COOKIE = 'studio_gate_oidc';
export const SAML_COOKIE = 'studio_gate_saml';

/**
 * The login cookie `base` as `config`'s stage sets, reads and clears it: an unprefixed cookie on a
 * deployed stage is never read. Before the configuration is known (a broken one still answers with
 * a page), a deployed stage's cookie.
 */
function loginCookie(config: SsoHttpSettings | undefined, base: string): LoginCookie {
  if (config === undefined) return { name: `${HOST_COOKIE_PREFIX}${base}`, path: '/', secure: true };
  return { name: `${config.cookie.namePrefix}${base}`, path: config.cookie.path, secure: config.cookie.secure };
}
/**
 * A SAML POST body (form-encoded, base64 inside) larger than this is refused: room for the largest
 * SAMLResponse the document guard admits (48 KiB of base64) with every character percent-encoded,
 * and a RelayState, so the guard's cap is the one that decides.
 */
export const MAX_SAML_FORM_BYTES = 200 * 1024;

/** What the OIDC function needs from its composition root. */
export interface OidcEndpointDeps {
  readonly config: SsoHttpSettings;
  readonly oidc: OidcDeps;
}

/** What the SAML function needs from its composition root. */
export interface SamlEndpointDeps {
  readonly config: SsoHttpSettings;
  readonly saml: SamlDeps;
}

/** Not a route of this function (API Gateway sends only its own, so this is a misconfiguration). */
class RouteNotFoundError extends InvalidParameterError {
  override readonly name: string = 'RouteNotFoundError';
  constructor() {
    super('route', 'sso-route-unknown');
  }
}

/** The value of cookie `name`; more than one is refused (a planted second cookie must not win). */
export function cookieValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const found: string[] = [];
  for (const header of headerValues(event, 'cookie')) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) found.push(part.slice(eq + 1).trim());
    }
  }
  if (found.length > 1) throw new UnauthenticatedError('sso-cookie-repeated');
  return found[0] === '' ? undefined : found[0];
}

function sealedCookie(cookie: LoginCookie, value: string, maxAgeSeconds: number, sameSite: 'Lax' | 'None'): string {
  const { name, path, secure } = cookie;
  // SameSite=None needs Secure; without it (the local stack) browsers would drop the cookie.
  const site = secure ? sameSite : 'Lax';
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=${site}${secure ? '; Secure' : ''}`;
}

/** A 302 that also sets (or clears) the login cookie: to the IdP, or to Studio. */
function redirect(location: string, cookie: string): APIGatewayProxyResult {
  return {
    statusCode: 302,
    headers: withSecurityHeaders({ Location: location }),
    multiValueHeaders: { 'Set-Cookie': [cookie] },
    body: '',
  };
}

function route(event: APIGatewayProxyEvent): string {
  const path = event.resource || event.path || '';
  return `${event.httpMethod} ${path.replace(/^.*(\/sso(\/|$))/, '$1')}`;
}

/** The OIDC callback URL as the IdP built it: the configured redirect URI and the query received. */
export function callbackUrlOf(redirectUri: string, event: APIGatewayProxyEvent): string {
  const url = new URL(redirectUri);
  for (const [name, values] of Object.entries(queryParametersOf(event))) for (const v of values) url.searchParams.append(name, v);
  return url.toString();
}

interface Handlers<D> {
  readonly app: () => Promise<D>;
  readonly auditLog: AuditLog;
  readonly clock?: Clock;
  readonly metrics?: RequestMetrics;
  /** Page options, known once the app is (a broken configuration still gets a page). */
  readonly pages: (app: D | undefined) => PageOptions;
}

function ssoStack<D extends { config: SsoHttpSettings }>(
  options: Handlers<D>,
  body: (event: APIGatewayProxyEvent, context: AuditedContext, app: D) => Promise<APIGatewayProxyResult>,
) {
  let built: D | undefined;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
    .use(
      auditBoundary({
        auditLog: options.auditLog,
        clock: options.clock ?? Date.now,
        authScheme: () => 'Bearer',
        ...(options.metrics && { metrics: options.metrics }),
        respond: (error, _scheme, event, reference) => ssoErrorResponse(error, options.pages(built), event, reference),
      }),
    )
    .handler(async function sso(event, context) {
      const app = await options.app();
      built = app;
      return body(event, context, app);
    });
}

/** The OIDC function: GET /sso/login and GET /sso/callback. */
export function oidcHandler(options: Omit<Handlers<OidcEndpointDeps>, 'pages'>) {
  const pages = (app: OidcEndpointDeps | undefined): PageOptions => ({
    cookie: loginCookie(app?.config, OIDC_COOKIE),
    ...(app && { signInPath: `${app.config.ssoPath}/login` }),
  });
  return ssoStack({ ...options, pages }, async (event, context, app) => {
    const { config, oidc } = app;
    const page = pages(app);
    const cookie = loginCookie(config, OIDC_COOKIE);
    const source = requestSourceOf(event);
    switch (route(event)) {
      case 'GET /sso/login': {
        const started = await startOidcLogin(source, queryParametersOf(event), oidc);
        if (context.audit) context.audit.outcome = 'sso-login-started';
        return redirect(started.location, sealedCookie(cookie, started.sealedState, config.cookie.maxAgeSeconds, 'Lax'));
      }
      case 'GET /sso/callback': {
        const issued = await withDeadline(config.requestDeadlineMs, context, (signal) =>
          finishOidcLogin(
            {
              source,
              callbackUrl: callbackUrlOf(config.oidc?.redirectUri ?? '', event),
              query: queryParametersOf(event),
              sealedState: () => cookieValue(event, cookie.name),
            },
            oidc,
            context.audit ?? {},
            signal,
          ),
        );
        if (issued.kind === 'choose') return chooserResponse(issued, page, event);
        return redirect(issued.url, clearedCookie(cookie));
      }
      default:
        throw new RouteNotFoundError();
    }
  });
}

/** The ACS form: SAMLResponse once, RelayState at most once, nothing else. */
export function samlFormOf(event: APIGatewayProxyEvent): { samlResponse: string; relayState?: string } {
  const types = headerValues(event, 'content-type');
  if (types.length !== 1 || !/^application\/x-www-form-urlencoded\s*(;.*)?$/i.test(types[0] as string)) {
    throw new InvalidParameterError('body', 'body-content-type');
  }
  if (typeof event.body !== 'string') throw new InvalidParameterError('body', 'body-missing');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('latin1') : event.body;
  if (text.length > MAX_SAML_FORM_BYTES) throw new InvalidParameterError('body', 'body-too-large');
  const form = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (name !== 'SAMLResponse' && name !== 'RelayState') throw new InvalidParameterError(name, 'parameter-unknown');
    if (seen.has(name)) throw new InvalidParameterError(name, 'parameter-repeated');
    seen.add(name);
  }
  const samlResponse = form.get('SAMLResponse');
  if (samlResponse === null || samlResponse === '') throw new InvalidParameterError('SAMLResponse', 'body-missing');
  const relayState = form.get('RelayState');
  return { samlResponse, ...(relayState !== null && relayState !== '' && { relayState }) };
}

/** The SAML function: GET /sso/saml/login, POST /sso/saml (ACS), GET /sso/saml/metadata. */
export function samlHandler(options: Omit<Handlers<SamlEndpointDeps>, 'pages'>) {
  const pages = (app: SamlEndpointDeps | undefined): PageOptions => ({
    cookie: loginCookie(app?.config, SAML_COOKIE),
    ...(app?.config.saml?.idpSsoUrl && { signInPath: `${app.config.ssoPath}/saml/login` }),
  });
  return ssoStack({ ...options, pages }, async (event, context, app) => {
    const { config, saml } = app;
    const page = pages(app);
    const cookie = loginCookie(config, SAML_COOKIE);
    const source = requestSourceOf(event);
    switch (route(event)) {
      case 'GET /sso/saml/login': {
        const started = await startSamlLogin(source, queryParametersOf(event), saml);
        if (context.audit) context.audit.outcome = 'sso-login-started';
        return redirect(started.location, sealedCookie(cookie, started.sealedState, config.cookie.maxAgeSeconds, 'None'));
      }
      case 'POST /sso/saml': {
        const issued = await withDeadline(config.requestDeadlineMs, context, (signal) =>
          acceptSamlPost(
            { source, form: () => samlFormOf(event), sealedState: () => cookieValue(event, cookie.name) },
            saml,
            context.audit ?? {},
            signal,
          ),
        );
        if (issued.kind === 'choose') return chooserResponse(issued, page, event);
        return redirect(issued.url, clearedCookie(cookie));
      }
      case 'GET /sso/saml/metadata': {
        const metadata = samlMetadata(source, saml);
        if (context.audit) context.audit.outcome = 'saml-metadata';
        return {
          statusCode: 200,
          headers: withSecurityHeaders({ 'Content-Type': 'application/samlmetadata+xml' }),
          body: metadata,
        };
      }
      default:
        throw new RouteNotFoundError();
    }
  });
}
