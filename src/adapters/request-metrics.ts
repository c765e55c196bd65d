/**
 * GET /studio-url's metrics as CloudWatch Embedded Metric Format lines, written directly like the
 * audit line: one JSON.stringify per request and no library in the request path's bundle (Powertools
 * Metrics costs it 15 KB and its init, measured by `npm run bench`; the health functions use it).
 * The lines have exactly Powertools' shape (a test holds the two to it): namespace `studio-gate`,
 * dimension `service`; `Latency` and `UrlsIssued` in one blob, `Denials` / `Errors` with a `reason`
 * dimension in a second.
 */
import { METRIC_NAMES } from '../domain/health/metric-names';
import type { AuditEntry, Clock, RequestMetrics } from '../use-cases/ports';
import { type LineWriter, stdoutWriter } from './audit-log';

type Unit = 'Count' | 'Milliseconds';

export class EmfRequestMetrics implements RequestMetrics {
  constructor(
    private readonly service: string,
    private readonly write: LineWriter = stdoutWriter,
    private readonly clock: Clock = Date.now,
  ) {}

  private blob(dimensions: Record<string, string>, metrics: [string, Unit, number][]): void {
    const names = Object.keys(dimensions);
    const line = {
      _aws: {
        Timestamp: this.clock(),
        CloudWatchMetrics: [
          { Namespace: METRIC_NAMES.namespace, Dimensions: [names], Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })) },
        ],
      },
      ...dimensions,
      ...Object.fromEntries(metrics.map(([name, , value]) => [name, value])),
    };
    this.write(`${JSON.stringify(line)}\n`); // log-safe: metric values and fixed reasons only
  }

  requestFinished(entry: AuditEntry): void {
    this.blob({ service: this.service }, [
      [METRIC_NAMES.latency, 'Milliseconds', entry.latencyMs],
      ...(entry.decision === 'allow' ? [[METRIC_NAMES.urlsIssued, 'Count', 1] as [string, Unit, number]] : []),
    ]);
    if (entry.decision !== 'allow') {
      const name = entry.decision === 'deny' ? METRIC_NAMES.denials : METRIC_NAMES.errors;
      this.blob({ service: this.service, reason: entry.reason }, [[name, 'Count', 1]]);
    }
  }
}
