/**
 * `npm run bench`: how fast GET /studio-url is, each number beside the floor it is measured against,
 * all in one run on this machine (docs/performance.md). Bounded: a fixed number of requests,
 * every child process with a timeout, everything on 127.0.0.1.
 *
 * - warm: p50/p99 of the real handler and SDK against the emulator (in its own process) with a fixed
 *   latency added to every SageMaker call, in the parallel and the sequential mode (grant cache off,
 *   so each request makes every call), next to one call through the same SDK client;
 * - cpu: CPU time per request with a zero-latency emulator, a repeat caller (grant cache on) and a
 *   first-time caller (a new person each time), next to one bare SDK call;
 * - cold: a fresh Node process that loads the bundled handler and answers its first request, next to
 *   one that loads an SDK-only bundle (same esbuild settings) and sends one call, and `node -e 0`;
 * - bundle: the handler bundle's size, minified and gzip, next to the SDK-only bundle.
 *
 * Flags: --latency-ms N (default 25), --requests N (default 1000), --cold-runs N (default 15), --json
 * (one JSON object on the last line of stdout).
 */
import './local/quiet-node-notice';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type BuildOptions, build } from 'esbuild';
import { createSageMakerClient } from '../src/adapters/sagemaker-studio';
import { buildStudioUrlApp } from '../src/composition/studio-url';
import { parseConfig } from '../src/config/studio-url';
import { studioUrlHandler } from '../src/http/studio-url-endpoint';
import type { AuditLog } from '../src/use-cases/ports';
import { LOCAL_CREDENTIALS } from './local/credentials';
import { DEMO_DOMAIN_ID } from './local/demo-data';
import { benchPerson } from './local/emulator-process';
import { wholeNumberFlag } from './local/flags';
import { inProcessEnv, studioUrlEvent } from './local/in-process';
import { invocationContext } from './local/lambda-context';
import { median, percentile } from './local/stats';
import { startTokenIssuer, type TokenIssuer } from './local/token-issuer';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.bench');

const LATENCY_MS = wholeNumberFlag('--latency-ms', 25);
const REQUESTS = Math.max(wholeNumberFlag('--requests', 1000), 10);
const COLD_RUNS = Math.max(wholeNumberFlag('--cold-runs', 15), 3);
const JSON_OUT = process.argv.includes('--json');
const CPU_REQUESTS = Math.min(REQUESTS, 2000);
/** Distinct first-time callers: warm-up plus every measured round. */
const BENCH_PEOPLE = CPU_REQUESTS + 600;

/** The handler's esbuild settings, as serverless.yml gives them to serverless-esbuild. */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  keepNames: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};

const quiet: AuditLog = { record: () => undefined, problem: () => undefined };

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Starts the emulator in a child process; resolves with its URL. */
async function emulatorProcess(latencyMs: number, benchPeople: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'scripts', 'local', 'emulator-process.ts'),
      '--latency-ms',
      String(latencyMs),
      '--bench-people',
      String(benchPeople),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (text) => {
      clearTimeout(timer);
      resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

/** The environment of the handler under test, pointed at this emulator and issuer. */
function envFor(emulatorUrl: string, issuer: TokenIssuer, overrides: Record<string, string>): Record<string, string> {
  return inProcessEnv({ emulator: { url: emulatorUrl }, issuer }, { FUNCTION_TIMEOUT_SECONDS: '20', ...overrides });
}

/** A handler around a fresh app and the SDK client it uses (the floor runs on the same client). */
function harness(env: Record<string, string>) {
  const client = createSageMakerClient(parseConfig(env), LOCAL_CREDENTIALS);
  const app = buildStudioUrlApp(env, { sagemakerClient: client });
  const handler = studioUrlHandler(() => app, quiet);
  const invoke = async (token: string) => {
    const response = (await handler(studioUrlEvent(token), invocationContext())) as APIGatewayProxyResult;
    if (response.statusCode !== 200) throw new Error(`the handler answered ${response.statusCode}: ${response.body}`);
  };
  const floor = () => client.send(new DescribeUserProfileCommand({ DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' }));
  return { invoke, floor, close: () => client.destroy() };
}

async function latencies(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2) };
}

/**
 * CPU microseconds per call (user + system, this process only: the emulator is another), for each
 * variant: all warmed up first, then measured in interleaved rounds so that JIT warm-up and GC
 * fall on all of them alike; the median round counts.
 */
async function cpuPerCall(
  variants: Record<string, (i: number) => Promise<unknown>>,
  n: number,
  rounds = 10,
): Promise<Record<string, number>> {
  let i = 0;
  for (const fn of Object.values(variants)) for (let w = 0; w < 500; w++) await fn(i++);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const perRound = Math.max(1, Math.floor(n / rounds));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const before = process.cpuUsage();
      for (let k = 0; k < perRound; k++) await fn(i++);
      const used = process.cpuUsage(before);
      samples[name]?.push((used.user + used.system) / perRound);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, round(median(values), 0)]));
}

/** Wall time of fresh processes from spawn to exit, median of `runs`. */
async function coldRuns(args: string[], env: NodeJS.ProcessEnv, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        if (c !== 0) reject(new Error(`cold run ${args.join(' ')} exited ${c}: ${err.slice(-500)}`));
        else resolve(c);
      });
    });
    if (code === 0) times.push(performance.now() - started);
  }
  return round(median(times), 1);
}

async function bundles(): Promise<{ handler: string; sdk: string; handlerExternal: string }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const handler = join(OUT, 'studio-url.js');
  await build({ ...BUNDLE_OPTIONS, entryPoints: [join(ROOT, 'handlers', 'studio-url.ts')], outfile: handler });
  // The same handler with the SDK left to the runtime (nodejs22.x ships AWS SDK v3): resolved from node_modules here.
  const handlerExternal = join(OUT, 'studio-url-sdk-external.js');
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(ROOT, 'handlers', 'studio-url.ts')],
    outfile: handlerExternal,
    external: ['@aws-sdk/*', '@smithy/*'],
  });
  const sdkEntry = join(OUT, 'sdk-floor-entry.ts');
  writeFileSync(
    sdkEntry,
    [
      "import { DescribeUserProfileCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';",
      'const client = new SageMakerClient({ region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL_SAGEMAKER });',
      `client.send(new DescribeUserProfileCommand({ DomainId: '${DEMO_DOMAIN_ID}', UserProfileName: 'alice' })).then(`,
      '  () => process.exit(0),',
      '  () => process.exit(3),',
      ');',
    ].join('\n'),
  );
  const sdk = join(OUT, 'sdk-floor.js');
  await build({ ...BUNDLE_OPTIONS, entryPoints: [sdkEntry], outfile: sdk, nodePaths: [join(ROOT, 'node_modules')] });
  return { handler, sdk, handlerExternal };
}

/** A driver that loads a handler bundle, answers one request and exits 0 on a 200. */
function coldDriver(bundle: string, token: string): string {
  const event = studioUrlEvent(token);
  const context = invocationContext();
  const file = `${bundle}.driver.js`;
  writeFileSync(
    file,
    [
      `const { handler } = require(${JSON.stringify(bundle)});`,
      `const context = ${JSON.stringify({ ...context, getRemainingTimeInMillis: undefined })};`,
      'context.getRemainingTimeInMillis = () => 20000;',
      `handler(${JSON.stringify(event)}, context).then((r) => process.exit(r.statusCode === 200 ? 0 : 2), () => process.exit(4));`,
    ].join('\n'),
  );
  return file;
}

async function main(): Promise<void> {
  const log = (text: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${text}\n`);
  log(
    `studio-gate bench: ${REQUESTS} requests per warm series, ${LATENCY_MS} ms added per SageMaker call, ${COLD_RUNS} cold runs`,
  );
  const issuer = await startTokenIssuer({ host: '127.0.0.1', port: 0, audience: 'studio-gate' });
  const slow = await emulatorProcess(LATENCY_MS, 0);
  const fast = await emulatorProcess(0, BENCH_PEOPLE);
  const children = [slow.child, fast.child];
  try {
    const alice = issuer.tokenFor('alice');

    // Warm latency, grant cache off: every request makes every call.
    const parallel = harness(envFor(slow.url, issuer, { SAGEMAKER_CALL_MODE: 'parallel', PROFILE_CACHE_TTL_SECONDS: '0' }));
    const sequential = harness(envFor(slow.url, issuer, { SAGEMAKER_CALL_MODE: 'sequential', PROFILE_CACHE_TTL_SECONDS: '0' }));
    const warm = {
      addedLatencyMs: LATENCY_MS,
      parallel: await latencies(REQUESTS, () => parallel.invoke(alice)),
      sequential: await latencies(REQUESTS, () => sequential.invoke(alice)),
      floor: await latencies(REQUESTS, () => parallel.floor()),
    };
    log('  warm done');

    // CPU, zero-latency emulator in its own process. Repeat: alice again and again (grant cache on).
    // First: a new person each request (a miss: all three calls).
    const cpuApp = harness(envFor(fast.url, issuer, {}));
    const people = Array.from({ length: BENCH_PEOPLE }, (_, i) =>
      issuer.tokenFor('alice', { email: `${benchPerson(i)}@example.com` }),
    );
    let next = 0;
    const measured = await cpuPerCall(
      {
        repeatUs: () => cpuApp.invoke(alice),
        firstUs: () => cpuApp.invoke(people[next++] as string),
        floorUs: () => cpuApp.floor(),
      },
      CPU_REQUESTS,
    );
    const cpu = {
      repeatUs: measured.repeatUs as number,
      firstUs: measured.firstUs as number,
      floorUs: measured.floorUs as number,
    };
    log('  cpu done');

    // Cold start and bundle sizes.
    const built = await bundles();
    const env = {
      PATH: process.env.PATH ?? '',
      ...envFor(fast.url, issuer, {}),
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
      NODE_NO_WARNINGS: '1',
    };
    const cold = {
      handlerMs: await coldRuns([coldDriver(built.handler, alice)], env, COLD_RUNS),
      sdkFloorMs: await coldRuns([built.sdk], env, COLD_RUNS),
      nodeMs: await coldRuns(['-e', '0'], env, COLD_RUNS),
    };
    const externalMs = await coldRuns(
      [coldDriver(built.handlerExternal, alice)],
      { ...env, NODE_PATH: join(ROOT, 'node_modules') },
      COLD_RUNS,
    );
    const handlerBytes = readFileSync(built.handler);
    const bundle = {
      studioUrlBytes: handlerBytes.length,
      studioUrlGzipBytes: gzipSync(handlerBytes).length,
      sdkFloorBytes: statSync(built.sdk).size,
    };
    for (const h of [parallel, sequential, cpuApp]) h.close();

    const ratio = (a: number, b: number) => `${round(a / b, 2)}×`;
    const target = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const rows: [string, string, string, string][] = [
      [
        'warm p50, parallel',
        `${warm.parallel.p50} ms`,
        `floor ${warm.floor.p50} ms: ${ratio(warm.parallel.p50, warm.floor.p50)}`,
        target(warm.parallel.p50 <= 1.15 * warm.floor.p50),
      ],
      [
        'warm p99, parallel',
        `${warm.parallel.p99} ms`,
        `floor ${warm.floor.p99} ms: +${round(warm.parallel.p99 - warm.floor.p99, 2)} ms`,
        target(warm.parallel.p99 <= warm.floor.p99 + 10),
      ],
      [
        'warm p50 / p99, sequential',
        `${warm.sequential.p50} / ${warm.sequential.p99} ms`,
        `${ratio(warm.sequential.p50, warm.floor.p50)} the floor`,
        'reported',
      ],
      [
        'CPU, repeat caller',
        `${cpu.repeatUs} µs`,
        `one SDK call ${cpu.floorUs} µs: ${ratio(cpu.repeatUs, cpu.floorUs)}`,
        target(cpu.repeatUs <= 1.3 * cpu.floorUs),
      ],
      ['CPU, first-time caller', `${cpu.firstUs} µs`, `${ratio(cpu.firstUs, cpu.floorUs)} one SDK call`, 'reported'],
      [
        'cold first response',
        `${cold.handlerMs} ms`,
        `SDK-only process ${cold.sdkFloorMs} ms: ${ratio(cold.handlerMs, cold.sdkFloorMs)}`,
        target(cold.handlerMs <= 1.3 * cold.sdkFloorMs),
      ],
      ['cold vs node -e 0', `${cold.nodeMs} ms`, `${ratio(cold.handlerMs, cold.nodeMs)}`, 'reported'],
      [
        'cold, SDK left to the runtime',
        `${externalMs} ms`,
        `${ratio(externalMs, cold.handlerMs)} the bundled SDK`,
        externalMs < cold.handlerMs ? 'FASTER' : 'bundled is faster',
      ],
      [
        'bundle, minified',
        `${bundle.studioUrlBytes} B`,
        `SDK-only ${bundle.sdkFloorBytes} B: ${ratio(bundle.studioUrlBytes, bundle.sdkFloorBytes)}`,
        target(bundle.studioUrlBytes <= 1.15 * bundle.sdkFloorBytes && bundle.studioUrlBytes < 500_000),
      ],
      ['bundle, gzip', `${bundle.studioUrlGzipBytes} B`, '', 'reported'],
    ];
    const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
    for (const row of rows) log(`  ${row.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ')}`);
    if (JSON_OUT) process.stdout.write(`${JSON.stringify({ warm, cpu, cold, bundle })}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await issuer.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
