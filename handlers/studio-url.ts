/**
 * Lambda entry point for GET /studio-url: builds the container's app at init (SageMaker client,
 * JWKS cache) and serves the middy stack of src/http/studio-url-endpoint.ts. No logic here.
 */
import { auditLog, containerApp, initContainerApp, requestMetrics } from '../src/app';
import { studioUrlHandler } from '../src/http/studio-url-endpoint';

initContainerApp();

export const handler = studioUrlHandler(containerApp, auditLog, Date.now, requestMetrics);
