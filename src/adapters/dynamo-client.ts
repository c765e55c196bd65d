/**
 * The DynamoDB client of the service table's users (the health functions, the SSO replay guard):
 * bounded attempts over the bounded HTTP handler, and a fixed backoff where the caller counts the
 * worst case.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { BoundedHttpHandler } from './bounded-http-handler';
import type { StaticCredentials } from './static-credentials';

/** A service-table item is small; an answer beyond this is refused. */
const MAX_RESPONSE_BYTES = 512 * 1024;

export function createDynamoClient(
  region: string,
  options: { endpoint?: string; timeoutMs: number; credentials?: StaticCredentials; maxAttempts?: number; backoffMs?: number },
): DynamoDBClient {
  return new DynamoDBClient({
    region,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.credentials && { credentials: options.credentials }),
    maxAttempts: options.maxAttempts ?? 3,
    // A fixed backoff where the caller counts the worst case (the SSO functions' budget).
    ...(options.backoffMs !== undefined && {
      retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts ?? 3, () => options.backoffMs as number),
    }),
    requestHandler: new BoundedHttpHandler({
      connectTimeoutMs: Math.min(1000, options.timeoutMs),
      attemptTimeoutMs: options.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    }),
  });
}
