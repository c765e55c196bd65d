/**
 * The studio-url function (GET and POST /studio-url): the configuration, the token verifier (jwt
 * mode), the SageMaker adapter and the grant cache, built once per container so the SageMaker
 * client and the JWKS cache are reused across invocations.
 */
import { JsonLineAuditLog } from '../adapters/audit-log';
import { JwtTokenVerifier } from '../adapters/jwt-verifier';
import { EmfRequestMetrics } from '../adapters/request-metrics';
import type { Env } from '../config/environment';
import { parseConfig, type StudioGateConfig } from '../config/studio-url';
import { type StudioUrlEndpointDeps, studioUrlHandler } from '../http/studio-url-endpoint';
import type { AuditLog, RequestMetrics } from '../use-cases/ports';
import { issuanceFor } from './issuance';
import type { LambdaFunction, Overrides } from './lambda-function';

/** Everything the studio-url function needs, built once. */
export interface StudioGateApp extends StudioUrlEndpointDeps {
  readonly config: StudioGateConfig;
  /** The request metrics (EMF lines beside the audit line), in the configured service's name. */
  readonly metrics: RequestMetrics;
}

/** @throws ConfigurationError listing every problem of `env`. */
export function buildStudioUrlApp(env: Env, overrides: Overrides = {}): StudioGateApp {
  const config = parseConfig(env);
  const clock = overrides.clock ?? Date.now;
  const tokens = config.auth.mode === 'jwt' ? new JwtTokenVerifier(config.auth, overrides.jwksFetcher, clock) : undefined;
  return {
    config,
    issueStudioUrl: { ...issuanceFor(config, overrides), ...(tokens && { tokens }) },
    requestDeadlineMs: config.requestDeadlineMs,
    authScheme: config.auth.mode === 'jwt' ? 'Bearer' : 'AWS4-HMAC-SHA256',
    metrics: new EmfRequestMetrics(config.metricsService),
  };
}

/** The built app's metrics; a broken configuration records none (its audit line says 500). */
function metricsOf(app: () => StudioGateApp): RequestMetrics {
  return {
    requestFinished(entry) {
      let metrics: RequestMetrics;
      try {
        metrics = app().metrics;
      } catch {
        return;
      }
      metrics.requestFinished(entry);
    },
  };
}

const log: AuditLog = new JsonLineAuditLog();

export const studioUrlFunction: LambdaFunction<StudioGateApp, ReturnType<typeof studioUrlHandler>> = {
  name: 'studio-gate',
  log,
  build: buildStudioUrlApp,
  handler: (app) => studioUrlHandler(app, log, Date.now, metricsOf(app)),
};
