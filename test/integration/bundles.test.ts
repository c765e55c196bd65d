/**
 * The deployed bundles carry only what runs in Lambda (src/infrastructure/bundle.ts): no credential
 * provider but the environment's, no nested STS/SSO client, no event-stream codec, no
 * xml-encryption, no debug logger, no whole package.json, no Cognito verifier. A dependency bump
 * that brings one back fails here. And a bundled function with no credentials in its environment
 * fails closed, with its usual answer.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { inProcessEnv, studioUrlEvent } from '../../scripts/local/in-process';
import { invocationContext } from '../../scripts/local/lambda-context';
import { startPeers } from '../../scripts/local/stack';
import { BUNDLE_OPTIONS, lambdaRuntimePlugin, SWAPPED_MODULES } from '../../src/infrastructure/bundle';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const HANDLERS = ['studio-url', 'sso-oidc', 'sso-saml', 'health', 'health-check'] as const;
let dir: string;
const built: Record<string, { file: string; inputs: Metafile['inputs'] }> = {};

/** What must never be bundled again, by the input path that would show it. */
const NEVER: [string, RegExp][] = [
  ['a credential provider but the environment one', /node_modules\/@aws-sdk\/credential-provider-(?!env\/)/],
  ['a nested STS/SSO/sign-in client', /node_modules\/@aws-sdk\/(nested-clients|client-sts|client-sso)/],
  ['the token providers', /node_modules\/@aws-sdk\/token-providers/],
  ['the instance metadata service', /node_modules\/@smithy\/credential-provider-imds/],
  ['event-stream code', /node_modules\/.*event-?stream/],
  ['xml-encryption', /node_modules\/xml-encryption\//],
  ['the debug logger', /node_modules\/debug\//],
  ['the Cognito verifier', /aws-jwt-verify\/.*cognito/],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-gate-bundles-'));
  for (const name of HANDLERS) {
    const file = join(dir, `${name}.js`);
    const result = await build({
      ...BUNDLE_OPTIONS,
      logLevel: 'silent',
      metafile: true,
      entryPoints: [join(ROOT, 'handlers', `${name}.ts`)],
      outfile: file,
      plugins: [lambdaRuntimePlugin(ROOT)],
    });
    built[name] = { file, inputs: result.metafile.inputs };
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(HANDLERS)('the %s bundle', (name) => {
  it.each(NEVER)('holds no %s', (_what, pattern) => {
    expect(Object.keys(built[name]?.inputs ?? {}).filter((path) => pattern.test(path))).toEqual([]);
  });

  it('holds no SDK package.json but its name and version', () => {
    const inputs = built[name]?.inputs ?? {};
    const manifests = Object.entries(inputs).filter(([path]) =>
      /node_modules\/@(aws-sdk|smithy)\/[^/]+\/package\.json$/.test(path),
    );
    for (const [path, input] of manifests) expect([path, input.bytes < 200]).toEqual([path, true]);
  });
});

it('uses the environment-credentials provider wherever an SDK client is bundled', () => {
  for (const name of HANDLERS) {
    expect([name, Object.keys(built[name]?.inputs ?? {})]).toEqual([
      name,
      expect.arrayContaining([SWAPPED_MODULES['@aws-sdk/credential-provider-node']]),
    ]);
  }
});

it('fails closed with 503, auditing why, when Lambda gives the function no credentials', async () => {
  const peers = await startPeers({ emulator: 0, issuer: 0 });
  try {
    const driver = join(dir, 'driver.js');
    const context = invocationContext();
    writeFileSync(
      driver,
      [
        `const { handler } = require(${JSON.stringify(built['studio-url']?.file)});`,
        `const context = ${JSON.stringify({ ...context, getRemainingTimeInMillis: undefined })};`,
        'context.getRemainingTimeInMillis = () => 20000;',
        `handler(${JSON.stringify(studioUrlEvent(peers.issuer.tokenFor('alice')))}, context).then((r) => console.log('STATUS ' + r.statusCode));`,
      ].join('\n'),
    );
    // No AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and no shared config to fall back to.
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...inProcessEnv(peers),
    };
    const { stdout } = await promisify(execFile)(process.execPath, [driver], { env, timeout: 60_000 });
    expect(stdout).toContain('STATUS 503');
    expect(stdout).toMatch(/"decision":"error","reason":"sagemaker-credentials-unavailable","status":503/);
    expect(peers.emulator.calls).toEqual({});
  } finally {
    await Promise.all([peers.emulator.close(), peers.issuer.close()]);
  }
});
