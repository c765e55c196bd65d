/**
 * The configuration of GET and POST /studio-url (and the core the SSO functions build on): which
 * domain, who may call (./auth.ts), from where (./source.ts), how a caller maps to a profile and who
 * owns it, and how SageMaker is called within the time budget. Read once per container, every
 * problem reported at once, frozen. The variables are listed in docs/configuration.md.
 */
import type { SageMakerClientSettings } from '../adapters/sagemaker-studio';
import type { SourcePolicy } from '../domain/network-source';
import { mapKeyProblem } from '../domain/principals';
import {
  PROFILE_NAME_PATTERN,
  PROFILE_TRANSFORM_STEPS,
  type ProfileMapping,
  type ProfileTransformStep,
} from '../domain/profile-mapping';
import { DEFAULT_OWNER_TAG, type OwnerPolicy } from '../domain/profile-owner';
import {
  API_GATEWAY_TIMEOUT_SECONDS,
  BUDGET_MARGIN_MS,
  sagemakerCallsInSequence,
  type UpstreamPolicy,
  worstCaseUpstreamMs,
} from '../domain/time-budget';
import type { IssuanceSettings } from '../use-cases/issue-studio-url';
import { type IamAuthConfig, type JwtAuthConfig, readAuth } from './auth';
import { type Env, EnvReader, finish, REGION_PATTERN } from './environment';
import { readSourcePolicy } from './source';

const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;

/** The whole validated configuration of the studio-url function. */
export interface StudioGateConfig extends IssuanceSettings, SageMakerClientSettings {
  readonly auth: JwtAuthConfig | IamAuthConfig;
  readonly source: SourcePolicy;
  readonly functionTimeoutSeconds: number;
  /** The whole request's deadline: the documented worst case of its upstream work ({@link worstCaseUpstreamMs}). */
  readonly requestDeadlineMs: number;
  /** How long a grant (InService and owned by X) is remembered per container; 0: not at all. */
  readonly grantCacheTtlSeconds: number;
  /** The metrics' `service` dimension (METRICS_SERVICE). */
  readonly metricsService: string;
}

/** The transform steps, checked. */
function readTransform(reader: EnvReader): ProfileTransformStep[] {
  const steps = reader.list('PROFILE_TRANSFORM');
  for (const step of steps) {
    if (!(PROFILE_TRANSFORM_STEPS as readonly string[]).includes(step)) {
      reader.problems.push(`PROFILE_TRANSFORM: unknown step "${step}" (known: ${PROFILE_TRANSFORM_STEPS.join(', ')})`);
    }
  }
  return steps as ProfileTransformStep[];
}

/** The string keys of a flat JSON object in the order written (JSON.parse keeps only the last duplicate). */
function keysAsWritten(text: string): string[] {
  const strings = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  return strings.filter((_s, i) => i % 2 === 0).map((s) => JSON.parse(s) as string);
}

function readProfileMap(reader: EnvReader, auth: JwtAuthConfig | IamAuthConfig): Map<string, string> {
  const map = new Map<string, string>();
  const mapText = reader.optional('PROFILE_MAP');
  if (!mapText) return map;
  let parsed: unknown;
  try {
    parsed = JSON.parse(mapText);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    reader.problems.push('PROFILE_MAP must be a JSON object of identity → profile name');
    return map;
  }
  const entries = Object.entries(parsed);
  if (entries.some(([, profile]) => typeof profile !== 'string')) {
    reader.problems.push('PROFILE_MAP: every value must be a profile name (a string)');
    return map;
  }
  const seen = new Set<string>();
  for (const key of keysAsWritten(mapText)) {
    if (seen.has(key)) reader.problems.push(`PROFILE_MAP: "${key}" is listed more than once`);
    seen.add(key);
  }
  const owners = new Map<string, string>();
  for (const [identity, profile] of entries as [string, string][]) {
    const problem = mapKeyProblem(identity, auth);
    if (problem) reader.problems.push(`PROFILE_MAP: key "${identity}" ${problem}, so it can never match`);
    if (!PROFILE_NAME_PATTERN.test(profile)) {
      reader.problems.push(`PROFILE_MAP: "${identity}" maps to an invalid profile name`);
      continue;
    }
    const other = owners.get(profile);
    if (other !== undefined) reader.problems.push(`PROFILE_MAP: "${other}" and "${identity}" both map to profile "${profile}"`);
    owners.set(profile, identity);
    map.set(identity, profile);
  }
  return map;
}

function readOwner(reader: EnvReader): OwnerPolicy {
  const check = reader.choice('PROFILE_OWNER_CHECK', ['on', 'off'] as const, 'on');
  const tagKey = reader.optional('PROFILE_OWNER_TAG') ?? DEFAULT_OWNER_TAG;
  if (!/^[A-Za-z0-9 _.:/=+@-]{1,128}$/.test(tagKey) || tagKey.toLowerCase().startsWith('aws:')) {
    reader.problems.push(
      `PROFILE_OWNER_TAG must be a tag key (1–128 of A-Z a-z 0-9 space _ . : / = + - @, not aws:…), got "${tagKey}"`,
    );
  }
  return check === 'off' ? { check: 'off' } : { check: 'on', tagKey };
}

/**
 * Validates the environment.
 * @throws ConfigurationError listing every problem found.
 */
export function parseConfig(env: Env): StudioGateConfig {
  const reader = new EnvReader(env);
  const region = reader.matching('AWS_REGION', REGION_PATTERN, 'an AWS region such as eu-west-1');
  const domainId = reader.matching('STUDIO_DOMAIN_ID', DOMAIN_ID_PATTERN, 'a Studio domain id (d-...)');
  const transform = readTransform(reader);
  const auth = readAuth(reader, transform);
  const profile: ProfileMapping = { transform, map: readProfileMap(reader, auth) };
  const owner = readOwner(reader);
  const source = readSourcePolicy(reader);
  const upstream: UpstreamPolicy = {
    connectTimeoutMs: reader.integer('SAGEMAKER_CONNECT_TIMEOUT_MS', 500, 50, 10000),
    requestTimeoutMs: reader.integer('SAGEMAKER_REQUEST_TIMEOUT_MS', 1000, 100, 20000),
    maxAttempts: reader.integer('SAGEMAKER_MAX_ATTEMPTS', 3, 1, 5),
    backoffBaseMs: reader.integer('SAGEMAKER_BACKOFF_BASE_MS', 100, 0, 5000),
    backoffCapMs: reader.integer('SAGEMAKER_BACKOFF_CAP_MS', 1000, 0, 20000),
  };
  const functionTimeoutSeconds = reader.integer('FUNCTION_TIMEOUT_SECONDS', undefined, 1, 900);
  if (functionTimeoutSeconds >= API_GATEWAY_TIMEOUT_SECONDS) {
    reader.problems.push(
      `FUNCTION_TIMEOUT_SECONDS (${functionTimeoutSeconds}) must be below API Gateway's ${API_GATEWAY_TIMEOUT_SECONDS} s integration timeout`,
    );
  }
  const sagemakerCallMode = reader.choice('SAGEMAKER_CALL_MODE', ['parallel', 'sequential'] as const, 'parallel');
  const accountId = reader.optional('STUDIO_ACCOUNT_ID');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    reader.problems.push(`STUDIO_ACCOUNT_ID must be a 12-digit account id, got "${accountId}"`);
  }
  const callsInSequence = sagemakerCallsInSequence(sagemakerCallMode, owner.check === 'on', accountId !== undefined);
  const worst = worstCaseUpstreamMs(upstream, auth.mode === 'jwt' ? auth.jwksTimeoutMs : 0, callsInSequence);
  if (worst + BUDGET_MARGIN_MS > functionTimeoutSeconds * 1000) {
    reader.problems.push(
      `worst-case upstream time ${worst} ms (+${BUDGET_MARGIN_MS} ms margin) does not fit FUNCTION_TIMEOUT_SECONDS=${functionTimeoutSeconds}: lower SAGEMAKER_* timeouts or attempts`,
    );
  }
  const config: StudioGateConfig = {
    region,
    domainId,
    auth,
    profile,
    owner,
    source,
    urlExpiresInSeconds: reader.integer('URL_EXPIRES_IN_SECONDS', 60, 5, 300),
    sessionExpiresInSeconds: reader.integer('SESSION_EXPIRES_IN_SECONDS', 43200, 1800, 43200),
    sagemakerEndpointUrl: reader.url('AWS_ENDPOINT_URL_SAGEMAKER', reader.optional('AWS_ENDPOINT_URL_SAGEMAKER')),
    upstream,
    functionTimeoutSeconds,
    requestDeadlineMs: worst,
    sagemakerCallMode,
    ...(accountId !== undefined && { accountId }),
    grantCacheTtlSeconds: reader.integer('PROFILE_CACHE_TTL_SECONDS', 15, 0, 30),
    localStudioOrigin: reader.url('LOCAL_STUDIO_ORIGIN', reader.optional('LOCAL_STUDIO_ORIGIN'), true),
    metricsService: reader.optional('METRICS_SERVICE') ?? 'studio-gate',
  };
  return finish(reader, config);
}
