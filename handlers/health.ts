/**
 * Lambda entry point for GET /health: the latest stored summary, behind the source checks.
 */
import { healthEndpointContainer, healthEndpointLog } from '../src/health-endpoint-app';
import { healthHandler } from '../src/http/health-endpoint';

healthEndpointContainer.init();

export const handler = healthHandler(healthEndpointContainer.get, healthEndpointLog);
