/**
 * The ports the use cases need, implemented in src/adapters (or by fakes in tests).
 * Use cases receive them as arguments; they never import an adapter.
 */
import type { CallerIdentity } from '../domain/caller';
import type { ProfileTag } from '../domain/profile-owner';
import type { SpaceFacts, SpaceListing } from '../domain/space-access';
import type { StudioDomain } from '../domain/studio-domains';

/** Per-call options: the request's deadline, which aborts the call when it passes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** What DescribeUserProfile says about a profile (either field undefined when SageMaker omitted it). */
export interface UserProfileFacts {
  readonly status?: string;
  /** The profile's ARN, which ListTags needs. */
  readonly arn?: string;
}

/** The SageMaker operations issuance needs. Implementations map SDK errors to src/domain/errors. */
export interface StudioPort {
  /** @throws SpaceNotFoundError when the domain has no such space, or an upstream error. */
  describeSpace(input: { domainId: string; spaceName: string }, options?: CallOptions): Promise<SpaceFacts>;
  /** @throws ProfileNotFoundError, or an upstream error. */
  describeUserProfile(input: { domainId: string; userProfileName: string }, options?: CallOptions): Promise<UserProfileFacts>;
  /** The profile's tags (ListTags on its ARN). */
  listTags(input: { resourceArn: string; userProfileName: string }, options?: CallOptions): Promise<ProfileTag[]>;
  /**
   * The domain's spaces (one page: at most 100), for the SSO chooser. Optional: a port without it
   * lists none.
   */
  listSpaces?(input: { domainId: string }, options?: CallOptions): Promise<SpaceListing[]>;
  /** @returns the AuthorizedUrl as SageMaker sent it (validated by the caller). @throws SpaceNotFoundError for an unknown space. */
  createPresignedDomainUrl(input: PresignRequest, options?: CallOptions): Promise<string | undefined>;
}

/**
 * The SageMaker port to issue a person's URL in a domain with: the function's own credentials for a
 * domain without an issuer role, else a session of that role assumed for this person (SourceIdentity
 * set to them), reused while it lasts.
 * @throws UpstreamUnavailableError / UpstreamTimeoutError / UpstreamInvalidResponseError when the
 *   role cannot be assumed (`sts-*` audit reasons; a refusal by STS is `sts-access-denied`, a
 *   deployment fault).
 */
export interface StudioDirectory {
  studioFor(domain: StudioDomain, identity: CallerIdentity, options?: CallOptions): Promise<StudioPort>;
}

/** A directory that uses one port for every domain (tests, and harnesses with one fake). */
export function oneStudio(studio: StudioPort): StudioDirectory {
  return { studioFor: async () => studio };
}

/** CreatePresignedDomainUrl input, in domain terms. */
export interface PresignRequest {
  readonly domainId: string;
  readonly userProfileName: string;
  readonly expiresInSeconds: number;
  readonly sessionExpirationDurationInSeconds: number;
  readonly landingUri?: string;
  readonly spaceName?: string;
}

/** Verifies a bearer token. @throws UnauthenticatedError, or UpstreamUnavailableError when keys cannot be fetched. */
export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Readonly<Record<string, unknown>>>;
}

/** Milliseconds since the epoch; a port so tests can freeze time. */
export type Clock = () => number;

/** One audit line: who, from where, what was decided and why. No field may hold a credential. */
export interface AuditEntry {
  readonly requestId: string;
  readonly decision: 'allow' | 'deny' | 'error';
  /** `issued`, or the reason of the error that stopped the request (e.g. `source-ip-not-allowed`). */
  readonly reason: string;
  /** A finer why, from a fixed vocabulary, where the reason has one (e.g. which part of a signature failed). */
  readonly detail?: string;
  readonly status: number;
  readonly latencyMs: number;
  /** The IdP's subject (`sub`, NameID) or the IAM principal ARN, as the way in saw it. */
  readonly subject?: string;
  /**
   * The canonical identity (the value the profile's owner tag must hold), the same for one person
   * whichever way they came in: search the log by this.
   */
  readonly identity?: string;
  /** The Studio domain the request was for, once chosen. */
  readonly domainId?: string;
  readonly userProfileName?: string;
  readonly sourceIp?: string;
  readonly vpceId?: string;
  readonly vpcId?: string;
}

/** Where audit lines and operational problems go. */
export interface AuditLog {
  record(entry: AuditEntry): void;
  /** An operational problem (bad configuration, unexpected error). `details` must hold no secrets. */
  problem(message: string, details: Readonly<Record<string, unknown>>): void;
}

/** Per-request metrics (URLs issued, denials by reason, latency), fed from the audit entry. */
export interface RequestMetrics {
  requestFinished(entry: AuditEntry): void;
}

/** No metrics (harnesses that measure something else). */
export const NO_REQUEST_METRICS: RequestMetrics = { requestFinished: () => {} };
