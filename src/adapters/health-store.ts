/**
 * The latest health summary in the service's DynamoDB table (string keys `pk`/`sk`, TTL attribute
 * `expiresAt`; the SSO bridge keeps its replay records in the same table under other keys). One
 * item, overwritten by every run: `pk = health`, `sk = latest`. A stored item that does not read as
 * a summary counts as none (GET /health then says `unknown`, never `healthy`).
 */
import { UNAVAILABLE_RETRY_AFTER_SECONDS, UpstreamUnavailableError } from '../domain/errors';
import type { CheckResult, CheckStatus, HealthSummary } from '../domain/health/check';
import { HEALTH_ITEM_KEY, SERVICE_TABLE_TTL_ATTRIBUTE } from '../domain/service-table';
import type { HealthStore } from '../use-cases/health-ports';
import { createDynamoClient, type DynamoApi, type ReadItem } from './dynamo-client';
import type { StaticCredentials } from './static-credentials';

/** How long DynamoDB keeps a summary nobody overwrites (its TTL). */
const KEEP_SECONDS = 7 * 24 * 3600;
const STATUSES: readonly CheckStatus[] = ['pass', 'warn', 'fail'];
/** The names checks have (`endpoint.sagemaker-api`, `dns.studio`, `domain`…), and no more of them than a plan makes. */
const CHECK_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]{0,39})?$/;
const MAX_CHECKS = 200;

function readResult(value: unknown): CheckResult | undefined {
  const v = value as Partial<Record<keyof CheckResult, unknown>>;
  if (typeof v?.name !== 'string' || !CHECK_NAME.test(v.name)) return undefined;
  if (typeof v.reason !== 'string' || !STATUSES.includes(v.status as CheckStatus)) return undefined;
  if (typeof v.durationMs !== 'number' || (v.fix !== undefined && typeof v.fix !== 'string')) return undefined;
  return {
    name: v.name,
    status: v.status as CheckStatus,
    reason: v.reason,
    ...(typeof v.fix === 'string' && { fix: v.fix }),
    durationMs: v.durationMs,
  };
}

/** A summary read back, or undefined when the text is not one. */
export function readSummary(text: string): HealthSummary | undefined {
  let raw: Partial<Record<keyof HealthSummary, unknown>>;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw?.checkedAt !== 'number' || typeof raw.healthy !== 'boolean' || !STATUSES.includes(raw.status as CheckStatus)) {
    return undefined;
  }
  if (!Array.isArray(raw.checks) || raw.checks.length > MAX_CHECKS) return undefined;
  const checks = raw.checks.map(readResult);
  if (checks.some((c) => c === undefined)) return undefined;
  // Healthy must agree with the checks: a stored `healthy: true` beside a failed check is not believed.
  const healthy = raw.healthy && !checks.some((c) => c?.status === 'fail');
  return { checkedAt: raw.checkedAt, healthy, status: raw.status as CheckStatus, checks: checks as CheckResult[] };
}

export class DynamoHealthStore implements HealthStore {
  constructor(
    private readonly client: DynamoApi,
    private readonly tableName: string,
  ) {}

  async save(summary: HealthSummary): Promise<void> {
    await this.client.putItem({
      TableName: this.tableName,
      Item: {
        pk: { S: HEALTH_ITEM_KEY.pk },
        sk: { S: HEALTH_ITEM_KEY.sk },
        checkedAt: { N: String(summary.checkedAt) },
        summary: { S: JSON.stringify(summary) },
        [SERVICE_TABLE_TTL_ATTRIBUTE]: { N: String(Math.floor(summary.checkedAt / 1000) + KEEP_SECONDS) },
      },
    });
  }

  async latest(): Promise<HealthSummary | undefined> {
    let out: { Item?: ReadItem };
    try {
      out = await this.client.getItem({
        TableName: this.tableName,
        Key: { pk: { S: HEALTH_ITEM_KEY.pk }, sk: { S: HEALTH_ITEM_KEY.sk } },
        ConsistentRead: true,
      });
    } catch {
      // Unreachable, throttled, refused, or no credentials: GET /health answers 503, never a 500.
      throw new UpstreamUnavailableError('health-store-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
    }
    const text = out.Item?.summary?.S;
    return text === undefined ? undefined : readSummary(text);
  }
}

/** The store as both health functions reach it (a client of their own unless one is given). */
export function healthStoreFor(
  config: { readonly region: string; readonly tableName: string; readonly dynamoEndpointUrl?: string },
  overrides: {
    readonly dynamoClient?: DynamoApi;
    readonly credentials?: StaticCredentials;
  } = {},
): HealthStore {
  const client =
    overrides.dynamoClient ??
    createDynamoClient(config.region, {
      timeoutMs: 2000,
      ...(config.dynamoEndpointUrl !== undefined && { endpoint: config.dynamoEndpointUrl }),
      ...(overrides.credentials && { credentials: overrides.credentials }),
    });
  return new DynamoHealthStore(client, config.tableName);
}
