/**
 * Lambda entry point for GET /studio-url. No logic here: the middy stack audits and maps errors,
 * src/http lifts the event, the use case decides. `studioUrlHandler` takes the app and audit log
 * so tests can build the same stack around a fresh container.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditLog, containerApp, initContainerApp, type StudioGateApp } from '../src/app';
import { type AuditedContext, auditBoundary } from '../src/http/audit-boundary';
import { studioUrlRequestFrom, studioUrlResponse } from '../src/http/studio-url-http';
import { issueStudioUrl } from '../src/use-cases/issue-studio-url';
import type { AuditLog } from '../src/use-cases/ports';

/** The middy stack of GET /studio-url around an app provider. */
export function studioUrlHandler(app: () => StudioGateApp, audit: AuditLog) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
    .use(auditBoundary({ auditLog: audit, clock: Date.now, authScheme: () => app().authScheme }))
    .handler(async function studioUrl(event, context) {
      const issued = await issueStudioUrl(studioUrlRequestFrom(event), app().issueStudioUrl, context.audit ?? {});
      return studioUrlResponse(issued);
    });
}

initContainerApp();

export const handler = studioUrlHandler(containerApp, auditLog);
