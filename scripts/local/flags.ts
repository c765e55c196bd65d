/** Command-line flags of the bench scripts and the emulator process: `--name N`, bounded. */

/**
 * The whole number after `name` on the command line, or `fallback` when the flag is absent.
 * @throws Error naming the flag and its range when the value is not a whole number within it.
 */
export function wholeNumberFlag(name: string, fallback: number, min = 0, max = 100_000): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} takes a whole number from ${min} to ${max}`);
  return value;
}
