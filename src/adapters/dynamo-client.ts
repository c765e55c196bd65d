/**
 * The DynamoDB client of the service table's users (the health functions, the SSO replay guard):
 * PutItem and GetItem, the two calls they make, over studio-gate's own signed JSON call
 * (src/adapters/signed-rpc.ts; the SDK's DynamoDB client and its endpoint discovery were 37 KB of
 * each bundle for these two). Items travel in DynamoDB's own attribute-value JSON, as the SDK's
 * low-level client sends them. Bounded attempts, and a fixed backoff where the caller counts the
 * worst case.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { AnswerShapeError, jsonCall, type ServiceSettings, SignedRpc } from './signed-rpc';
import type { StaticCredentials } from './static-credentials';

/** A service-table item is small; an answer beyond this is refused. */
const MAX_RESPONSE_BYTES = 512 * 1024;
const TARGET = 'DynamoDB_20120810';

/** One attribute in DynamoDB's JSON (`{ "S": "…" }`, `{ "N": "…" }`): the service table holds strings and numbers. */
export type AttributeValue = { readonly S: string } | { readonly N: string };
export type Item = Readonly<Record<string, AttributeValue>>;

export interface PutItemInput {
  readonly TableName: string;
  readonly Item: Item;
  readonly ConditionExpression?: string;
  /** `ALL_OLD`: a failed condition answers with the item that failed it ({@link ConditionFailedError.item}). */
  readonly ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues?: Item;
}

export interface GetItemInput {
  readonly TableName: string;
  readonly Key: Item;
  readonly ConsistentRead?: boolean;
}

/** An item as read: each attribute's `S` or `N` when it is one, nothing else kept. */
export type ReadItem = Readonly<Record<string, { readonly S?: string; readonly N?: string }>>;

/** The DynamoDB calls studio-gate makes. */
export interface DynamoApi {
  putItem(input: PutItemInput, signal?: AbortSignal): Promise<void>;
  getItem(input: GetItemInput, signal?: AbortSignal): Promise<{ Item?: ReadItem }>;
}

/** GetItem's answer: `{}` or `{ Item: { name: { S | N | … } } }`. @throws AnswerShapeError otherwise. */
export function readGetItem(answer: unknown): { Item?: ReadItem } {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new AnswerShapeError('not an object');
  const item = (answer as { Item?: unknown }).Item;
  if (item === undefined) return {};
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new AnswerShapeError('an item that is not an object');
  // No prototype: an attribute named __proto__ is an attribute like any other, never the item's prototype.
  const read: Record<string, { S?: string; N?: string }> = Object.create(null);
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new AnswerShapeError('an attribute that is not one');
    const { S, N } = value as { S?: unknown; N?: unknown };
    if ((S !== undefined && typeof S !== 'string') || (N !== undefined && typeof N !== 'string')) {
      throw new AnswerShapeError('a string or number attribute that is not text');
    }
    read[name] = { ...(S !== undefined && { S }), ...(N !== undefined && { N }) };
  }
  return { Item: read };
}

/** A conditional write refused: the item that failed the condition, when DynamoDB sent it. */
export class ConditionFailedError extends Error {
  override readonly name = 'ConditionalCheckFailedException';
  constructor(readonly item?: ReadItem) {
    super('the condition failed');
  }
}

/** DynamoDB's failed condition, with the item that failed it when the answer carries a readable one. */
function conditionFailed(code: string, body: unknown): ConditionFailedError | undefined {
  if (code !== 'ConditionalCheckFailedException') return undefined;
  try {
    return new ConditionFailedError(readGetItem(body).Item);
  } catch {
    return new ConditionFailedError();
  }
}

/** DynamoDB over one signed endpoint; each answer checked against the `x-amz-crc32` DynamoDB sends with it. */
export class DynamoClient implements DynamoApi {
  private readonly rpc: SignedRpc;

  constructor(settings: ServiceSettings) {
    this.rpc = new SignedRpc({ ...settings, service: 'dynamodb', checkAnswer: crc32Matches });
  }

  /** @throws ConditionFailedError when the condition failed; the SignedRpc errors otherwise. */
  async putItem(input: PutItemInput, signal?: AbortSignal): Promise<void> {
    await jsonCall(this.rpc, '1.0', `${TARGET}.PutItem`, input, () => undefined, { signal, readError: conditionFailed });
  }

  getItem(input: GetItemInput, signal?: AbortSignal): Promise<{ Item?: ReadItem }> {
    return jsonCall(this.rpc, '1.0', `${TARGET}.GetItem`, input, readGetItem, { signal });
  }

  destroy(): void {
    this.rpc.destroy();
  }
}

/** Whether `body` is what DynamoDB's `x-amz-crc32` says it sent (no header: nothing to check). */
export function crc32Matches(body: Buffer, headers: IncomingHttpHeaders): boolean {
  const header = headers['x-amz-crc32'];
  return typeof header !== 'string' || String(crc32(body)) === header.trim();
}

export function createDynamoClient(
  region: string,
  options: { endpoint?: string; timeoutMs: number; credentials?: StaticCredentials; maxAttempts?: number; backoffMs?: number },
): DynamoClient {
  return new DynamoClient({
    region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    connectTimeoutMs: Math.min(1000, options.timeoutMs),
    attemptTimeoutMs: options.timeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    maxAttempts: options.maxAttempts ?? 3,
    // A fixed backoff where the caller counts the worst case (the SSO functions' budget); else exponential from 50 ms.
    backoffMs: (retry) => options.backoffMs ?? Math.min(1000, 50 * 2 ** (retry - 1)),
  });
}
