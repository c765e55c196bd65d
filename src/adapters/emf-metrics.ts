/**
 * Metrics as CloudWatch Embedded Metric Format lines (Powertools Metrics), namespace `studio-gate`,
 * dimension `service` = the stack's name. The dashboard and the alarm read exactly these names:
 * - the health run: `Healthy` (1/0) and `check.<name>` per check (1 pass, 0.5 warn, 0 fail);
 * - each request: `Latency` (ms), `UrlsIssued`, and `Denials` / `Errors` with a `reason` dimension
 *   (reasons come from the fixed set of src/domain/errors.ts, so the dimension stays small).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { HealthSummary } from '../domain/health/check';
import { METRIC_NAMES } from '../domain/health/metric-names';
import type { HealthMetrics } from '../use-cases/health-ports';
import type { AuditEntry, RequestMetrics } from '../use-cases/ports';

const CHECK_VALUE = { pass: 1, warn: 0.5, fail: 0 } as const;

export class EmfMetrics implements HealthMetrics, RequestMetrics {
  private readonly metrics: Metrics;

  constructor(service: string) {
    this.metrics = new Metrics({ namespace: METRIC_NAMES.namespace, serviceName: service });
  }

  publishHealth(summary: HealthSummary): void {
    this.metrics.addMetric(METRIC_NAMES.healthy, MetricUnit.Count, summary.healthy ? 1 : 0);
    for (const check of summary.checks)
      this.metrics.addMetric(METRIC_NAMES.check(check.name), MetricUnit.Count, CHECK_VALUE[check.status]);
    this.metrics.publishStoredMetrics();
  }

  requestFinished(entry: AuditEntry): void {
    this.metrics.addMetric(METRIC_NAMES.latency, MetricUnit.Milliseconds, entry.latencyMs);
    if (entry.decision === 'allow') this.metrics.addMetric(METRIC_NAMES.urlsIssued, MetricUnit.Count, 1);
    this.metrics.publishStoredMetrics();
    if (entry.decision !== 'allow') {
      const single = this.metrics.singleMetric();
      single.addDimension('reason', entry.reason);
      single.addMetric(entry.decision === 'deny' ? METRIC_NAMES.denials : METRIC_NAMES.errors, MetricUnit.Count, 1);
    }
  }
}
