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

/**
 * `--flag value` pairs of a command whose flags are the keys of `known`: the values by flag, and every
 * problem at once (an unknown flag, a flag without a value, a flag given twice).
 */
export function namedFlags(args: readonly string[], known: Readonly<Record<string, string>>) {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] as string;
    const value = args[i + 1];
    if (!(flag in known)) problems.push(`unknown argument "${flag}"`);
    else if (value === undefined || value.startsWith('--')) problems.push(`${flag} needs a value`);
    else if (flag in values) problems.push(`${flag} is given twice`);
    else values[flag] = value;
  }
  return { values, problems };
}

/** A comma-separated list flag's items, trimmed, empty ones dropped. */
export const listFlag = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The usage lines of `known`'s flags. */
export const flagHelp = (known: Readonly<Record<string, string>>, width = 21): string =>
  Object.entries(known)
    .map(([flag, help]) => `  ${flag.padEnd(width)} ${help}`)
    .join('\n');

/**
 * Runs a command that prints one JSON value built from its arguments: the usage on stdout with
 * --help (exit 0); the JSON alone on stdout (`compact`: on one line, as a policy is sent to AWS);
 * otherwise nothing on stdout, so `> file` never captures a usage, and on stderr the usage, with
 * every problem first (exit 2).
 */
export function printJsonCommand(
  usage: string,
  produce: (args: readonly string[]) => unknown,
  compact: (args: readonly string[]) => boolean = () => false,
): void {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    process.stdout.write(usage);
    return;
  }
  if (args.length === 0) {
    process.stderr.write(usage);
    process.exitCode = 2;
    return;
  }
  try {
    process.stdout.write(`${JSON.stringify(produce(args), null, compact(args) ? undefined : 2)}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exitCode = 2;
  }
}
