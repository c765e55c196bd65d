/**
 * Headers every studio-gate response carries. A presigned URL is a bearer credential: it must not
 * be cached anywhere or leak through a Referer (ARCHITECTURE.md, trust rule 4).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
});

/** Security headers plus the given ones (which may not override them). */
export function withSecurityHeaders(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...headers, ...SECURITY_HEADERS };
}
