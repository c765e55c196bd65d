/**
 * SageMaker adapter: the only code that talks to the SageMaker API. One client per container,
 * made at init, reaching SageMaker through the interface VPC endpoint: by private DNS by default,
 * or by the endpoint-specific DNS name given in AWS_ENDPOINT_URL_SAGEMAKER (the local stack points
 * the same variable at the emulator). Every attempt is bounded end to end (connect, headers, body,
 * size: src/adapters/bounded-http-handler.ts), retries are capped, and each call also obeys the
 * request's own deadline. SDK errors become domain errors here and nowhere else, with reasons from
 * a fixed set: SageMaker's error names and messages never reach a log.
 */
import {
  CreatePresignedDomainUrlCommand,
  DescribeSpaceCommand,
  DescribeUserProfileCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import {
  ProfileNotFoundError,
  SpaceNotFoundError,
  StudioGateError,
  THROTTLED_RETRY_AFTER_SECONDS,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  UpstreamInvalidResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import type { ProfileTag } from '../domain/profile-owner';
import type { SpaceFacts } from '../domain/space-access';
import { backoffDelayMs, type UpstreamPolicy } from '../domain/time-budget';
import type { CallOptions, PresignRequest, StudioPort, UserProfileFacts } from '../use-cases/ports';
import { BoundedHttpHandler, MAX_SAGEMAKER_RESPONSE_BYTES } from './bounded-http-handler';
import type { StaticCredentials } from './static-credentials';

/** Where and how the SageMaker client calls. */
export interface SageMakerClientSettings {
  readonly region: string;
  /** `AWS_ENDPOINT_URL_SAGEMAKER`: the endpoint-specific DNS name of the VPC endpoint, or the emulator. */
  readonly sagemakerEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
}

/** Builds the one SageMaker client of this container. */
export function createSageMakerClient(config: SageMakerClientSettings, credentials?: StaticCredentials): SageMakerClient {
  const { upstream } = config;
  return new SageMakerClient({
    region: config.region,
    ...(credentials && { credentials }),
    ...(config.sagemakerEndpointUrl !== undefined && { endpoint: config.sagemakerEndpointUrl }),
    requestHandler: new BoundedHttpHandler({
      connectTimeoutMs: upstream.connectTimeoutMs,
      attemptTimeoutMs: upstream.connectTimeoutMs + upstream.requestTimeoutMs,
      maxResponseBytes: MAX_SAGEMAKER_RESPONSE_BYTES,
    }),
    retryStrategy: new ConfiguredRetryStrategy(upstream.maxAttempts, (retry) => backoffDelayMs(upstream, retry)),
  });
}

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
const VALIDATION = new Set(['ValidationException', 'ValidationError', 'SerializationException']);
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

/** The SageMaker operation a failure came from: it decides what a ResourceNotFound means. */
export type StudioOperation =
  | 'DescribeUserProfile'
  | 'ListTags'
  | 'CreatePresignedDomainUrl'
  | 'DescribeDomain'
  | 'DescribeSpace';

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

/**
 * Maps whatever the SDK threw to a domain error whose reason comes from a fixed set (plus the HTTP
 * status, a number). Neither the error's name nor its message is copied: both are upstream text.
 */
export function toDomainError(
  error: unknown,
  context: { operation: StudioOperation; userProfileName: string; spaceName?: string },
): StudioGateError {
  if (error instanceof StudioGateError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = statusOf(e);
  const suffix = status === undefined ? '' : `:${status}`;
  if (name === 'AbortError') return new UpstreamTimeoutError('request-deadline');
  // The function has no credentials (Lambda gives its role's in the environment): nothing was sent.
  if (name === 'CredentialsProviderError') {
    return new UpstreamUnavailableError('sagemaker-credentials-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  if (name === 'ResponseTooLarge') return new UpstreamInvalidResponseError('sagemaker-response-too-large');
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') {
    if (
      (context.operation === 'CreatePresignedDomainUrl' || context.operation === 'DescribeSpace') &&
      context.spaceName !== undefined
    ) {
      return new SpaceNotFoundError(context.spaceName);
    }
    if (context.operation === 'ListTags') return new UpstreamInvalidResponseError(`sagemaker-tags-not-found${suffix}`);
    return new ProfileNotFoundError(context.userProfileName);
  }
  if (THROTTLING.has(name) || status === 429) {
    return new UpstreamUnavailableError(`sagemaker-throttled${suffix}`, THROTTLED_RETRY_AFTER_SECONDS);
  }
  // Before the timeout check: the SDK names a reset connection `TimeoutError` (code ECONNRESET).
  if (UNREACHABLE_CODES.has(code) || name === 'ServiceUnavailable' || status === 503) {
    return new UpstreamUnavailableError(`sagemaker-unavailable${suffix}`, UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout' || TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError('sagemaker-timeout');
  }
  if (VALIDATION.has(name)) return new UpstreamInvalidResponseError(`sagemaker-validation${suffix}`);
  if (ACCESS_DENIED.has(name) || status === 403) return new UpstreamInvalidResponseError(`sagemaker-access-denied${suffix}`);
  if (status !== undefined && status >= 500) return new UpstreamInvalidResponseError(`sagemaker-server-error${suffix}`);
  if (status !== undefined && status >= 200 && status < 300)
    return new UpstreamInvalidResponseError(`sagemaker-malformed-answer${suffix}`);
  return new UpstreamInvalidResponseError(`sagemaker-error${suffix}`);
}

/** {@link StudioPort} over the AWS SDK v3 SageMaker client. */
export class SageMakerStudioAdapter implements StudioPort {
  constructor(protected readonly client: SageMakerClient) {}

  async describeUserProfile(
    input: { domainId: string; userProfileName: string },
    options: CallOptions = {},
  ): Promise<UserProfileFacts> {
    try {
      const out = await this.client.send(
        new DescribeUserProfileCommand({ DomainId: input.domainId, UserProfileName: input.userProfileName }),
        { abortSignal: options.signal },
      );
      return {
        ...(typeof out.Status === 'string' && { status: out.Status }),
        ...(typeof out.UserProfileArn === 'string' && { arn: out.UserProfileArn }),
      };
    } catch (error) {
      throw toDomainError(error, { operation: 'DescribeUserProfile', userProfileName: input.userProfileName });
    }
  }

  async describeSpace(input: { domainId: string; spaceName: string }, options: CallOptions = {}): Promise<SpaceFacts> {
    try {
      const out = await this.client.send(new DescribeSpaceCommand({ DomainId: input.domainId, SpaceName: input.spaceName }), {
        abortSignal: options.signal,
      });
      const sharingType = out.SpaceSharingSettings?.SharingType;
      const owner = out.OwnershipSettings?.OwnerUserProfileName;
      return {
        ...(typeof sharingType === 'string' && { sharingType }),
        ...(typeof owner === 'string' && { ownerUserProfileName: owner }),
      };
    } catch (error) {
      throw toDomainError(error, { operation: 'DescribeSpace', userProfileName: '', spaceName: input.spaceName });
    }
  }

  async listTags(input: { resourceArn: string; userProfileName: string }, options: CallOptions = {}): Promise<ProfileTag[]> {
    try {
      // A resource holds at most 50 tags; 100 per page reads them all in one call. A second page
      // (which SageMaker would never send) is not read: the owner check then fails closed.
      const out = await this.client.send(new ListTagsCommand({ ResourceArn: input.resourceArn, MaxResults: 100 }), {
        abortSignal: options.signal,
      });
      const tags: ProfileTag[] = [];
      for (const tag of out.Tags ?? []) {
        if (typeof tag?.Key === 'string') tags.push({ key: tag.Key, value: typeof tag.Value === 'string' ? tag.Value : '' });
      }
      return tags;
    } catch (error) {
      throw toDomainError(error, { operation: 'ListTags', userProfileName: input.userProfileName });
    }
  }

  async createPresignedDomainUrl(input: PresignRequest, options: CallOptions = {}): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new CreatePresignedDomainUrlCommand({
          DomainId: input.domainId,
          UserProfileName: input.userProfileName,
          ExpiresInSeconds: input.expiresInSeconds,
          SessionExpirationDurationInSeconds: input.sessionExpirationDurationInSeconds,
          ...(input.landingUri !== undefined && { LandingUri: input.landingUri }),
          ...(input.spaceName !== undefined && { SpaceName: input.spaceName }),
        }),
        { abortSignal: options.signal },
      );
      return out.AuthorizedUrl;
    } catch (error) {
      throw toDomainError(error, {
        operation: 'CreatePresignedDomainUrl',
        userProfileName: input.userProfileName,
        ...(input.spaceName !== undefined && { spaceName: input.spaceName }),
      });
    }
  }
}
