/**
 * Lambda entry point for GET /studio-url. No logic here: the middy stack audits and maps errors,
 * src/http lifts the event, the use case decides.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditLog, containerApp, initContainerApp } from '../src/app';
import { type AuditedContext, auditBoundary } from '../src/http/audit-boundary';
import { studioUrlRequestFrom, studioUrlResponse } from '../src/http/studio-url-http';
import { issueStudioUrl } from '../src/use-cases/issue-studio-url';

initContainerApp();

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuditedContext>()
  .use(auditBoundary({ auditLog, clock: Date.now, authScheme: () => containerApp().authScheme }))
  .handler(async function studioUrlHandler(event, context) {
    const app = containerApp();
    const issued = await issueStudioUrl(studioUrlRequestFrom(event), app.issueStudioUrl, context.audit);
    return studioUrlResponse(issued);
  });
