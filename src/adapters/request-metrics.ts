/**
 * GET /studio-url's metrics as CloudWatch Embedded Metric Format lines, written directly like the
 * audit line: one JSON.stringify per request and no library in the request path's bundle (Powertools
 * Metrics costs it 15 KB and its init, measured by `npm run bench`; the health functions use it).
 * The lines have exactly Powertools' shape (a test holds the two to it): namespace `studio-gate`,
 * dimension `service` (plus a second set `service, domain` once the request's domain is chosen);
 * `Latency` and `UrlsIssued` in one blob, `Denials` / `Errors` with a `reason` dimension in a second.
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

  /** One EMF line; with a domain, its metrics are also kept per domain (a second dimension set). */
  private blob(dimensions: Record<string, string>, metrics: [string, Unit, number][], domain?: string): void {
    const names = Object.keys(dimensions);
    const sets = domain === undefined ? [names] : [names, [names[0] as string, 'domain', ...names.slice(1)]];
    const line = {
      _aws: {
        Timestamp: this.clock(),
        CloudWatchMetrics: [
          { Namespace: METRIC_NAMES.namespace, Dimensions: sets, Metrics: metrics.map(([Name, Unit]) => ({ Name, Unit })) },
        ],
      },
      ...dimensions,
      ...(domain !== undefined && { domain }),
      ...Object.fromEntries(metrics.map(([name, , value]) => [name, value])),
    };
    this.write(`${JSON.stringify(line)}\n`); // log-safe: metric values, fixed reasons and a domain id only
  }

  requestFinished(entry: AuditEntry): void {
    // The domain, once chosen, adds a per-domain dimension set; the service-wide one stays as it was.
    const domain = entry.domainId;
    this.blob(
      { service: this.service },
      [
        [METRIC_NAMES.latency, 'Milliseconds', entry.latencyMs],
        ...(entry.decision === 'allow' && entry.reason === 'issued'
          ? [[METRIC_NAMES.urlsIssued, 'Count', 1] as [string, Unit, number]]
          : []),
      ],
      domain,
    );
    if (entry.decision !== 'allow') {
      const name = entry.decision === 'deny' ? METRIC_NAMES.denials : METRIC_NAMES.errors;
      this.blob({ service: this.service, reason: entry.reason }, [[name, 'Count', 1]], domain);
    }
  }
}
