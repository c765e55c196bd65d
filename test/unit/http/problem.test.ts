import {
  ConfigurationError,
  ForbiddenError,
  InvalidParameterError,
  ProfileNotFoundError,
  ProfileNotReadyError,
  UnauthenticatedError,
  UpstreamInvalidResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../src/domain/errors';
import { problemResponse } from '../../../src/http/problem';

describe('problemResponse', () => {
  it.each<[string, unknown, number, string, Record<string, string>]>([
    ['InvalidParameterError', new InvalidParameterError('space'), 400, 'invalid_parameter', {}],
    [
      'UnauthenticatedError',
      new UnauthenticatedError('jwt-expired'),
      401,
      'unauthenticated',
      { 'WWW-Authenticate': 'Bearer realm="studio-gate"' },
    ],
    ['ForbiddenError', new ForbiddenError('source-ip-not-allowed'), 403, 'forbidden', {}],
    ['ProfileNotFoundError', new ProfileNotFoundError('dave'), 404, 'profile_not_found', {}],
    [
      'ProfileNotReadyError (Pending)',
      new ProfileNotReadyError('Pending', 30),
      409,
      'profile_not_ready',
      { 'Retry-After': '30' },
    ],
    ['ProfileNotReadyError (Failed)', new ProfileNotReadyError('Failed'), 409, 'profile_not_ready', {}],
    [
      'UpstreamInvalidResponseError',
      new UpstreamInvalidResponseError('sagemaker-error:InternalFailure:500'),
      502,
      'upstream_error',
      {},
    ],
    [
      'UpstreamUnavailableError',
      new UpstreamUnavailableError('sagemaker-throttled:ThrottlingException', 2),
      503,
      'upstream_unavailable',
      { 'Retry-After': '2' },
    ],
    ['UpstreamTimeoutError', new UpstreamTimeoutError('sagemaker-timeout:TimeoutError'), 504, 'upstream_timeout', {}],
    ['ConfigurationError', new ConfigurationError(['JWT_ISSUER is required']), 500, 'internal_error', {}],
    ['a plain Error', new Error('db password is hunter2'), 500, 'internal_error', {}],
    ['a thrown string', 'boom', 500, 'internal_error', {}],
  ])('maps %s to %i %s', (_what, error, status, code, headers) => {
    const response = problemResponse(error, 'Bearer');
    expect(response.statusCode).toBe(status);
    expect(response.headers).toEqual({
      'Content-Type': 'application/problem+json',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    });
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ type: `urn:studio-gate:problem:${code}`, status, code, title: expect.any(String) });
    const reason = (error as { reason?: string }).reason;
    if (reason) expect(response.body).not.toContain(reason);
    expect(response.body).not.toContain('hunter2');
  });

  it('names only the parameter on a 400, never its value', () => {
    expect(JSON.parse(problemResponse(new InvalidParameterError('landing'), 'Bearer').body).parameter).toBe('landing');
  });

  it('challenges for SigV4 in iam mode', () => {
    expect(
      problemResponse(new UnauthenticatedError('iam-principal-missing'), 'AWS4-HMAC-SHA256').headers?.['WWW-Authenticate'],
    ).toBe('AWS4-HMAC-SHA256');
  });
});
