/**
 * GET /health: the latest scheduled summary behind the same source checks as GET /studio-url.
 * 200 when healthy; 503 (with Retry-After) when unhealthy, stale or unknown. It takes no
 * parameters: any query parameter is a 400, as an unknown one is on GET /studio-url.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AuditLog, Clock } from '../use-cases/ports';
import { type HealthView, type ReadHealthDeps, readHealth } from '../use-cases/read-health';
import { type AuditedContext, auditBoundary } from './audit-boundary';
import { withSecurityHeaders } from './headers';
import { requestSourceOf } from './studio-url-http';

/** Seconds a client should wait before asking again when the answer is not healthy. */
export const HEALTH_RETRY_AFTER_SECONDS = 60;

export function healthResponse(view: HealthView): APIGatewayProxyResult {
  const healthy = view.state === 'healthy';
  return {
    statusCode: healthy ? 200 : 503,
    headers: withSecurityHeaders({
      'Content-Type': 'application/json',
      ...(!healthy && { 'Retry-After': String(HEALTH_RETRY_AFTER_SECONDS) }),
    }),
    body: JSON.stringify({
      status: view.state,
      checkedAt: view.checkedAt === undefined ? null : new Date(view.checkedAt).toISOString(),
      ageSeconds: view.ageSeconds ?? null,
      checks: view.checks,
    }),
  };
}

/** Builds the handler around a provider of its dependencies (called per request; it may throw a ConfigurationError). */
export function healthHandler(deps: () => ReadHealthDeps, auditLog: AuditLog, clock: Clock = Date.now) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
    .use(auditBoundary({ auditLog, clock, authScheme: () => 'Bearer' }))
    .handler(async function health(event, context) {
      const parameterNames = [
        ...Object.keys(event.multiValueQueryStringParameters ?? {}),
        ...Object.keys(event.queryStringParameters ?? {}),
      ];
      const view = await readHealth({ source: requestSourceOf(event), parameterNames }, deps());
      if (context.audit) context.audit.outcome = `health-${view.state}`;
      return healthResponse(view);
    });
}
