/**
 * How every function is bundled, one definition for serverless-esbuild (serverless.yml takes it
 * through config/serverless/deployment.js), the bench and the bundle tests: esbuild's settings, and
 * a plugin that leaves out what a function bundles but never runs in Lambda.
 * - the SDK's default credential chain → the environment's credentials only (Lambda gives them);
 * - `@smithy/core`'s event-stream codec → a stub (no call studio-gate makes streams);
 * - @xmldom/xmldom's HTML entity table → XML's five entities (nothing here parses HTML);
 * - the SDK packages' whole package.json, bundled for a version string → their name and version.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/** esbuild's settings for every function (serverless-esbuild adds the entry points and the output). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  // Prefer each package's ES module build: esbuild then keeps only the SDK commands we import.
  mainFields: ['module', 'main'],
  // No source map in the package: it would only add bytes to load.
  sourcemap: false,
  // Names are not kept: keeping them cost 18 KB and 6 ms of every studio-url cold start (a
  // defineProperty per function and class at load). Nothing reads a class's name to decide: errors
  // that are logged or matched by name set it explicitly (src/domain/errors.ts and the adapters').
  keepNames: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
} as const satisfies BuildOptions;

/** The modules swapped for ours, and why: a test checks none of the originals is bundled. */
export const SWAPPED_MODULES = {
  '@aws-sdk/credential-provider-node': 'src/adapters/lambda/environment-credentials.ts',
  '@smithy/core/event-streams': 'src/adapters/lambda/no-event-streams.ts',
} as const;

/**
 * Files swapped for ours, by the importer and the relative path it asks for (a bare `./entities`
 * would name too much), and why: a test checks none of the originals is bundled.
 */
export const SWAPPED_FILES = [
  {
    // xmldom's table of 2,000 HTML entities, read only when it parses HTML; nothing here does.
    importer: /[\\/]node_modules[\\/]@xmldom[\\/]xmldom[\\/]lib[\\/]dom-parser\.js$/,
    request: './entities',
    replacement: 'src/adapters/lambda/xml-entities-only.ts',
  },
] as const;

const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/][^\\/]+[\\/]package\.json$/;

/** A filter matching `text` exactly. */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[/.]/g, '\\$&')}$`);
}

/** The plugin that leaves out what Lambda never runs; `root` is the repository. */
export function lambdaRuntimePlugin(root: string): Plugin {
  return {
    name: 'studio-gate-lambda-runtime',
    setup(build) {
      for (const [module, replacement] of Object.entries(SWAPPED_MODULES)) {
        build.onResolve({ filter: exactly(module) }, () => ({ path: join(root, replacement) }));
      }
      for (const { importer, request, replacement } of SWAPPED_FILES) {
        build.onResolve({ filter: exactly(request) }, (args) =>
          importer.test(args.importer) ? { path: join(root, replacement) } : undefined,
        );
      }
      build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => {
        const { name, version } = JSON.parse(await readFile(args.path, 'utf8')) as { name: string; version: string };
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}
