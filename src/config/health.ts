/**
 * The configuration of the two health functions (the scheduled run and GET /health), read once per
 * container, every problem reported at once like src/config/studio-url.ts. Neither function needs the token
 * or profile settings of GET /studio-url, so neither reads them.
 */
import { type HealthPlan, parsePlan } from '../domain/health/plan';
import { addressInBlocks, namesThisHost, parseCidr, type SourcePolicy } from '../domain/network-source';
import {
  type Env,
  EnvReader,
  finish,
  interfaceEndpointProblem,
  REGION_PATTERN,
  readMetricsService,
  refuseUncheckedAwsVariables,
} from './environment';
import { readSourcePolicy } from './source';

export interface HealthStoreConfig {
  readonly region: string;
  /** The service's table (HEALTH_TABLE_NAME). */
  readonly tableName: string;
  /** AWS_ENDPOINT_URL_DYNAMODB: the DynamoDB endpoint's own DNS name, or the local dynalite. */
  readonly dynamoEndpointUrl?: string;
  /** The metrics' `service` dimension (METRICS_SERVICE). */
  readonly metricsService: string;
}

/** The scheduled run. */
export interface HealthCheckConfig extends HealthStoreConfig {
  readonly plan: HealthPlan;
  readonly sagemakerEndpointUrl?: string;
  /** AWS_ENDPOINT_URL_STS: where the issuer roles of plan.domains are assumed (else STS's private DNS). */
  readonly stsEndpointUrl?: string;
}

/** GET /health. */
export interface HealthEndpointConfig extends HealthStoreConfig {
  readonly source: SourcePolicy;
  /** The schedule's interval: a summary older than two of them is stale. */
  readonly intervalMinutes: number;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * The health functions take loopback endpoints only on the local stack (LOCAL_STUDIO_ORIGIN set, a
 * loopback origin, as for the other functions): it runs them against its emulator and dynalite. A
 * deployed function is refused one: on Lambda, loopback is where the Runtime API and any
 * extensions listen, and a function pointed there would trust their answers as AWS's.
 */
function readStore(reader: EnvReader): HealthStoreConfig {
  refuseUncheckedAwsVariables(reader);
  const region = reader.matching('AWS_REGION', REGION_PATTERN, 'an AWS region such as eu-west-1');
  const dynamoEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_DYNAMODB', 'dynamodb', region);
  return {
    region,
    tableName: reader.matching('HEALTH_TABLE_NAME', TABLE_NAME, 'a DynamoDB table name'),
    ...(dynamoEndpointUrl !== undefined && { dynamoEndpointUrl }),
    metricsService: readMetricsService(reader),
  };
}

/** Addresses whose presence in a private range means it takes this machine's own answers as private. */
const THIS_MACHINE = ['127.0.0.1', '::1', '0.0.0.0'];

/**
 * What a plan may hold only on the local stack, where the peers listen on loopback: probes of
 * loopback ports and URLs, its own DNS resolvers, another TLS port, names or private ranges of this
 * machine. A deployed run asks the VPC resolver and AWS's endpoints on 443 (the deployment writes
 * no probes, no resolvers and no ranges); on Lambda, loopback is the Runtime API and extensions, and
 * a verdict resting on their answers would be no verdict.
 */
function localOnlyPlanProblems(plan: HealthPlan): string[] {
  const problems: string[] = [];
  if (plan.probes !== undefined) problems.push('plan.probes is for the local stack only');
  if (plan.dns.servers.length > 0)
    problems.push('plan.dns.servers is for the local stack only (a deployed run asks the VPC resolver)');
  if (plan.tlsPort !== 443) problems.push('plan.tlsPort must be 443 outside the local stack');
  for (const [i, text] of plan.dns.privateRanges.entries()) {
    const block = parseCidr(text);
    if (typeof block !== 'string' && THIS_MACHINE.some((address) => addressInBlocks(address, [block]))) {
      problems.push(`plan.dns.privateRanges[${i}] covers this machine's own addresses (local stack only)`);
    }
  }
  for (const [i, { host }] of plan.dns.names.entries()) {
    if (namesThisHost(host)) problems.push(`plan.dns.names[${i}].host names this machine (local stack only)`);
  }
  return problems;
}

/** @throws ConfigurationError listing every problem found. */
export function parseHealthCheckConfig(env: Env): HealthCheckConfig {
  const reader = new EnvReader(env);
  const store = readStore(reader);
  const local = reader.localStack() !== undefined;
  const parsed = parsePlan(reader.required('HEALTH_PLAN') || '{}');
  if (Array.isArray(parsed)) reader.problems.push(...parsed.map((p) => `HEALTH_PLAN: ${p}`));
  const { region } = store;
  const sagemakerEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_SAGEMAKER', 'api.sagemaker', region);
  const stsEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_STS', 'sts', region);
  if (!Array.isArray(parsed)) {
    // Each planned domain's own endpoint: that region's SageMaker API interface endpoint.
    for (const [i, domain] of (parsed.domains ?? []).entries()) {
      const url = domain.endpointUrl;
      const problem = url && interfaceEndpointProblem(url, 'api.sagemaker', domain.region, local);
      if (problem) reader.problems.push(`HEALTH_PLAN: plan.domains[${i}].endpointUrl ${problem}`);
    }
    if (!local) reader.problems.push(...localOnlyPlanProblems(parsed).map((p) => `HEALTH_PLAN: ${p}`));
  }
  return finish(reader, {
    ...store,
    plan: parsed as HealthPlan,
    ...(sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl }),
    ...(stsEndpointUrl !== undefined && { stsEndpointUrl }),
  });
}

/** @throws ConfigurationError listing every problem found. */
export function parseHealthEndpointConfig(env: Env): HealthEndpointConfig {
  const reader = new EnvReader(env);
  return finish(reader, {
    ...readStore(reader),
    source: readSourcePolicy(reader),
    intervalMinutes: reader.integer('HEALTH_INTERVAL_MINUTES', 5, 1, 1440),
  });
}
