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
  ListSpacesCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  ForbiddenError,
  ProfileNotFoundError,
  SpaceNotFoundError,
  StudioGateError,
  UpstreamInvalidResponseError,
} from '../domain/errors';
import type { ProfileTag } from '../domain/profile-owner';
import type { SpaceFacts, SpaceListing } from '../domain/space-access';
import type { UpstreamPolicy } from '../domain/time-budget';
import type { CallOptions, PresignRequest, StudioPort, UserProfileFacts } from '../use-cases/ports';
import { boundedTransport, MAX_SAGEMAKER_RESPONSE_BYTES } from './bounded-http-handler';
import type { KeepAlivePool } from './bounded-request';
import { classifySdkError, commonUpstreamError } from './sdk-errors';
import type { StaticCredentials } from './static-credentials';

/** Where and how the SageMaker client calls. */
export interface SageMakerClientSettings {
  readonly region: string;
  /** `AWS_ENDPOINT_URL_SAGEMAKER`: the endpoint-specific DNS name of the VPC endpoint, or the emulator. */
  readonly sagemakerEndpointUrl?: string;
  readonly upstream: UpstreamPolicy;
}

/**
 * Settings studio-gate decides itself, so that no client looks them up: left unset, each is looked
 * up on a client's first call in the environment and then in ~/.aws/config and ~/.aws/credentials
 * (a thrown and caught error and a file read each, six per client, on every cold start and every
 * new session's client). FIPS and dual-stack endpoints are refused at start
 * (src/config/environment.ts); requests are signed with SigV4 only; clock-skew correction stays on.
 * The endpoint is the one configuration checked (a domain's interface endpoint) or, with none, the
 * regional name: never one from `AWS_ENDPOINT_URL` or a config file's `endpoint_url`, which would
 * bypass that check.
 */
const DECIDED_SETTINGS = {
  ignoreConfiguredEndpointUrls: true,
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
  authSchemePreference: [] as string[],
  userAgentAppId: async () => undefined,
  disableClockSkewCorrection: false,
} as const;

/**
 * Builds a SageMaker client: the function's own, or a person's session's. `pool`: connections
 * shared with the function's other SageMaker clients (src/adapters/bounded-request.ts).
 */
export function createSageMakerClient(
  config: SageMakerClientSettings,
  credentials?: StaticCredentials,
  pool?: KeepAlivePool,
): SageMakerClient {
  const { upstream } = config;
  return new SageMakerClient({
    region: config.region,
    ...(credentials && { credentials }),
    ...(config.sagemakerEndpointUrl !== undefined && { endpoint: config.sagemakerEndpointUrl }),
    ...boundedTransport(upstream, MAX_SAGEMAKER_RESPONSE_BYTES, pool),
    ...DECIDED_SETTINGS,
    maxAttempts: upstream.maxAttempts,
  });
}

/** The SageMaker operation a failure came from: it decides what a ResourceNotFound means. */
export type StudioOperation =
  | 'DescribeUserProfile'
  | 'ListTags'
  | 'CreatePresignedDomainUrl'
  | 'DescribeDomain'
  | 'DescribeSpace'
  | 'ListSpaces'
  | 'ListUserProfiles';

/**
 * Maps whatever the SDK threw to a domain error whose reason comes from a fixed set (plus the HTTP
 * status, a number). Neither the error's name nor its message is copied: both are upstream text.
 */
export function toDomainError(
  error: unknown,
  context: { operation: StudioOperation; userProfileName: string; spaceName?: string; tagBound?: boolean },
): StudioGateError {
  if (error instanceof StudioGateError) return error;
  const { kind, status } = classifySdkError(error);
  // IAM holding the door: the person's tagged session may not touch this profile (or space).
  if (kind === 'access-denied' && context.tagBound === true) return new ForbiddenError('issuer-role-refused');
  const suffix = status === undefined ? '' : `:${status}`;
  const common = commonUpstreamError('sagemaker', kind, suffix);
  if (common !== undefined) return common;
  if (kind === 'response-too-large') return new UpstreamInvalidResponseError('sagemaker-response-too-large');
  if (kind === 'not-found') {
    if (
      (context.operation === 'CreatePresignedDomainUrl' || context.operation === 'DescribeSpace') &&
      context.spaceName !== undefined
    ) {
      return new SpaceNotFoundError(context.spaceName);
    }
    if (context.operation === 'ListTags') return new UpstreamInvalidResponseError(`sagemaker-tags-not-found${suffix}`);
    return new ProfileNotFoundError(context.userProfileName);
  }
  return new UpstreamInvalidResponseError(`sagemaker-${kind}${suffix}`);
}

/** {@link StudioPort} over the AWS SDK v3 SageMaker client. */
export class SageMakerStudioAdapter implements StudioPort {
  /**
   * @param tagBound the client is a tag-bound issuer role session's: IAM refusing it an action is a
   *   refusal of the person (a profile or space they do not own), not a fault of the deployment.
   */
  constructor(
    protected readonly client: SageMakerClient,
    private readonly tagBound = false,
  ) {}

  /** {@link toDomainError}, knowing whose session the client is. */
  private failure(error: unknown, context: Omit<Parameters<typeof toDomainError>[1], 'tagBound'>): StudioGateError {
    return toDomainError(error, { ...context, tagBound: this.tagBound });
  }

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
      throw this.failure(error, { operation: 'DescribeUserProfile', userProfileName: input.userProfileName });
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
      throw this.failure(error, { operation: 'DescribeSpace', userProfileName: '', spaceName: input.spaceName });
    }
  }

  async listSpaces(input: { domainId: string }, options: CallOptions = {}): Promise<SpaceListing[]> {
    try {
      // One page of 100: the chooser offers a few; a domain with more keeps them reachable by space=.
      const out = await this.client.send(new ListSpacesCommand({ DomainIdEquals: input.domainId, MaxResults: 100 }), {
        abortSignal: options.signal,
      });
      const spaces: SpaceListing[] = [];
      for (const space of out.Spaces ?? []) {
        if (typeof space?.SpaceName !== 'string' || space.DomainId !== input.domainId) continue;
        const sharingType = space.SpaceSharingSettingsSummary?.SharingType;
        const owner = space.OwnershipSettingsSummary?.OwnerUserProfileName;
        spaces.push({
          spaceName: space.SpaceName,
          ...(typeof sharingType === 'string' && { sharingType }),
          ...(typeof owner === 'string' && { ownerUserProfileName: owner }),
        });
      }
      return spaces;
    } catch (error) {
      throw this.failure(error, { operation: 'ListSpaces', userProfileName: '' });
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
      throw this.failure(error, { operation: 'ListTags', userProfileName: input.userProfileName });
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
      throw this.failure(error, {
        operation: 'CreatePresignedDomainUrl',
        userProfileName: input.userProfileName,
        ...(input.spaceName !== undefined && { spaceName: input.spaceName }),
      });
    }
  }
}
