/**
 * The audit log: one structured JSON line per request on stdout, which Lambda hands to CloudWatch
 * Logs as it is (and the local stack prints). It takes an {@link AuditEntry} and nothing else, so no
 * URL, token, assertion or cookie can reach it by accident: the entry type has no field for them.
 *
 * A line written directly, not through a logging library: it is the only log this function writes,
 * its shape is fixed, no LOG_LEVEL can silence it, and it costs no bundle bytes, init time or CPU
 * beyond one JSON.stringify (measured by `npm run bench`; Powertools Logger was 22 KB of the bundle).
 */
import type { HealthSummary } from '../domain/health/check';
import type { HealthLog } from '../use-cases/health-ports';
import type { AuditEntry, AuditLog, Clock } from '../use-cases/ports';

/** Where lines go; one call per line, newline included. */
export type LineWriter = (line: string) => void;

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(line);
};

/** {@link AuditLog} as JSON lines: `{"level","message","service","timestamp",…}`. */
export class JsonLineAuditLog implements AuditLog, HealthLog {
  constructor(
    private readonly write: LineWriter = stdoutWriter,
    private readonly clock: Clock = Date.now,
    private readonly service = 'studio-gate',
    /** The `message` of audit lines: which route they audit (`studio-url.audit`, `health.audit`). */
    private readonly auditMessage = 'studio-url.audit',
  ) {}

  private line(level: 'INFO' | 'ERROR', message: string, fields: Record<string, unknown>): void {
    const timestamp = new Date(this.clock()).toISOString();
    this.write(`${JSON.stringify({ level, message, service: this.service, timestamp, ...fields })}\n`);
  }

  record(entry: AuditEntry): void {
    this.line('INFO', this.auditMessage, { audit: entry }); // log-safe: AuditEntry has no field for a URL, token or cookie
  }

  /** The scheduled health run: INFO when healthy, ERROR when a check failed. Reasons name resources, never secrets. */
  healthResult(summary: HealthSummary): void {
    const { healthy, status, checkedAt, checks } = summary;
    this.line(healthy ? 'INFO' : 'ERROR', 'health.result', {
      health: { healthy, status, checkedAt: new Date(checkedAt).toISOString(), checks },
    });
  }

  problem(message: string, details: Readonly<Record<string, unknown>>): void {
    this.line('ERROR', message, { details });
  }
}
