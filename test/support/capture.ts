/** Captures what the process writes to stdout and stderr while `fn` runs (Powertools Logger writes there). */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  let output = '';
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }),
  );
  try {
    const result = await fn();
    return { result, output };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Patterns that must never appear in anything the service prints. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /token=/i,
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/, // a JWT
  /Bearer\s+\S/i,
  /auth\?/,
];

/** The patterns from {@link SECRET_PATTERNS} found in `text`. */
export function leaksIn(text: string, extra: readonly string[] = []): string[] {
  return [...SECRET_PATTERNS.filter((p) => p.test(text)).map(String), ...extra.filter((s) => s.length > 0 && text.includes(s))];
}
