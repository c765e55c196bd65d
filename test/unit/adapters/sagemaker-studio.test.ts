import {
  CreatePresignedDomainUrlCommand,
  DescribeUserProfileCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerStudioAdapter, toDomainError } from '../../../src/adapters/sagemaker-studio';
import {
  ProfileNotFoundError,
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

  it.each<[string, unknown, new (...args: never[]) => Error, string]>([
    ['ResourceNotFound', serviceError('ResourceNotFound', 400), ProfileNotFoundError, 'profile-not-found'],
    [
      'ThrottlingException',
      serviceError('ThrottlingException', 400),
      UpstreamUnavailableError,
      'sagemaker-throttled:ThrottlingException',
    ],
    [
      'ResourceLimitExceeded',
      serviceError('ResourceLimitExceeded', 400),
      UpstreamUnavailableError,
      'sagemaker-throttled:ResourceLimitExceeded',
    ],
    ['HTTP 429', serviceError('Whatever', 429), UpstreamUnavailableError, 'sagemaker-throttled:Whatever'],
    [
      'ServiceUnavailable',
      serviceError('ServiceUnavailable', 503),
      UpstreamUnavailableError,
      'sagemaker-unavailable:ServiceUnavailable',
    ],
    ['connection refused', networkError('ECONNREFUSED'), UpstreamUnavailableError, 'sagemaker-unavailable:ECONNREFUSED'],
    ['connection reset', networkError('ECONNRESET'), UpstreamUnavailableError, 'sagemaker-unavailable:ECONNRESET'],
    [
      'a reset the SDK names TimeoutError',
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }),
      UpstreamUnavailableError,
      'sagemaker-unavailable:ECONNRESET',
    ],
    [
      'SDK timeout',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      UpstreamTimeoutError,
      'sagemaker-timeout:TimeoutError',
    ],
    ['socket timeout', networkError('ETIMEDOUT'), UpstreamTimeoutError, 'sagemaker-timeout:ETIMEDOUT'],
    [
      'InternalFailure',
      serviceError('InternalFailure', 500),
      UpstreamInvalidResponseError,
      'sagemaker-error:InternalFailure:500',
    ],
    [
      'ValidationException',
      serviceError('ValidationException', 400),
      UpstreamInvalidResponseError,
      'sagemaker-error:ValidationException:400',
    ],
    [
      'AccessDeniedException',
      serviceError('AccessDeniedException', 400),
      UpstreamInvalidResponseError,
      'sagemaker-error:AccessDeniedException:400',
    ],
    [
      'a parse error',
      new SyntaxError('Unexpected end of JSON input'),
      UpstreamInvalidResponseError,
      'sagemaker-error:SyntaxError',
    ],
    ['a non-error', 'boom', UpstreamInvalidResponseError, 'sagemaker-error:UnknownError'],
  ])('maps %s', (_what, error, type, reason) => {
    const mapped = toDomainError(error, 'alice');
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.reason).toBe(reason);
    expect(mapped.message).not.toContain('secret detail');
  });
});
