/**
 * `npm run load`: drives GET /studio-url with thousands of requests at high concurrency, mixed
 * across the demo people, with faults injected in the SageMaker emulator, and checks every answer:
 * the status each person must get (or a documented fault status when a fault hit that request),
 * and for every URL, that it opens that person's own profile. Prints throughput and latency
 * percentiles; exits non-zero on any wrong answer or any secret in the service's output.
 *
 *   npm run load                                   # in-process: real handler + real SDK → emulator over loopback
 *   npm run load -- --target stack                 # starts its own local stack (serverless-offline) and scans its logs
 *   npm run load -- --target http://127.0.0.1:3000 # against a running `npm start` (loopback only)
 *   npm run load -- --requests 20000 --concurrency 100 --fault-every 40 --max-seconds 300
 *
 * Bounded: it stops after --requests or --max-seconds, whichever comes first.
 */
import './local/quiet-node-notice';
import { parseArgs } from 'node:util';
import { DEMO_PEOPLE } from './local/demo-data';
import { startInProcessPipeline, studioUrlEvent } from './local/in-process';
import { leaksIn } from './local/log-hygiene';
import type { FaultKind, FaultSpec } from './local/sagemaker-emulator';
import { seeded } from './local/seeded';
import { freeStackPorts, startLocalStack } from './local/stack';
import { percentile } from './local/stats';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '50' },
    'fault-every': { type: 'string', default: '25' },
    'max-seconds': { type: 'string', default: '180' },
    target: { type: 'string', default: 'in-process' },
    emulator: { type: 'string', default: 'http://127.0.0.1:4599' },
    issuer: { type: 'string', default: 'http://127.0.0.1:4600' },
    seed: { type: 'string', default: '20261130' },
  },
});

const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const FAULT_EVERY = Number(args['fault-every']);
const MAX_MS = Number(args['max-seconds']) * 1000;
const EXPECTED: Record<string, number> = Object.fromEntries(Object.entries(DEMO_PEOPLE).map(([p, d]) => [p, d.expectedStatus]));
const FAULT_STATUSES = new Set([502, 503, 504]);
// Weighted so most requests go the whole way to CreatePresignedDomainUrl.
const MIX = ['alice', 'alice', 'alice', 'erin', 'erin', 'john.smith', 'bob', 'carol', 'dave', 'mallory', 'john_smith'];
const FAULTS: FaultKind[] = ['throttle', 'error', 'latency', 'reset', 'malformed'];

for (const [name, value] of [
  ['requests', REQUESTS],
  ['concurrency', CONCURRENCY],
  ['fault-every', FAULT_EVERY],
  ['max-seconds', MAX_MS],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
}

let capturedOutput = '';

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`refusing to send load to ${host}: loopback only`);
}

/** Opens a presigned URL in the emulator (consuming it): the profile it opens, or undefined. */
async function openedProfile(url: string): Promise<string | undefined> {
  assertLoopback(url);
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  return response.ok ? ((await response.json()) as { userProfileName: string }).userProfileName : undefined;
}

/** What the load needs from a target: a call, a way to mint tokens and inject faults, and a URL check. */
interface Target {
  readonly description: string;
  /**
   * Callers refused before SageMaker can still get these when the target itself is overloaded:
   * serverless-offline starts a worker per concurrent request, and each cold worker fetches the JWKS.
   */
  readonly overloadStatuses: ReadonlySet<number>;
  tokenFor(person: string): Promise<string>;
  get(token: string): Promise<{ status: number; url?: string; noStore: boolean }>;
  injectFault(spec: FaultSpec): Promise<void>;
  /** The profile a presigned URL opens (consuming it), or undefined if it opens nothing. */
  profileOf(url: string): Promise<string | undefined>;
  urlTokens(): string[];
  /** The service's output, where this process can see it. */
  serviceOutput(): string | undefined;
  close(): Promise<void>;
}

async function inProcessTarget(): Promise<Target> {
  const pipeline = await startInProcessPipeline();
  const { emulator, issuer } = pipeline.peers;
  return {
    description: 'in-process (real handler, real SDK → emulator over loopback HTTP)',
    overloadStatuses: new Set(),
    tokenFor: async (person) => issuer.tokenFor(person),
    async get(token) {
      const response = await pipeline.invoke(studioUrlEvent(token));
      const url = response.statusCode === 200 ? (JSON.parse(response.body) as { url: string }).url : undefined;
      return { status: response.statusCode, ...(url && { url }), noStore: response.headers?.['Cache-Control'] === 'no-store' };
    },
    injectFault: async (spec) => emulator.injectFault(spec),
    profileOf: openedProfile,
    urlTokens: () => [...emulator.sessions.keys()],
    serviceOutput: () => capturedOutput,
    close: () => pipeline.close(),
  };
}

async function httpTarget(apiUrl: string, emulatorUrl = args.emulator, issuerUrl = args.issuer): Promise<Target> {
  for (const url of [apiUrl, emulatorUrl, issuerUrl]) assertLoopback(url);
  const seen: string[] = [];
  return {
    description: `HTTP against ${apiUrl} (the running local stack)`,
    overloadStatuses: new Set([503]),
    async tokenFor(person) {
      const response = await fetch(`${issuerUrl}/__local/token?person=${person}`);
      if (!response.ok) throw new Error(`issuer answered ${response.status}; is npm start running?`);
      return ((await response.json()) as { token: string }).token;
    },
    async get(token) {
      const response = await fetch(`${apiUrl}/studio-url`, { headers: { Authorization: `Bearer ${token}` } });
      const text = await response.text();
      const url = response.status === 200 ? (JSON.parse(text) as { url: string }).url : undefined;
      if (url) seen.push(new URL(url).searchParams.get('token') ?? '');
      return { status: response.status, ...(url && { url }), noStore: response.headers.get('cache-control') === 'no-store' };
    },
    async injectFault(spec) {
      await fetch(`${emulatorUrl}/__emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });
    },
    profileOf: openedProfile,
    urlTokens: () => seen,
    serviceOutput: () => undefined,
    async close() {
      await fetch(`${emulatorUrl}/__emulator/faults`, { method: 'DELETE' });
    },
  };
}

/** HTTP against a local stack this script starts on free loopback ports, whose output it keeps. */
async function stackTarget(): Promise<Target> {
  const ports = await freeStackPorts();
  const stack = await startLocalStack(ports, { isolatedBuild: true });
  const http = await httpTarget(stack.apiUrl, stack.emulator.url, stack.issuer.url);
  return {
    ...http,
    description: `HTTP against its own local stack (serverless-offline) on ${stack.apiUrl}`,
    urlTokens: () => [...stack.emulator.sessions.keys()],
    serviceOutput: () => stack.output(),
    close: () => stack.stop(),
  };
}

async function main(): Promise<number> {
  const rand = seeded(Number(args.seed));
  const target =
    args.target === 'in-process'
      ? await inProcessTarget()
      : args.target === 'stack'
        ? await stackTarget()
        : await httpTarget(args.target);
  const tokens = Object.fromEntries(
    await Promise.all(Object.keys(DEMO_PEOPLE).map(async (p) => [p, await target.tokenFor(p)] as const)),
  );

  // Everything this process prints while under load (the in-process service's log) is kept.
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const capture = (chunk: string | Uint8Array) => {
    capturedOutput += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;

  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const wrong: string[] = [];
  let faultsInjected = 0;
  let faultAnswers = 0;
  let overloadAnswers = 0;
  let next = 0;
  const started = performance.now();
  const deadline = Date.now() + MAX_MS;

  async function worker(): Promise<void> {
    while (next < REQUESTS && Date.now() < deadline) {
      const i = next++;
      if (i % FAULT_EVERY === 0) {
        const times = 1 + Math.floor(rand() * 3);
        const fault = FAULTS[Math.floor(rand() * FAULTS.length)] as FaultKind;
        const operation = rand() < 0.5 ? 'DescribeUserProfile' : 'CreatePresignedDomainUrl';
        // Latency mostly under the request timeout (slow but fine), sometimes over it (504 after retries).
        await target.injectFault({ operation, fault, times, latencyMs: rand() < 0.8 ? 50 : 1600 });
        faultsInjected += times;
      }
      const person = MIX[Math.floor(rand() * MIX.length)] as string;
      const t0 = performance.now();
      const answer = await target.get(tokens[person] as string);
      latencies.push(performance.now() - t0);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (!answer.noStore) wrong.push(`#${i} ${person}: no Cache-Control: no-store`);
      if (answer.status === EXPECTED[person]) {
        if (answer.status === 200) {
          const opened = answer.url ? await target.profileOf(answer.url) : undefined;
          if (opened !== DEMO_PEOPLE[person]?.opens) wrong.push(`#${i} ${person}: URL opened ${opened ?? 'nothing'}`);
        }
      } else if (FAULT_STATUSES.has(answer.status) && person !== 'mallory') {
        faultAnswers += 1;
      } else if (target.overloadStatuses.has(answer.status)) {
        overloadAnswers += 1;
      } else {
        wrong.push(`#${i} ${person}: status ${answer.status}, expected ${EXPECTED[person]}`);
      }
    }
  }

  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
  await target.close();

  if (faultAnswers > faultsInjected) wrong.push(`${faultAnswers} fault answers but only ${faultsInjected} faults injected`);
  const serviceOutput = target.serviceOutput();
  const leaks = serviceOutput === undefined ? [] : leaksIn(serviceOutput, [...Object.values(tokens), ...target.urlTokens()]);
  const sorted = [...latencies].sort((a, b) => a - b);
  const done = latencies.length;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    `studio-gate load: ${done}/${REQUESTS} requests, concurrency ${CONCURRENCY}, ${target.description}`,
    `  throughput       ${(done / seconds).toFixed(0)} req/s over ${seconds.toFixed(2)} s`,
    `  latency          p50 ${ms(percentile(sorted, 50))}  p90 ${ms(percentile(sorted, 90))}  p99 ${ms(percentile(sorted, 99))}  max ${ms(sorted[sorted.length - 1] ?? 0)}`,
    `  answers          ${Object.entries(statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join('  ')}`,
    `  faults           ${faultsInjected} injected (one every ${FAULT_EVERY} requests), ${faultAnswers} answers changed by them`,
    ...(overloadAnswers > 0
      ? [`  overload         ${overloadAnswers} answers 503 before SageMaker (cold workers timing out on the JWKS)`]
      : []),
    serviceOutput === undefined
      ? '  log output       in the npm start terminal (not scanned here)'
      : `  log output       ${serviceOutput.split('\n').filter(Boolean).length} lines scanned, ${leaks.length} secrets`,
    `  wrong answers    ${wrong.length}`,
    ...wrong.slice(0, 20).map((w) => `    ${w}`),
    ...leaks.map((l) => `    leak: ${l}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return wrong.length === 0 && leaks.length === 0 && done === REQUESTS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`load: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
