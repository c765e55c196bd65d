/**
 * Browser-facing answers of the SSO routes: the same status mapping as GET /studio-url
 * (src/http/problem.ts), as a small HTML page with the stable code and nothing else (no reason, no
 * profile, no IdP text), or problem+json when the client asks for JSON. A profile that is Pending or
 * Updating gets a page that says so and comes back after Retry-After (to the login route, a fixed
 * path of ours). Every answer clears the login cookie and carries the no-store headers.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { escapeHtml } from '../domain/text';
import { headerValues, withSecurityHeaders } from './headers';
import { describeError } from './problem';

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
  invalid_parameter: 'The sign-in link is not valid. Start again from your Studio tile.',
  unauthenticated: 'Your sign-in could not be verified or has expired. Start again from your Studio tile.',
  forbidden: 'You are not allowed to open SageMaker Studio here. Ask your platform team for access.',
  profile_not_found: 'There is no SageMaker Studio profile for you yet. Ask your platform team to create one.',
  space_not_found: 'That Studio space does not exist for you.',
  profile_not_ready: 'Your Studio profile is not ready yet.',
  upstream_error: 'SageMaker gave an unexpected answer. Try again in a moment.',
  upstream_unavailable: 'SageMaker or the sign-in service is unavailable. Try again in a moment.',
  upstream_timeout: 'SageMaker or the sign-in service did not answer in time. Try again in a moment.',
  internal_error: 'Something went wrong on our side. Your platform team can find out what from the audit log.',
};

/** What the pages need to know about their route. */
export interface PageOptions {
  /** The login cookie every page clears. */
  readonly cookie: LoginCookie;
  /** Where a not-ready page retries (a fixed path of ours); undefined: it does not reload itself. */
  readonly retryPath?: string;
}

export function ssoErrorResponse(error: unknown, page: PageOptions, event: APIGatewayProxyEvent): APIGatewayProxyResult {
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
    pending && retry !== undefined && page.retryPath !== undefined
      ? `<meta http-equiv="refresh" content="${escapeHtml(retry)};url=${escapeHtml(page.retryPath)}">`
      : '';
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(problem.title)}</title>${refresh}
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:.1rem .3rem}</style></head>
<body><h1>${escapeHtml(problem.title)}</h1><p>${escapeHtml(text)}</p><p>Error code: <code id="error-code">${escapeHtml(problem.code)}</code> (HTTP ${problem.status})</p></body></html>
`;
  return {
    statusCode: problem.status,
    headers: withSecurityHeaders({ ...kept, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP }),
    multiValueHeaders,
    body,
  };
}
