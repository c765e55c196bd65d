/**
 * The SSO bridge's configuration: the GET /studio-url configuration (the same identity rules,
 * mapping, owner tag and source checks, read by {@link parseConfig}) plus the OIDC client, the SAML
 * service provider, the sealed cookie and the replay table. Every problem is reported at once.
 *
 * Secrets (`OIDC_CLIENT_SECRET`, `SSO_COOKIE_KEYS`) are either `ssm:<parameter name>` (read once per
 * container from SSM Parameter Store, SecureString) or, only with `SSO_SECRETS_SOURCE=env` (the
 * local stack), the value itself. A deployment never puts a secret in the Lambda environment.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import type { SamlSettings } from '../adapters/saml-sp';
import type { SecretRef } from '../adapters/ssm-secrets';
import { claimPolicyFor, type JwtCallerPolicy, samlPolicyFor } from '../domain/caller';
import { ConfigurationError } from '../domain/errors';
import { BUDGET_MARGIN_MS } from '../domain/time-budget';
import type { LoginCookieSettings, SsoHttpSettings } from '../http/sso-endpoint';
import type { JwtAuthConfig } from './auth';
import { type Env, EnvReader, finish, readOptionalBoolean } from './environment';
import { parseConfig, type StudioGateConfig } from './studio-url';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: SecretRef;
  /** Where the IdP sends the browser back: must end in /sso/callback. */
  readonly redirectUri: string;
  /** The ID token claim that names the person (default: the token path's JWT_PROFILE_CLAIM); its own rules follow from it. */
  readonly profileClaim: string;
  /** OIDC_REQUIRE_EMAIL_VERIFIED, when set explicitly; undefined: required for email identities. */
  readonly requireEmailVerified?: boolean;
  readonly scopes: string;
  /** Bound of each call to the IdP (discovery, token endpoint, JWKS), whole body included. */
  readonly timeoutMs: number;
}

/** The sealed login cookie. */
export interface CookieSettings extends LoginCookieSettings {
  /** Comma-separated base64url 32-byte keys; the first seals, all open. */
  readonly keys: SecretRef;
}

/**
 * The SSO functions' own AWS calls, bounded (src/composition/sso-wiring.ts builds their clients with these):
 * the replay table's conditional put and the secrets' one GetParameters call.
 */
export const SSO_AWS_CALL = { attempts: 2, attemptTimeoutMs: 1000, backoffMs: 200 } as const;
const SSO_AWS_CALL_WORST_MS = SSO_AWS_CALL.attempts * SSO_AWS_CALL.attemptTimeoutMs + SSO_AWS_CALL.backoffMs;

export interface SsoConfig extends SsoHttpSettings {
  readonly core: StudioGateConfig;
  /** `core.auth`, which the SSO bridge requires to be jwt mode. */
  readonly auth: JwtAuthConfig;
  /**
   * The identity rules of the claim (OIDC_PROFILE_CLAIM) or attribute (SAML_PROFILE_ATTRIBUTE, or
   * NameID) this function actually reads: never the token path's JWT_PROFILE_CLAIM rules.
   */
  readonly identity: JwtCallerPolicy;
  /**
   * The request's deadline: the studio-url path's SageMaker worst case, plus (OIDC) discovery, the token
   * endpoint and the IdP's JWKS, each within OIDC_TIMEOUT_MS, plus the replay put. With the
   * secrets' read (first request only) it fits FUNCTION_TIMEOUT_SECONDS, checked here.
   */
  readonly requestDeadlineMs: number;
  readonly cookie: CookieSettings;
  readonly oidc?: OidcSettings;
  readonly saml?: SamlSettings;
  /** The table accepted SAML assertions and spent login states are kept in (until they expire). */
  readonly replayTable: string;
  readonly dynamoEndpointUrl?: string;
  readonly ssmEndpointUrl?: string;
}

/** `/x/sso` for `https://h/x/sso/callback` (the suffix checked). */
function ssoPathOf(reader: EnvReader, name: string, url: string | undefined, suffix: string): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // reported by reader.url
  }
  if (!parsed.pathname.endsWith(suffix) || parsed.search !== '' || parsed.hash !== '') {
    reader.problems.push(`${name} must end in ${suffix}, with no query or fragment, got "${url}"`);
    return undefined;
  }
  return parsed.pathname.slice(0, -suffix.length + '/sso'.length);
}

function readSecret(reader: EnvReader, name: string, fromEnv: boolean): SecretRef {
  const text = reader.required(name);
  if (text.startsWith('ssm:')) {
    const parameter = text.slice(4);
    if (!/^\/?[A-Za-z0-9_.\-/]{1,1011}$/.test(parameter))
      reader.problems.push(`${name}: "${parameter}" is not an SSM parameter name`);
    return { kind: 'ssm', name: parameter };
  }
  if (text !== '' && !fromEnv) {
    reader.problems.push(
      `${name} must be ssm:<parameter name> (a value in the environment needs SSO_SECRETS_SOURCE=env, local stack only)`,
    );
  }
  return { kind: 'value', value: text };
}

/**
 * The PEM certificates in `text` (`\n` escapes allowed), each read once. @returns their public keys
 * (RSA: SAML signatures verify with RSA keys only), or the problems found.
 */
export function parsePemCertificates(name: string, text: string): { keys: KeyObject[]; problems: string[] } {
  const pems = text.replace(/\\n/g, '\n').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const problems: string[] = [];
  const keys: KeyObject[] = [];
  if (pems.length === 0) problems.push(`${name} must hold one or more PEM certificates`);
  for (const [i, pem] of pems.entries()) {
    let key: KeyObject;
    try {
      key = new X509Certificate(pem).publicKey;
    } catch {
      problems.push(`${name}: certificate ${i + 1} does not parse`);
      continue;
    }
    if (key.asymmetricKeyType === 'rsa') keys.push(key);
    else
      problems.push(
        `${name}: certificate ${i + 1} holds a ${key.asymmetricKeyType} key; SAML signatures verify with RSA keys only`,
      );
  }
  return { keys, problems };
}

/** Certificates are public: the PEM text may be in the environment, or (it is long) in SSM. */
function readCertificates(reader: EnvReader, name: string): SecretRef {
  const text = reader.required(name);
  if (text.startsWith('ssm:')) return readSecret(reader, name, false);
  if (text !== '') reader.problems.push(...parsePemCertificates(name, text).problems);
  return { kind: 'value', value: text };
}

function readSaml(reader: EnvReader, fallbackGroups: string): { saml: SamlSettings; path?: string } {
  const acsUrl = reader.url('SAML_ACS_URL', reader.required('SAML_ACS_URL')) ?? '';
  const path = ssoPathOf(reader, 'SAML_ACS_URL', acsUrl || undefined, '/sso/saml');
  const profileAttribute = reader.optional('SAML_PROFILE_ATTRIBUTE');
  const idpSsoUrl = reader.url('SAML_IDP_SSO_URL', reader.optional('SAML_IDP_SSO_URL'));
  const allowIdpInitiated = reader.choice('SAML_ALLOW_IDP_INITIATED', ['true', 'false'] as const, 'false') === 'true';
  const wantResponseSigned = reader.choice('SAML_WANT_RESPONSE_SIGNED', ['true', 'false'] as const, 'true') === 'true';
  const wantAssertionsSigned = reader.choice('SAML_WANT_ASSERTIONS_SIGNED', ['true', 'false'] as const, 'true') === 'true';
  if (!wantResponseSigned && !wantAssertionsSigned) {
    reader.problems.push('SAML_WANT_RESPONSE_SIGNED and SAML_WANT_ASSERTIONS_SIGNED cannot both be false');
  }
  if (!allowIdpInitiated && idpSsoUrl === undefined) {
    reader.problems.push('SAML needs SAML_IDP_SSO_URL (SP-initiated login) or SAML_ALLOW_IDP_INITIATED=true, or both');
  }
  const saml: SamlSettings = {
    idpCerts: readCertificates(reader, 'SAML_IDP_CERTS'),
    idpEntityId: reader.required('SAML_IDP_ENTITY_ID'),
    spEntityId: reader.required('SAML_SP_ENTITY_ID'),
    acsUrl,
    ...(profileAttribute !== undefined && { profileAttribute }),
    groupsAttribute: reader.optional('SAML_GROUPS_ATTRIBUTE') ?? fallbackGroups,
    wantResponseSigned,
    wantAssertionsSigned,
    clockSkewSeconds: reader.integer('SAML_CLOCK_SKEW_SECONDS', 60, 0, 300),
    allowIdpInitiated,
    ...(idpSsoUrl !== undefined && { idpSsoUrl }),
  };
  return { saml, ...(path !== undefined && { path }) };
}

function readOidc(reader: EnvReader, fromEnv: boolean, fallbackProfileClaim: string): { oidc: OidcSettings; path?: string } {
  const issuer = reader.url('OIDC_ISSUER', reader.required('OIDC_ISSUER')) ?? '';
  const redirectUri = reader.url('SSO_REDIRECT_URI', reader.required('SSO_REDIRECT_URI')) ?? '';
  const path = ssoPathOf(reader, 'SSO_REDIRECT_URI', redirectUri || undefined, '/sso/callback');
  const verified = readOptionalBoolean(reader, 'OIDC_REQUIRE_EMAIL_VERIFIED');
  const oidc: OidcSettings = {
    issuer,
    clientId: reader.required('OIDC_CLIENT_ID'),
    clientSecret: readSecret(reader, 'OIDC_CLIENT_SECRET', fromEnv),
    redirectUri,
    profileClaim: reader.optional('OIDC_PROFILE_CLAIM') ?? fallbackProfileClaim,
    ...(verified !== undefined && { requireEmailVerified: verified }),
    scopes: reader.optional('OIDC_SCOPES') ?? 'openid email groups',
    timeoutMs: reader.integer('OIDC_TIMEOUT_MS', 1500, 100, 5000),
  };
  if (!oidc.scopes.split(' ').includes('openid')) reader.problems.push('OIDC_SCOPES must include openid');
  return { oidc, ...(path !== undefined && { path }) };
}

/**
 * @param which the ways in this function serves (each function reads only its own settings).
 * @throws ConfigurationError listing every problem, those of the studio-url configuration included.
 */
export function parseSsoConfig(env: Env, which: 'oidc' | 'saml'): SsoConfig {
  const reader = new EnvReader(env);
  let core: StudioGateConfig | undefined;
  try {
    core = parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    reader.problems.push(...error.problems);
  }
  if (core !== undefined && core.auth.mode !== 'jwt') {
    reader.problems.push(
      'The SSO bridge needs AUTH_MODE=jwt: its people are named by claims (email), as the owner tags of a jwt stage are',
    );
  }
  const jwt = core?.auth.mode === 'jwt' ? core.auth : undefined;
  const profileClaim = jwt?.profileClaim ?? 'email';
  const groupsClaim = jwt?.groupsClaim ?? 'groups';
  const fromEnv = reader.choice('SSO_SECRETS_SOURCE', ['ssm', 'env'] as const, 'ssm') === 'env';
  const secure = reader.choice('SSO_COOKIE_SECURE', ['true', 'false'] as const, 'true') === 'true';
  if (!secure && core?.localStudioOrigin === undefined) {
    reader.problems.push('SSO_COOKIE_SECURE=false is for the local stack only (it needs LOCAL_STUDIO_ORIGIN)');
  }
  const read = which === 'oidc' ? readOidc(reader, fromEnv, profileClaim) : readSaml(reader, groupsClaim);
  const idpWorst = 'oidc' in read ? 3 * read.oidc.timeoutMs : 0;
  // The studio-url path's worst case without its JWKS fetch (the SSO functions verify no bearer token).
  const sagemakerWorst = (core?.requestDeadlineMs ?? 0) - (jwt?.jwksTimeoutMs ?? 0);
  const requestDeadlineMs = sagemakerWorst + idpWorst + SSO_AWS_CALL_WORST_MS;
  const worst = requestDeadlineMs + SSO_AWS_CALL_WORST_MS;
  if (core !== undefined && worst + BUDGET_MARGIN_MS > core.functionTimeoutSeconds * 1000) {
    reader.problems.push(
      `worst-case SSO request ${worst} ms (+${BUDGET_MARGIN_MS} ms margin: SageMaker, the IdP, the replay table, the secrets) does not fit FUNCTION_TIMEOUT_SECONDS=${core.functionTimeoutSeconds}: lower SAGEMAKER_* or OIDC_TIMEOUT_MS`,
    );
  }
  const config: SsoConfig = {
    core: core as StudioGateConfig,
    auth: core?.auth as JwtAuthConfig,
    identity: identityPolicyOf(jwt, read),
    requestDeadlineMs,
    ssoPath: read.path ?? '/sso',
    cookie: {
      keys: readSecret(reader, 'SSO_COOKIE_KEYS', fromEnv),
      secure,
      namePrefix: secure ? '__Host-' : '',
      path: secure ? '/' : (read.path ?? '/sso'),
      maxAgeSeconds: reader.integer('SSO_COOKIE_MAX_AGE_SECONDS', 300, 60, 900),
    },
    ...('oidc' in read ? { oidc: read.oidc } : { saml: read.saml }),
    replayTable: reader.required('SSO_REPLAY_TABLE'),
    ...awsEndpoints(reader, core),
  };
  return finish(reader, config);
}

/** The rules of what this way in reads (a broken core configuration has none: it is reported already). */
function identityPolicyOf(
  jwt: JwtAuthConfig | undefined,
  read: { oidc: OidcSettings } | { saml: SamlSettings },
): JwtCallerPolicy {
  if (jwt === undefined) return {} as JwtCallerPolicy;
  return 'oidc' in read
    ? claimPolicyFor(read.oidc.profileClaim, jwt.claimSettings, read.oidc.requireEmailVerified)
    : samlPolicyFor(read.saml.profileAttribute, jwt.claimSettings);
}

/**
 * The replay store's and the secrets' endpoints: each an interface endpoint in the functions' region
 * (loopback on the local stack), since the replay answers and the secrets are trusted as AWS's.
 * Unread while the core configuration is broken (its problems are reported, and its region unknown).
 */
function awsEndpoints(
  reader: EnvReader,
  core: StudioGateConfig | undefined,
): { dynamoEndpointUrl?: string; ssmEndpointUrl?: string } {
  if (core === undefined) return {};
  const dynamoEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_DYNAMODB', 'dynamodb', core.region);
  const ssmEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_SSM', 'ssm', core.region);
  return {
    ...(dynamoEndpointUrl !== undefined && { dynamoEndpointUrl }),
    ...(ssmEndpointUrl !== undefined && { ssmEndpointUrl }),
  };
}
