/**
 * Environment → one frozen, validated configuration, read once per container.
 *
 * Every problem is collected and reported together in one ConfigurationError, so a deployment is
 * fixed in one go. Nothing that weakens a check is defaulted: allow-lists must be written out, and
 * `*` is the only way to allow anything. The variables are listed in README.md ("Configuration").
 */
import { ALLOW_ANY, type AllowList, allowOnly } from './domain/allow-list';
import type { IamCallerPolicy, JwtCallerPolicy } from './domain/caller';
import { ConfigurationError } from './domain/errors';
import { type CidrBlock, parseCidr, type SourcePolicy } from './domain/network-source';
import {
  PROFILE_NAME_PATTERN,
  PROFILE_TRANSFORM_STEPS,
  type ProfileMapping,
  type ProfileTransformStep,
} from './domain/profile-mapping';

/** API Gateway's maximum integration timeout (REST APIs), in seconds. */
export const API_GATEWAY_TIMEOUT_SECONDS = 29;
/** Head-room kept between the worst-case upstream time and the function timeout. */
export const BUDGET_MARGIN_MS = 1000;

const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** How each SageMaker call is bounded. */
export interface UpstreamPolicy {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Total attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
}

/** Token verification in `jwt` mode. */
export interface JwtAuthConfig extends JwtCallerPolicy {
  readonly mode: 'jwt';
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwksUri: string;
  readonly jwksTimeoutMs: number;
  readonly clockSkewSeconds: number;
  /** Tokens valid for longer than this from now are refused, as are tokens without `exp`. */
  readonly maxTokenLifetimeSeconds: number;
}

/** Principal checks in `iam` mode. */
export interface IamAuthConfig extends IamCallerPolicy {
  readonly mode: 'iam';
}

/** The whole validated configuration. */
export interface StudioGateConfig {
  readonly region: string;
  readonly domainId: string;
  readonly auth: JwtAuthConfig | IamAuthConfig;
  readonly profile: ProfileMapping;
  readonly source: SourcePolicy;
  readonly urlExpiresInSeconds: number;
  readonly sessionExpiresInSeconds: number;
  /** `AWS_ENDPOINT_URL_SAGEMAKER`: the endpoint-specific DNS name of the VPC endpoint, or the emulator. */
  readonly sagemakerEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
  readonly functionTimeoutSeconds: number;
  /** Local stack only: the emulator origin presigned URLs may also point to. Loopback only. */
  readonly localStudioOrigin?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Collects problems while reading; each reader returns a usable placeholder after recording one. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined ? undefined : value.trim();
  }

  required(name: string): string {
    const value = this.raw(name);
    if (value === undefined || value === '') {
      this.problems.push(`Environment variable ${name} is required`);
      return '';
    }
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.raw(name);
    return value === '' ? undefined : value;
  }

  matching(name: string, pattern: RegExp, what: string): string {
    const value = this.required(name);
    if (value !== '' && !pattern.test(value)) this.problems.push(`${name} must be ${what}, got "${value}"`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.required(name);
    if (value !== '' && !(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  }

  integer(name: string, fallback: number | undefined, min: number, max: number): number {
    const text = fallback === undefined ? this.required(name) : this.optional(name);
    if (text === undefined || text === '') return fallback ?? min;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
      return fallback ?? min;
    }
    return value;
  }

  list(name: string): string[] {
    return (this.optional(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** A required allow-list: `*`, or comma-separated values (an empty value allows nothing). */
  allowList(name: string, check?: (item: string) => string | undefined): AllowList<string> {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`Environment variable ${name} is required (a comma-separated list, or * to allow any)`);
      return allowOnly([]);
    }
    if (value === '*') return ALLOW_ANY;
    const listed = this.list(name);
    if (listed.includes('*')) this.problems.push(`${name}: * must stand alone`);
    const items = listed.filter((item) => item !== '*');
    for (const item of items) {
      const problem = check?.(item);
      if (problem) this.problems.push(`${name}: ${problem}`);
    }
    return allowOnly(items);
  }

  cidrAllowList(name: string): AllowList<CidrBlock> {
    const list = this.allowList(name);
    if (list.kind === 'any') return ALLOW_ANY;
    const blocks: CidrBlock[] = [];
    for (const text of list.values) {
      const parsed = parseCidr(text);
      if (typeof parsed === 'string') this.problems.push(`${name}: ${parsed}`);
      else blocks.push(parsed);
    }
    return allowOnly(blocks);
  }

  /** An https URL, or http only on a loopback host (the local stack). */
  url(name: string, value: string | undefined, originOnly = false): string | undefined {
    if (value === undefined || value === '') return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problems.push(`${name} must be a URL, got "${value}"`);
      return undefined;
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
      this.problems.push(`${name} must use https (http is accepted for loopback hosts only)`);
    }
    if (originOnly && !loopback) this.problems.push(`${name} must be a loopback origin (local stack only)`);
    if (originOnly && value.replace(/\/$/, '') !== parsed.origin) this.problems.push(`${name} must be an origin only`);
    return originOnly ? parsed.origin : value;
  }
}

function readProfileMapping(reader: EnvReader): ProfileMapping {
  const steps = reader.list('PROFILE_TRANSFORM');
  for (const step of steps) {
    if (!(PROFILE_TRANSFORM_STEPS as readonly string[]).includes(step)) {
      reader.problems.push(`PROFILE_TRANSFORM: unknown step "${step}" (known: ${PROFILE_TRANSFORM_STEPS.join(', ')})`);
    }
  }
  const map = new Map<string, string>();
  const mapText = reader.optional('PROFILE_MAP');
  if (mapText) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(mapText);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      reader.problems.push('PROFILE_MAP must be a JSON object of identity → profile name');
    } else {
      for (const [identity, profile] of Object.entries(parsed)) {
        if (typeof profile !== 'string' || !PROFILE_NAME_PATTERN.test(profile)) {
          reader.problems.push(`PROFILE_MAP: "${identity}" maps to an invalid profile name`);
        } else {
          map.set(identity, profile);
        }
      }
    }
  }
  return { transform: steps as ProfileTransformStep[], map };
}

function readAuth(reader: EnvReader): JwtAuthConfig | IamAuthConfig {
  const mode = reader.oneOf('AUTH_MODE', ['jwt', 'iam'] as const);
  if (mode === 'iam') {
    return {
      mode,
      allowedAccounts: reader.allowList('IAM_ALLOWED_ACCOUNTS', (a) =>
        /^\d{12}$/.test(a) ? undefined : `"${a}" is not a 12-digit account id`,
      ),
      allowedRoles: reader.allowList('IAM_ALLOWED_ROLES'),
      allowedUsers: reader.allowList('IAM_ALLOWED_USERS'),
      sessionNameRoles: reader.list('IAM_SESSION_NAME_ROLES'),
    };
  }
  const audience = reader.list('JWT_AUDIENCE');
  if (audience.length === 0) reader.problems.push('Environment variable JWT_AUDIENCE is required in jwt mode');
  const jwksUri = reader.url('JWT_JWKS_URI', reader.required('JWT_JWKS_URI')) ?? '';
  return {
    mode: 'jwt',
    issuer: reader.required('JWT_ISSUER'),
    audience,
    jwksUri,
    jwksTimeoutMs: reader.integer('JWKS_TIMEOUT_MS', 1500, 100, 5000),
    clockSkewSeconds: reader.integer('JWT_CLOCK_SKEW_SECONDS', 0, 0, 300),
    maxTokenLifetimeSeconds: reader.integer('JWT_MAX_LIFETIME_SECONDS', 86400, 60, 604800),
    profileClaim: reader.optional('JWT_PROFILE_CLAIM') ?? 'sub',
    groupsClaim: reader.optional('JWT_GROUPS_CLAIM') ?? 'groups',
    requiredGroups: reader.allowList('REQUIRED_GROUPS'),
  };
}

/**
 * Worst-case time of one request's upstream work in milliseconds: the JWKS fetch (jwt mode) plus
 * two SageMaker calls, each `maxAttempts × (connect + request timeout)` plus the backoff between
 * attempts.
 */
export function worstCaseUpstreamMs(upstream: UpstreamPolicy, jwksTimeoutMs = 0): number {
  let backoff = 0;
  for (let retry = 1; retry < upstream.maxAttempts; retry++) backoff += backoffDelayMs(upstream, retry);
  const perCall = upstream.maxAttempts * (upstream.connectTimeoutMs + upstream.requestTimeoutMs) + backoff;
  return jwksTimeoutMs + 2 * perCall;
}

/** Delay before retry number `retry` (1-based): exponential from the base, capped. */
export function backoffDelayMs(upstream: UpstreamPolicy, retry: number): number {
  return Math.min(upstream.backoffCapMs, upstream.backoffBaseMs * 2 ** (retry - 1));
}

/**
 * Validates the environment.
 * @throws ConfigurationError listing every problem found.
 */
export function parseConfig(env: Env): StudioGateConfig {
  const reader = new EnvReader(env);
  const region = reader.matching('AWS_REGION', REGION_PATTERN, 'an AWS region such as eu-west-1');
  const domainId = reader.matching('STUDIO_DOMAIN_ID', DOMAIN_ID_PATTERN, 'a Studio domain id (d-...)');
  const auth = readAuth(reader);
  const profile = readProfileMapping(reader);
  const source: SourcePolicy = {
    vpceIds: reader.allowList('ALLOWED_VPCE_IDS', (v) =>
      /^vpce-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC endpoint id`,
    ),
    vpcIds: reader.allowList('ALLOWED_VPC_IDS', (v) => (/^vpc-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC id`)),
    sourceCidrs: reader.cidrAllowList('ALLOWED_SOURCE_CIDRS'),
  };
  const upstream: UpstreamPolicy = {
    connectTimeoutMs: reader.integer('SAGEMAKER_CONNECT_TIMEOUT_MS', 500, 50, 10000),
    requestTimeoutMs: reader.integer('SAGEMAKER_REQUEST_TIMEOUT_MS', 1500, 100, 20000),
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
  const worst = worstCaseUpstreamMs(upstream, auth.mode === 'jwt' ? auth.jwksTimeoutMs : 0);
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
    source,
    urlExpiresInSeconds: reader.integer('URL_EXPIRES_IN_SECONDS', 60, 5, 300),
    sessionExpiresInSeconds: reader.integer('SESSION_EXPIRES_IN_SECONDS', 43200, 1800, 43200),
    sagemakerEndpointUrl: reader.url('AWS_ENDPOINT_URL_SAGEMAKER', reader.optional('AWS_ENDPOINT_URL_SAGEMAKER')),
    upstream,
    functionTimeoutSeconds,
    localStudioOrigin: reader.url('LOCAL_STUDIO_ORIGIN', reader.optional('LOCAL_STUDIO_ORIGIN'), true),
  };
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Map)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
