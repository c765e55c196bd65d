/**
 * The one error tree of studio-gate. Every failure the service can explain is a subclass of
 * {@link StudioGateError}; code branches on `instanceof`, never on message text.
 *
 * `reason` is for the audit log only (it may name the claim, the address, the status that caused a
 * denial); the client sees the HTTP mapping in src/http/problem.ts, which never uses `reason` or
 * `message`. Keep secrets out of both anyway: they end up in a log.
 */

/** A stable, machine-readable reason for the audit log, e.g. `source-cidr-not-allowed`. */
export type AuditReason = string;

/** Base of every error studio-gate raises on purpose. */
export abstract class StudioGateError extends Error {
  /** Why, for the audit log (never sent to the client). */
  readonly reason: AuditReason;
  /**
   * A finer why for the audit log, from a fixed vocabulary (e.g. `signature-digest-mismatch` under
   * `saml-signature-invalid`); never request data.
   */
  readonly detail?: string;

  constructor(reason: AuditReason, message?: string, detail?: string) {
    super(message ?? reason);
    // Each subclass names itself too: the bundles are minified without keeping class names.
    this.name = new.target.name;
    this.reason = reason;
    if (detail !== undefined) this.detail = detail;
  }
}

/** A query parameter the client may set has a value outside its documented form. */
export class InvalidParameterError extends StudioGateError {
  override readonly name: string = 'InvalidParameterError';
  constructor(
    readonly parameter: string,
    reason: AuditReason = 'invalid-parameter',
  ) {
    super(reason, `invalid parameter: ${parameter}`);
  }
}

/** No credentials, or credentials that did not verify (bad signature, expired, wrong issuer...). */
export class UnauthenticatedError extends StudioGateError {
  override readonly name: string = 'UnauthenticatedError';
}

/** The caller is known but not allowed: identity, group, profile name or network source. */
export class ForbiddenError extends StudioGateError {
  override readonly name: string = 'ForbiddenError';
}

/** The verified caller maps to a profile that does not exist in the domain. */
export class ProfileNotFoundError extends StudioGateError {
  override readonly name: string = 'ProfileNotFoundError';
  constructor(readonly userProfileName: string) {
    super('profile-not-found');
  }
}

/** The caller asked for a space (`space=`) that its profile does not have. */
export class SpaceNotFoundError extends StudioGateError {
  override readonly name: string = 'SpaceNotFoundError';
  constructor(readonly spaceName: string) {
    super('space-not-found');
  }
}

/** Profile status values as DescribeUserProfile reports them. */
export type ProfileStatus = 'Deleting' | 'Failed' | 'InService' | 'Pending' | 'Updating' | 'Update_Failed' | 'Delete_Failed';

/** The profile exists but is not `InService`. `retryAfterSeconds` is set when waiting helps. */
export class ProfileNotReadyError extends StudioGateError {
  override readonly name: string = 'ProfileNotReadyError';
  constructor(
    readonly status: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`profile-status-${status.toLowerCase()}`);
  }
}

/** SageMaker answered, but not with something we can use (500, validation, access denied, bad URL). */
export class UpstreamInvalidResponseError extends StudioGateError {
  override readonly name: string = 'UpstreamInvalidResponseError';
}

/** Retry-After for a throttled upstream call, in seconds. */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;
/** Retry-After when an upstream (SageMaker, its endpoint, the JWKS) cannot be reached, in seconds. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** SageMaker throttled us or could not be reached; retrying later may work. */
export class UpstreamUnavailableError extends StudioGateError {
  override readonly name: string = 'UpstreamUnavailableError';
  constructor(
    reason: AuditReason,
    readonly retryAfterSeconds: number,
  ) {
    super(reason);
  }
}

/** SageMaker did not answer within the time budget. */
export class UpstreamTimeoutError extends StudioGateError {
  override readonly name: string = 'UpstreamTimeoutError';
}

/** The deployment is misconfigured. Raised once at init; every request then fails closed. */
export class ConfigurationError extends StudioGateError {
  override readonly name: string = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super('configuration-invalid', `invalid configuration:\n- ${problems.join('\n- ')}`);
  }
}

/**
 * An error's name when it is a plain identifier (the type of what was thrown), else `fallback`: the
 * only thing about an unexpected error that may reach a log or a health reason, since its message
 * (or a hostile `name`) may hold anything.
 */
export function plainErrorName(error: unknown, fallback = 'unknown'): string {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? name : fallback;
}
