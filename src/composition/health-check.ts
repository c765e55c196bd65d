/**
 * The scheduled health run's function (and of the doctor, which runs the same checks from
 * an engineer's machine): EC2, DNS, TLS, SageMaker (DescribeDomain and the canary), the table and
 * the metrics, each built only when the plan needs it. Nothing of the issuance path is built here.
 */
import { JsonLineAuditLog } from '../adapters/audit-log';
import { keepAlivePool } from '../adapters/bounded-request';
import { ResolverDns } from '../adapters/dns-resolver';
import { createEc2Client, Ec2NetworkAdapter } from '../adapters/ec2-network';
import { EmfMetrics } from '../adapters/emf-metrics';
import { healthStoreFor } from '../adapters/health-store';
import { createStsClient, IssuerRoleSessions } from '../adapters/issuer-sessions';
import { NetProbes } from '../adapters/net-probes';
import { SageMakerHealthAdapter } from '../adapters/sagemaker-health';
import { createSageMakerClient } from '../adapters/sagemaker-studio';
import { SageMakerDirectory } from '../adapters/studio-directory';
import { NodeTlsProber } from '../adapters/tls-prober';
import type { Env } from '../config/environment';
import { type HealthCheckConfig, parseHealthCheckConfig } from '../config/health';
import type { HealthSummary } from '../domain/health/check';
import { HEALTH_SOURCE_IDENTITY, healthCheckSession } from '../domain/role-session';
import { type HealthPorts, recordHealth, runHealth } from '../use-cases/run-health-checks';
import { domainClients } from './issuance';
import type { LambdaFunction, Overrides } from './lambda-function';

/** The ports of a plan, each built only when the plan needs it. */
export function healthPortsFor(
  config: Pick<HealthCheckConfig, 'plan' | 'region' | 'sagemakerEndpointUrl' | 'stsEndpointUrl'>,
  overrides: Overrides = {},
): HealthPorts {
  const { plan } = config;
  const timeoutMs = plan.checkTimeoutMs;
  // One attempt each, within the check's own time limit.
  const upstream = {
    connectTimeoutMs: Math.min(1000, timeoutMs),
    requestTimeoutMs: timeoutMs,
    maxAttempts: 1,
    backoffBaseMs: 0,
    backoffCapMs: 0,
  };
  // One pool of connections for the function's own SageMaker client and every session's.
  const pool = keepAlivePool();
  const studioClient = () =>
    overrides.sagemakerClient ??
    createSageMakerClient(
      {
        region: plan.region,
        ...(config.sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl: config.sagemakerEndpointUrl }),
        upstream,
      },
      overrides.credentials,
      pool,
    );
  const domainsPort = (): HealthPorts['domains'] => {
    const roles = plan.studio?.binding !== undefined || plan.domains?.some((d) => d.issuerRoleArn !== undefined);
    const sessions = roles
      ? new IssuerRoleSessions(
          overrides.stsClient ??
            createStsClient(
              {
                region: plan.region,
                upstream,
                ...(config.stsEndpointUrl !== undefined && { stsEndpointUrl: config.stsEndpointUrl }),
              },
              overrides.credentials,
            ),
          // The shortest session STS grants, named after the check (the issuer role lets it issue nothing).
          { sessionSeconds: 900, clock: overrides.clock ?? Date.now, naming: healthCheckSession },
        )
      : undefined;
    // A plan names one owner tag key (parsePlan holds its domains to it).
    const directory = new SageMakerDirectory(
      domainClients(upstream, overrides, pool),
      (client, tagBound) => new SageMakerHealthAdapter(client, tagBound),
      sessions,
      plan.domains?.find((d) => d.ownerTagKey !== undefined)?.ownerTagKey ?? plan.studio?.binding?.ownerTagKey,
    );
    return {
      studioFor: (domain, options, as) =>
        directory.studioFor(
          {
            id: domain.domainId,
            region: domain.region,
            ...(domain.issuerRoleArn !== undefined && { issuerRoleArn: domain.issuerRoleArn }),
            // A domain without its own endpoint is reached as the function reaches SageMaker (our endpoint).
            ...((domain.endpointUrl ?? config.sagemakerEndpointUrl) !== undefined && {
              sagemakerEndpointUrl: domain.endpointUrl ?? config.sagemakerEndpointUrl,
            }),
            issuance: domain.ownerTagKey === undefined ? 'direct' : 'tag-bound',
          },
          // A tag-bound session acts as the canary's owner, as the canary's own session would.
          { canonical: as ?? domain.canary?.owner?.identity ?? HEALTH_SOURCE_IDENTITY },
          options,
        ),
    };
  };
  return {
    dns: new ResolverDns(),
    tls: overrides.tls ?? new NodeTlsProber(),
    ...(plan.network && {
      network: new Ec2NetworkAdapter(overrides.ec2Client ?? createEc2Client(plan.region, timeoutMs, overrides.credentials)),
    }),
    ...(plan.studio && { studio: new SageMakerHealthAdapter(studioClient()) }),
    // Several domains; or one whose binding the negative probe checks through its issuer role.
    ...((plan.domains || plan.studio?.binding) && { domains: domainsPort() }),
    ...(plan.probes && { probes: new NetProbes() }),
  };
}

/** The scheduled run: every check, then the result line, the metrics and the stored summary. */
export interface HealthCheckApp {
  run(): Promise<HealthSummary>;
}

/** The container-wide log of the scheduled run (its result line too). */
const healthLog = new JsonLineAuditLog();

/** @throws ConfigurationError listing every problem of `env`. */
export function buildHealthCheckApp(env: Env, overrides: Overrides = {}): HealthCheckApp {
  const config = parseHealthCheckConfig(env);
  const ports = healthPortsFor(config, overrides);
  const log = overrides.log ?? healthLog;
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

/** The EventBridge handler: runs every check and answers `{ healthy, status }`; a broken configuration or an unwritable table fails the invocation. */
export const healthCheckFunction: LambdaFunction<HealthCheckApp, () => Promise<{ healthy: boolean; status: string }>> = {
  name: 'studio-gate health check',
  log: healthLog,
  build: buildHealthCheckApp,
  handler: (app) => async () => {
    const { healthy, status } = await app().run();
    return { healthy, status };
  },
};
