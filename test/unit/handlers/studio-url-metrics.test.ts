/**
 * GET /studio-url publishes what the dashboard draws: one EMF blob per request with Latency (and
 * UrlsIssued when a URL was issued), and a Denials or Errors metric with the audit reason as its
 * dimension. Parsed from the captured stdout, beside the audit line; no URL or token in either.
 */

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { JsonLineAuditLog } from '../../../src/adapters/audit-log';
import { EmfRequestMetrics } from '../../../src/adapters/request-metrics';
import { buildStudioUrlApp } from '../../../src/composition/studio-url';
import { studioUrlHandler } from '../../../src/http/studio-url-endpoint';
import { captureOutput, leaksIn } from '../../support/capture';
import { jwtEnv } from '../../support/env';
import { privateApiEvent } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { fakeSageMaker, fetcher, tokenFor } from '../../support/mock-pipeline';

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
} & Record<string, unknown>;

async function requestsFor(people: string[]) {
  fakeSageMaker();
  const app = buildStudioUrlApp(jwtEnv(), {
    jwksFetcher: fetcher,
    sagemakerClient: new SageMakerClient({ region: 'eu-west-1' }),
  });
  const handler = studioUrlHandler(() => app, new JsonLineAuditLog(), Date.now, new EmfRequestMetrics('studio-gate-test'));
  const tokens = people.map((p) => tokenFor(p));
  const { output } = await captureOutput(async () => {
    for (const token of tokens) await handler(privateApiEvent({ token }), lambdaContext());
  });
  const lines = output
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    output,
    tokens,
    audit: lines.filter((l) => l.message === 'studio-url.audit'),
    emf: lines.filter((l) => '_aws' in l) as Emf[],
  };
}

describe('request metrics', () => {
  it('counts an issued URL and its latency', async () => {
    const { emf, audit, output, tokens } = await requestsFor(['alice']);
    expect(audit).toHaveLength(1);
    expect(emf).toHaveLength(1);
    expect(emf[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'studio-gate',
        // Service-wide, and per domain once the request's domain is known.
        Dimensions: [['service'], ['service', 'domain']],
        Metrics: [
          { Name: 'Latency', Unit: 'Milliseconds' },
          { Name: 'UrlsIssued', Unit: 'Count' },
        ],
      },
    ]);
    expect(emf[0]).toMatchObject({
      service: 'studio-gate-test',
      domain: 'd-localdemo',
      UrlsIssued: 1,
      Latency: (audit[0]?.audit as { latencyMs?: number } | undefined)?.latencyMs,
    });
    expect(leaksIn(output, [...tokens, 'SECRET-'])).toEqual([]);
  });

  it('counts a denial by its audit reason, and no URL', async () => {
    const { emf, audit } = await requestsFor(['mallory', 'dave']);
    const denials = emf.filter((e) => 'Denials' in e);
    expect(denials.map((e) => [e.reason, e.Denials])).toEqual(audit.map((a) => [(a.audit as { reason: string }).reason, 1]));
    // mallory is refused before any domain is chosen; dave's missing profile is in the demo domain.
    expect(denials.map((d) => [d.reason, d.domain, d._aws.CloudWatchMetrics[0]?.Dimensions])).toEqual([
      ['group-missing', undefined, [['service', 'reason']]],
      [
        'profile-not-found',
        'd-localdemo',
        [
          ['service', 'reason'],
          ['service', 'domain', 'reason'],
        ],
      ],
    ]);
    expect(emf.filter((e) => 'UrlsIssued' in e)).toEqual([]);
    expect(emf.filter((e) => 'Latency' in e)).toHaveLength(2);
  });
});

describe('the request metrics writer', () => {
  it('writes exactly the lines Powertools Metrics would', async () => {
    const entries = [
      { requestId: 'r1', decision: 'allow' as const, reason: 'issued', status: 200, latencyMs: 31 },
      { requestId: 'r2', decision: 'deny' as const, reason: 'group-missing', status: 403, latencyMs: 4 },
      { requestId: 'r3', decision: 'error' as const, reason: 'sagemaker-timeout', status: 504, latencyMs: 900 },
    ];
    const ours: string[] = [];
    const writer = new EmfRequestMetrics(
      'studio-gate-test',
      (line) => void ours.push(line),
      () => 1_796_000_000_000,
    );
    for (const e of entries) writer.requestFinished(e);

    const { output } = await captureOutput(async () => {
      const metrics = new Metrics({ namespace: 'studio-gate', serviceName: 'studio-gate-test' });
      for (const e of entries) {
        metrics.addMetric('Latency', MetricUnit.Milliseconds, e.latencyMs);
        if (e.decision === 'allow') metrics.addMetric('UrlsIssued', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
        if (e.decision !== 'allow') {
          const single = metrics.singleMetric();
          single.addDimension('reason', e.reason);
          single.addMetric(e.decision === 'deny' ? 'Denials' : 'Errors', MetricUnit.Count, 1);
        }
      }
    });
    const untimed = (line: string) => {
      const parsed = JSON.parse(line);
      parsed._aws.Timestamp = 0;
      return parsed;
    };
    expect(ours.map(untimed)).toEqual(output.trim().split('\n').map(untimed));
  });
});
