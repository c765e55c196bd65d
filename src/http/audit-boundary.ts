/**
 * middy middleware around every HTTP handler: turns any error into a problem response
 * (src/http/problem.ts) and writes exactly one audit line per request, allow or deny, with the
 * latency. The handler finds an {@link AuditFacts} sink on `context.audit` to say who the caller was.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { plainErrorName, StudioGateError } from '../domain/errors';
import type { AuditFacts } from '../use-cases/issue-studio-url';
import { type AuditEntry, type AuditLog, type Clock, NO_REQUEST_METRICS, type RequestMetrics } from '../use-cases/ports';
import { type AuthScheme, problemResponse } from './problem';

/** The Lambda context; behind this middleware `audit` is always set (optional only so callers pass a plain Context). */
export type AuditedContext = Context & { audit?: AuditFacts };

/** What the boundary needs; `authScheme` may throw (a broken configuration), which becomes a 500. */
/** What a person can quote to the platform team: the audit line's request id, and when it happened. */
export interface RequestReference {
  readonly requestId: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface AuditBoundaryOptions {
  readonly auditLog: AuditLog;
  readonly clock: Clock;
  readonly authScheme: () => AuthScheme;
  /** Fed every audit entry (URLs issued, denials by reason, latency); none by default. */
  readonly metrics?: RequestMetrics;
  /** How an error is answered (default: problem+json); the status must be describeError's. */
  readonly respond?: (
    error: unknown,
    authScheme: AuthScheme,
    event: APIGatewayProxyEvent,
    reference: RequestReference,
  ) => APIGatewayProxyResult;
}

type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>;

const started = new WeakMap<object, number>();

/** @returns the middleware; use it first so it sees every error. */
export function auditBoundary(
  options: AuditBoundaryOptions,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext> {
  const { auditLog, clock } = options;
  const metrics = options.metrics ?? NO_REQUEST_METRICS;

  function write(request: Request, status: number, reason: string, detail?: string): void {
    const identity = request.event?.requestContext?.identity;
    const facts = request.context.audit ?? {};
    const entry: AuditEntry = {
      requestId: request.context.awsRequestId,
      decision: status < 400 ? 'allow' : status < 500 ? 'deny' : 'error',
      reason,
      ...(detail !== undefined && { detail }),
      status,
      latencyMs: clock() - (started.get(request.context) ?? clock()),
      ...(facts.subject !== undefined && { subject: facts.subject }),
      ...(facts.identity !== undefined && { identity: facts.identity }),
      ...(facts.domainId !== undefined && { domainId: facts.domainId }),
      ...(facts.userProfileName !== undefined && { userProfileName: facts.userProfileName }),
      ...(identity?.sourceIp && { sourceIp: identity.sourceIp }),
      ...(identity?.vpceId && { vpceId: identity.vpceId }),
      ...(identity?.vpcId && { vpcId: identity.vpcId }),
    };
    auditLog.record(entry);
    metrics.requestFinished(entry);
  }

  return {
    before: function auditBoundaryBefore(request: Request): void {
      started.set(request.context, clock());
      request.context.audit = {};
    },
    after: function auditBoundaryAfter(request: Request): void {
      write(request, request.response?.statusCode ?? 500, request.context.audit?.outcome ?? 'issued');
    },
    onError: function auditBoundaryOnError(request: Request): void {
      const error = request.error;
      let scheme: AuthScheme = 'Bearer';
      try {
        scheme = options.authScheme();
      } catch {
        // The configuration is broken; the error being handled says so already.
      }
      const reference = { requestId: request.context.awsRequestId, at: clock() };
      request.response = (options.respond ?? problemResponse)(error, scheme, request.event, reference);
      const reason = error instanceof StudioGateError ? error.reason : 'unexpected-error';
      if (!(error instanceof StudioGateError)) {
        // Name only: an SDK or runtime message may echo request data.
        // A plain identifier only: a name is not always a class name we wrote.
        auditLog.problem('unexpected error', { requestId: request.context.awsRequestId, errorName: plainErrorName(error) });
      }
      write(request, request.response.statusCode, reason, error instanceof StudioGateError ? error.detail : undefined);
    },
  };
}
