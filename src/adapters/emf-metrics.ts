/**
 * The health run's metrics as CloudWatch Embedded Metric Format lines (Powertools Metrics),
 * namespace `studio-gate`, dimension `service` = the stack's name: `Healthy` (1/0) and
 * `check.<name>` per check (1 pass, 0.5 warn, 0 fail), which the alarm and the dashboard read.
 * (GET /studio-url writes its own, src/adapters/request-metrics.ts.)
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { HealthSummary } from '../domain/health/check';
import { METRIC_NAMES } from '../domain/health/metric-names';
import type { HealthMetrics } from '../use-cases/health-ports';

const CHECK_VALUE = { pass: 1, warn: 0.5, fail: 0 } as const;

export class EmfMetrics implements HealthMetrics {
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
}
