/**
 * Environment → one frozen, validated configuration, read once per container.
 *
 * Every problem is collected and reported together in one ConfigurationError, so a deployment is
 * fixed in one go. Nothing that weakens a check is defaulted: allow-lists must be written out, and
 * `*` is the only way to allow anything. The variables are listed in README.md ("Configuration").
 */
import { ALLOW_ANY, type AllowList, allowOnly } from './domain/allow-list';
import {
  type ClaimIdentitySettings,
  claimPolicyFor,
  type EmailRules,
  type IamCallerPolicy,
  isEmailIdentity,
  type JwtCallerPolicy,
} from './domain/caller';
import { parseEmail, parseEmailDomain } from './domain/email';
import { ConfigurationError } from './domain/errors';
import { type CidrBlock, coversWholeAddressSpace, parseCidr, type SourcePolicy } from './domain/network-source';
import {
  PROFILE_NAME_PATTERN,
  PROFILE_TRANSFORM_STEPS,
  type ProfileMapping,
  type ProfileTransformStep,
} from './domain/profile-mapping';
import { DEFAULT_OWNER_TAG, type OwnerPolicy } from './domain/profile-owner';
import { isPrintableAscii } from './domain/text';

/** API Gateway's maximum integration timeout (REST APIs), in seconds. */
export const API_GATEWAY_TIMEOUT_SECONDS = 29;
/** Head-room kept between the worst-case upstream time and the function timeout. */
export const BUDGET_MARGIN_MS = 1000;

const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

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
  /** What every way in that reads a claim derives its own rules from ({@link claimPolicyFor}). */
  readonly claimSettings: ClaimIdentitySettings;
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
  /** The owner-tag check (on unless PROFILE_OWNER_CHECK=off). */
  readonly owner: OwnerPolicy;
  readonly source: SourcePolicy;
  readonly urlExpiresInSeconds: number;
  readonly sessionExpiresInSeconds: number;
  /** `AWS_ENDPOINT_URL_SAGEMAKER`: the endpoint-specific DNS name of the VPC endpoint, or the emulator. */
  readonly sagemakerEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
  readonly functionTimeoutSeconds: number;
  /** The whole request's deadline: the documented worst case of its upstream work ({@link worstCaseUpstreamMs}). */
  readonly requestDeadlineMs: number;
  /** `parallel`: the SageMaker calls start together (one round trip); `sequential`: each after the last check. */
  readonly sagemakerCallMode: 'parallel' | 'sequential';
  /** The account of the domain (`STUDIO_ACCOUNT_ID`): lets ListTags start without waiting for the profile's ARN. */
  readonly accountId?: string;
  /** How long a grant (InService and owned by X) is remembered per container; 0: not at all. */
  readonly grantCacheTtlSeconds: number;
  /** Local stack only: the emulator origin presigned URLs may also point to. Loopback only. */
  readonly localStudioOrigin?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Collects problems while reading; each reader returns a usable placeholder after recording one. */
export class EnvReader {
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

  /** An optional setting from a small set; unset gives `fallback`, anything else is a problem (and the fallback). */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const expected = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    this.problems.push(`${name} must be ${expected}, got "${value}"`);
    return fallback;
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
    const whole = coversWholeAddressSpace(blocks);
    if (whole) this.problems.push(`${name} covers the whole ${whole} address space: write * if that is really meant`);
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

/**
 * The email rules: keys must be addresses when the claim is `email` or the transform takes the
 * local part; taking the local part needs ALLOWED_EMAIL_DOMAINS (otherwise alice@evil.example is alice).
 */
function readEmailRules(reader: EnvReader, transform: readonly ProfileTransformStep[], claimIsEmail: boolean): EmailRules {
  const usesLocalPart = transform.includes('email-local-part');
  const required = usesLocalPart || claimIsEmail;
  const allowedDomains = readAllowedDomains(reader, usesLocalPart);
  if (allowedDomains === undefined) return { required };
  if (!required) reader.problems.push('ALLOWED_EMAIL_DOMAINS applies to email identities only; this configuration has none');
  return { required, allowedDomains };
}

/**
 * ALLOWED_EMAIL_DOMAINS, checked; undefined when unset. Taking the local part needs it (otherwise
 * alice@evil.example is alice).
 */
function readAllowedDomains(reader: EnvReader, usesLocalPart: boolean): string[] | undefined {
  const raw = reader.optional('ALLOWED_EMAIL_DOMAINS');
  if (raw === undefined) {
    if (usesLocalPart) {
      reader.problems.push(
        'Environment variable ALLOWED_EMAIL_DOMAINS is required when PROFILE_TRANSFORM uses email-local-part (e.g. example.com)',
      );
    }
    return undefined;
  }
  const domains: string[] = [];
  const listed = reader.list('ALLOWED_EMAIL_DOMAINS');
  for (const item of listed) {
    const domain = parseEmailDomain(item);
    if (item === '*' || domain === undefined) {
      reader.problems.push(`ALLOWED_EMAIL_DOMAINS: "${item}" is not a domain name (exact names only, no wildcards)`);
    } else if (!domains.includes(domain)) {
      domains.push(domain);
    }
  }
  if (listed.length === 0) reader.problems.push('ALLOWED_EMAIL_DOMAINS lists no domain');
  return domains;
}

/** An explicit true/false of `name`, or undefined for the default. */
export function readOptionalBoolean(reader: EnvReader, name: string): boolean | undefined {
  if (reader.optional(name) === undefined) return undefined;
  return reader.choice(name, ['true', 'false'] as const, 'true') === 'true';
}

const IAM_MAP_KEY =
  /^(\d{12}):(?:user\/([\w+=,.@-]{1,64})|role\/([\w+=,.@-]{1,64})|assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64}))$/;

/** Why a PROFILE_MAP key can never match a canonical identity, or undefined when it can. */
function mapKeyProblem(key: string, auth: JwtAuthConfig | IamAuthConfig): string | undefined {
  if (!isPrintableAscii(key)) return 'is not printable ASCII';
  if (auth.mode === 'jwt') {
    if (!isEmailIdentity(key, auth.email)) return undefined;
    const email = parseEmail(key);
    if (email === undefined) return 'is not an email address';
    if (email.address !== key) return `is not canonical (write "${email.address}")`;
    if (auth.email.allowedDomains && !auth.email.allowedDomains.includes(email.domain))
      return 'is of a domain not in ALLOWED_EMAIL_DOMAINS';
    return undefined;
  }
  const match = IAM_MAP_KEY.exec(key);
  if (!match) return 'is not <account>:user/<name>, <account>:role/<role> or <account>:assumed-role/<role>/<session>';
  if (!auth.allowedAccounts.includes(match[1] as string)) return 'is of an account not in IAM_ALLOWED_ACCOUNTS';
  const name = match[2] ?? match[5];
  if (name !== undefined && auth.email.required) {
    const email = parseEmail(name);
    if (email === undefined || email.address !== name) return 'does not name a canonical (lower-case) email address';
  }
  return undefined;
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

/** `<account>:<name>` from `arn:aws:iam::<account>:<kind>/<path>/<name>` or `<account>:<name>`. */
function qualifiedPrincipal(item: string, kind: 'role' | 'user'): string | undefined {
  const arn = new RegExp(`^arn:aws[a-z-]*:iam::(\\d{12}):${kind}/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})$`).exec(item);
  if (arn) return `${arn[1]}:${arn[2]}`;
  return /^\d{12}:[\w+=,.@-]{1,64}$/.test(item) ? item : undefined;
}

/** Account-qualified principal names (`<account>:<name>`), each checked to be of an allowed account. */
function qualifiedNames(
  reader: EnvReader,
  name: string,
  items: readonly string[],
  kind: 'role' | 'user',
  accounts: readonly string[],
): string[] {
  const values: string[] = [];
  for (const item of items) {
    const qualified = qualifiedPrincipal(item, kind);
    if (qualified === undefined) {
      reader.problems.push(
        `${name}: "${item}" is not account-qualified (write arn:aws:iam::<account>:${kind}/<name> or <account>:<name>)`,
      );
    } else if (accounts.length > 0 && !accounts.includes(qualified.slice(0, 12))) {
      reader.problems.push(`${name}: "${item}" is of an account not in IAM_ALLOWED_ACCOUNTS`);
    } else {
      values.push(qualified);
    }
  }
  return values;
}

/** An IAM allow-list of account-qualified principals (or `*`: any of that kind in the allowed accounts). */
function principalAllowList(
  reader: EnvReader,
  name: string,
  kind: 'role' | 'user',
  accounts: readonly string[],
): AllowList<string> {
  const list = reader.allowList(name);
  return list.kind === 'any' ? list : allowOnly(qualifiedNames(reader, name, list.values, kind, accounts));
}

function readAuth(reader: EnvReader, transform: readonly ProfileTransformStep[]): JwtAuthConfig | IamAuthConfig {
  const mode = reader.oneOf('AUTH_MODE', ['jwt', 'iam'] as const);
  if (mode === 'iam') {
    const accounts = reader.list('IAM_ALLOWED_ACCOUNTS');
    if (reader.optional('IAM_ALLOWED_ACCOUNTS') === undefined) {
      reader.problems.push('Environment variable IAM_ALLOWED_ACCOUNTS is required in iam mode (12-digit account ids)');
    }
    for (const account of accounts) {
      if (!/^\d{12}$/.test(account)) {
        reader.problems.push(`IAM_ALLOWED_ACCOUNTS: "${account}" is not a 12-digit account id (no wildcards)`);
      }
    }
    const allowedAccounts = accounts.filter((a) => /^\d{12}$/.test(a));
    const sessionNameRoles = qualifiedNames(
      reader,
      'IAM_SESSION_NAME_ROLES',
      reader.list('IAM_SESSION_NAME_ROLES'),
      'role',
      allowedAccounts,
    );
    return {
      mode,
      allowedAccounts,
      allowedRoles: principalAllowList(reader, 'IAM_ALLOWED_ROLES', 'role', allowedAccounts),
      allowedUsers: principalAllowList(reader, 'IAM_ALLOWED_USERS', 'user', allowedAccounts),
      sessionNameRoles,
      email: readEmailRules(reader, transform, false),
    };
  }
  const audience = reader.list('JWT_AUDIENCE');
  if (audience.length === 0) reader.problems.push('Environment variable JWT_AUDIENCE is required in jwt mode');
  const jwksUri = reader.url('JWT_JWKS_URI', reader.required('JWT_JWKS_URI')) ?? '';
  const profileClaim = reader.optional('JWT_PROFILE_CLAIM') ?? 'sub';
  // A string groups claim is one group unless a delimiter is configured (`space` stands for " ").
  const delimiterText = reader.optional('JWT_GROUPS_DELIMITER');
  const groupsDelimiter = delimiterText === 'space' ? ' ' : delimiterText;
  if (groupsDelimiter !== undefined && !/^[ ,;|]$/.test(groupsDelimiter)) {
    reader.problems.push(`JWT_GROUPS_DELIMITER must be , ; | or space, got "${delimiterText}"`);
  }
  const allowedDomains = readAllowedDomains(reader, transform.includes('email-local-part'));
  const claimSettings: ClaimIdentitySettings = {
    groupsClaim: reader.optional('JWT_GROUPS_CLAIM') ?? 'groups',
    requiredGroups: reader.allowList('REQUIRED_GROUPS'),
    ...(groupsDelimiter !== undefined && { groupsDelimiter }),
    transformTakesLocalPart: transform.includes('email-local-part'),
    ...(allowedDomains !== undefined && { allowedDomains }),
  };
  return {
    mode: 'jwt',
    issuer: reader.required('JWT_ISSUER'),
    audience,
    jwksUri,
    jwksTimeoutMs: reader.integer('JWKS_TIMEOUT_MS', 1500, 100, 5000),
    clockSkewSeconds: reader.integer('JWT_CLOCK_SKEW_SECONDS', 0, 0, 300),
    maxTokenLifetimeSeconds: reader.integer('JWT_MAX_LIFETIME_SECONDS', 86400, 60, 604800),
    claimSettings,
    ...claimPolicyFor(profileClaim, claimSettings, readOptionalBoolean(reader, 'JWT_REQUIRE_EMAIL_VERIFIED')),
  };
}

/**
 * Worst-case time of one request's upstream work in milliseconds: the JWKS fetch (jwt mode) plus
 * `calls` SageMaker calls made one after the other, each `maxAttempts × (connect + request
 * timeout)` plus the backoff between attempts. It is also the request's deadline.
 */
export function worstCaseUpstreamMs(upstream: UpstreamPolicy, jwksTimeoutMs = 0, calls = 3): number {
  let backoff = 0;
  for (let retry = 1; retry < upstream.maxAttempts; retry++) backoff += backoffDelayMs(upstream, retry);
  const perCall = upstream.maxAttempts * (upstream.connectTimeoutMs + upstream.requestTimeoutMs) + backoff;
  return jwksTimeoutMs + calls * perCall;
}

/** Delay before retry number `retry` (1-based): exponential from the base, capped. */
export function backoffDelayMs(upstream: UpstreamPolicy, retry: number): number {
  return Math.min(upstream.backoffCapMs, upstream.backoffBaseMs * 2 ** (retry - 1));
}

/** The network source checks (ALLOWED_VPCE_IDS, ALLOWED_VPC_IDS, ALLOWED_SOURCE_CIDRS), shared by every HTTP function. */
export function readSourcePolicy(reader: EnvReader): SourcePolicy {
  return {
    vpceIds: reader.allowList('ALLOWED_VPCE_IDS', (v) =>
      /^vpce-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC endpoint id`,
    ),
    vpcIds: reader.allowList('ALLOWED_VPC_IDS', (v) => (/^vpc-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC id`)),
    sourceCidrs: reader.cidrAllowList('ALLOWED_SOURCE_CIDRS'),
  };
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
  // SageMaker calls one after the other in the worst case: all three in sequence; in parallel one
  // round trip, or two when ListTags must wait for the profile's ARN (no STUDIO_ACCOUNT_ID).
  const ownerOn = owner.check === 'on';
  const callsInSequence = sagemakerCallMode === 'sequential' ? (ownerOn ? 3 : 2) : ownerOn && accountId === undefined ? 2 : 1;
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
  };
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return deepFreeze(config);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Map)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
