import {
  CreatePresignedDomainUrlCommand,
  DescribeUserProfileCommand,
  ListSpacesCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerStudioAdapter, toDomainError } from '../../../src/adapters/sagemaker-studio';
import {
  ProfileNotFoundError,
  SpaceNotFoundError,
  THROTTLED_RETRY_AFTER_SECONDS,
  UpstreamInvalidResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../src/domain/errors';

const sagemaker = mockClient(SageMakerClient);

function serviceError(name: string, status: number): SageMakerServiceException {
  return new SageMakerServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `secret detail for ${name}`,
  });
}

describe('SageMakerStudioAdapter', () => {
  const adapter = new SageMakerStudioAdapter(new SageMakerClient({ region: 'eu-west-1' }));

  beforeEach(() => sagemaker.reset());

  it('asks DescribeUserProfile for exactly the domain and profile and returns the status', async () => {
    // Prepare
    sagemaker.on(DescribeUserProfileCommand).resolves({ Status: 'InService' });
    // Act
    const result = await adapter.describeUserProfile({ domainId: 'd-abc123', userProfileName: 'alice' });
    // Assess
    expect(result).toEqual({ status: 'InService' });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeUserProfileCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeUserProfileCommand, { DomainId: 'd-abc123', UserProfileName: 'alice' });
  });

  it('returns the profile ARN DescribeUserProfile names', async () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-abc123/alice';
    sagemaker.on(DescribeUserProfileCommand).resolves({ Status: 'InService', UserProfileArn: arn });
    await expect(adapter.describeUserProfile({ domainId: 'd-abc123', userProfileName: 'alice' })).resolves.toEqual({
      status: 'InService',
      arn,
    });
  });

  it('reads the tags of exactly the profile ARN, in one page', async () => {
    const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-abc123/alice';
    sagemaker.on(ListTagsCommand).resolves({
      Tags: [{ Key: 'studio-gate:owner', Value: 'alice@example.com' }, { Key: 'x' } as { Key: string; Value: string }],
    });
    await expect(adapter.listTags({ resourceArn: arn, userProfileName: 'alice' })).resolves.toEqual([
      { key: 'studio-gate:owner', value: 'alice@example.com' },
      { key: 'x', value: '' },
    ]);
    expect(sagemaker).toHaveReceivedCommandWith(ListTagsCommand, { ResourceArn: arn, MaxResults: 100 });
  });

  it('returns no status when SageMaker omits it', async () => {
    sagemaker.on(DescribeUserProfileCommand).resolves({});
    await expect(adapter.describeUserProfile({ domainId: 'd-abc123', userProfileName: 'alice' })).resolves.toEqual({});
  });

  it('sends CreatePresignedDomainUrl with the expiries and only the options given', async () => {
    sagemaker.on(CreatePresignedDomainUrlCommand).resolves({ AuthorizedUrl: 'https://x/auth?token=t' });
    const url = await adapter.createPresignedDomainUrl({
      domainId: 'd-abc123',
      userProfileName: 'alice',
      expiresInSeconds: 60,
      sessionExpirationDurationInSeconds: 43200,
    });
    expect(url).toBe('https://x/auth?token=t');
    const input = sagemaker.commandCalls(CreatePresignedDomainUrlCommand)[0]?.args[0].input;
    expect(input).toStrictEqual({
      DomainId: 'd-abc123',
      UserProfileName: 'alice',
      ExpiresInSeconds: 60,
      SessionExpirationDurationInSeconds: 43200,
    });
  });

  it('passes LandingUri and SpaceName through when given', async () => {
    sagemaker.on(CreatePresignedDomainUrlCommand).resolves({ AuthorizedUrl: 'u' });
    await adapter.createPresignedDomainUrl({
      domainId: 'd-abc123',
      userProfileName: 'alice',
      expiresInSeconds: 5,
      sessionExpirationDurationInSeconds: 1800,
      landingUri: 'app:JupyterLab:',
      spaceName: 'team',
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreatePresignedDomainUrlCommand, {
      LandingUri: 'app:JupyterLab:',
      SpaceName: 'team',
      ExpiresInSeconds: 5,
      SessionExpirationDurationInSeconds: 1800,
    });
  });

  it('turns ResourceNotFound into ProfileNotFoundError', async () => {
    expect.assertions(1);
    sagemaker.on(DescribeUserProfileCommand).rejects(serviceError('ResourceNotFound', 400));
    await expect(adapter.describeUserProfile({ domainId: 'd-abc123', userProfileName: 'dave' })).rejects.toBeInstanceOf(
      ProfileNotFoundError,
    );
  });

  it('turns throttling into UpstreamUnavailableError with a Retry-After', async () => {
    expect.assertions(2);
    sagemaker.on(CreatePresignedDomainUrlCommand).rejects(serviceError('ThrottlingException', 400));
    const error = await adapter
      .createPresignedDomainUrl({
        domainId: 'd-abc123',
        userProfileName: 'a',
        expiresInSeconds: 5,
        sessionExpirationDurationInSeconds: 1800,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryAfterSeconds).toBe(THROTTLED_RETRY_AFTER_SECONDS);
  });
});

describe('toDomainError', () => {
  const networkError = (code: string) => Object.assign(new Error(`connect ${code} 203.0.113.5:443`), { code });
  const describe = { operation: 'DescribeUserProfile', userProfileName: 'alice' } as const;

  it.each<[string, unknown, new (...args: never[]) => Error, string]>([
    ['ResourceNotFound', serviceError('ResourceNotFound', 400), ProfileNotFoundError, 'profile-not-found'],
    ['ThrottlingException', serviceError('ThrottlingException', 400), UpstreamUnavailableError, 'sagemaker-throttled:400'],
    ['ResourceLimitExceeded', serviceError('ResourceLimitExceeded', 400), UpstreamUnavailableError, 'sagemaker-throttled:400'],
    ['HTTP 429', serviceError('Whatever', 429), UpstreamUnavailableError, 'sagemaker-throttled:429'],
    ['ServiceUnavailable', serviceError('ServiceUnavailable', 503), UpstreamUnavailableError, 'sagemaker-unavailable:503'],
    ['connection refused', networkError('ECONNREFUSED'), UpstreamUnavailableError, 'sagemaker-unavailable'],
    [
      'no credentials in the environment',
      Object.assign(new Error('Unable to find environment variable credentials.'), { name: 'CredentialsProviderError' }),
      UpstreamUnavailableError,
      'sagemaker-credentials-unavailable',
    ],
    ['connection reset', networkError('ECONNRESET'), UpstreamUnavailableError, 'sagemaker-unavailable'],
    [
      'a reset the SDK names TimeoutError',
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }),
      UpstreamUnavailableError,
      'sagemaker-unavailable',
    ],
    ['SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), UpstreamTimeoutError, 'sagemaker-timeout'],
    ['socket timeout', networkError('ETIMEDOUT'), UpstreamTimeoutError, 'sagemaker-timeout'],
    [
      'the request deadline',
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      UpstreamTimeoutError,
      'request-deadline',
    ],
    [
      'an oversized answer',
      Object.assign(new Error('too big'), { name: 'ResponseTooLarge' }),
      UpstreamInvalidResponseError,
      'sagemaker-response-too-large',
    ],
    ['InternalFailure', serviceError('InternalFailure', 500), UpstreamInvalidResponseError, 'sagemaker-server-error:500'],
    ['ValidationException', serviceError('ValidationException', 400), UpstreamInvalidResponseError, 'sagemaker-validation:400'],
    [
      'AccessDeniedException',
      serviceError('AccessDeniedException', 400),
      UpstreamInvalidResponseError,
      'sagemaker-access-denied:400',
    ],
    ['a parse error', new SyntaxError('Unexpected end of JSON input'), UpstreamInvalidResponseError, 'sagemaker-error'],
    ['a non-error', 'boom', UpstreamInvalidResponseError, 'sagemaker-error'],
    [
      'an error type carrying a token-shaped value',
      serviceError('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 400),
      UpstreamInvalidResponseError,
      'sagemaker-error:400',
    ],
    [
      'a status outside HTTP',
      Object.assign(new Error('x'), { $metadata: { httpStatusCode: 'eyJ.secret' } }),
      UpstreamInvalidResponseError,
      'sagemaker-error',
    ],
  ])('maps %s to a fixed reason', (_what, error, type, reason) => {
    const mapped = toDomainError(error, describe);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.reason).toBe(reason);
    expect(mapped.message).not.toContain('secret detail');
  });

  it('takes a ResourceNotFound from CreatePresignedDomainUrl with a space for a missing space', () => {
    const error = serviceError('ResourceNotFound', 400);
    expect(
      toDomainError(error, { operation: 'CreatePresignedDomainUrl', userProfileName: 'alice', spaceName: 'team' }),
    ).toBeInstanceOf(SpaceNotFoundError);
    expect(toDomainError(error, { operation: 'CreatePresignedDomainUrl', userProfileName: 'alice' })).toBeInstanceOf(
      ProfileNotFoundError,
    );
    expect(toDomainError(error, { operation: 'ListTags', userProfileName: 'alice' })).toBeInstanceOf(
      UpstreamInvalidResponseError,
    );
  });
});

describe('listSpaces', () => {
  it('reads one page of this domain’s spaces, dropping any that names another domain or no name', async () => {
    sagemaker.reset();
    sagemaker.on(ListSpacesCommand).resolves({
      Spaces: [
        { DomainId: 'd-one', SpaceName: 'a', SpaceSharingSettingsSummary: { SharingType: 'Shared' } },
        { DomainId: 'd-other', SpaceName: 'planted', SpaceSharingSettingsSummary: { SharingType: 'Shared' } },
        { DomainId: 'd-one', SpaceSharingSettingsSummary: { SharingType: 'Shared' } },
        { DomainId: 'd-one', SpaceName: 'b', OwnershipSettingsSummary: { OwnerUserProfileName: 'grace' } },
      ],
    });
    const adapter = new SageMakerStudioAdapter(new SageMakerClient({ region: 'eu-west-1' }));
    await expect(adapter.listSpaces({ domainId: 'd-one' })).resolves.toEqual([
      { spaceName: 'a', sharingType: 'Shared' },
      { spaceName: 'b', ownerUserProfileName: 'grace' },
    ]);
    expect(sagemaker.commandCalls(ListSpacesCommand)[0]?.args[0].input).toEqual({ DomainIdEquals: 'd-one', MaxResults: 100 });
  });
});
