/**
 * Composition root: reads the configuration and builds the adapters once per container (at
 * init, so the SageMaker client and JWKS cache are reused across invocations). A broken
 * configuration is logged once, in full, and then every request fails closed with a 500.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { JsonLineAuditLog } from './adapters/audit-log';
import { JwtTokenVerifier } from './adapters/jwt-verifier';
import { EmfRequestMetrics } from './adapters/request-metrics';
import { parseConfig, type StudioGateConfig } from './config';
import { container } from './container';
import type { StudioUrlEndpointDeps } from './http/studio-url-endpoint';
import { type IssueOverrides, issueDepsFor } from './issue-deps';
import type { AuditLog, RequestMetrics } from './use-cases/ports';

/** Everything the studio-url function needs, built once. */
export interface StudioGateApp extends StudioUrlEndpointDeps {
  readonly config: StudioGateConfig;
}

/** Replaceable collaborators (tests); production uses the defaults. */
export interface AppOverrides extends IssueOverrides {
  readonly jwksFetcher?: Fetcher;
}

/** Builds the app from an environment; exported for tests that want a fresh container. */
export function buildApp(env: Readonly<Record<string, string | undefined>>, overrides: AppOverrides = {}): StudioGateApp {
  const config = parseConfig(env);
  const clock = overrides.clock ?? Date.now;
  const tokens = config.auth.mode === 'jwt' ? new JwtTokenVerifier(config.auth, overrides.jwksFetcher, clock) : undefined;
  return {
    config,
    issueStudioUrl: { ...issueDepsFor(config, overrides), ...(tokens && { tokens }) },
    authScheme: config.auth.mode === 'jwt' ? 'Bearer' : 'AWS4-HMAC-SHA256',
  };
}

/** The container-wide audit log. */
export const auditLog: AuditLog = new JsonLineAuditLog();

/** The container-wide request metrics (EMF lines beside the audit line). */
export const requestMetrics: RequestMetrics = new EmfRequestMetrics(process.env.METRICS_SERVICE || 'studio-gate');

const studioUrlContainer = container(() => buildApp(process.env), auditLog, 'studio-gate');

/** Builds the container's app now (at Lambda init); a broken configuration is logged, not thrown. */
export const initContainerApp = (): void => studioUrlContainer.init();

/**
 * The container's app, built on first use from process.env.
 * @throws the same ConfigurationError on every call when the configuration is invalid.
 */
export const containerApp = (): StudioGateApp => studioUrlContainer.get();
