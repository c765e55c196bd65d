/**
 * What an AWS SDK failure is, whichever service threw it: a kind from a fixed set and the HTTP
 * status (a number). Each adapter turns the kind into its own domain error; the error's name and
 * message are upstream text and are never copied anywhere.
 */

import {
  type StudioGateError,
  THROTTLED_RETRY_AFTER_SECONDS,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';

/** The kinds of SDK failures the adapters tell apart. */
export type SdkFailureKind =
  | 'aborted'
  | 'credentials'
  | 'response-too-large'
  | 'not-found'
  | 'throttled'
  | 'unreachable'
  | 'timeout'
  | 'validation'
  | 'access-denied'
  | 'server-error'
  | 'malformed-answer'
  | 'error';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ResourceLimitExceeded',
]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED']);
const VALIDATION = new Set(['ValidationException', 'ValidationError', 'SerializationException', 'MalformedPolicyDocument']);
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RegionDisabledException',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** An HTTP status as a number we may log, or undefined: upstream data is never logged verbatim. */
function statusOf(e: SdkErrorShape): number | undefined {
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Classifies whatever an SDK client threw. */
export function classifySdkError(error: unknown): { kind: SdkFailureKind; status?: number } {
  const e = (error ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = statusOf(e);
  const kind = ((): SdkFailureKind => {
    if (name === 'AbortError') return 'aborted';
    // No credentials (Lambda gives its role's in the environment): nothing was sent.
    if (name === 'CredentialsProviderError') return 'credentials';
    if (name === 'ResponseTooLarge') return 'response-too-large';
    // An answer whose bytes fail the integrity check its service sends (DynamoDB's CRC32), whatever its status.
    if (name === 'ResponseChecksumMismatch') return 'malformed-answer';
    if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return 'not-found';
    if (THROTTLING.has(name) || status === 429) return 'throttled';
    // Before the timeout check: the SDK names a reset connection `TimeoutError` (code ECONNRESET).
    if (UNREACHABLE_CODES.has(code) || name === 'ServiceUnavailable' || status === 503) return 'unreachable';
    if (name === 'TimeoutError' || name === 'RequestTimeout' || TIMEOUT_CODES.has(code)) return 'timeout';
    if (VALIDATION.has(name)) return 'validation';
    if (ACCESS_DENIED.has(name) || status === 403) return 'access-denied';
    if (status !== undefined && status >= 500) return 'server-error';
    if (status !== undefined && status >= 200 && status < 300) return 'malformed-answer';
    return 'error';
  })();
  return status === undefined ? { kind } : { kind, status };
}

/**
 * The failures every upstream answers alike (`<service>-…` reasons): the request's deadline passed,
 * no credentials, throttled, unreachable, timed out. @returns undefined for the service's own kinds.
 */
export function commonUpstreamError(
  service: 'sagemaker' | 'sts',
  kind: SdkFailureKind,
  suffix: string,
): StudioGateError | undefined {
  switch (kind) {
    case 'aborted':
      return new UpstreamTimeoutError('request-deadline');
    case 'credentials':
      return new UpstreamUnavailableError(`${service}-credentials-unavailable`, UNAVAILABLE_RETRY_AFTER_SECONDS);
    case 'throttled':
      return new UpstreamUnavailableError(`${service}-throttled${suffix}`, THROTTLED_RETRY_AFTER_SECONDS);
    case 'unreachable':
      return new UpstreamUnavailableError(`${service}-unavailable${suffix}`, UNAVAILABLE_RETRY_AFTER_SECONDS);
    case 'timeout':
      return new UpstreamTimeoutError(`${service}-timeout`);
    default:
      return undefined;
  }
}
