/**
 * Used-once records in the service table: a conditional put per key (`pk = sso-replay`,
 * `sk = <kind>#sha256(value)`), kept until the value expires (TTL on `expiresAt`). The put fails when
 * an unexpired record exists, so a second use is refused on every container at once. An expired
 * record DynamoDB has not yet deleted (TTL lags) is overwritten. Only a hash of the value is stored,
 * and a random mark of the call: a retried write whose first answer was lost (a timeout after
 * DynamoDB stored it) finds its own mark on the record and counts as the first use it is, not as a
 * replay; a real second use carries another mark.
 */
import { createHash, randomBytes } from 'node:crypto';
import { UNAVAILABLE_RETRY_AFTER_SECONDS, UpstreamUnavailableError } from '../domain/errors';
import { SERVICE_TABLE_TTL_ATTRIBUTE, SSO_REPLAY_PARTITION } from '../domain/service-table';
import type { CallOptions, Clock } from '../use-cases/ports';
import type { ReplayGuard } from '../use-cases/sso-ports';
import { ConditionFailedError, type DynamoApi } from './dynamo-client';

export class DynamoReplayGuard implements ReplayGuard {
  constructor(
    private readonly client: DynamoApi,
    private readonly tableName: string,
    private readonly clock: Clock = Date.now,
  ) {}

  async useOnce(key: string, expiresAtMs: number, options: CallOptions = {}): Promise<boolean> {
    const now = Math.floor(this.clock() / 1000);
    const [kind, ...rest] = key.split(':');
    const digest = createHash('sha256').update(rest.join(':')).digest('base64url');
    // This call's mark on the record: when a retry of our own write (its first answer lost) finds the
    // record, the mark says it is ours, not a second use. Another call's mark never matches.
    const attempt = randomBytes(16).toString('base64url');
    try {
      await this.client.putItem(
        {
          TableName: this.tableName,
          Item: {
            pk: { S: SSO_REPLAY_PARTITION },
            sk: { S: `${kind}#${digest}` },
            [SERVICE_TABLE_TTL_ATTRIBUTE]: { N: String(Math.max(now + 1, Math.ceil(expiresAtMs / 1000))) },
            attempt: { S: attempt },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #expires < :now',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ExpressionAttributeNames: { '#expires': SERVICE_TABLE_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        },
        options.signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return error.item?.attempt?.S === attempt;
      // Unknown whether it was stored: fail closed (the person signs in again).
      throw new UpstreamUnavailableError('sso-replay-store-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
    }
  }
}
