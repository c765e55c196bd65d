/**
 * The README stays true: its Configuration table names every variable src/config.ts reads, and its
 * Deploy parameter table names exactly the stage parameters config/params.yml defines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STUDIO_URL_VARIABLES } from '../../src/infrastructure/functions';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`## ${title}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Backticked names in the first column of the section's tables. */
function tableNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

describe('README', () => {
  it('documents every environment variable the configuration reads', () => {
    const source = ['studio-url.ts', 'auth.ts', 'source.ts']
      .map((file) => readFileSync(join(ROOT, 'src', 'config', file), 'utf8'))
      .join('\n');
    const read = new Set([...source.matchAll(/\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string));
    expect(read.size).toBeGreaterThan(20);
    const documented = tableNames(section('Configuration'));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents every environment variable the health functions read, under Health checks', () => {
    const source = readFileSync(join(ROOT, 'src', 'config', 'health.ts'), 'utf8');
    const read = new Set([...source.matchAll(/\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string));
    for (const shared of ['AWS_REGION', 'AWS_ENDPOINT_URL_SAGEMAKER']) read.delete(shared);
    expect(read.size).toBeGreaterThanOrEqual(5);
    const documented = tableNames(section('Health checks'));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents every environment variable the SSO functions read, under SSO bridge', () => {
    const source = readFileSync(join(ROOT, 'src', 'config', 'sso.ts'), 'utf8');
    const read = new Set([...source.matchAll(/\(\s*(?:reader,\s*)?'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string));
    expect(read.size).toBeGreaterThanOrEqual(20);
    const documented = tableNames(section('SSO bridge'));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents exactly the deployment parameters config/params.yml takes', () => {
    const params = readFileSync(join(ROOT, 'config', 'params.yml'), 'utf8');
    const defaults = params.slice(params.indexOf('default:'), params.indexOf('\nlocal:'));
    const names = new Set([...defaults.matchAll(/^ {2}([a-zA-Z][a-zA-Z0-9]*):/gm)].map((m) => m[1] as string));
    const documented = tableNames(section('Deploy'));
    expect([...names].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !names.has(n))).toEqual([]);
  });

  it('lets the shell set every Configuration variable in the local stack, and maps each into the function', () => {
    const local = readFileSync(join(ROOT, 'config', 'local.yml'), 'utf8');
    // METRICS_SERVICE is the deployment's own (`<service>-<stage>`), not a stage parameter.
    const documented = [...tableNames(section('Configuration'))].filter((name) => name !== 'METRICS_SERVICE');
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((name) => !local.includes(`\${env:${name},`))).toEqual([]);
    // AWS_REGION is Lambda's own (provider.region); the deployment derives the source checks and the
    // account when no parameter names them; the rest reach the function from stage parameters.
    const derived = ['AWS_REGION', 'ALLOWED_VPCE_IDS', 'ALLOWED_VPC_IDS', 'STUDIO_ACCOUNT_ID'];
    expect(documented.filter((name) => !derived.includes(name) && !(name in STUDIO_URL_VARIABLES))).toEqual([]);
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
