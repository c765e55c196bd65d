/**
 * Use cases of the SSO bridge: a person signs in at the corporate IdP (OIDC code flow with PKCE,
 * or SAML 2.0 POST binding) and lands in their own Studio. What the IdP vouches for becomes a
 * {@link CallerIdentity} by the token path's own rules (groups, profile claim, email rules), and
 * from there it is exactly the GET /studio-url path ({@link issueStudioUrlFor}): mapping, owner tag,
 * InService, a checked presigned URL. The source check comes first, as there.
 *
 * The only redirect targets are the IdP's (from its own metadata) and a URL that passed the Studio
 * URL check: a `landing`, `space` or `RelayState` is a launch option, validated as on GET
 * /studio-url, and never a target. Every login state and every accepted assertion is used once.
 */
import { timingSafeEqual } from 'node:crypto';
import type { JwtCallerPolicy } from '../domain/caller';
import { jwtIdentity } from '../domain/caller';
import { InvalidParameterError, UnauthenticatedError } from '../domain/errors';
import { parseLaunchOptions, type QueryParameters } from '../domain/launch-options';
import { assertSourceAllowed, type RequestSource } from '../domain/network-source';
import {
  type AuditFacts,
  type Issuance,
  type IssueStudioUrlDeps,
  issueStudioUrlFor,
  withOpenableSpaces,
} from './issue-studio-url';
import type { Clock } from './ports';
import type { OidcPort, ReplayGuard, SamlPort, SealedState, StateSealer } from './sso-ports';

/** What both ways in share. */
export interface SsoDeps {
  readonly issue: IssueStudioUrlDeps;
  readonly sealer: StateSealer;
  readonly replay: ReplayGuard;
  readonly clock: Clock;
  /** How long a login may take, from /sso/login to the callback (the cookie's lifetime). */
  readonly loginTtlSeconds: number;
  /** The token path's identity rules, as this way in reads them (its profile claim, its groups). */
  readonly identity: JwtCallerPolicy;
}

export interface OidcDeps extends SsoDeps {
  readonly oidc: OidcPort;
}

export interface SamlDeps extends SsoDeps {
  readonly saml: SamlPort;
  readonly idpEntityId: string;
  readonly allowIdpInitiated: boolean;
  /** Whether GET /sso/saml/login may start a login (SAML_IDP_SSO_URL is set). */
  readonly spInitiated: boolean;
  /** The attribute naming the person; undefined: NameID. */
  readonly profileAttribute?: string;
  readonly groupsAttribute: string;
}

/** A started login: where the browser goes, and the sealed cookie it carries back. */
export interface StartedLogin {
  readonly location: string;
  readonly sealedState: string;
}

/** The launch options a login may carry (domain, landing, space): validated now, used after sign-in. */
function launchState(query: QueryParameters): Record<string, string> {
  if (query.redirect !== undefined) throw new InvalidParameterError('redirect', 'parameter-unknown');
  const options = parseLaunchOptions(query);
  return {
    ...(options.domainId !== undefined && { domain: options.domainId }),
    ...(options.landingUri !== undefined && { landing: options.landingUri }),
    ...(options.spaceName !== undefined && { space: options.spaceName }),
  };
}

/** The launch options back from sealed state, as parameters (validated again by the shared path). */
function launchParameters(state: SealedState): QueryParameters {
  return {
    ...(state.domain !== undefined && { domain: [state.domain] }),
    ...(state.landing !== undefined && { landing: [state.landing] }),
    ...(state.space !== undefined && { space: [state.space] }),
  };
}

/** An authorization code as RFC 6749 allows it (VSCHAR, no space), bounded. */
const AUTHORIZATION_CODE = /^[\x21-\x7e]{1,2048}$/;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function single(query: QueryParameters, name: string): string | undefined {
  const values = query[name];
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new UnauthenticatedError(`oidc-${name}-repeated`);
  return values[0];
}

/**
 * What the IdP vouched for → the token path's identity rules → the shared path; a URL is always a
 * redirect, and several entitled domains without a choice are the chooser's.
 */
async function issueForClaims(
  claims: Readonly<Record<string, unknown>>,
  launch: QueryParameters,
  deps: SsoDeps,
  audit: AuditFacts,
  signal?: AbortSignal,
): Promise<Issuance> {
  const identity = jwtIdentity(claims, deps.identity);
  const issued = await issueStudioUrlFor(identity, () => launch, deps.issue, audit, signal);
  // A browser's chooser lists the person's spaces in each domain too.
  return issued.kind === 'issued' ? { ...issued, redirect: true } : withOpenableSpaces(identity, issued, deps.issue, signal);
}

/**
 * An IdP-initiated RelayState: a landing URI (`studio::…`, `app:…`), or launch parameters as a query
 * (`domain=d-…&landing=…`). Either way launch options only, validated as on GET /studio-url.
 */
export function relayStateParameters(relayState: string): QueryParameters {
  if (relayState.startsWith('studio:') || relayState.startsWith('app:')) return { landing: [relayState] };
  const parameters: Record<string, string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(relayState)) parameters[name] = [...(parameters[name] ?? []), value];
  return parameters;
}

/** GET /sso/login: a fresh state, nonce and PKCE verifier, sealed; the browser goes to the IdP. */
export async function startOidcLogin(source: RequestSource, query: QueryParameters, deps: OidcDeps): Promise<StartedLogin> {
  assertSourceAllowed(source, deps.issue.config.source);
  const launch = launchState(query);
  const { url, checks } = await deps.oidc.authorize();
  const sealedState = await deps.sealer.seal('oidc', {
    ...launch,
    state: checks.state,
    nonce: checks.nonce,
    verifier: checks.codeVerifier,
  });
  return { location: url, sealedState };
}

/** What the OIDC callback carries. */
export interface OidcCallback {
  readonly source: RequestSource;
  /** The callback URL as the IdP sent the browser to it (the configured redirect URI + this query). */
  readonly callbackUrl: string;
  readonly query: QueryParameters;
  /** The sealed cookie (undefined: none), read after the source check. @throws UnauthenticatedError for two of them. */
  readonly sealedState: () => string | undefined;
}

/**
 * GET /sso/callback: the cookie opens, the state matches and has not been used, the code exchange
 * and the ID token pass, and the identity gets its own Studio.
 */
export async function finishOidcLogin(
  callback: OidcCallback,
  deps: OidcDeps,
  audit: AuditFacts = {},
  signal?: AbortSignal,
): Promise<Issuance> {
  assertSourceAllowed(callback.source, deps.issue.config.source);
  const sealed = callback.sealedState();
  if (sealed === undefined) throw new UnauthenticatedError('sso-cookie-missing');
  const state = await deps.sealer.open('oidc', sealed);
  const { state: expectedState, nonce, verifier } = state;
  if (expectedState === undefined || nonce === undefined || verifier === undefined)
    throw new UnauthenticatedError('sso-cookie-invalid');
  if (single(callback.query, 'error') !== undefined) throw new UnauthenticatedError('oidc-authorization-error');
  const returnedState = single(callback.query, 'state');
  if (returnedState === undefined) throw new UnauthenticatedError('oidc-state-missing');
  if (!sameSecret(returnedState, expectedState)) throw new UnauthenticatedError('oidc-state-mismatch');
  const code = single(callback.query, 'code');
  if (code === undefined) throw new UnauthenticatedError('oidc-code-missing');
  // RFC 6749's code is visible ASCII; no IdP's is near 2 KiB. Checked here, before the replay
  // record and before the client secret goes to the token endpoint with it.
  if (!AUTHORIZATION_CODE.test(code)) throw new UnauthenticatedError('oidc-code-malformed');
  const until = deps.clock() + deps.loginTtlSeconds * 1000;
  if (!(await deps.replay.useOnce(`oidc-state:${expectedState}`, until, signal ? { signal } : {}))) {
    throw new UnauthenticatedError('oidc-callback-replayed');
  }
  const claims = await deps.oidc.finish(
    callback.callbackUrl,
    { state: expectedState, nonce, codeVerifier: verifier },
    signal ? { signal } : {},
  );
  audit.subject = typeof claims.sub === 'string' ? claims.sub.slice(0, 256) : '(no sub)';
  return issueForClaims(claims, launchParameters(state), deps, audit, signal);
}

/** GET /sso/saml/metadata: the SP metadata, behind the same source checks. */
export function samlMetadata(source: RequestSource, deps: SamlDeps): string {
  assertSourceAllowed(source, deps.issue.config.source);
  return deps.saml.metadata();
}

/** The RelayState an SP-initiated login sends: the landing alone as before, or the launch as a query when it names a domain. */
function relayStateOf(launch: Record<string, string>): string {
  if (launch.domain === undefined) return launch.landing ?? '';
  return new URLSearchParams(launch).toString();
}

/** GET /sso/saml/login: an AuthnRequest whose id is sealed in the cookie (InResponseTo must match it). */
export async function startSamlLogin(source: RequestSource, query: QueryParameters, deps: SamlDeps): Promise<StartedLogin> {
  assertSourceAllowed(source, deps.issue.config.source);
  if (!deps.spInitiated) throw new InvalidParameterError('route', 'saml-sp-initiated-not-configured');
  const launch = launchState(query);
  const { url, requestId } = await deps.saml.loginUrl(relayStateOf(launch));
  const sealedState = await deps.sealer.seal('saml', { ...launch, requestId });
  return { location: url, sealedState };
}

/** The ACS's form. */
export interface SamlForm {
  readonly samlResponse: string;
  readonly relayState?: string;
}

/** What the ACS receives; the form and the cookie are read only after the source check, as a query is. */
export interface SamlPost {
  readonly source: RequestSource;
  /** @throws InvalidParameterError for a form that cannot be read. */
  readonly form: () => SamlForm;
  /** The sealed cookie (undefined: none). @throws UnauthenticatedError for two of them. */
  readonly sealedState: () => string | undefined;
}

/**
 * POST /sso/saml: the response verifies (SamlPort), SP-initiated ones answer the request sealed in
 * the cookie, IdP-initiated ones only when allowed; each assertion is accepted once, on any container.
 */
export async function acceptSamlPost(
  post: SamlPost,
  deps: SamlDeps,
  audit: AuditFacts = {},
  signal?: AbortSignal,
): Promise<Issuance> {
  assertSourceAllowed(post.source, deps.issue.config.source);
  const form = post.form();
  const sealed = post.sealedState();
  const assertion = await deps.saml.verify(form.samlResponse);
  audit.subject = assertion.nameId.slice(0, 256);
  let launch: QueryParameters;
  if (assertion.inResponseTo !== undefined) {
    if (sealed === undefined) throw new UnauthenticatedError('sso-cookie-missing');
    const state = await deps.sealer.open('saml', sealed);
    if (state.requestId === undefined || !sameSecret(state.requestId, assertion.inResponseTo)) {
      throw new UnauthenticatedError('saml-in-response-to-invalid');
    }
    launch = launchParameters(state);
  } else {
    if (!deps.allowIdpInitiated) throw new UnauthenticatedError('saml-idp-initiated-refused');
    launch = form.relayState ? launchParameters(launchState(relayStateParameters(form.relayState))) : {};
  }
  const key = `saml-assertion:${deps.idpEntityId}\n${assertion.assertionId}`;
  if (!(await deps.replay.useOnce(key, assertion.notOnOrAfterMs, signal ? { signal } : {}))) {
    throw new UnauthenticatedError('saml-assertion-replayed');
  }
  let profile: string | undefined = assertion.nameId;
  if (deps.profileAttribute !== undefined) {
    const values = assertion.attributes[deps.profileAttribute] ?? [];
    profile = values.length === 1 ? values[0] : undefined;
  }
  const claims = { profile, groups: assertion.attributes[deps.groupsAttribute] ?? [] };
  return issueForClaims(claims, launch, deps, audit, signal);
}
