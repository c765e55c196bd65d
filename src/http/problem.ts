/**
 * The one place where errors become HTTP responses (RFC 9457 problem+json).
 * Bodies are generic: a stable `code` and a title per status, never the error's message or reason
 * (those go to the audit log). 5xx bodies carry no detail at all.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ForbiddenError,
  InvalidParameterError,
  ProfileNotFoundError,
  ProfileNotReadyError,
  SpaceNotFoundError,
  UnauthenticatedError,
  UpstreamInvalidResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import { withSecurityHeaders } from './headers';

/** How a 401 tells the client which credentials to send. */
export type AuthScheme = 'Bearer' | 'AWS4-HMAC-SHA256';

/** The body of an error response. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  /** 400 only: which parameter. */
  readonly parameter?: string;
  /** 409 only: the profile's status (it is the caller's own profile). */
  readonly profileStatus?: string;
}

/** Only short, plain parameter names are echoed: anything else is the client's own text, maybe huge. */
const ECHOABLE_PARAMETER = /^[A-Za-z0-9_.-]{1,32}$/;

function problem(status: number, code: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:studio-gate:problem:${code}`, title, status, code, ...extra };
}

/** The problem and extra headers for an error. Unknown errors are 500 `internal_error`. */
export function describeError(error: unknown, authScheme: AuthScheme): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof InvalidParameterError) {
    const echo = ECHOABLE_PARAMETER.test(error.parameter) ? { parameter: error.parameter } : {};
    return { problem: problem(400, 'invalid_parameter', 'Invalid parameter', echo), headers: {} };
  }
  if (error instanceof UnauthenticatedError) {
    const challenge = authScheme === 'Bearer' ? 'Bearer realm="studio-gate"' : 'AWS4-HMAC-SHA256';
    return { problem: problem(401, 'unauthenticated', 'Authentication required'), headers: { 'WWW-Authenticate': challenge } };
  }
  if (error instanceof ForbiddenError) return { problem: problem(403, 'forbidden', 'Forbidden'), headers: {} };
  if (error instanceof ProfileNotFoundError) {
    return { problem: problem(404, 'profile_not_found', 'No Studio profile for this user'), headers: {} };
  }
  if (error instanceof SpaceNotFoundError) {
    return { problem: problem(404, 'space_not_found', 'No such space for this user'), headers: {} };
  }
  if (error instanceof ProfileNotReadyError) {
    return {
      problem: problem(409, 'profile_not_ready', 'Studio profile is not in service', { profileStatus: error.status }),
      headers: error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof UpstreamInvalidResponseError)
    return { problem: problem(502, 'upstream_error', 'Bad gateway'), headers: {} };
  if (error instanceof UpstreamUnavailableError) {
    return {
      problem: problem(503, 'upstream_unavailable', 'Service unavailable'),
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof UpstreamTimeoutError) return { problem: problem(504, 'upstream_timeout', 'Gateway timeout'), headers: {} };
  return { problem: problem(500, 'internal_error', 'Internal error'), headers: {} };
}

/** The API Gateway response for an error. */
export function problemResponse(error: unknown, authScheme: AuthScheme): APIGatewayProxyResult {
  const { problem: body, headers } = describeError(error, authScheme);
  return {
    statusCode: body.status,
    headers: withSecurityHeaders({ ...headers, 'Content-Type': 'application/problem+json' }),
    body: JSON.stringify(body),
  };
}
