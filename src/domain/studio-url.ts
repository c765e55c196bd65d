/**
 * The presigned URL SageMaker returns is checked before anyone sees it: it must point at this
 * domain's Studio origin, and it must be exactly the URL a parser reads back, so what we validated
 * is byte for byte what the client gets (no whitespace, control characters or odd spellings that a
 * browser, a Location header or a JSON consumer would read differently). Anything else is an
 * upstream fault and is never returned. The URL is a bearer credential: never put it in an error.
 */
import { UpstreamInvalidResponseError } from './errors';
import { isPrintableAscii } from './text';

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

/** Longest URL we hand out; SageMaker's are a few hundred characters. */
const MAX_URL_LENGTH = 8192;

/**
 * @returns the URL unchanged when it is on the expected origin with path `/auth` and survives
 *   parsing unchanged.
 * @throws UpstreamInvalidResponseError (`presigned-url-*`) otherwise.
 */
export function assertStudioUrl(url: string | undefined, expected: StudioOrigin): string {
  if (url === undefined || url === '') throw new UpstreamInvalidResponseError('presigned-url-missing');
  // Printable ASCII only: no whitespace, no controls (CR/LF would split a Location header), no Unicode.
  if (url.length > MAX_URL_LENGTH || !isPrintableAscii(url)) {
    throw new UpstreamInvalidResponseError('presigned-url-invalid-characters');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UpstreamInvalidResponseError('presigned-url-unparseable');
  }
  if (parsed.href !== url) throw new UpstreamInvalidResponseError('presigned-url-not-canonical');
  const allowed = [studioOrigin(expected.domainId, expected.region), expected.localOrigin].filter(Boolean);
  if (parsed.username !== '' || parsed.password !== '' || !allowed.includes(parsed.origin)) {
    throw new UpstreamInvalidResponseError('presigned-url-unexpected-origin');
  }
  if (parsed.pathname !== '/auth' || parsed.hash !== '') throw new UpstreamInvalidResponseError('presigned-url-unexpected-path');
  return url;
}
