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
  ])('refuse %s', (_what, wrong) => {
    expect(layerViolations([wrong])).toHaveLength(1);
  });

  it.each([
    ['configuration reading an adapter’s settings type', edge('src/config/c.ts', 'src/adapters/a.ts', true)],
    ['an adapter implementing a port', edge('src/adapters/a.ts', 'src/use-cases/ports.ts', true)],
    ['composition wiring adapters', edge('src/composition/c.ts', 'src/adapters/a.ts')],
    ['infrastructure repeating the security headers', edge('src/infrastructure/i.ts', 'src/http/headers.ts')],
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
