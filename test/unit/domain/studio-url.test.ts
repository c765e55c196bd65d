import { UpstreamInvalidResponseError } from '../../../src/domain/errors';
import { assertStudioUrl } from '../../../src/domain/studio-url';

const expected = { domainId: 'd-abc123', region: 'eu-west-1' };

describe('assertStudioUrl', () => {
  it('returns a URL on the domain’s Studio origin unchanged', () => {
    const url = 'https://d-abc123.studio.eu-west-1.sagemaker.aws/auth?token=abc';
    expect(assertStudioUrl(url, expected)).toBe(url);
  });

  it('accepts the emulator origin only when configured', () => {
    const url = 'http://127.0.0.1:4599/auth?token=abc';
    expect(assertStudioUrl(url, { ...expected, localOrigin: 'http://127.0.0.1:4599' })).toBe(url);
    expect(() => assertStudioUrl(url, expected)).toThrow(UpstreamInvalidResponseError);
  });

  it.each([
    [undefined, 'presigned-url-missing'],
    ['', 'presigned-url-missing'],
    ['not a url', 'presigned-url-invalid-characters'],
    ['http://d-abc123.studio.eu-west-1.sagemaker.aws/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://d-other.studio.eu-west-1.sagemaker.aws/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://d-abc123.studio.us-east-1.sagemaker.aws/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://d-abc123.studio.eu-west-1.sagemaker.aws.evil.example/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://user:pw@d-abc123.studio.eu-west-1.sagemaker.aws/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://d-abc123.studio.eu-west-1.sagemaker.aws:8443/auth?token=a', 'presigned-url-unexpected-origin'],
    ['https://d-abc123.studio.eu-west-1.sagemaker.aws/elsewhere?token=a', 'presigned-url-unexpected-path'],
  ])('refuses %p (%s) without echoing it', (url, reason) => {
    expect.assertions(2);
    try {
      assertStudioUrl(url, expected);
    } catch (error) {
      expect(error).toEqual(expect.objectContaining({ reason }));
      expect((error as Error).message).not.toContain('token=');
    }
  });
});
