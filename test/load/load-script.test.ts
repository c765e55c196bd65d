/**
 * The load script itself, in a small configuration: it must finish by itself, check every answer,
 * find nothing secret in the service's output, and exit 0. (`npm run load`, which CI runs, drives the full 5,000.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');

it('drives 300 mixed requests with faults at concurrency 50 and reports zero wrong answers and zero secrets', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      'scripts/load.ts',
      '--requests',
      '300',
      '--concurrency',
      '50',
      '--fault-every',
      '10',
      '--max-seconds',
      '60',
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
  expect(stdout).toContain('studio-gate load: 300/300 requests, concurrency 50');
  expect(stdout).toMatch(/faults {11}\d+ injected/);
  expect(stdout).toMatch(/log output {7}\d+ lines scanned, 0 secrets/);
  expect(stdout).toContain('wrong answers    0');
  expect(stdout).toMatch(/p50 [\d.]+ ms {2}p90 [\d.]+ ms {2}p99 [\d.]+ ms/);
});
