/**
 * The layer rules of src/ and handlers/, checked over the import graph (`npm run lint` runs it, so CI
 * goes red on an arrow that runs back up or a circle). The arrows, from docs/architecture.md:
 *
 *   handlers → composition → http · use-cases · adapters · config → domain
 *   infrastructure → policies → domain        (deploy time; never imported by runtime code)
 *
 * - use cases never import adapters, http or configuration: they declare ports and settings;
 * - adapters implement ports and take their own settings (or domain types), never configuration;
 * - configuration reads the environment into the settings the layers below declare: it may import
 *   their types, never their code;
 * - the domain and the policies are pure: no SDK, no HTTP, no configuration, no package but a few
 *   pure ones;
 * - no circle between two files, whatever the layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

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
  /** Single files of other layers this one may import (a runtime contract the deployment repeats). */
  readonly files?: readonly string[];
  /** Packages this layer may import (a prefix ending in `/` admits a scope); undefined: any. */
  readonly packages?: readonly string[];
}

const PURE_PACKAGES = ['node:', 'ipaddr.js'];

export const LAYER_RULES: Readonly<Record<Layer, LayerRule>> = {
  handlers: { imports: ['composition'], packages: [] },
  composition: { imports: ['config', 'http', 'use-cases', 'adapters', 'domain'] },
  config: { imports: ['domain'], types: ['use-cases', 'adapters', 'http'], packages: PURE_PACKAGES },
  http: { imports: ['use-cases', 'domain'], packages: [...PURE_PACKAGES, '@middy/', 'aws-lambda'] },
  'use-cases': { imports: ['domain'], packages: PURE_PACKAGES },
  adapters: { imports: ['domain'], types: ['use-cases'] },
  domain: { imports: [], packages: PURE_PACKAGES },
  policies: { imports: ['domain'], packages: [] },
  infrastructure: { imports: ['policies', 'domain'], files: ['src/http/headers.ts'], packages: PURE_PACKAGES },
};

/** One import of a file: where it points and whether it carries types only. */
export interface ImportEdge {
  readonly from: string;
  /** A repository-relative file (`src/…/x.ts`) or a package specifier. */
  readonly to: string;
  readonly typeOnly: boolean;
}

const IMPORT =
  /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of one file's text (`file` repository-relative), relative ones resolved to files. */
export function importsOf(file: string, text: string, exists: (path: string) => boolean): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const match of source.matchAll(IMPORT)) {
    const specifier = (match[4] ?? match[5] ?? match[6]) as string;
    const clause = match[3] ?? '';
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const namesAllTypes =
      braces !== null &&
      braces[1]
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type ')) === true;
    const typeOnly = match[2] !== undefined || namesAllTypes;
    edges.push({ from: file, to: resolveSpecifier(file, specifier, exists), typeOnly });
  }
  return edges;
}

function resolveSpecifier(file: string, specifier: string, exists: (path: string) => boolean): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = join(dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) if (exists(candidate)) return candidate;
  return `${base}.ts`;
}

/** The layer of a repository-relative file, or undefined for files outside the rules (scripts, tests). */
export function layerOf(file: string): Layer | undefined {
  if (file.startsWith('handlers/')) return 'handlers';
  const match = /^src\/([^/]+)\//.exec(file);
  if (match === null) return file.startsWith('src/') ? ('src' as never) : undefined;
  return (match[1] as string) in LAYER_RULES ? (match[1] as Layer) : ('src' as never);
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
    if (!(from in LAYER_RULES)) {
      problems.push(
        `${edge.from}: a file directly in src/ belongs to no layer; put it in one of ${Object.keys(LAYER_RULES).join(', ')}`,
      );
      continue;
    }
    const rule = LAYER_RULES[from];
    if (!edge.to.startsWith('src/') && !edge.to.startsWith('handlers/')) {
      if (!packageAllowed(rule, edge.to)) problems.push(`${edge.from}: ${from} may not import the package "${edge.to}"`);
      continue;
    }
    const to = layerOf(edge.to);
    if (to === from || rule.files?.includes(edge.to)) continue;
    if (to !== undefined && rule.imports.includes(to)) continue;
    if (to !== undefined && edge.typeOnly && rule.types?.includes(to)) continue;
    const typesNote = to !== undefined && rule.types?.includes(to) ? ' (its types only: write `import type`)' : '';
    problems.push(`${edge.from} → ${edge.to}: ${from} may not import ${to ?? 'that file'}${typesNote}`);
  }
  return [...problems, ...circles(edges).map((c) => `import circle among: ${c.join(', ')}`)];
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
    return path.endsWith('.ts') ? [path] : [];
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
