/**
 * Browser-facing answers of the SSO routes: the same status mapping as GET /studio-url
 * (src/http/problem.ts), as a small HTML page, or problem+json when the client asks for JSON. A page
 * says what happened and what to do next (with a link to sign in again where there is a login route
 * of ours), and shows the stable code, the request id of the audit line and the time, for the
 * platform team; never the reason, the profile or anything the IdP said. A profile that is Pending
 * or Updating gets a page that comes back after Retry-After; one in a state waiting will not fix
 * (Failed…) says so. Every answer clears the login cookie and carries the no-store headers.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { escapeHtml } from '../domain/text';
import type { DomainChoices } from '../use-cases/issue-studio-url';
import type { RequestReference } from './audit-boundary';
import { headerValues, withSecurityHeaders } from './headers';
import { describeError } from './problem';
import { choiceUrl, DOMAIN_CHOICE_STATUS, domainChoicesBody } from './studio-url-http';

/** The page's policy: no script, no frame, nothing loaded but an inline style. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

/** A login cookie as its stage sets it: the name (with the stage's prefix), its Path, and Secure or not. */
export interface LoginCookie {
  readonly name: string;
  readonly path: string;
  readonly secure: boolean;
}

/** A cookie header that deletes `cookie`. */
export function clearedCookie(cookie: LoginCookie): string {
  return `${cookie.name}=; Path=${cookie.path}; Max-Age=0; HttpOnly; SameSite=Lax${cookie.secure ? '; Secure' : ''}`;
}

function wantsJson(event: APIGatewayProxyEvent): boolean {
  const accept = headerValues(event, 'accept').join(',').toLowerCase();
  return /application\/(problem\+)?json/.test(accept) && !accept.includes('text/html');
}

const MESSAGES: Readonly<Record<string, string>> = {
  invalid_parameter: 'The sign-in link is not valid.',
  unauthenticated: 'Your sign-in could not be verified, or it has expired.',
  forbidden: 'You are not allowed to open SageMaker Studio here. Ask your platform team for access.',
  profile_not_found: 'There is no SageMaker Studio profile for you yet. Ask your platform team to create one.',
  space_not_found: 'That Studio space does not exist for you.',
  profile_not_ready:
    'Your Studio profile cannot be opened in its current state, and waiting will not fix it. Ask your platform team to repair it, quoting the request id below.',
  upstream_error: 'SageMaker gave an unexpected answer. Try again in a moment.',
  upstream_unavailable: 'SageMaker or the sign-in service is unavailable. Try again in a moment.',
  upstream_timeout: 'SageMaker or the sign-in service did not answer in time. Try again in a moment.',
  internal_error: 'Something went wrong on our side. Your platform team can find out what from the audit log.',
};

/** What the pages need to know about their route. */
export interface PageOptions {
  /** The login cookie every page clears. */
  readonly cookie: LoginCookie;
  /** This way in's login route (a fixed path of ours): the "sign in again" link, and where a not-ready page retries; undefined: none. */
  readonly signInPath?: string;
}

export function ssoErrorResponse(
  error: unknown,
  page: PageOptions,
  event: APIGatewayProxyEvent,
  reference?: RequestReference,
): APIGatewayProxyResult {
  // The scheme shapes only a WWW-Authenticate challenge, which a page does not send.
  const { problem, headers } = describeError(error, 'Bearer');
  const { 'WWW-Authenticate': _challenge, ...kept } = headers;
  const multiValueHeaders = { 'Set-Cookie': [clearedCookie(page.cookie)] };
  if (wantsJson(event)) {
    return {
      statusCode: problem.status,
      headers: withSecurityHeaders({ ...kept, 'Content-Type': 'application/problem+json' }),
      multiValueHeaders,
      body: JSON.stringify(problem),
    };
  }
  const retry = kept['Retry-After'];
  const pending =
    problem.code === 'profile_not_ready' && (problem.profileStatus === 'Pending' || problem.profileStatus === 'Updating');
  let text = MESSAGES[problem.code] ?? (MESSAGES.internal_error as string);
  if (pending)
    text = `Your Studio profile is being prepared (${problem.profileStatus}). This page tries again in ${retry ?? 'a few'} seconds.`;
  const refresh =
    pending && retry !== undefined && page.signInPath !== undefined
      ? `<meta http-equiv="refresh" content="${escapeHtml(retry)};url=${escapeHtml(page.signInPath)}">`
      : '';
  const again =
    page.signInPath !== undefined
      ? `<p><a id="sign-in-again" href="${escapeHtml(page.signInPath)}">Sign in again</a></p>`
      : '<p>To try again, start from your Studio tile.</p>';
  const quote =
    reference === undefined
      ? ''
      : `<p>If you ask your platform team, quote: request id <code id="request-id">${escapeHtml(reference.requestId)}</code> at <code id="request-time">${escapeHtml(new Date(reference.at).toISOString())}</code>.</p>`;
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(problem.title)}</title>${refresh}
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:.1rem .3rem}</style></head>
<body><h1>${escapeHtml(problem.title)}</h1><p>${escapeHtml(text)}</p>${again}<p>Error code: <code id="error-code">${escapeHtml(problem.code)}</code> (HTTP ${problem.status})</p>${quote}</body></html>
`;
  return {
    statusCode: problem.status,
    headers: withSecurityHeaders({ ...kept, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP }),
    multiValueHeaders,
    body,
  };
}

/**
 * After sign-in, for a person entitled to several domains who named none: a page listing them, each
 * a link through this way in's login route again with the choice (the IdP's own session makes that
 * quick). It carries no state of its own: the link holds only the choice and the launch options,
 * which are checked again, against the person's entitlements, when it is followed. A client asking
 * for JSON gets the same body as GET /studio-url's choice. Without a login route of ours (SAML with
 * IdP-initiated sign-in only) the page lists the domains and says how to ask for one.
 */
export function chooserResponse(choices: DomainChoices, page: PageOptions, event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const multiValueHeaders = { 'Set-Cookie': [clearedCookie(page.cookie)] };
  const loginPath = page.signInPath;
  if (wantsJson(event) && loginPath !== undefined) {
    return {
      statusCode: DOMAIN_CHOICE_STATUS,
      headers: withSecurityHeaders({ 'Content-Type': 'application/json' }),
      multiValueHeaders,
      body: JSON.stringify(domainChoicesBody(choices, loginPath)),
    };
  }
  const items = choices.domains
    .map(({ id, label, spaces }) => {
      const name = `${escapeHtml(label)} <small>(${escapeHtml(id)})</small>`;
      if (loginPath === undefined) return `<li data-domain="${escapeHtml(id)}">${name}</li>`;
      // The person's spaces there: each a link with the space as a launch option, checked again when followed.
      const spaceLinks = (spaces ?? [])
        .map(
          (space) =>
            `<li><a data-domain="${escapeHtml(id)}" data-space="${escapeHtml(space)}" href="${escapeHtml(
              choiceUrl(loginPath, id, { ...choices.launch, space: [space] }),
            )}">${escapeHtml(space)}</a></li>`,
        )
        .join('');
      return `<li><a data-domain="${escapeHtml(id)}" href="${escapeHtml(choiceUrl(loginPath, id, choices.launch))}">${name}</a>${
        spaceLinks === '' ? '' : `<ul class="spaces">${spaceLinks}</ul>`
      }</li>`;
    })
    .join('');
  const how =
    loginPath === undefined
      ? '<p>Open Studio again from your sign-in portal, asking for one of these domains (RelayState <code>domain=&lt;id&gt;</code>).</p>'
      : '<p>Choose the one to open.</p>';
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Choose a Studio domain</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}li{margin:.5rem 0}small{color:#666}ul.spaces li{margin:.2rem 0}</style></head>
<body><h1>Choose a Studio domain</h1><p>You may open SageMaker Studio in more than one domain.</p>${how}<ul id="domains">${items}</ul></body></html>
`;
  return {
    statusCode: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP }),
    multiValueHeaders,
    body,
  };
}
