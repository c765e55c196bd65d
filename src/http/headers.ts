/**
 * Headers every studio-gate response carries. A presigned URL is a bearer credential: it must not
 * be cached anywhere or leak through a Referer (docs/architecture.md, trust rule 4).
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

/**
 * Every value of a request header, whatever the casing of its name, from the multi-value map (or
 * the single-value one when that is all there is). More than one value is the caller's to refuse.
 */
export function headerValues(
  event: {
    readonly headers?: Record<string, string | undefined> | null;
    readonly multiValueHeaders?: Record<string, string[] | undefined> | null;
  },
  name: string,
): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, list] of Object.entries(event.multiValueHeaders ?? {}))
    if (key.toLowerCase() === wanted && list) values.push(...list);
  if (values.length === 0) {
    for (const [key, value] of Object.entries(event.headers ?? {}))
      if (key.toLowerCase() === wanted && value !== undefined) values.push(value);
  }
  return values;
}
