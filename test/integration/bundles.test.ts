/**
 * The deployed bundles carry only what runs in Lambda (src/infrastructure/bundle.ts): no credential
 * provider but the environment's, no nested STS/SSO client, no SDK STS client (the issuer roles'
 * AssumeRole goes through src/adapters/sts-client.ts), no SDK EC2, SSM or DynamoDB client
 * (src/adapters/ec2-client.ts, ssm-secrets.ts, dynamo-client.ts),
 * no event-stream codec, no HTML entity table, no whole package.json, no Cognito verifier, and no
 * SAML or XML-DSig library but xmldom's parser (src/adapters/xml-signature.ts verifies). A dependency bump
 * that brings one back fails here. And a bundled function with no credentials in its environment
 * fails closed, with its usual answer.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { inProcessEnv, studioUrlEvent } from '../../scripts/local/in-process';
import { invocationContext } from '../../scripts/local/lambda-context';
import { startPeers } from '../../scripts/local/stack';
import { BUNDLE_OPTIONS, lambdaRuntimePlugin, SWAPPED_FILES, SWAPPED_MODULES } from '../../src/infrastructure/bundle';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const HANDLERS = ['studio-url', 'sso-oidc', 'sso-saml', 'health', 'health-check'] as const;
let dir: string;
/** Each bundle: its file, and the inputs that put bytes into it (an input tree-shaken away to nothing is not bundled). */
const built: Record<string, { file: string; inputs: Record<string, number> }> = {};

/** What must never be bundled again, by the input path that would show it. */
const NEVER: [string, RegExp][] = [
  [
    'a credential provider but the environment and the credentials-endpoint ones',
    /node_modules\/@aws-sdk\/credential-provider-(?!(env|http)\/)/,
  ],
  ['a nested STS/SSO/sign-in client', /node_modules\/@aws-sdk\/(nested-clients|client-sso)/],
  // The issuer roles' AssumeRole, the one STS call studio-gate makes, goes through src/adapters/sts-client.ts.
  ['the SDK’s STS client', /node_modules\/@aws-sdk\/client-sts\//],
  // The health checks' three EC2 reads go through src/adapters/ec2-client.ts.
  ['the SDK’s EC2 client', /node_modules\/@aws-sdk\/(client-ec2|middleware-sdk-ec2)\//],
  // The SSO functions' one GetParameters goes through src/adapters/ssm-secrets.ts.
  ['the SDK’s SSM client', /node_modules\/@aws-sdk\/client-ssm\//],
  // The service table's PutItem and GetItem go through src/adapters/dynamo-client.ts.
  [
    'the SDK’s DynamoDB client',
    /node_modules\/@aws-sdk\/(client-dynamodb|dynamodb-codec|middleware-endpoint-discovery|endpoint-cache)\//,
  ],
  // The SAML function verifies signatures itself (src/adapters/xml-signature.ts) on xmldom's tree.
  [
    'SAML or XML-DSig library, nor anything one pulls in',
    /node_modules\/(@node-saml|xml-crypto|xpath|xmlbuilder|xml2js|sax|xml-encryption|debug)\//,
  ],
  ['the token providers', /node_modules\/@aws-sdk\/token-providers/],
  ['the instance metadata service', /node_modules\/@smithy\/credential-provider-imds/],
  ['event-stream code', /node_modules\/.*event-?stream/],
  ['xmldom’s HTML entity table', /node_modules\/@xmldom\/xmldom\/lib\/entities\.js$/],
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
    const output = Object.values(result.metafile.outputs)[0] as Metafile['outputs'][string];
    const inputs = Object.fromEntries(
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path, input]) => [path, input.bytesInOutput]),
    );
    built[name] = { file, inputs };
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Text only the left-out pieces carry, whatever package they may move to: the web-identity, SSO,
 * process and shared-file providers of the default chain.
 */
const NEVER_TEXT = [
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  // (AssumeRoleWithWebIdentity itself is named by the STS client's auth scheme table, not a provider.)
  'fromTokenFile',
  'credential_process',
  'sso_start_url',
  'getSSOTokenFromFile',
];

describe.each(HANDLERS)('the %s bundle', (name) => {
  it('holds none of the default chain’s providers, by their text', () => {
    const text = readFileSync(built[name]?.file as string, 'utf8');
    expect(NEVER_TEXT.filter((needle) => text.includes(needle))).toEqual([]);
  });

  it('loads in a fresh process with nothing in its environment', async () => {
    const driver = join(dir, `${name}.load.js`);
    writeFileSync(driver, `require(${JSON.stringify(built[name]?.file)});\n`);
    await expect(
      promisify(execFile)(process.execPath, [driver], { env: { PATH: process.env.PATH }, timeout: 30_000 }),
    ).resolves.toBeDefined();
  });

  it.each(NEVER)('holds no %s', (_what, pattern) => {
    expect(Object.keys(built[name]?.inputs ?? {}).filter((path) => pattern.test(path))).toEqual([]);
  });

  it('holds no SDK package.json but its name and version', () => {
    const inputs = built[name]?.inputs ?? {};
    const manifests = Object.entries(inputs).filter(([path]) =>
      /node_modules\/@(aws-sdk|smithy)\/[^/]+\/package\.json$/.test(path),
    );
    for (const [path, bytes] of manifests) expect([path, bytes < 200]).toEqual([path, true]);
  });
});

/** A script that loads bundle `name` and answers `event` once, printing `STATUS <code>` after the function's own lines. */
function onceDriver(file: string, name: string, event: unknown): string {
  const driver = join(dir, file);
  const context = invocationContext();
  writeFileSync(
    driver,
    [
      `const { handler } = require(${JSON.stringify(built[name]?.file)});`,
      `const context = ${JSON.stringify({ ...context, getRemainingTimeInMillis: undefined })};`,
      'context.getRemainingTimeInMillis = () => 20000;',
      `handler(${JSON.stringify(event)}, context).then((r) => console.log('STATUS ' + r.statusCode));`,
    ].join('\n'),
  );
  return driver;
}

/** The studio-url bundle answering alice's request once. */
const aliceDriver = (file: string, token: string) => onceDriver(file, 'studio-url', studioUrlEvent(token));

it('reads credentials from a credentials endpoint when Lambda hands them out that way', async () => {
  const peers = await startPeers({ emulator: 0, issuer: 0 });
  // The function role's key, as the endpoint hands it out: the emulator's IAM knows it as the demo account's.
  peers.emulator.iam?.addHomeKey('AKIDLOCAL');
  const served: string[] = [];
  const endpoint = createServer((req, res) => {
    served.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        AccessKeyId: 'AKIDLOCAL',
        SecretAccessKey: 'local-secret',
        Token: 'local-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  try {
    const driver = aliceDriver('endpoint-driver.js', peers.issuer.tokenFor('alice'));
    const port = (endpoint.address() as { port: number }).port;
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/credentials`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...inProcessEnv(peers),
    };
    const { stdout } = await promisify(execFile)(process.execPath, [driver], { env, timeout: 60_000 });
    expect(stdout).toContain('STATUS 200');
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served)).toEqual(new Set(['/credentials']));
  } finally {
    endpoint.close();
    await Promise.all([peers.emulator.close(), peers.issuer.close()]);
  }
});

it('uses the environment-credentials provider wherever an SDK client is bundled', () => {
  for (const name of HANDLERS) {
    expect([name, Object.keys(built[name]?.inputs ?? {})]).toEqual([
      name,
      expect.arrayContaining([SWAPPED_MODULES['@aws-sdk/credential-provider-node']]),
    ]);
  }
});

it('swaps xmldom’s entity tables where the SAML bundle would load them', () => {
  expect(Object.keys(built['sso-saml']?.inputs ?? {})).toEqual(
    expect.arrayContaining(SWAPPED_FILES.map(({ replacement }) => replacement)),
  );
});

it('parses XML with xmldom as bundled: the five entities as before, and HTML refused loudly', async () => {
  const entry = join(dir, 'xmldom-entry.ts');
  writeFileSync(
    entry,
    [
      "import { DOMParser } from '@xmldom/xmldom';",
      'const quiet = { errorHandler: { warning() {}, error() {}, fatalError(e: unknown) { throw e; } } };',
      'const out: Record<string, string> = {};',
      `const xml = new DOMParser(quiet).parseFromString('<a b="&quot;&apos;">&amp;&lt;&gt;&#65;</a>', 'text/xml');`,
      "out.xml = `${xml.documentElement?.getAttribute('b')}|${xml.documentElement?.textContent}`;",
      'try {',
      "  new DOMParser(quiet).parseFromString('<p>a&nbsp;b</p>', 'text/html');",
      "  out.html = 'parsed';",
      '} catch (error) {',
      '  out.html = String((error as Error).message);',
      '}',
      'console.log(JSON.stringify(out));',
    ].join('\n'),
  );
  /** The script bundled as the functions are (or without the plugin), run once: what it printed. */
  const run = async (plugins: Plugin[]) => {
    const file = join(dir, 'xmldom.js');
    await build({
      ...BUNDLE_OPTIONS,
      logLevel: 'silent',
      entryPoints: [entry],
      outfile: file,
      nodePaths: [join(ROOT, 'node_modules')],
      plugins,
    });
    const { stdout } = await promisify(execFile)(process.execPath, [file], { env: { PATH: process.env.PATH }, timeout: 30_000 });
    return JSON.parse(stdout);
  };
  expect(await run([lambdaRuntimePlugin(ROOT)])).toEqual({
    xml: `"'|&<>A`,
    html: expect.stringContaining('HTML parsing is not bundled by studio-gate'),
  });
  // And without the swap, the same script parses the HTML: the test sees the difference.
  expect(await run([])).toEqual({ xml: `"'|&<>A`, html: 'parsed' });
});

it('fails closed with 503, auditing why, when Lambda gives the function no credentials', async () => {
  const peers = await startPeers({ emulator: 0, issuer: 0 });
  try {
    const driver = aliceDriver('driver.js', peers.issuer.tokenFor('alice'));
    // No AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN and no credentials endpoint; what the
    // default chain would have tried instead is laid out, and must stay untouched.
    const home = join(dir, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const ran = join(dir, 'credential-process-ran');
    writeFileSync(join(home, '.aws', 'config'), `[default]\ncredential_process = /usr/bin/touch ${ran}\n`);
    writeFileSync(join(dir, 'web-identity-token'), 'token');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'web-identity-token'),
      AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/nobody',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...inProcessEnv(peers),
    };
    const { stdout } = await promisify(execFile)(process.execPath, [driver], { env, timeout: 60_000 });
    expect(stdout).toContain('STATUS 503');
    // Tag-bound (the default): the issuer role's AssumeRole is the first call, and it has nothing to sign with.
    expect(stdout).toMatch(/"decision":"error","reason":"sts-credentials-unavailable","status":503/);
    expect(peers.emulator.calls).toEqual({});
    expect(existsSync(ran)).toBe(false);
  } finally {
    await Promise.all([peers.emulator.close(), peers.issuer.close()]);
  }
});

/** Runs `name`'s bundle once on `event` in a fresh process with `env` only; its stdout (audit lines, then `STATUS <code>`). */
async function runBundled(name: string, event: unknown, env: Record<string, string | undefined>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [onceDriver(`${name}.once.js`, name, event)], {
    env: { PATH: process.env.PATH, HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    timeout: 60_000,
  });
  return stdout;
}

describe('the other functions without credentials, each with its usual answer and nothing sent', () => {
  const seen: string[] = [];
  let url: string;
  const recorder = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => recorder.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
  });
  const source = { ALLOWED_VPCE_IDS: '*', ALLOWED_VPC_IDS: '*', ALLOWED_SOURCE_CIDRS: '198.51.100.0/24' };
  const event = (resource: string) => ({ ...studioUrlEvent(undefined), resource, path: resource });

  it('GET /health: 503, health-store-unavailable', async () => {
    const out = await runBundled('health', event('/health'), {
      AWS_REGION: 'eu-west-1',
      HEALTH_TABLE_NAME: 'studio-gate-test',
      AWS_ENDPOINT_URL_DYNAMODB: url,
      // The recorder is on loopback: the local-stack flag allows it.
      LOCAL_STUDIO_ORIGIN: url,
      HEALTH_INTERVAL_MINUTES: '5',
      ...source,
    });
    expect(out).toContain('STATUS 503');
    expect(out).toMatch(/"reason":"health-store-unavailable"/);
    expect(seen).toEqual([]);
    // The control: with the function role's credentials in the environment the same request is sent.
    const sent = await runBundled('health', event('/health'), {
      AWS_REGION: 'eu-west-1',
      HEALTH_TABLE_NAME: 'studio-gate-test',
      AWS_ENDPOINT_URL_DYNAMODB: url,
      LOCAL_STUDIO_ORIGIN: url,
      HEALTH_INTERVAL_MINUTES: '5',
      AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
      AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
      ...source,
    });
    expect(sent).toContain('STATUS 503');
    expect(seen.length).toBeGreaterThan(0);
  });

  it('GET /sso/login: 503, sso-secrets-unavailable (its secrets are SSM parameters)', async () => {
    const env = {
      ...inProcessEnv({ emulator: { url }, issuer: { issuer: url, jwksUri: `${url}/jwks` } }, source),
      AWS_ENDPOINT_URL_STS: url,
      OIDC_ISSUER: url,
      OIDC_CLIENT_ID: 'studio-gate',
      OIDC_CLIENT_SECRET: 'ssm:/studio-gate/test/oidc-client-secret',
      SSO_REDIRECT_URI: 'https://studio-gate.example.com/sso/callback',
      SSO_COOKIE_KEYS: 'ssm:/studio-gate/test/sso-cookie-keys',
      SSO_REPLAY_TABLE: 'studio-gate-test',
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_ENDPOINT_URL_SSM: url,
    };
    const out = await runBundled('sso-oidc', event('/sso/login'), env);
    expect(out).toContain('STATUS 503');
    expect(out).toMatch(/"reason":"sso-secrets-unavailable"/);
    expect(seen).toEqual([]);
  });
});
