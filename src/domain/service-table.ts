/**
 * The service table's keys, one definition for the deployment and the local stack's dynalite:
 * string partition key `pk`, string sort key `sk` (the health summary is `health`/`latest`; the SSO
 * bridge's replay records will use keys of their own), TTL on `expiresAt`.
 */
export const SERVICE_TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
} as const;

export const SERVICE_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** The health summary's item: the only keys the health functions' roles may touch (dynamodb:LeadingKeys). */
export const HEALTH_ITEM_KEY = { pk: 'health', sk: 'latest' } as const;

/** The partition the SSO bridge's used-once records live in: its roles may write no other key. */
export const SSO_REPLAY_PARTITION = 'sso-replay';
