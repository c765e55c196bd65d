/**
 * The bench itself, in a small configuration: it finishes by itself, measures every series against
 * its floor, and prints exactly the JSON shape docs/performance.md documents on its last line. (Its
 * targets are not judged here: they live in `npm run bench`, not in timed tests. Only orders of
 * magnitude that tell a working series from a broken one are.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const number = expect.any(Number);
const verdict = expect.stringMatching(/^(met|missed|open)$/);

it('prints the table and one JSON object of the documented shape on the last line', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      'scripts/bench.ts',
      '--json',
      '--requests',
      '20',
      '--cold-runs',
      '3',
      '--latency-ms',
      '5',
      '--cpu-processes',
      '2',
    ],
    {
      cwd: ROOT,
      // A shell that slows Node down: the bench must not pass these on to what it measures.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '--no-deprecation', NODE_EXTRA_CA_CERTS: '/dev/null' },
      timeout: 170_000,
    },
  );
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const result = JSON.parse(lines[0] as string);
  expect(result).toStrictEqual({
    warm: {
      addedLatencyMs: 5,
      parallel: { p50: number, p99: number },
      sequential: { p50: number, p99: number },
      floor: { p50: number, p99: number },
      roleRepeat: { p50: number, p99: number },
      roleFirst: { p50: number, p99: number },
      issuance: {
        requests: number,
        tagBound: { repeat: { p50: number, p99: number }, first: { p50: number, p99: number } },
        direct: { repeat: { p50: number, p99: number }, first: { p50: number, p99: number } },
      },
    },
    cpu: {
      processes: 2,
      repeatUs: number,
      firstUs: number,
      floorUs: number,
      repeatRatio: number,
      repeatRatioRange: [number, number],
      repeatVerdict: verdict,
      firstRatio: number,
      sameCallRatio: number,
      sameCallRatioRange: [number, number],
      ownUs: number,
      ownRatio: number,
      ownRatioRange: [number, number],
      presignRatio: number,
      presignRatioRange: [number, number],
      rangeCoverage: 0.5,
    },
    cold: {
      handlerMs: number,
      sdkFloorMs: number,
      nodeMs: number,
      externalMs: number,
      handlerRatio: number,
      handlerRatioRange: [number, number],
      handlerVerdict: verdict,
      handlerRatioCoverage: 0.75,
      cpuMs: { handler: number, sdkFloor: number, node: number, external: number },
    },
    bundle: { studioUrlBytes: number, studioUrlGzipBytes: number, sdkFloorBytes: number },
    functions: Object.fromEntries(
      ['studioUrl', 'ssoOidc', 'ssoSaml', 'health', 'healthCheck'].map((name) => [
        name,
        {
          bytes: number,
          floorBytes: number,
          bytesRatio: number,
          loadMs: number,
          floorLoadMs: number,
          leanFloorBytes: number,
          leanFloorLoadMs: number,
        },
      ]),
    ),
    environment: { kept: ['PATH'], cleared: expect.any(Array) },
  });
  // Measured where nothing else slows Node down: the shell's NODE_OPTIONS and CA bundle are not passed on.
  expect(result.environment.cleared).toEqual(expect.arrayContaining(['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']));
  // One round trip in the parallel mode, three in the sequential one: the emulator adds 5 ms a call.
  expect(result.warm.sequential.p50).toBeGreaterThan(result.warm.parallel.p50);
  // A first request through an issuer role adds AssumeRole's round trip; a repeat caller does not.
  expect(result.warm.roleFirst.p50).toBeGreaterThan(result.warm.roleRepeat.p50);
  expect(result.bundle.studioUrlBytes).toBeLessThan(result.bundle.sdkFloorBytes);
  // Every measured process reported the CPU time it used: more than a bare `node -e 0` for the handler.
  expect(result.cold.cpuMs.handler).toBeGreaterThan(result.cold.cpuMs.node);
  expect(stderr).toMatch(/cold first response, CPU time +[\d.]+ ms +SDK-only process [\d.]+ ms/);
  expect(stderr).toMatch(/warm p50, parallel .* floor/);
  expect(stderr).toMatch(/bundle, minified +\d+ B/);
  // CPU is measured on the deployed bundle in fresh processes, beside the same SDK call twice.
  expect(stderr).toMatch(
    /CPU, repeat caller +\d+ µs +one SDK call \d+ µs: [\d.]+× paired \([\d.]+–[\d.]+× over 2 processes, 50% sure to hold the median\)/,
  );
  expect(stderr).toMatch(/CPU, the same SDK call again +[\d.]+×/);
  // Each median lies in its range; the same call against itself reads near 1.
  for (const [mid, [low, high]] of [
    [result.cpu.repeatRatio, result.cpu.repeatRatioRange],
    [result.cpu.sameCallRatio, result.cpu.sameCallRatioRange],
    [result.cpu.ownRatio, result.cpu.ownRatioRange],
    [result.cpu.presignRatio, result.cpu.presignRatioRange],
    [result.cold.handlerRatio, result.cold.handlerRatioRange],
  ]) {
    expect(low).toBeLessThanOrEqual(mid);
    expect(mid).toBeLessThanOrEqual(high);
  }
  expect(result.cpu.sameCallRatio).toBeGreaterThan(0.5);
  expect(result.cpu.sameCallRatio).toBeLessThan(2);
  // A first-time caller costs more than a repeat one (AssumeRole and three calls against one).
  expect(result.cpu.firstUs).toBeGreaterThan(result.cpu.repeatUs);
  // With SageMaker answered from memory the same request costs less than one call: no SDK round trip.
  expect(result.cpu.ownUs).toBeLessThan(result.cpu.floorUs);
  // The presign alone costs about one call (blocks of four calls here: a wide margin).
  expect(result.cpu.presignRatio).toBeGreaterThan(0.3);
  expect(result.cpu.presignRatio).toBeLessThan(3);
  expect(stderr).toMatch(/CPU, repeat caller, handler without its SageMaker client +\d+ µs +[\d.]+× one SDK call, paired/);
  // The cold start is judged on its paired runs' median and its interval (three runs: their range, 75%).
  expect(stderr).toMatch(
    /cold first response +[\d.]+ ms +SDK-only process [\d.]+ ms: [\d.]+× paired \([\d.]+–[\d.]+× over 3 runs, 75% sure/,
  );
  expect(stderr).toMatch(/warm p50, issuer role, first request .* \(STS \+ SageMaker\)/);
});
