/**
 * The audit log: one structured JSON line per request, through Powertools Logger (CloudWatch Logs
 * in Lambda, stdout locally). It takes an {@link AuditEntry} and nothing else, so no URL, token,
 * assertion or cookie can reach it by accident: the entry type has no field for them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { AuditEntry, AuditLog } from '../use-cases/ports';

/** {@link AuditLog} over a Powertools Logger pinned to INFO, so LOG_LEVEL cannot silence the audit trail. */
export class PowertoolsAuditLog implements AuditLog {
  constructor(private readonly logger: Logger = new Logger({ serviceName: 'studio-gate', logLevel: 'INFO' })) {}

  record(entry: AuditEntry): void {
    this.logger.info('studio-url.audit', { audit: entry }); // log-safe: AuditEntry has no field for a URL, token or cookie
  }

  problem(message: string, details: Readonly<Record<string, unknown>>): void {
    this.logger.error(message, { details });
  }
}
