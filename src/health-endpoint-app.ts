/**
 * Composition root of GET /health: the configuration, the table, nothing else (no SageMaker, EC2
 * or token code is bundled into this function).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JsonLineAuditLog, stdoutWriter } from './adapters/audit-log';
import { healthStoreFor } from './adapters/health-store';
import type { StaticCredentials } from './adapters/static-credentials';
import type { Env } from './config';
import { type Container, container } from './container';
import { parseHealthEndpointConfig } from './health-config';
import type { Clock } from './use-cases/ports';
import type { ReadHealthDeps } from './use-cases/read-health';

export function buildHealthEndpointDeps(
  env: Env,
  overrides: {
    readonly clock?: Clock;
    readonly dynamoClient?: DynamoDBClient;
    readonly credentials?: StaticCredentials;
  } = {},
): ReadHealthDeps {
  const config = parseHealthEndpointConfig(env);
  return {
    source: config.source,
    store: healthStoreFor(config, overrides),
    intervalMinutes: config.intervalMinutes,
    clock: overrides.clock ?? Date.now,
  };
}

/** The container-wide audit log of GET /health. */
export const healthEndpointLog = new JsonLineAuditLog(stdoutWriter, Date.now, 'studio-gate', 'health.audit');
export const healthEndpointContainer: Container<ReadHealthDeps> = container(
  () => buildHealthEndpointDeps(process.env),
  healthEndpointLog,
  'studio-gate health endpoint',
);
