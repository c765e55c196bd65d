/**
 * The README and docs/ stay true: each variable configuration reads is documented on its page, the
 * deployment page lists exactly the stage parameters, every link stays inside the repository and
 * lands on a file, every page says what it covers, and every "trust rule N" a comment cites exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { STUDIO_URL_VARIABLES } from '../../src/infrastructure/functions';
import { STAGE_PARAMETERS } from '../../src/infrastructure/stage-parameters';

const ROOT = join(__dirname, '..', '..');
const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');
const readme = read('README.md');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
/** Every file of src/config: the studio-url function reads all but the SSO and health ones. */
const CONFIG_FILES = readdirSync(join(ROOT, 'src', 'config')).filter((f) => f.endsWith('.ts'));

/** Backticked names in the first column of a page's tables. */
/** The upper-case names of a page's tables: its variables (STUDIO_DOMAINS's table of fields names lower-case ones). */
function variableNames(text: string): Set<string> {
  return new Set([...tableNames(text)].filter((name) => /^[A-Z]/.test(name)));
}

function tableNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

/** The variables a configuration file reads (`reader.x('NAME'…)`). */
function variablesRead(...files: string[]): Set<string> {
  const source = files.map((file) => read('src', 'config', file)).join('\n');
  return new Set([...source.matchAll(/\(\s*(?:reader,\s*)?'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs', () => {
  it('document every variable of the studio-url function in configuration.md', () => {
    const variables = variablesRead(...CONFIG_FILES.filter((file) => !['sso.ts', 'health.ts'].includes(file)));
    expect(variables.size).toBeGreaterThan(30);
    const documented = variableNames(read('docs', 'configuration.md'));
    expect([...variables].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('document every variable of the health functions in health-checks.md', () => {
    const variables = variablesRead('health.ts', 'environment.ts');
    for (const shared of ['AWS_REGION', 'AWS_ENDPOINT_URL_SAGEMAKER']) variables.delete(shared);
    expect(variables.size).toBeGreaterThanOrEqual(5);
    const documented = tableNames(read('docs', 'health-checks.md'));
    expect([...variables].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('document every variable of the SSO functions in sso.md', () => {
    const variables = variablesRead('sso.ts');
    expect(variables.size).toBeGreaterThanOrEqual(20);
    const documented = tableNames(read('docs', 'sso.md'));
    expect([...variables].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('list exactly the stage parameters in deploy.md', () => {
    const documented = tableNames(read('docs', 'deploy.md'));
    expect(STAGE_PARAMETERS.filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !(STAGE_PARAMETERS as readonly string[]).includes(n))).toEqual([]);
  });

  it('let the shell set every configuration variable on the local stack, and map each into the function', () => {
    const local = read('config', 'local.yml');
    // METRICS_SERVICE is the deployment's own (`<service>-<stage>`), not a stage parameter.
    const documented = [...variableNames(read('docs', 'configuration.md'))].filter((name) => name !== 'METRICS_SERVICE');
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((name) => !local.includes(`\${env:${name},`))).toEqual([]);
    // AWS_REGION is Lambda's own; the deployment derives the source checks and the account when no
    // parameter names them; the rest reach the function from stage parameters.
    const derived = ['AWS_REGION', 'ALLOWED_VPCE_IDS', 'ALLOWED_VPC_IDS', 'STUDIO_ACCOUNT_ID'];
    expect(documented.filter((name) => !derived.includes(name) && !(name in STUDIO_URL_VARIABLES))).toEqual([]);
  });

  it.each(DOCS)('%s opens with what it covers', (page) => {
    expect(read('docs', page)).toMatch(/^# .+\n\nWhat this page covers: /);
  });

  it.each(['README.md', ...DOCS.map((page) => `docs/${page}`)])('%s links only to files inside the repository', (file) => {
    const text = read(file);
    // Code spans are not links (a name pattern may look like one).
    const links = [...text.replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    for (const link of links) {
      expect([link, /^[a-z]+:/i.test(link)]).toEqual([link, false]);
      const target = resolve(dirname(join(ROOT, file)), link.replace(/#.*$/, ''));
      expect([link, relative(ROOT, target).startsWith('..')]).toEqual([link, false]);
      expect([link, statSync(target, { throwIfNoEntry: false }) !== undefined]).toEqual([link, true]);
    }
    expect(text).not.toContain('shared/ARCHITECTURE');
  });

  it('define every trust rule a code comment cites', () => {
    const architecture = read('docs', 'architecture.md');
    const cited = new Set(
      [...sourceFiles('src'), ...sourceFiles('scripts')].flatMap((file) =>
        [...read(file).matchAll(/trust rule (\d+)/g)].map((m) => Number(m[1])),
      ),
    );
    expect(cited.size).toBeGreaterThan(0);
    for (const rule of cited) expect(architecture).toMatch(new RegExp(`^${rule}\\. \\*\\*`, 'm'));
  });
});

describe('README', () => {
  it('shows the two commands, and is short', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('links every page of docs/', () => {
    expect(DOCS.filter((page) => !readme.includes(`](docs/${page})`))).toEqual([]);
  });
});
