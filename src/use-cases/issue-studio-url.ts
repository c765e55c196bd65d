/**
 * Use case: a verified caller on an allowed network gets a presigned URL for its own Studio profile.
 *
 * Order matters: the network source is checked first (cheap, and no JWKS fetch for outsiders), then
 * the caller is authenticated, then authorized and mapped to a profile, and only then are the
 * launch options read; SageMaker is called last. Before any URL is minted the profile must be owned
 * by the caller (its owner tag names the caller's canonical identity) and be InService: the owner
 * check comes first, so a stranger's profile tells nothing about its status. Each step fails closed
 * by throwing a domain error. Every SageMaker call carries the request's deadline.
 */
import type { StudioGateConfig } from '../config';
import { type Caller, type CallerIdentity, iamIdentity, jwtIdentity, parseIamPrincipal } from '../domain/caller';
import { UnauthenticatedError } from '../domain/errors';
import { parseLaunchOptions, type QueryParameters } from '../domain/launch-options';
import { assertSourceAllowed, type RequestSource } from '../domain/network-source';
import { profileNameFor } from '../domain/profile-mapping';
import { assertProfileArn, assertProfileOwnedBy } from '../domain/profile-owner';
import { assertProfileInService } from '../domain/profile-status';
import { assertStudioUrl } from '../domain/studio-url';
import type { Clock, StudioPort, TokenVerifier } from './ports';

/** What API Gateway told us about a request, already lifted out of the event. */
export interface StudioUrlRequest {
  /** Every `Authorization` header value (jwt mode); more than one is refused. */
  readonly authorizations: readonly string[];
  /** `requestContext.identity.userArn` (iam mode). */
  readonly iamUserArn?: string;
  readonly source: RequestSource;
  readonly query: QueryParameters;
}

/** A URL issued for the caller's own profile. `url` is a bearer credential: never log it. */
export interface IssuedStudioUrl {
  readonly url: string;
  readonly expiresAt: string;
  readonly domainId: string;
  readonly userProfileName: string;
  readonly redirect: boolean;
}

/** Facts the use case learns along the way, for the audit line (filled in even when it fails). */
export interface AuditFacts {
  subject?: string;
  userProfileName?: string;
}

/** The use case's collaborators. */
export interface IssueStudioUrlDeps {
  readonly config: StudioGateConfig;
  readonly studio: StudioPort;
  /** Required in jwt mode. */
  readonly tokens?: TokenVerifier;
  readonly clock: Clock;
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
  const subject = typeof claims.sub === 'string' ? claims.sub : '(no sub)';
  return { kind: 'jwt', subject, claims };
}

function identityOf(caller: Caller, config: StudioGateConfig): CallerIdentity {
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
): Promise<IssuedStudioUrl> {
  const { config, studio } = deps;
  const call = signal === undefined ? {} : { signal };
  assertSourceAllowed(request.source, config.source);
  const caller = await authenticate(request, deps);
  audit.subject = caller.subject;
  const identity = identityOf(caller, config);
  const userProfileName = profileNameFor(identity, config.profile);
  audit.userProfileName = userProfileName;
  const options = parseLaunchOptions(request.query);

  const profile = await studio.describeUserProfile({ domainId: config.domainId, userProfileName }, call);
  if (config.owner.check === 'on') {
    const resourceArn = assertProfileArn(profile.arn, { region: config.region, domainId: config.domainId, userProfileName });
    const tags = await studio.listTags({ resourceArn, userProfileName }, call);
    assertProfileOwnedBy(tags, identity.canonical, config.owner.tagKey);
  }
  assertProfileInService(profile.status);

  const issuedAt = deps.clock();
  const url = assertStudioUrl(
    await studio.createPresignedDomainUrl(
      {
        domainId: config.domainId,
        userProfileName,
        expiresInSeconds: config.urlExpiresInSeconds,
        sessionExpirationDurationInSeconds: config.sessionExpiresInSeconds,
        ...(options.landingUri !== undefined && { landingUri: options.landingUri }),
        ...(options.spaceName !== undefined && { spaceName: options.spaceName }),
      },
      call,
    ),
    { domainId: config.domainId, region: config.region, localOrigin: config.localStudioOrigin },
  );
  return {
    url,
    expiresAt: new Date(issuedAt + config.urlExpiresInSeconds * 1000).toISOString(),
    domainId: config.domainId,
    userProfileName,
    redirect: options.redirect,
  };
}
