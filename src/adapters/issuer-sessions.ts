/**
 * Sessions of a domain's issuer role, one per (role, person): the only code that asks STS for one
 * (src/adapters/sts-client.ts sends it). Each is opened with `sts:AssumeRole` through STS's
 * interface endpoint (AWS_ENDPOINT_URL_STS, or its private DNS), with `SourceIdentity` set to the person (the domain account's CloudTrail names them
 * on every call of the session) and a role session name derived from them. A session is reused
 * until {@link REFRESH_BEFORE_MS} before it expires, from a bounded cache; callers asking for the
 * same session at once share one AssumeRole, and a failed one is never cached. The call has the
 * bounds of every upstream: one deadline per attempt end to end, a size cap, capped retries with
 * backoff, the request's own deadline. Credentials never leave this module but as the SDK's
 * credential object, and never reach a log; failures keep only a reason from a fixed set.
 */
import { ForbiddenError, StudioGateError, UpstreamInvalidResponseError, UpstreamTimeoutError } from '../domain/errors';
import { ownerSessionTag, personSession, type SessionNaming, type SessionTag } from '../domain/role-session';
import { backoffDelayMs, type UpstreamPolicy } from '../domain/time-budget';
import { TtlMap } from '../domain/ttl-map';
import type { CallOptions, Clock } from '../use-cases/ports';
import { attemptBounds } from './bounded-http-handler';
import { classifySdkError, commonUpstreamError } from './sdk-errors';
import type { StaticCredentials } from './static-credentials';
import { type AssumeRoleAnswer, type StsApi, StsClient } from './sts-client';

/** A session's credentials, as the SDK clients take them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** A session is renewed this long before STS says it expires. */
export const REFRESH_BEFORE_MS = 5 * 60 * 1000;
/** Sessions kept per container; the oldest goes first. */
export const MAX_SESSIONS = 1000;
/** An AssumeRole answer is a few KB; anything near this is not STS. */
const MAX_STS_RESPONSE_BYTES = 64 * 1024;

/** Where and how STS is called. */
export interface StsClientSettings {
  readonly region: string;
  readonly stsEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
}

/** The one STS client of the container, held to the upstream policy like SageMaker's. */
export function createStsClient(settings: StsClientSettings, credentials?: StaticCredentials): StsClient {
  const { upstream } = settings;
  return new StsClient({
    region: settings.region,
    endpoint: settings.stsEndpointUrl,
    credentials,
    ...attemptBounds(upstream, MAX_STS_RESPONSE_BYTES),
    maxAttempts: upstream.maxAttempts,
    backoffMs: (retry) => backoffDelayMs(upstream, retry),
  });
}

/** `promise`, or a request-deadline timeout when `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new UpstreamTimeoutError('request-deadline'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new UpstreamTimeoutError('request-deadline'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What STS's failure means for the request, with a reason from a fixed set (STS's text is never kept). */
export function toStsError(error: unknown): StudioGateError {
  if (error instanceof StudioGateError) return error;
  const { kind, status } = classifySdkError(error);
  const suffix = status === undefined ? '' : `:${status}`;
  // An access denial: the issuer role's trust does not admit this function role (or SourceIdentity), a deployment fault.
  return commonUpstreamError('sts', kind, suffix) ?? new UpstreamInvalidResponseError(`sts-${kind}${suffix}`);
}

/** How sessions are opened and kept. */
export interface IssuerSessionOptions {
  /** DurationSeconds of each session (ISSUER_SESSION_SECONDS). */
  readonly sessionSeconds: number;
  readonly clock: Clock;
  /** Sessions kept; the oldest goes first. */
  readonly maxSessions?: number;
  /** How a session names who it is for: the person (issuance), or the health check itself (src/domain/role-session.ts). */
  readonly naming?: (canonical: string) => SessionNaming;
}

/** What a session is asked for beyond the person. */
export interface SessionRequest extends CallOptions {
  /**
   * Tag-bound issuance: the owner tag's key. The session carries the person's canonical identity as
   * this tag, and the issuer role acts only on profiles whose owner tag equals it.
   */
  readonly ownerTagKey?: string;
}

/** Issuer role sessions per (role, person, binding), cached. */
export class IssuerRoleSessions {
  private readonly sessions: TtlMap<SessionCredentials>;
  private readonly pending = new Map<string, Promise<SessionCredentials>>();
  private readonly naming: (canonical: string) => SessionNaming;

  constructor(
    private readonly sts: StsApi,
    private readonly options: IssuerSessionOptions,
  ) {
    this.sessions = new TtlMap(options.maxSessions ?? MAX_SESSIONS);
    this.naming = options.naming ?? personSession;
  }

  /**
   * The credentials of `canonical`'s session of `roleArn`: cached while more than
   * {@link REFRESH_BEFORE_MS} remain, else from one AssumeRole.
   * @throws a StudioGateError (`sts-*` reasons) when the role cannot be assumed; ForbiddenError
   *   `identity-untaggable` when a tag-bound session is asked for an identity no tag can hold.
   */
  async credentialsFor(roleArn: string, canonical: string, options: SessionRequest = {}): Promise<SessionCredentials> {
    // A tagged and an untagged session of one role and person are different sessions.
    const key = `${roleArn}\n${options.ownerTagKey ?? ''}\n${canonical}`;
    const cached = this.sessions.get(key, this.options.clock());
    if (cached !== undefined) return cached;
    let pending = this.pending.get(key);
    if (pending === undefined) {
      // Checked before the first AssumeRole only: a cached session's identity passed it.
      let tag: SessionTag | undefined;
      if (options.ownerTagKey !== undefined) {
        tag = ownerSessionTag(options.ownerTagKey, canonical);
        if (tag === undefined) throw new ForbiddenError('identity-untaggable');
      }
      // Shared by every caller of this session: bounded by STS's own attempt deadlines, never by one
      // caller's deadline (a caller that gives up must not fail the others); each waits under its own.
      pending = this.assume(key, roleArn, canonical, tag).finally(() => this.pending.delete(key));
      pending.catch(() => {});
      this.pending.set(key, pending);
    }
    return untilAborted(pending, options.signal);
  }

  private async assume(key: string, roleArn: string, canonical: string, tag?: SessionTag): Promise<SessionCredentials> {
    let out: AssumeRoleAnswer;
    const { sourceIdentity, sessionName } = this.naming(canonical);
    try {
      out = await this.sts.assumeRole({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        SourceIdentity: sourceIdentity,
        DurationSeconds: this.options.sessionSeconds,
        ...(tag !== undefined && { Tags: [{ Key: tag.key, Value: tag.value }] }),
      });
    } catch (error) {
      throw toStsError(error);
    }
    const c: { [K in 'AccessKeyId' | 'SecretAccessKey' | 'SessionToken' | 'Expiration']?: unknown } = out.Credentials ?? {};
    const expiration = c.Expiration instanceof Date ? c.Expiration : undefined;
    if (
      typeof c.AccessKeyId !== 'string' ||
      typeof c.SecretAccessKey !== 'string' ||
      typeof c.SessionToken !== 'string' ||
      c.AccessKeyId === '' ||
      expiration === undefined ||
      Number.isNaN(expiration.getTime())
    ) {
      throw new UpstreamInvalidResponseError('sts-malformed-answer');
    }
    const credentials: SessionCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration,
    };
    const reuseUntil = expiration.getTime() - REFRESH_BEFORE_MS;
    if (reuseUntil > this.options.clock()) this.sessions.set(key, credentials, reuseUntil);
    return credentials;
  }
}
