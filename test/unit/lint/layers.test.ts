/**
 * The layer rules (scripts/lint/layers.ts, run by `npm run lint`): each kind of wrong arrow is
 * caught, the allowed ones pass, and the repository as it stands breaks none.
 */
import { join } from 'node:path';
import { circles, type ImportEdge, importsOf, layerViolations, repositoryImports } from '../../../scripts/lint/layers';

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('layer rules', () => {
  it('hold for the repository', () => {
    expect(layerViolations(repositoryImports(join(__dirname, '..', '..', '..')))).toEqual([]);
  });

  it.each([
    ['an adapter importing configuration', edge('src/adapters/a.ts', 'src/config/studio-url.ts', true)],
    ['a use case importing an adapter', edge('src/use-cases/u.ts', 'src/adapters/a.ts')],
    ['a use case importing configuration', edge('src/use-cases/u.ts', 'src/config/sso.ts', true)],
    ['the domain importing a use case', edge('src/domain/d.ts', 'src/use-cases/ports.ts', true)],
    ['http importing an adapter', edge('src/http/h.ts', 'src/adapters/a.ts')],
    ['configuration importing adapter code', edge('src/config/c.ts', 'src/adapters/a.ts')],
    ['a policy importing infrastructure', edge('src/policies/p.ts', 'src/infrastructure/service-table.ts')],
    ['runtime code importing deploy-time code', edge('src/composition/c.ts', 'src/infrastructure/functions.ts')],
    ['a handler skipping its composition', edge('handlers/h.ts', 'src/http/studio-url-endpoint.ts')],
    ['the domain importing the SDK', edge('src/domain/d.ts', '@aws-sdk/client-sagemaker')],
    ['a use case importing middy', edge('src/use-cases/u.ts', '@middy/core')],
    ['a loose file at the top of src/', edge('src/loose.ts', 'src/domain/d.ts')],
    ['the domain doing HTTP through node:', edge('src/domain/d.ts', 'node:http')],
    [
      'something else through the security-headers file',
      { ...edge('src/infrastructure/i.ts', 'src/http/headers.ts'), names: ['issueStudioUrl'] },
    ],
    ['an import that leaves src/', edge('src/adapters/a.ts', 'shared/env.ts')],
  ])('refuse %s', (_what, wrong) => {
    expect(layerViolations([wrong])).toHaveLength(1);
  });

  it.each([
    ['configuration reading an adapter’s settings type', edge('src/config/c.ts', 'src/adapters/a.ts', true)],
    ['an adapter implementing a port', edge('src/adapters/a.ts', 'src/use-cases/ports.ts', true)],
    ['composition wiring adapters', edge('src/composition/c.ts', 'src/adapters/a.ts')],
    [
      'infrastructure repeating the security headers',
      { ...edge('src/infrastructure/i.ts', 'src/http/headers.ts'), names: ['SECURITY_HEADERS'] },
    ],
    [
      'infrastructure checking a function environment with its parser',
      edge('src/infrastructure/i.ts', 'src/config/studio-url.ts'),
    ],
    ['the domain using node:crypto', edge('src/domain/d.ts', 'node:crypto')],
  ])('allow %s', (_what, right) => {
    expect(layerViolations([right])).toEqual([]);
  });

  it('finds a circle, however long', () => {
    const loop = [
      edge('src/domain/a.ts', 'src/domain/b.ts'),
      edge('src/domain/b.ts', 'src/domain/c.ts', true),
      edge('src/domain/c.ts', 'src/domain/a.ts'),
    ];
    expect(circles(loop)).toEqual([['src/domain/a.ts', 'src/domain/b.ts', 'src/domain/c.ts']]);
    expect(layerViolations(loop)).toEqual([expect.stringContaining('import circle')]);
  });

  it.each([
    [
      'a trailing comment holding a semicolon',
      "import {\n  EnvReader, // the reader; nothing else\n} from '../config/environment';",
    ],
    [
      'a string that looks like a block comment',
      "export const G = 'src/*';\nimport { readTimeBudget } from '../config/sagemaker';\nexport const E = '*/';",
    ],
    ['a template literal in import()', 'export const p = () => import(`../config/environment`);'],
    ['empty braces', "import {} from '../config/environment';"],
    ['a .js specifier', "import { EnvReader } from '../config/environment.js';"],
    ['a type query', "export type T = typeof import('../config/environment');"],
  ])('catch a domain file importing configuration through %s', (_what, text) => {
    const exists = (path: string) => path === 'src/config/environment.ts' || path === 'src/config/sagemaker.ts';
    const problems = layerViolations(importsOf('src/domain/d.ts', text, exists));
    expect(problems).toEqual([expect.stringMatching(/domain may not import config/)]);
  });

  it.each([
    ['process.env', 'export const v = process.env.X;'],
    ["process['env']", "export const v = process['env'];"],
    ['globalThis.process', 'export const v = globalThis.process;'],
    ['process handed around', 'const { env } = process;\nexport const v = env;'],
    ['node:process', "import { env } from 'node:process';\nexport const v = env;"],
  ])('refuse %s outside the environment reader', (_what, text) => {
    expect(layerViolations(importsOf('src/adapters/a.ts', text, () => false))).toHaveLength(1);
    expect(layerViolations(importsOf('src/config/environment.ts', text, () => false))).toEqual([]);
  });

  it('allow the other members of process (writing a log line)', () => {
    expect(
      layerViolations(importsOf('src/adapters/a.ts', "process.stdout.write('x');\nprocess.on('exit', () => {});", () => false)),
    ).toEqual([]);
  });

  it('refuse an import whose target is computed', () => {
    const text = "const name = '../config/environment';\nexport const load = () => require(name);";
    expect(layerViolations(importsOf('src/domain/d.ts', text, () => false))).toEqual([
      expect.stringContaining('not a string literal'),
    ]);
  });

  it('finds a circle written with .js specifiers', () => {
    const exists = (path: string) => ['src/domain/a.ts', 'src/domain/b.ts'].includes(path);
    const edges = [
      ...importsOf('src/domain/a.ts', "import { b } from './b.js';", exists),
      ...importsOf('src/domain/b.ts', "import { a } from './a.js';", exists),
    ];
    expect(layerViolations(edges)).toEqual([expect.stringContaining('import circle')]);
  });

  it('reads type-only imports, re-exports and requires, and skips comments', () => {
    const text = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { D, type E } from './d';",
      "export { F } from './f';",
      "// import { G } from './g';",
      "const h = require('./h');",
    ].join('\n');
    const edges = importsOf('src/x/y.ts', text, () => false);
    expect(edges.map((e) => [e.to, e.typeOnly])).toEqual([
      ['src/x/a.ts', true],
      ['src/x/b.ts', true],
      ['src/x/d.ts', false],
      ['src/x/f.ts', false],
      ['src/x/h.ts', false],
    ]);
  });
});
