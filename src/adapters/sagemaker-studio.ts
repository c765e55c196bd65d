/**
 * SageMaker adapter: the only code that talks to the SageMaker API. One client per container,
 * made at init, reaching SageMaker through the interface VPC endpoint: by private DNS by default,
 * or by the endpoint-specific DNS name given in AWS_ENDPOINT_URL_SAGEMAKER (the local stack points
 * the same variable at the emulator). Every call is bounded: connect and request timeouts, and a
 * retry policy whose worst case src/config.ts checks against the function timeout.
 * SDK errors become domain errors here and nowhere else.
 */
import { CreatePresignedDomainUrlCommand, DescribeUserProfileCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { backoffDelayMs, type StudioGateConfig } from '../config';
import {
  ProfileNotFoundError,
  StudioGateError,
  THROTTLED_RETRY_AFTER_SECONDS,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  UpstreamInvalidResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import type { PresignRequest, StudioPort } from '../use-cases/ports';

/** Builds the one SageMaker client of this container from the validated config. */
export function createSageMakerClient(
  config: Pick<StudioGateConfig, 'region' | 'sagemakerEndpointUrl' | 'upstream'>,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): SageMakerClient {
  const { upstream } = config;
  return new SageMakerClient({
    region: config.region,
    ...(credentials && { credentials }),
    ...(config.sagemakerEndpointUrl !== undefined && { endpoint: config.sagemakerEndpointUrl }),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: upstream.connectTimeoutMs,
      requestTimeout: upstream.requestTimeoutMs,
      // Without this the handler only logs a warning and keeps waiting: the budget would not hold.
      throwOnRequestTimeout: true,
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

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps whatever the SDK threw to a domain error. The message is never copied: it may echo input. */
export function toDomainError(error: unknown, userProfileName: string): StudioGateError {
  if (error instanceof StudioGateError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'UnknownError';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return new ProfileNotFoundError(userProfileName);
  if (THROTTLING.has(name) || status === 429) {
    return new UpstreamUnavailableError(`sagemaker-throttled:${name}`, THROTTLED_RETRY_AFTER_SECONDS);
  }
  // Before the timeout check: the SDK names a reset connection `TimeoutError` (code ECONNRESET).
  if ((e.code !== undefined && UNREACHABLE_CODES.has(e.code)) || name === 'ServiceUnavailable' || status === 503) {
    return new UpstreamUnavailableError(`sagemaker-unavailable:${e.code ?? name}`, UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout' || (e.code !== undefined && TIMEOUT_CODES.has(e.code))) {
    return new UpstreamTimeoutError(`sagemaker-timeout:${e.code ?? name}`);
  }
  return new UpstreamInvalidResponseError(`sagemaker-error:${name}${status ? `:${status}` : ''}`);
}

/** {@link StudioPort} over the AWS SDK v3 SageMaker client. */
export class SageMakerStudioAdapter implements StudioPort {
  constructor(private readonly client: SageMakerClient) {}

  async describeUserProfile(input: { domainId: string; userProfileName: string }): Promise<{ status?: string }> {
    try {
      const out = await this.client.send(
        new DescribeUserProfileCommand({ DomainId: input.domainId, UserProfileName: input.userProfileName }),
      );
      return out.Status === undefined ? {} : { status: out.Status };
    } catch (error) {
      throw toDomainError(error, input.userProfileName);
    }
  }

  async createPresignedDomainUrl(input: PresignRequest): Promise<string | undefined> {
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
      );
      return out.AuthorizedUrl;
    } catch (error) {
      throw toDomainError(error, input.userProfileName);
    }
  }
}
