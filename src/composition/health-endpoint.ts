/**
 * The GET /health function: the configuration, the table, nothing else (no SageMaker, EC2 or token
 * code is bundled into this function).
 */
import { JsonLineAuditLog, stdoutWriter } from '../adapters/audit-log';
import { healthStoreFor } from '../adapters/health-store';
import type { Env } from '../config/environment';
import { parseHealthEndpointConfig } from '../config/health';
import { healthHandler } from '../http/health-endpoint';
import type { ReadHealthDeps } from '../use-cases/read-health';
import type { LambdaFunction, Overrides } from './lambda-function';

/** @throws ConfigurationError listing every problem of `env`. */
export function buildHealthEndpointApp(env: Env, overrides: Overrides = {}): ReadHealthDeps {
  const config = parseHealthEndpointConfig(env);
  return {
    source: config.source,
    store: healthStoreFor(config, overrides),
    intervalMinutes: config.intervalMinutes,
    clock: overrides.clock ?? Date.now,
  };
}

const log = new JsonLineAuditLog(stdoutWriter, Date.now, 'studio-gate', 'health.audit');

export const healthEndpointFunction: LambdaFunction<ReadHealthDeps, ReturnType<typeof healthHandler>> = {
  name: 'studio-gate health endpoint',
  log,
  build: buildHealthEndpointApp,
  handler: (app) => healthHandler(app, log),
};
