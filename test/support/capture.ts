/** Captures what the process writes to stdout and stderr while `fn` runs (the audit log writes there). */
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

export { leaksIn, SECRET_PATTERNS } from '../../scripts/local/log-hygiene';
