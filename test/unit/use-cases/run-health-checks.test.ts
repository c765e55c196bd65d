/**
 * The runner: every check at once, each under its own limit; a hung or throwing check fails alone
 * and delays no other; the scheduled run's line and metrics are written even when storing fails.
 */

import { ProfileNotFoundError } from '../../../src/domain/errors';
import { fail, pass, summarize } from '../../../src/domain/health/check';
import { parsePlan } from '../../../src/domain/health/plan';
import type { HealthLog, HealthMetrics, HealthStore } from '../../../src/use-cases/health-ports';
import {
  type HealthCheck,
  MAX_TLS_ADDRESSES,
  recordHealth,
  runChecks,
  runHealth,
} from '../../../src/use-cases/run-health-checks';

const resolveAfter = (ms: number, outcome = pass('ok')) =>
  new Promise<typeof outcome>((resolve) => setTimeout(() => resolve(outcome), ms));

describe('runChecks', () => {
  it('times out a hung check without delaying the others, and aborts it', async () => {
    let aborted = false;
    const checks: HealthCheck[] = [
      {
        name: 'hung',
        run: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
      { name: 'quick', run: () => resolveAfter(10) },
      { name: 'slower', run: () => resolveAfter(60, fail('broken', 'fix it')) },
    ];
    const started = Date.now();
    const results = await runChecks(checks, 300);
    const elapsed = Date.now() - started;
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['hung', 'fail'],
      ['quick', 'pass'],
      ['slower', 'fail'],
    ]);
    expect(results[0]?.reason).toBe('did not finish within 300 ms');
    // Not held until the hung check's timeout (300 ms): it ends on its own, whatever the machine's load.
    expect(results[1]?.durationMs).toBeLessThan(250);
    expect(results[2]).toMatchObject({ reason: 'broken', fix: 'fix it' });
    expect(aborted).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The hung check never settles, so ending at all is the timeout at work. The bound is loose on
    // purpose: a fresh CI clone under two jest workers read 609 ms against a former 600.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('turns a thrown error into a fail that names only the error’s type or reason', async () => {
    const results = await runChecks(
      [
        {
          name: 'a',
          run: () => Promise.reject(Object.assign(new Error('secret: 10.0.0.1 token=abc'), { name: 'TimeoutError' })),
        },
        { name: 'b', run: () => Promise.reject(new ProfileNotFoundError('canary')) },
        { name: 'c', run: () => Promise.reject({ name: 'not an <identifier>' }) },
      ],
      500,
    );
    expect(results.map((r) => r.reason)).toEqual([
      'the check could not run (TimeoutError)',
      'the check could not run (profile-not-found)',
      'the check could not run (unknown error)',
    ]);
    expect(JSON.stringify(results)).not.toMatch(/secret|token/);
  });
});

describe('recordHealth', () => {
  const summary = summarize([{ name: 'domain', ...pass('fine'), durationMs: 3 }], 1_796_000_000_000);

  it('writes the line and the metrics, then stores', async () => {
    const order: string[] = [];
    const store: HealthStore = { save: async () => void order.push('store'), latest: async () => undefined };
    const metrics: HealthMetrics = { publishHealth: () => void order.push('metrics') };
    const log: HealthLog = { healthResult: () => void order.push('line') };
    await recordHealth(summary, { store, metrics, log });
    expect(order).toEqual(['line', 'metrics', 'store']);
  });

  it('still writes the line and the metrics when the table cannot be written, then fails the run', async () => {
    const written: string[] = [];
    const store: HealthStore = { save: () => Promise.reject(new Error('AccessDenied')), latest: async () => undefined };
    await expect(
      recordHealth(summary, {
        store,
        metrics: { publishHealth: () => void written.push('metrics') },
        log: { healthResult: () => void written.push('line') },
      }),
    ).rejects.toThrow('AccessDenied');
    expect(written).toEqual(['line', 'metrics']);
  });
});

describe('checksFor under a hostile resolver', () => {
  /** A plan with one name to resolve and handshake with, private inside `range`. */
  const oneName = (range: string) => {
    const plan = parsePlan(
      JSON.stringify({
        region: 'eu-west-1',
        checkTimeoutMs: 1000,
        dns: { servers: [], privateRanges: [range], names: [{ name: 'x', host: 'x.example.com', tls: true }] },
      }),
    );
    if (Array.isArray(plan)) throw new Error(plan.join());
    return plan;
  };

  it('connects to at most MAX_TLS_ADDRESSES of an answer, however long it is', async () => {
    const plan = oneName('127.0.0.0/8');
    const addresses = Array.from({ length: 500 }, (_, i) => `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    let handshakes = 0;
    const summary = await runHealth(plan, {
      dns: { resolve: async () => ({ kind: 'addresses', addresses }) },
      tls: {
        handshake: async (t) => {
          handshakes++;
          return { kind: 'ok', address: t.address, ms: 1 };
        },
      },
    });
    expect(handshakes).toBe(MAX_TLS_ADDRESSES);
    expect(summary.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('dials none of an answer that leaves the private ranges (loopback, where a Lambda’s Runtime API listens)', async () => {
    const plan = oneName('198.51.100.0/24');
    let handshakes = 0;
    const summary = await runHealth(plan, {
      dns: { resolve: async () => ({ kind: 'addresses', addresses: ['198.51.100.5', '127.0.0.1'] }) },
      tls: {
        handshake: async (t) => {
          handshakes++;
          return { kind: 'ok', address: t.address, ms: 1 };
        },
      },
    });
    expect(handshakes).toBe(0);
    expect(summary.checks.map((c) => [c.name, c.status])).toEqual([
      ['dns.x', 'fail'],
      ['tls.x', 'fail'],
    ]);
  });
});
