/**
 * Reading the environment: every reader records a problem instead of throwing and returns a usable
 * placeholder, so one ConfigurationError lists every problem and a deployment is fixed in one go.
 * Nothing that weakens a check is defaulted: allow-lists must be written out, and `*` is the only
 * way to allow anything. The variables are listed in docs/configuration.md.
 */
import { ALLOW_ANY, type AllowList, allowOnly } from '../domain/allow-list';
import { ConfigurationError } from '../domain/errors';
import {
  type CidrBlock,
  coversWholeAddressSpace,
  isLoopbackUrl,
  isSingleLabelName,
  LOOPBACK_HOSTS,
  namesThisHost,
  parseCidr,
} from '../domain/network-source';
import { type InterfaceService, isInterfaceEndpoint } from '../domain/studio-domains';

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** How an error message names each service's interface endpoint. */
const SERVICE_NAMES: Readonly<Record<InterfaceService, string>> = {
  'api.sagemaker': 'a SageMaker API',
  sts: 'an STS',
  ssm: 'an SSM',
  dynamodb: 'a DynamoDB',
};

/** Collects problems while reading; each reader returns a usable placeholder after recording one. */
export class EnvReader {
  readonly problems: string[] = [];

  /** LOCAL_STUDIO_ORIGIN, read once (see {@link localStack}). */
  private local: { readonly origin: string | undefined } | undefined;

  constructor(private readonly env: Env) {}

  /**
   * LOCAL_STUDIO_ORIGIN: the local stack's flag, and its emulator's origin (a loopback origin). Only
   * with it may a URL a function is given name this machine (loopback), or use plain http; a
   * deployment never sets it (src/infrastructure/params.ts refuses it on any stage but local). An
   * invalid value is a problem, and is no flag.
   */
  localStack(): string | undefined {
    this.local ??= { origin: this.localOrigin() };
    return this.local.origin;
  }

  private localOrigin(): string | undefined {
    const name = 'LOCAL_STUDIO_ORIGIN';
    const value = this.optional(name);
    if (value === undefined) return undefined;
    if (!URL.canParse(value)) {
      this.problems.push(`${name} must be a URL, got "${value}"`);
      return undefined;
    }
    const parsed = new URL(value);
    const problems = [
      ...(isLoopbackUrl(value) ? [] : [`${name} must be a loopback origin (local stack only)`]),
      ...(value.replace(/\/$/, '') === parsed.origin ? [] : [`${name} must be an origin only`]),
    ];
    this.problems.push(...problems);
    return problems.length === 0 ? parsed.origin : undefined;
  }

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

  /**
   * An https URL of another host. On the local stack ({@link localStack}) also this machine's own
   * (loopback), and plain http to it: a deployed function is never pointed at loopback, where on
   * Lambda the Runtime API and extensions listen and would be trusted as the named service.
   */
  url(name: string, value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (!URL.canParse(value)) {
      this.problems.push(`${name} must be a URL, got "${value}"`);
      return undefined;
    }
    const parsed = new URL(value);
    const local = this.localStack() !== undefined;
    if (!local && namesThisHost(parsed.hostname)) {
      this.problems.push(
        `${name} must not name this machine (${parsed.hostname}): ${
          isSingleLabelName(parsed.hostname)
            ? 'a single-label name may be this machine through /etc/hosts; use the fully qualified name'
            : 'loopback is for the local stack only (LOCAL_STUDIO_ORIGIN)'
        }`,
      );
    } else if (parsed.protocol !== 'https:' && !(local && isLoopbackUrl(value, ['http:']))) {
      this.problems.push(`${name} must use https (http is accepted on the local stack's loopback only)`);
    }
    return value;
  }

  /**
   * An AWS endpoint variable: unset, or the endpoint-specific DNS name of an interface endpoint of
   * `service` in `region` (or, on the local stack, a loopback URL). Signed requests, and answers
   * trusted as AWS's, go there: anything else is a problem.
   */
  interfaceEndpoint(name: string, service: InterfaceService, region: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    const problem = interfaceEndpointProblem(value, service, region, this.localStack() !== undefined);
    if (problem === undefined) return value;
    this.problems.push(`${name} ${problem}`);
    return undefined;
  }
}

/**
 * What is wrong with `url` as the endpoint of `service` in `region`: nothing when it is the
 * endpoint-specific DNS name of an interface endpoint there (or, where `loopback` allows, a loopback
 * URL: the local stack); else the rule, for a message that names the setting first.
 */
export function interfaceEndpointProblem(
  url: string,
  service: InterfaceService,
  region: string,
  loopback: boolean,
): string | undefined {
  if (isInterfaceEndpoint(url, service, region) || (loopback && isLoopbackUrl(url))) return undefined;
  return `must be the endpoint-specific DNS name of ${SERVICE_NAMES[service]} interface endpoint in ${region} (https://vpce-….${service}.${region}.vpce.amazonaws.com)${loopback ? ' or a loopback URL' : ''}`;
}

/** The metrics' `service` dimension (METRICS_SERVICE; the deployment sets `<service>-<stage>`). */
export function readMetricsService(reader: EnvReader): string {
  return reader.optional('METRICS_SERVICE') ?? 'studio-gate';
}

/** An explicit true/false of `name`, or undefined for the default. */
export function readOptionalBoolean(reader: EnvReader, name: string): boolean | undefined {
  if (reader.optional(name) === undefined) return undefined;
  return reader.choice(name, ['true', 'false'] as const, 'true') === 'true';
}

/**
 * The configuration read, frozen.
 * @throws ConfigurationError listing every problem `reader` recorded.
 */
export function finish<T>(reader: EnvReader, config: T): T {
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

/** The function's environment as Lambda gives it: the one place runtime code reads process.env. */
export function lambdaEnvironment(): Env {
  return process.env;
}

/**
 * Variables the SDK would act on and studio-gate refuses, each with why: FIPS and dual-stack names
 * (the own STS, EC2, SSM and DynamoDB calls would not follow them: never half on FIPS), and the one
 * endpoint for every service (it would bypass the per-service interface-endpoint checks; no client
 * of studio-gate reads it). `false` is accepted for the two switches.
 */
const NO_ENDPOINT_VARIANTS =
  "is not supported: studio-gate's STS, EC2, SSM and DynamoDB calls use the interface endpoints' names (AWS_ENDPOINT_URL_STS, _SSM, _DYNAMODB) or the regional names; unset it";

const REFUSED_VARIABLES: ReadonlyArray<readonly [name: string, offAllowed: boolean, why: string]> = [
  ['AWS_USE_FIPS_ENDPOINT', true, NO_ENDPOINT_VARIANTS],
  ['AWS_USE_DUALSTACK_ENDPOINT', true, NO_ENDPOINT_VARIANTS],
  [
    'AWS_ENDPOINT_URL',
    false,
    "is not read: each service's endpoint is its own variable (AWS_ENDPOINT_URL_SAGEMAKER, _STS, _SSM, _DYNAMODB), checked to be an interface endpoint; unset it",
  ],
];

/** The credentials endpoint a function may be handed instead of keys in its environment. */
const CREDENTIALS_URI = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
/** The same, as a path on ECS's credentials agent (169.254.170.2); the SDK prefers it when both are set. */
const RELATIVE_CREDENTIALS_URI = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';

/**
 * Where {@link CREDENTIALS_URI} may point: the sandbox's own loopback (Lambda's and the local stack's
 * credentials endpoints), ECS's and EKS Pod Identity's link-local agents. The SDK would follow any
 * https host, send it the authorization token, and sign every call with what it answers.
 */
const CREDENTIALS_HOSTS: ReadonlySet<string> = new Set([...LOOPBACK_HOSTS, '169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);

/**
 * Refuses each of {@link REFUSED_VARIABLES} that is set (to anything but `false`, where that is
 * allowed), and a credentials endpoint that is not a local one.
 */
export function refuseUncheckedAwsVariables(reader: EnvReader): void {
  for (const [name, offAllowed, why] of REFUSED_VARIABLES) {
    const value = reader.optional(name);
    if (value !== undefined && !(offAllowed && value.toLowerCase() === 'false')) reader.problems.push(`${name} ${why}`);
  }
  // The relative URI wins over the full one and is appended to ECS's agent address as it stands:
  // only a plain path keeps the host that agent's (`@host/…` or `.host/…` would move it).
  const relativeUri = reader.optional(RELATIVE_CREDENTIALS_URI);
  if (relativeUri !== undefined && !/^\/[A-Za-z0-9._~/-]*$/.test(relativeUri)) {
    reader.problems.push(`${RELATIVE_CREDENTIALS_URI} must be a plain path on ECS's credentials agent (/v2/credentials/…)`);
  }
  const credentialsUri = reader.optional(CREDENTIALS_URI);
  if (
    credentialsUri !== undefined &&
    !CREDENTIALS_HOSTS.has(URL.canParse(credentialsUri) ? new URL(credentialsUri).hostname : '')
  ) {
    reader.problems.push(
      `${CREDENTIALS_URI} must name a local credentials endpoint (loopback, or ECS's or EKS's link-local agent): the credentials it answers would sign every call`,
    );
  }
}
