/**
 * The presigned URL SageMaker returns is checked before anyone sees it: it must point at this
 * domain's Studio origin. Anything else (another domain, http, a credentialed or odd URL) is an
 * upstream fault and is never returned. The URL is a bearer credential: never put it in an error.
 */
import { UpstreamInvalidResponseError } from './errors';

/** Where a presigned URL may point. */
export interface StudioOrigin {
  readonly domainId: string;
  readonly region: string;
  /** Only for the local stack: the emulator's exact origin, e.g. `http://127.0.0.1:4599`. */
  readonly localOrigin?: string;
}

/** `https://<domain-id>.studio.<region>.sagemaker.aws`, the origin AWS documents for Studio. */
export function studioOrigin(domainId: string, region: string): string {
  return `https://${domainId}.studio.${region}.sagemaker.aws`;
}

/**
 * @returns the URL unchanged when it is on the expected origin with path `/auth`.
 * @throws UpstreamInvalidResponseError (`presigned-url-*`) otherwise.
 */
export function assertStudioUrl(url: string | undefined, expected: StudioOrigin): string {
  if (url === undefined || url === '') throw new UpstreamInvalidResponseError('presigned-url-missing');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UpstreamInvalidResponseError('presigned-url-unparseable');
  }
  const allowed = [studioOrigin(expected.domainId, expected.region), expected.localOrigin].filter(Boolean);
  if (parsed.username !== '' || parsed.password !== '' || !allowed.includes(parsed.origin)) {
    throw new UpstreamInvalidResponseError('presigned-url-unexpected-origin');
  }
  if (parsed.pathname !== '/auth') throw new UpstreamInvalidResponseError('presigned-url-unexpected-path');
  return url;
}
