/**
 * The layer rules of src/ and handlers/, checked over the import graph (`npm run lint` runs it, so CI
 * goes red on an arrow that runs back up or a circle). The arrows, from docs/architecture.md:
 *
 *   handlers → composition → http · use-cases · adapters · config → domain
 *   infrastructure → policies → domain        (deploy time; never imported by runtime code; it may
 *                                             run config's parsers on the environments it builds)
 *
 * - use cases never import adapters, http or configuration: they declare ports and settings;
 * - adapters implement ports and take their own settings (or domain types), never configuration;
 * - configuration reads the environment into the settings the layers below declare: it may import
 *   their types, never their code;
 * - the domain and the policies are pure: no SDK, no HTTP, no configuration, no package but a few
 *   pure ones;
 * - only src/config/environment.ts reads the process environment;
 * - no circle between two files, whatever the layers.
 *
 * Imports are read from the TypeScript syntax tree (static, `export … from`, `import x = require()`,
 * `import()` and `require()`); one whose target is not a plain string literal is itself a problem,
 * and so is a relative import that leaves src/ and handlers/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type Layer =
  | 'handlers'
  | 'composition'
  | 'config'
  | 'http'
  | 'use-cases'
  | 'adapters'
  | 'domain'
  | 'policies'
  | 'infrastructure';

interface LayerRule {
  /** Layers whose code (values) this one may import; its own is always allowed. */
  readonly imports: readonly Layer[];
  /** Layers whose types only (`import type`) this one may also import. */
  readonly types?: readonly Layer[];
  /** Names this layer may import from single files of other layers (a runtime contract the deployment repeats). */
  readonly files?: Readonly<Record<string, readonly string[]>>;
  /** Packages this layer may import (a prefix ending in `/` admits a scope); undefined: any. */
  readonly packages?: readonly string[];
}

/** Pure packages: no I/O, no SDK, no HTTP. */
const PURE_PACKAGES = ['node:crypto', 'node:buffer', 'node:util'];

export const LAYER_RULES: Readonly<Record<Layer, LayerRule>> = {
  handlers: { imports: ['composition'], packages: [] },
  composition: { imports: ['config', 'http', 'use-cases', 'adapters', 'domain'] },
  config: { imports: ['domain'], types: ['use-cases', 'adapters', 'http'], packages: PURE_PACKAGES },
  http: { imports: ['use-cases', 'domain'], packages: [...PURE_PACKAGES, '@middy/', 'aws-lambda'] },
  'use-cases': { imports: ['domain'], packages: PURE_PACKAGES },
  adapters: { imports: ['domain'], types: ['use-cases'] },
  domain: { imports: [], packages: PURE_PACKAGES },
  policies: { imports: ['domain'], packages: [] },
  // Deploy time checks its functions' environments with their own configuration parsers.
  infrastructure: {
    imports: ['policies', 'domain', 'config'],
    files: { 'src/http/headers.ts': ['SECURITY_HEADERS'] },
    // Deploy time reads files and defines the bundles.
    packages: [...PURE_PACKAGES, 'node:fs', 'node:path', 'esbuild'],
  },
};

/** One import of a file: where it points and whether it carries types only. */
export interface ImportEdge {
  readonly from: string;
  /** A repository-relative file (`src/…/x.ts`) or a package specifier. */
  readonly to: string;
  readonly typeOnly: boolean;
  /** The names imported (`*` for a namespace, a whole-module re-export or a dynamic import; none for a side-effect import). */
  readonly names?: readonly string[];
  /** Why the import cannot be checked (a target that is not a string literal), or how it breaks a rule of its own. */
  readonly problem?: string;
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** The imports of one file's text (`file` repository-relative), relative ones resolved to files. */
export function importsOf(file: string, text: string, exists: (path: string) => boolean): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, names: readonly string[]) =>
    edges.push({ from: file, to: resolveSpecifier(file, specifier, exists), typeOnly, names });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const elements = bindings && ts.isNamedImports(bindings) ? bindings.elements : undefined;
      // Type-only is written out: `import type`, or every one of at least one name marked `type`.
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause?.name === undefined && elements !== undefined && elements.length > 0 && elements.every((e) => e.isTypeOnly));
      const names = [
        ...(clause?.name ? ['default'] : []),
        ...(bindings && ts.isNamespaceImport(bindings) ? ['*'] : []),
        ...(elements ?? []).map((e) => (e.propertyName ?? e.name).text),
      ];
      add(node.moduleSpecifier.text, typeOnly, names);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const names = clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : ['*'];
      add(node.moduleSpecifier.text, node.isTypeOnly, names);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const target = node.moduleReference.expression;
      if (ts.isStringLiteral(target)) add(target.text, node.isTypeOnly, ['*']);
      else edges.push({ from: file, to: '?', typeOnly: false, problem: 'an import whose target is not a string literal' });
    } else if (ts.isCallExpression(node) && isImportOrRequire(node)) {
      const [target] = node.arguments;
      if (target !== undefined && (ts.isStringLiteral(target) || ts.isNoSubstitutionTemplateLiteral(target)))
        add(target.text, false, ['*']);
      else
        edges.push({
          from: file,
          to: '?',
          typeOnly: false,
          problem: 'an import() or require() whose target is not a string literal',
        });
    } else if (readsProcessEnvironment(node)) {
      // The environment as an import of `process`: one rule below holds both ways of reaching it.
      edges.push({ from: file, to: 'process', typeOnly: false, names: ['env'] });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true, ['*']);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function isImportOrRequire(call: ts.CallExpression): boolean {
  return (
    call.expression.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(call.expression) && call.expression.text === 'require')
  );
}

/**
 * `process.env`, `process['env']`, `process` itself handed around, or `globalThis.process` / `global.process`:
 * anything but a call on one of its other members (process.stdout.write, process.on…).
 */
function readsProcessEnvironment(node: ts.Node): boolean {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    if (['globalThis', 'global'].includes(node.expression.text) && node.name.text === 'process') return true;
    return node.expression.text === 'process' && node.name.text === 'env';
  }
  if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression)) {
    return ['process', 'globalThis', 'global'].includes(node.expression.text);
  }
  if (ts.isIdentifier(node) && node.text === 'process') {
    const parent = node.parent;
    const member = parent && ts.isPropertyAccessExpression(parent) && parent.expression === node;
    const declared =
      parent &&
      (ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isBindingElement(parent)) &&
      !member;
    return !member && !declared && !(parent && ts.isElementAccessExpression(parent));
  }
  return false;
}

function resolveSpecifier(file: string, specifier: string, exists: (path: string) => boolean): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = join(dirname(file), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const candidate of [base, `${base}.ts`, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, join(base, 'index.ts')]) {
    if (exists(candidate)) return candidate;
  }
  return `${stem}.ts`;
}

/** A file of src/ outside every layer's folder. */
const LOOSE = 'loose';

/** The layer of a repository-relative file, LOOSE for one of src/ in no layer, undefined outside the rules (scripts, tests). */
export function layerOf(file: string): Layer | typeof LOOSE | undefined {
  if (file.startsWith('handlers/')) return 'handlers';
  if (!file.startsWith('src/')) return undefined;
  const folder = /^src\/([^/]+)\//.exec(file)?.[1];
  return folder !== undefined && folder in LAYER_RULES ? (folder as Layer) : LOOSE;
}

function packageAllowed(rule: LayerRule, specifier: string): boolean {
  if (rule.packages === undefined) return true;
  return rule.packages.some((p) =>
    p.endsWith('/') || p.endsWith(':') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`),
  );
}

/** Every broken rule of `edges`, one sentence each. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    if (from === undefined) continue;
    if (from === LOOSE) {
      problems.push(
        `${edge.from}: a file directly in src/ belongs to no layer; put it in one of ${Object.keys(LAYER_RULES).join(', ')}`,
      );
      continue;
    }
    if (edge.problem !== undefined) {
      problems.push(`${edge.from}: ${edge.problem}`);
      continue;
    }
    if (edge.to === 'process' || edge.to === 'node:process') {
      if (edge.from !== ENVIRONMENT_READER)
        problems.push(`${edge.from}: reads the process environment (only ${ENVIRONMENT_READER} may)`);
      continue;
    }
    const rule = LAYER_RULES[from];
    if (
      edge.to.startsWith('..') ||
      (edge.to.includes('/') && !edge.to.startsWith('src/') && !edge.to.startsWith('handlers/') && isRelativeTarget(edge.to))
    ) {
      problems.push(`${edge.from} → ${edge.to}: an import that leaves src/ and handlers/`);
      continue;
    }
    if (!edge.to.startsWith('src/') && !edge.to.startsWith('handlers/')) {
      if (!packageAllowed(rule, edge.to)) problems.push(`${edge.from}: ${from} may not import the package "${edge.to}"`);
      continue;
    }
    const target = layerOf(edge.to);
    if (target === from) continue;
    // A file of no layer (a loose one of src/, or outside src/) is nobody's to import.
    const to = target === LOOSE ? undefined : target;
    const allowedNames = rule.files?.[edge.to];
    if (allowedNames !== undefined && (edge.names ?? ['*']).every((name) => allowedNames.includes(name))) continue;
    if (to !== undefined && rule.imports.includes(to)) continue;
    if (to !== undefined && edge.typeOnly && rule.types?.includes(to)) continue;
    const typesNote = to !== undefined && rule.types?.includes(to) ? ' (its types only: write `import type`)' : '';
    const namesNote = allowedNames !== undefined ? ` (from this file only ${allowedNames.join(', ')})` : '';
    problems.push(`${edge.from} → ${edge.to}: ${from} may not import ${to ?? 'that file'}${typesNote}${namesNote}`);
  }
  return [...problems, ...circles(edges).map((c) => `import circle among: ${c.join(', ')}`)];
}

/** The one file of runtime code that reads the process environment. */
const ENVIRONMENT_READER = 'src/config/environment.ts';

/** A resolved relative import (a path with a source extension), as opposed to a package specifier. */
function isRelativeTarget(to: string): boolean {
  return SOURCE.test(to) && !to.startsWith('@');
}

/** The circles among the files of `edges` (strongly connected components with more than one file, or a self-import). */
export function circles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!to.startsWith('src/') && !to.startsWith('handlers/')) continue;
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next.get(node)?.includes(node)) found.push(component.reverse());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return tsFiles(root, path);
    return SOURCE.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The import graph of src/ and handlers/ under `root`. */
export function repositoryImports(root: string): ImportEdge[] {
  const exists = (path: string) => {
    try {
      return statSync(join(root, path)).isFile();
    } catch {
      return false;
    }
  };
  return ['src', 'handlers'].flatMap((dir) =>
    tsFiles(root, dir).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8'), exists)),
  );
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  const edges = repositoryImports(root);
  const problems = layerViolations(edges);
  if (problems.length > 0) {
    console.error(`layer rules (scripts/lint/layers.ts): ${problems.length} broken\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  const files = new Set(edges.map((e) => e.from)).size;
  console.log(
    `layer rules: ${files} files, ${edges.length} imports, no arrow back up, no circle (${relative(process.cwd(), __filename)})`,
  );
}
