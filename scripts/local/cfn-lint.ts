/**
 * Finds (or provisions) cfn-lint, AWS's CloudFormation linter, for `npm test` and `npm run cfn-lint`.
 * In order: `CFN_LINT` (a path), the project-local virtual environment `.local/cfn-lint`, a cfn-lint on
 * the PATH or under pyenv's shims; otherwise it makes that virtual environment with python3 and
 * installs the pinned version into it (once; later runs reuse it). A machine with python3 and a
 * reachable Python package index needs nothing else; one without says so in one clear error.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The version the project is linted with (what these machines ship). */
export const CFN_LINT_VERSION = '1.51.0';
/** The project-local virtual environment. */
export const CFN_LINT_VENV = join(ROOT, '.local', 'cfn-lint');

function onPath(): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'shims'),
  ].filter(Boolean);
  return dirs.map((dir) => join(dir, 'cfn-lint')).find((file) => existsSync(file));
}

async function works(file: string): Promise<boolean> {
  try {
    await run(file, ['--version'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

let resolved: Promise<string> | undefined;

/** @returns the path of a working cfn-lint. @throws an Error saying what to install when none can be had. */
export function resolveCfnLint(): Promise<string> {
  resolved ??= (async () => {
    const venvBin = join(CFN_LINT_VENV, 'bin', 'cfn-lint');
    for (const candidate of [process.env.CFN_LINT, venvBin, onPath()]) {
      if (candidate && existsSync(candidate) && (await works(candidate))) return candidate;
    }
    try {
      await run('python3', ['-m', 'venv', CFN_LINT_VENV], { timeout: 120_000 });
      await run(
        join(CFN_LINT_VENV, 'bin', 'pip'),
        [
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '--retries',
          '1',
          '--timeout',
          '20',
          `cfn-lint==${CFN_LINT_VERSION}`,
        ],
        { timeout: 600_000 },
      );
    } catch (error) {
      rmSync(CFN_LINT_VENV, { recursive: true, force: true });
      throw new Error(
        `cfn-lint is needed to lint the packaged template and none was found; making ${CFN_LINT_VENV} failed ` +
          `(${(error as Error).message.split('\n')[0]}). Install it (pip install cfn-lint==${CFN_LINT_VERSION}) ` +
          'or point CFN_LINT at it.',
      );
    }
    if (!(await works(venvBin))) throw new Error(`cfn-lint was installed into ${CFN_LINT_VENV} but does not run`);
    return venvBin;
  })();
  return resolved;
}

/** `npm run cfn-lint -- <template>…`: lints with the resolved cfn-lint (the project's .cfnlintrc.yaml applies). */
if (require.main === module) {
  resolveCfnLint()
    .then(async (file) => {
      const args = process.argv.slice(2);
      if (args.length === 0) {
        process.stdout.write(`${file}\n`);
        return;
      }
      const { stdout } = await run(file, ['--', ...args], { cwd: ROOT });
      process.stdout.write(stdout);
    })
    .catch((error: { message: string; stdout?: string; code?: number }) => {
      process.stderr.write(`${error.stdout ?? ''}${error.message}\n`);
      process.exitCode = typeof error.code === 'number' ? error.code : 1;
    });
}
