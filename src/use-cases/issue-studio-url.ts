/**
 * Use case: a verified caller on an allowed network gets a presigned URL for its own Studio profile.
 *
 * Order matters: the network source is checked first (cheap, and no JWKS fetch for outsiders), then
 * the caller is authenticated, then authorized and mapped to a profile, and only then are the
 * launch options read; SageMaker is called last. A URL is returned only when the profile is owned
 * by the caller (its owner tag names the caller's canonical identity) and InService; the owner
 * verdict comes before the status one, so a stranger's profile tells nothing about its state.
 *
 * In the parallel mode (the default) DescribeUserProfile, ListTags and CreatePresignedDomainUrl
 * start together, so the caller waits one round trip; a URL minted for a profile that then fails a
 * check is dropped here, unseen by the response and the logs. The sequential mode mints nothing it
 * has not checked first. A grant seen a moment ago (the grant cache) needs only the presign.
 * Each step fails closed by throwing a domain error; every SageMaker call carries the request's deadline.
 */
import { partitionOf, userProfileArn } from '../domain/arns';
import {
  type Caller,
  type CallerIdentity,
  type IamCallerPolicy,
  iamIdentity,
  type JwtCallerPolicy,
  jwtIdentity,
  parseIamPrincipal,
} from '../domain/caller';
import { UnauthenticatedError } from '../domain/errors';
import { parseLaunchOptions, type QueryParameters } from '../domain/launch-options';
import { assertSourceAllowed, type RequestSource, type SourcePolicy } from '../domain/network-source';
import { type ProfileMapping, profileNameFor } from '../domain/profile-mapping';
import { assertProfileArn, assertProfileOwnedBy, type OwnerPolicy, type ProfileTag } from '../domain/profile-owner';
import { assertProfileInService } from '../domain/profile-status';
import { assertSpaceOpenableBy, openableSpaces } from '../domain/space-access';
import { chooseDomain, type StudioDomain } from '../domain/studio-domains';
import { assertStudioUrl } from '../domain/studio-url';
import type { CallOptions, Clock, PresignRequest, StudioDirectory, StudioPort, TokenVerifier } from './ports';
import { NO_GRANT_CACHE, type ProfileGrantCache } from './profile-grant-cache';

/** What API Gateway told us about a request, already lifted out of the event. */
export interface StudioUrlRequest {
  /** Every `Authorization` header value (jwt mode); more than one is refused. */
  readonly authorizations: readonly string[];
  /** `requestContext.identity.userArn` (iam mode). */
  readonly iamUserArn?: string;
  readonly source: RequestSource;
  /**
   * The caller's launch parameters (the query of a GET, the JSON body of a POST). Read only after
   * the caller is authenticated, so an outsider learns nothing from them.
   * @throws InvalidParameterError for a body that cannot be read
   */
  readonly parameters: () => QueryParameters;
}

/** A URL issued for the caller's own profile. `url` is a bearer credential: never log it. */
export interface IssuedStudioUrl {
  readonly kind: 'issued';
  readonly url: string;
  readonly expiresAt: string;
  readonly domainId: string;
  readonly userProfileName: string;
  readonly redirect: boolean;
}

/** A domain the caller may choose: its id and label, nothing else of the configuration. */
export interface DomainOption {
  readonly id: string;
  readonly label: string;
  /** The spaces the caller may open there (the SSO chooser lists them; see {@link withOpenableSpaces}). */
  readonly spaces?: readonly string[];
}

/**
 * The caller is entitled to several domains and named none: the choices, in configured order, and
 * the launch options it asked for (landing, space, redirect), to carry into each choice.
 */
export interface DomainChoices {
  readonly kind: 'choose';
  readonly domains: readonly DomainOption[];
  readonly launch: QueryParameters;
}

/** What issuing ends in: a URL, or the domains to choose from. */
export type Issuance = IssuedStudioUrl | DomainChoices;

/** Facts the use case learns along the way, for the audit line (filled in even when it fails). */
export interface AuditFacts {
  subject?: string;
  /** The canonical identity, once derived: one name per person across every way in. */
  identity?: string;
  /** The domain the request is for, once chosen. */
  domainId?: string;
  userProfileName?: string;
  /** The reason of an answer that is not an error (default `issued`), e.g. `health-unhealthy`. */
  outcome?: string;
}

/** What the use case reads of its configuration (configuration builds it; see src/config/studio-url.ts). */
export interface IssuanceSettings {
  /** The functions' own region. */
  readonly region: string;
  /** The domains served, with their entitlements (src/config/domains.ts). */
  readonly domains: readonly StudioDomain[];
  /** Who may call and how a caller becomes an identity. */
  readonly auth: ({ readonly mode: 'jwt' } & JwtCallerPolicy) | ({ readonly mode: 'iam' } & IamCallerPolicy);
  readonly profile: ProfileMapping;
  /** The owner-tag check (on unless PROFILE_OWNER_CHECK=off). */
  readonly owner: OwnerPolicy;
  readonly source: SourcePolicy;
  readonly urlExpiresInSeconds: number;
  readonly sessionExpiresInSeconds: number;
  /** `parallel`: the SageMaker calls start together (one round trip); `sequential`: each after the last check. */
  readonly sagemakerCallMode: 'parallel' | 'sequential';
  /** Local stack only: the emulator origin presigned URLs may also point to. Loopback only. */
  readonly localStudioOrigin?: string;
}

/** The use case's collaborators. */
export interface IssueStudioUrlDeps {
  readonly config: IssuanceSettings;
  /** The SageMaker port per domain and person (src/adapters/studio-directory.ts). */
  readonly studios: StudioDirectory;
  /** Required in jwt mode. */
  readonly tokens?: TokenVerifier;
  readonly clock: Clock;
  /** Recent grants; default: none. */
  readonly grants?: ProfileGrantCache;
}

async function authenticate(request: StudioUrlRequest, deps: IssueStudioUrlDeps): Promise<Caller> {
  const { auth } = deps.config;
  if (auth.mode === 'iam') {
    const principal = parseIamPrincipal(request.iamUserArn);
    return { kind: 'iam', subject: request.iamUserArn as string, principal };
  }
  if (!deps.tokens) throw new Error('jwt mode needs a token verifier');
  if (request.authorizations.length > 1) throw new UnauthenticatedError('authorization-repeated');
  const claims = await deps.tokens.verify(request.authorizations[0]);
  // For the audit line: the IdP's subject, bounded (it is the IdP's text, not ours).
  const subject = typeof claims.sub === 'string' ? claims.sub.slice(0, 256) : '(no sub)';
  return { kind: 'jwt', subject, claims };
}

function identityOf(caller: Caller, config: IssuanceSettings): CallerIdentity {
  const { auth } = config;
  if (caller.kind === 'iam' && auth.mode === 'iam') return iamIdentity(caller.principal, auth);
  if (caller.kind === 'jwt' && auth.mode === 'jwt') return jwtIdentity(caller.claims, auth);
  throw new Error(`caller kind ${caller.kind} does not match AUTH_MODE ${auth.mode}`);
}

/**
 * @throws a StudioGateError subclass for every refusal or upstream fault.
 */
export async function issueStudioUrl(
  request: StudioUrlRequest,
  deps: IssueStudioUrlDeps,
  audit: AuditFacts = {},
  signal?: AbortSignal,
): Promise<Issuance> {
  assertSourceAllowed(request.source, deps.config.source);
  const caller = await authenticate(request, deps);
  audit.subject = caller.subject;
  const identity = identityOf(caller, deps.config);
  return issueStudioUrlFor(identity, request.parameters, deps, audit, signal);
}

/**
 * The part every way in shares (GET/POST /studio-url, the OIDC callback, the SAML ACS): an identity
 * already verified → its profile → the domain (among those it is entitled to) → owner → status → a
 * checked presigned URL. The source check and the caller's authentication are the way in's own,
 * and must have passed.
 * @returns the URL, or the choices when the caller is entitled to several domains and named none.
 * @throws a StudioGateError subclass for every refusal or upstream fault.
 */
export async function issueStudioUrlFor(
  identity: CallerIdentity,
  parameters: () => QueryParameters,
  deps: IssueStudioUrlDeps,
  audit: AuditFacts = {},
  signal?: AbortSignal,
): Promise<Issuance> {
  const { config } = deps;
  const call = signal === undefined ? {} : { signal };
  audit.identity = identity.canonical.slice(0, 256);
  const userProfileName = profileNameFor(identity, config.profile);
  audit.userProfileName = userProfileName;
  const query = parameters();
  const options = parseLaunchOptions(query);
  const choice = chooseDomain(config.domains, identity.groups ?? [], options.domainId);
  if (choice.kind === 'choose') {
    audit.outcome = 'domain-choice';
    const { domain: _none, ...launch } = query;
    return { kind: 'choose', domains: choice.domains.map(({ id, label }) => ({ id, label })), launch };
  }
  const { domain } = choice;
  audit.domainId = domain.id;
  const studio = await deps.studios.studioFor(domain, identity, call);

  const presign: PresignRequest = {
    domainId: domain.id,
    userProfileName,
    expiresInSeconds: config.urlExpiresInSeconds,
    sessionExpirationDurationInSeconds: config.sessionExpiresInSeconds,
    ...(options.landingUri !== undefined && { landingUri: options.landingUri }),
    ...(options.spaceName !== undefined && { spaceName: options.spaceName }),
  };
  const issuedAt = deps.clock();
  const authorizedUrl = await checkedPresign(presign, identity, domain, studio, deps, call);
  const url = assertStudioUrl(authorizedUrl, {
    domainId: domain.id,
    region: domain.region,
    localOrigin: config.localStudioOrigin,
  });
  return {
    kind: 'issued',
    url,
    expiresAt: new Date(issuedAt + config.urlExpiresInSeconds * 1000).toISOString(),
    domainId: domain.id,
    userProfileName,
    redirect: options.redirect,
  };
}

/**
 * The checks and the presign, in the configured mode. @returns the AuthorizedUrl, only after the
 * profile proved owned and InService (or was, a moment ago, per the grant cache).
 */
async function checkedPresign(
  presign: PresignRequest,
  identity: CallerIdentity,
  domain: StudioDomain,
  studio: StudioPort,
  deps: IssueStudioUrlDeps,
  call: CallOptions,
): Promise<string | undefined> {
  const { config } = deps;
  const grants = deps.grants ?? NO_GRANT_CACHE;
  const { userProfileName } = presign;
  const expectedArn = { region: domain.region, domainId: domain.id, userProfileName };
  const grantKey = `${domain.id}/${userProfileName}`;
  const owned = config.owner.check === 'on';
  const parallel = config.sagemakerCallMode === 'parallel';

  /**
   * The presign once `checks` hold. Parallel: started at once, its URL dropped unseen unless they
   * hold (their verdict is the answer, whatever the presign did). Sequential: nothing is minted
   * first. Either way every call this request started has settled before it answers: nothing is
   * left running into the next invocation.
   */
  const presignAfter = async (checks: Promise<void>): Promise<string | undefined> => {
    if (!parallel) {
      await Promise.allSettled([checks, spaceChecked]);
      await checks;
      return studio.createPresignedDomainUrl(presign, call);
    }
    const minted = studio.createPresignedDomainUrl(presign, call);
    const [checked, url] = await Promise.allSettled([checks, minted, spaceChecked]);
    if (checked.status === 'rejected') throw checked.reason;
    if (url.status === 'rejected') throw url.reason;
    return url.value;
  };

  // A space must be one this profile may open: asked every time (never from the grant cache), at
  // once, so it costs no round trip of its own. Its verdict is read after the profile's.
  const spaceName = presign.spaceName;
  const spaceChecked =
    spaceName === undefined
      ? Promise.resolve()
      : studio
          .describeSpace({ domainId: domain.id, spaceName }, call)
          .then((space) => assertSpaceOpenableBy(space, userProfileName));
  spaceChecked.catch(() => {}); // read by presignAfter, after the profile's verdicts

  if (grants.has(grantKey, identity.canonical)) return presignAfter(spaceChecked);

  const describe = () => studio.describeUserProfile({ domainId: domain.id, userProfileName }, call);
  const tagsOf = (resourceArn: string) => studio.listTags({ resourceArn, userProfileName }, call);

  const sequentialChecks = async (): Promise<void> => {
    const profile = await describe();
    if (owned)
      assertProfileOwnedBy(await tagsOf(assertProfileArn(profile.arn, expectedArn)), identity.canonical, config.owner.tagKey);
    assertProfileInService(profile.status);
    grants.remember(grantKey, identity.canonical);
    await spaceChecked;
  };

  // Parallel: every call starts now. With the account known, the profile's ARN is known too and
  // ListTags need not wait for DescribeUserProfile; without it, it waits for that one answer.
  const parallelChecks = async (): Promise<void> => {
    const { region, id: domainId, accountId } = domain;
    const knownArn =
      accountId === undefined
        ? undefined
        : userProfileArn({ partition: partitionOf(region), region, accountId, domainId }, userProfileName);
    const described = describe();
    const tags = owned
      ? knownArn !== undefined
        ? tagsOf(knownArn)
        : described.then((profile) => tagsOf(assertProfileArn(profile.arn, expectedArn)))
      : Promise.resolve([]);
    const [profile, tagList] = await Promise.allSettled([described, tags]);
    // Verdicts in the sequential order, so both modes answer alike.
    if (profile.status === 'rejected') throw profile.reason;
    if (owned) {
      const arn = assertProfileArn(profile.value.arn, expectedArn);
      // SageMaker may spell the ARN differently (case): then the tags read were not provably this
      // profile's, so they are read again on the ARN it named (one more round trip, only then).
      let ownerTags: ProfileTag[];
      if (knownArn !== undefined && arn !== knownArn) ownerTags = await tagsOf(arn);
      else if (tagList.status === 'fulfilled') ownerTags = tagList.value;
      else throw tagList.reason;
      assertProfileOwnedBy(ownerTags, identity.canonical, config.owner.tagKey);
    }
    assertProfileInService(profile.value.status);
    grants.remember(grantKey, identity.canonical);
    await spaceChecked;
  };

  return presignAfter(parallel ? parallelChecks() : sequentialChecks());
}

/**
 * The choices with, for each domain, the spaces the caller may open there (shared ones, and private
 * ones of their own profile), listed through the credentials that issue there. A convenience for
 * the chooser page: a domain whose spaces cannot be listed is offered without them, and a space link
 * is checked again, in full, when it is followed. Launch options that already name a space list none.
 */
export async function withOpenableSpaces(
  identity: CallerIdentity,
  choices: DomainChoices,
  deps: IssueStudioUrlDeps,
  signal?: AbortSignal,
): Promise<DomainChoices> {
  if (choices.launch.space !== undefined) return choices;
  const { config } = deps;
  const userProfileName = profileNameFor(identity, config.profile);
  const call = signal === undefined ? {} : { signal };
  const domains = await Promise.all(
    choices.domains.map(async (option): Promise<DomainOption> => {
      const domain = config.domains.find((d) => d.id === option.id);
      if (domain === undefined) return option;
      try {
        const studio = await deps.studios.studioFor(domain, identity, call);
        if (studio.listSpaces === undefined) return option;
        return { ...option, spaces: openableSpaces(await studio.listSpaces({ domainId: domain.id }, call), userProfileName) };
      } catch {
        return option;
      }
    }),
  );
  return { ...choices, domains };
}
