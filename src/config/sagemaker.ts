/**
 * How studio-gate calls SageMaker (and STS), and the time budget those calls must fit: the endpoint,
 * the bounds of each call (SAGEMAKER_*, which AssumeRole shares), parallel or sequential calls, the grant
 * cache, and FUNCTION_TIMEOUT_SECONDS. The arithmetic is the domain's (src/domain/time-budget.ts);
 * a budget that does not fit is a configuration problem, reported at start-up.
 */
import {
  API_GATEWAY_TIMEOUT_SECONDS,
  BUDGET_MARGIN_MS,
  sagemakerCallsInSequence,
  type UpstreamPolicy,
  worstCaseUpstreamMs,
} from '../domain/time-budget';
import type { EnvReader } from './environment';

/** The SageMaker calls' settings. */
export interface SageMakerCallSettings {
  readonly sagemakerEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
  readonly sagemakerCallMode: 'parallel' | 'sequential';
  readonly grantCacheTtlSeconds: number;
}

export function readSageMakerCalls(reader: EnvReader): SageMakerCallSettings {
  const upstream: UpstreamPolicy = {
    connectTimeoutMs: reader.integer('SAGEMAKER_CONNECT_TIMEOUT_MS', 500, 50, 10000),
    requestTimeoutMs: reader.integer('SAGEMAKER_REQUEST_TIMEOUT_MS', 1000, 100, 20000),
    maxAttempts: reader.integer('SAGEMAKER_MAX_ATTEMPTS', 3, 1, 5),
    backoffBaseMs: reader.integer('SAGEMAKER_BACKOFF_BASE_MS', 100, 0, 5000),
    backoffCapMs: reader.integer('SAGEMAKER_BACKOFF_CAP_MS', 1000, 0, 20000),
  };
  const sagemakerCallMode = reader.choice('SAGEMAKER_CALL_MODE', ['parallel', 'sequential'] as const, 'parallel');
  // Checked as the SageMaker API's interface endpoint by readDomains (src/config/domains.ts).
  const sagemakerEndpointUrl = reader.optional('AWS_ENDPOINT_URL_SAGEMAKER');
  return {
    ...(sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl }),
    upstream,
    sagemakerCallMode,
    grantCacheTtlSeconds: reader.integer('PROFILE_CACHE_TTL_SECONDS', 15, 0, 30),
  };
}

/** The function's timeout and the request's deadline (the worst case of its upstream work), checked to fit. */
export interface TimeBudget {
  readonly functionTimeoutSeconds: number;
  readonly requestDeadlineMs: number;
}

/** What the budget must know of the domains: whether every ARN is known up front, whether STS is called. */
export interface BudgetShape {
  /** Every domain's account is known (ListTags need not wait for DescribeUserProfile). */
  readonly accountsKnown: boolean;
  /** Some domain has an issuer role: a person's first request there calls AssumeRole first. */
  readonly assumesRoles: boolean;
}

/**
 * @param calls the SageMaker calls' settings (AssumeRole takes the same bounds).
 * @param ownerCheck whether ListTags is one of the calls.
 * @param jwksTimeoutMs the JWKS fetch a request may wait for (0 in iam mode).
 */
export function readTimeBudget(
  reader: EnvReader,
  calls: SageMakerCallSettings,
  ownerCheck: boolean,
  jwksTimeoutMs: number,
  shape: BudgetShape,
): TimeBudget {
  const functionTimeoutSeconds = reader.integer('FUNCTION_TIMEOUT_SECONDS', undefined, 1, 900);
  if (functionTimeoutSeconds >= API_GATEWAY_TIMEOUT_SECONDS) {
    reader.problems.push(
      `FUNCTION_TIMEOUT_SECONDS (${functionTimeoutSeconds}) must be below API Gateway's ${API_GATEWAY_TIMEOUT_SECONDS} s integration timeout`,
    );
  }
  const inSequence =
    sagemakerCallsInSequence(calls.sagemakerCallMode, ownerCheck, shape.accountsKnown) + (shape.assumesRoles ? 1 : 0);
  const worst = worstCaseUpstreamMs(calls.upstream, jwksTimeoutMs, inSequence);
  if (worst + BUDGET_MARGIN_MS > functionTimeoutSeconds * 1000) {
    reader.problems.push(
      `worst-case upstream time ${worst} ms (+${BUDGET_MARGIN_MS} ms margin) does not fit FUNCTION_TIMEOUT_SECONDS=${functionTimeoutSeconds}: lower SAGEMAKER_* timeouts or attempts`,
    );
  }
  return { functionTimeoutSeconds, requestDeadlineMs: worst };
}
