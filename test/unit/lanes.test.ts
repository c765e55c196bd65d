/**
 * Every test file runs in exactly one lane (jest.config.js): a file no lane matches would never run,
 * and one that two lanes match would run twice in `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

it('puts every test file in exactly one lane', () => {
  const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const listed = JSON.parse(
    execFileSync(process.execPath, [jest, '--listTests', '--json'], { cwd: ROOT, encoding: 'utf8' }),
  ) as string[];
  const files = testFiles(join(ROOT, 'test'));
  expect(files.length).toBeGreaterThan(50);
  expect(files.filter((file) => !listed.includes(file))).toEqual([]);
  expect(listed.filter((file, i) => listed.indexOf(file) !== i)).toEqual([]);
});
