/**
 * The middy stack of GET /studio-url: audit boundary first (it maps every error and writes the
 * audit line), then the handler body: lift the event, run the use case under the request's
 * deadline, shape the response. The deadline is the documented budget (or less, when Lambda has
 * less time left), so every request ends in an answer and an audit line, never a function timeout.
 * handlers/studio-url.ts binds it to the container's app; tests and the load script bind it to theirs.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { StudioGateApp } from '../app';
import { issueStudioUrl } from '../use-cases/issue-studio-url';
import type { AuditLog, Clock, RequestMetrics } from '../use-cases/ports';
import { type AuditedContext, auditBoundary } from './audit-boundary';
import { withDeadline } from './deadline';
import { studioUrlRequestFrom, studioUrlResponse } from './studio-url-http';

/** Builds the handler around an app provider (called per request; it may throw a ConfigurationError). */
export function studioUrlHandler(
  app: () => StudioGateApp,
  auditLog: AuditLog,
  clock: Clock = Date.now,
  metrics?: RequestMetrics,
) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
    .use(auditBoundary({ auditLog, clock, authScheme: () => app().authScheme, ...(metrics && { metrics }) }))
    .handler(async function studioUrl(event, context) {
      const { issueStudioUrl: deps, config } = app();
      const issued = await withDeadline(config.requestDeadlineMs, context, (signal) =>
        issueStudioUrl(studioUrlRequestFrom(event), deps, context.audit ?? {}, signal),
      );
      return studioUrlResponse(issued);
    });
}
