/**
 * The middy stack of GET /studio-url: audit boundary first (it maps every error and writes the
 * audit line), then the handler body: lift the event, run the use case under the request's
 * deadline, shape the response. The deadline is the documented budget (or less, when Lambda has
 * less time left), so every request ends in an answer and an audit line, never a function timeout.
 * handlers/studio-url.ts binds it to the container's app; tests and the load script bind it to theirs.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type IssueStudioUrlDeps, issueStudioUrl } from '../use-cases/issue-studio-url';
import type { AuditLog, Clock, RequestMetrics } from '../use-cases/ports';
import { type AuditedContext, auditBoundary } from './audit-boundary';
import { withDeadline } from './deadline';
import type { AuthScheme } from './problem';
import { jsonBody } from './studio-url-body';
import { routePathOf, studioUrlRequestFrom, studioUrlResponse } from './studio-url-http';

/** What the endpoint needs from its composition root (src/app.ts builds it; harnesses build their own). */
export interface StudioUrlEndpointDeps {
  readonly issueStudioUrl: IssueStudioUrlDeps;
  /** The whole request's deadline: the worst case of its upstream work, checked against the timeout at start-up. */
  readonly requestDeadlineMs: number;
  /** The challenge scheme of a 401 (`Bearer` in jwt mode, `AWS4-HMAC-SHA256` in iam mode). */
  readonly authScheme: AuthScheme;
}

/** Builds the handler around an app provider (called per request; it may throw a ConfigurationError). */
export function studioUrlHandler(
  app: () => StudioUrlEndpointDeps,
  auditLog: AuditLog,
  clock: Clock = Date.now,
  metrics?: RequestMetrics,
) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
    .use(auditBoundary({ auditLog, clock, authScheme: () => app().authScheme, ...(metrics && { metrics }) }))
    .use(jsonBody())
    .handler(async function studioUrl(event, context) {
      const { issueStudioUrl: deps, requestDeadlineMs } = app();
      const issued = await withDeadline(requestDeadlineMs, context, (signal) =>
        issueStudioUrl(studioUrlRequestFrom(event), deps, context.audit ?? {}, signal),
      );
      return studioUrlResponse(issued, routePathOf(event, '/studio-url'));
    });
}
