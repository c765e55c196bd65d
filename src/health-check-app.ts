/**
 * Composition root of the scheduled health run (and of the doctor, which runs the same checks from
 * an engineer's machine): EC2, DNS, TLS, SageMaker (DescribeDomain and the canary), the table and
 * the metrics, each built only when the plan needs it. Nothing of the issuance path is built here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { JsonLineAuditLog } from './adapters/audit-log';
import { ResolverDns } from './adapters/dns-resolver';
import { createEc2Client, Ec2NetworkAdapter } from './adapters/ec2-network';
import { EmfMetrics } from './adapters/emf-metrics';
import { healthStoreFor } from './adapters/health-store';
import { NetProbes } from './adapters/net-probes';
import { SageMakerHealthAdapter } from './adapters/sagemaker-health';
import { createSageMakerClient } from './adapters/sagemaker-studio';
import type { StaticCredentials } from './adapters/static-credentials';
import { NodeTlsProber } from './adapters/tls-prober';
import type { Env } from './config';
import { type Container, container } from './container';
import type { HealthSummary } from './domain/health/check';
import { type HealthCheckConfig, parseHealthCheckConfig } from './health-config';
import type { TlsPort } from './use-cases/health-ports';
import type { Clock } from './use-cases/ports';
import { type HealthPorts, recordHealth, runHealth } from './use-cases/run-health-checks';

export interface HealthOverrides {
  readonly clock?: Clock;
  readonly ec2Client?: EC2Client;
  readonly sagemakerClient?: SageMakerClient;
  readonly dynamoClient?: DynamoDBClient;
  readonly tls?: TlsPort;
  /** Static credentials for the SDK (local harnesses only; Lambda uses its role). */
  readonly credentials?: StaticCredentials;
}

/** The ports of a plan, each built only when the plan needs it. */
export function healthPortsFor(
  config: Pick<HealthCheckConfig, 'plan' | 'region' | 'sagemakerEndpointUrl'>,
  overrides: HealthOverrides = {},
): HealthPorts {
  const { plan } = config;
  const timeoutMs = plan.checkTimeoutMs;
  const studioClient = () =>
    overrides.sagemakerClient ??
    createSageMakerClient(
      {
        region: plan.region,
        ...(config.sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl: config.sagemakerEndpointUrl }),
        upstream: {
          connectTimeoutMs: Math.min(1000, timeoutMs),
          requestTimeoutMs: timeoutMs,
          maxAttempts: 1,
          backoffBaseMs: 0,
          backoffCapMs: 0,
        },
      },
      overrides.credentials,
    );
  return {
    dns: new ResolverDns(),
    tls: overrides.tls ?? new NodeTlsProber(),
    ...(plan.network && {
      network: new Ec2NetworkAdapter(overrides.ec2Client ?? createEc2Client(plan.region, timeoutMs, overrides.credentials)),
    }),
    ...(plan.studio && { studio: new SageMakerHealthAdapter(studioClient()) }),
    ...(plan.probes && { probes: new NetProbes() }),
  };
}

/** The scheduled run: every check, then the result line, the metrics and the stored summary. */
export interface HealthCheckApp {
  run(): Promise<HealthSummary>;
}

export function buildHealthCheckApp(
  env: Env,
  overrides: HealthOverrides = {},
  log: JsonLineAuditLog = new JsonLineAuditLog(),
): HealthCheckApp {
  const config = parseHealthCheckConfig(env);
  const ports = healthPortsFor(config, overrides);
  const deps = { store: healthStoreFor(config, overrides), metrics: new EmfMetrics(config.metricsService), log };
  const clock = overrides.clock ?? Date.now;
  return {
    async run() {
      const summary = await runHealth(config.plan, ports, clock);
      await recordHealth(summary, deps);
      return summary;
    },
  };
}

/** The container-wide log of the scheduled run. */
export const healthLog = new JsonLineAuditLog();
export const healthCheckContainer: Container<HealthCheckApp> = container(
  () => buildHealthCheckApp(process.env, {}, healthLog),
  healthLog,
  'studio-gate health check',
);
