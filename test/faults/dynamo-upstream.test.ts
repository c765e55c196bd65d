/**
 * studio-gate's own DynamoDB client (src/adapters/dynamo-client.ts) against dynalite, a DynamoDB
 * on loopback, with the SDK's DynamoDBClient as the reference: what one writes the other reads, the
 * replay guard's condition refuses a second use for both alike; and against a hostile DynamoDB: an
 * answer that fails its CRC32 is refused, never believed and never sent again (a conditional write
 * sent twice would read as its own second use), and a malformed item is no summary.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../scripts/local/dynamo';
import { createDynamoClient } from '../../src/adapters/dynamo-client';
import { DynamoHealthStore } from '../../src/adapters/health-store';
import { DynamoReplayGuard } from '../../src/adapters/replay-store';
import { type AwsPeer, startAwsPeer } from '../support/aws-peer';
import { sdkDynamoApi } from '../support/sdk-clients';

const TABLE = 'studio-gate-dynamo-test';
let dynamo: LocalDynamo;
let peer: AwsPeer;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ port: 0, tableName: TABLE });
  peer = await startAwsPeer((res) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  });
});
afterAll(async () => {
  await Promise.all([dynamo.close(), peer.close()]);
});
beforeEach(() => peer.reset());

const ours = (endpoint = dynamo.url, maxAttempts = 3) =>
  createDynamoClient('eu-west-1', { endpoint, timeoutMs: 1000, credentials: LOCAL_CREDENTIALS, maxAttempts, backoffMs: 1 });
const sdk = () => new DynamoDBClient({ region: 'eu-west-1', endpoint: dynamo.url, credentials: LOCAL_CREDENTIALS });

it('writes what the SDK reads and reads what the SDK writes', async () => {
  const item = { pk: { S: 'p' }, sk: { S: 'ours' }, n: { N: '42' }, text: { S: 'a "quoted" é \u2028' } };
  await ours().putItem({ TableName: TABLE, Item: item });
  const read = await sdk().send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'p' }, sk: { S: 'ours' } }, ConsistentRead: true }),
  );
  expect(read.Item).toEqual(item);
  await sdk().send(new PutItemCommand({ TableName: TABLE, Item: { ...item, sk: { S: 'theirs' } } }));
  const mine = await ours().getItem({ TableName: TABLE, Key: { pk: { S: 'p' }, sk: { S: 'theirs' } }, ConsistentRead: true });
  expect(mine.Item).toEqual({ ...item, sk: { S: 'theirs' } });
  expect(await ours().getItem({ TableName: TABLE, Key: { pk: { S: 'p' }, sk: { S: 'none' } } })).toEqual({});
});

it('refuses a second use through the replay guard’s condition, as the SDK’s client did', async () => {
  const clock = () => Date.parse('2026-12-02T10:00:00Z');
  for (const [name, client] of [
    ['ours', ours()],
    ['sdk', sdkDynamoApi(sdk())],
  ] as const) {
    const guard = new DynamoReplayGuard(client, TABLE, clock);
    const expires = clock() + 60_000;
    expect([name, await guard.useOnce(`saml:assertion-${name}`, expires)]).toEqual([name, true]);
    expect([name, await guard.useOnce(`saml:assertion-${name}`, expires)]).toEqual([name, false]);
  }
});

it('refuses an answer whose CRC32 does not match, believing none and sending nothing again', async () => {
  const summary = JSON.stringify({ checkedAt: 1, healthy: true, status: 'pass', checks: [] });
  const lying =
    (body: string, status = 200) =>
    (res: import('node:http').ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '12345' });
      res.end(body);
    };
  peer.reply(lying(JSON.stringify({ Item: { summary: { S: summary } } })));
  const store = new DynamoHealthStore(ours(peer.url, 3), TABLE);
  await expect(store.latest()).rejects.toMatchObject({ reason: 'health-store-unavailable' });
  expect(peer.seen).toHaveLength(1);
  // The replay guard's write was received; sent again it would fail its own condition and refuse a
  // first sign-in as a replay. It fails closed as unavailable instead.
  peer.reset();
  peer.reply(lying('{}'));
  const guard = new DynamoReplayGuard(ours(peer.url, 3), TABLE);
  await expect(guard.useOnce('saml:first-use', Date.now() + 60_000)).rejects.toMatchObject({
    reason: 'sso-replay-store-unavailable',
  });
  expect(peer.seen).toHaveLength(1); // Nor when the answer that fails it says 500, which on its own would be retried.
  peer.reset();
  peer.reply(lying('{"__type":"InternalServerError"}', 500), lying('{}'));
  await expect(guard.useOnce('saml:second-first-use', Date.now() + 60_000)).rejects.toMatchObject({
    reason: 'sso-replay-store-unavailable',
  });
  expect(peer.seen).toHaveLength(1);
});

it('counts a retried write whose first answer was lost as the first use it is, and a replay as a replay', async () => {
  // A table on loopback: it stores each conditional put, answers the first one too late (the
  // client's attempt times out after DynamoDB stored it), and refuses a put whose key it holds,
  // with the stored item, as DynamoDB does for ReturnValuesOnConditionCheckFailure=ALL_OLD.
  const stored = new Map<string, unknown>();
  let first = true;
  const table = (res: import('node:http').ServerResponse, request: { body: string }) => {
    const input = JSON.parse(request.body) as { Item: { sk: { S: string } }; ReturnValuesOnConditionCheckFailure?: string };
    const held = stored.get(input.Item.sk.S);
    if (held !== undefined) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
          ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && { Item: held }),
        }),
      );
      return;
    }
    stored.set(input.Item.sk.S, input.Item);
    if (first) {
      first = false;
      setTimeout(() => res.writeHead(200).end('{}'), 600);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  };
  const client = createDynamoClient('eu-west-1', {
    endpoint: peer.url,
    timeoutMs: 200,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    backoffMs: 1,
  });
  peer.reply(table, table, table);
  const guard = new DynamoReplayGuard(client, TABLE);
  const expires = Date.now() + 60_000;
  await expect(guard.useOnce('saml:lost-answer', expires)).resolves.toBe(true);
  expect(peer.seen).toHaveLength(2);
  await expect(guard.useOnce('saml:lost-answer', expires)).resolves.toBe(false);
  // The SDK's client, through the same guard, reads DynamoDB's answer alike.
  const viaSdk = new DynamoReplayGuard(
    sdkDynamoApi(new DynamoDBClient({ region: 'eu-west-1', endpoint: peer.url, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })),
    TABLE,
  );
  peer.reply(table);
  await expect(viaSdk.useOnce('saml:lost-answer', expires)).resolves.toBe(false);
});

it('reads an attribute named __proto__ as an attribute, never as the item’s prototype', async () => {
  peer.reply((res) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{"Item":{"__proto__":{"S":"planted"},"summary":{"S":"x"}}}');
  });
  const { Item } = await ours(peer.url, 1).getItem({ TableName: TABLE, Key: { pk: { S: 'p' }, sk: { S: 's' } } });
  expect(Object.getPrototypeOf(Item)).toBeNull();
  expect((Item as Record<string, unknown>).S).toBeUndefined();
  expect(Object.keys(Item ?? {}).sort()).toEqual(['__proto__', 'summary']);
});

it.each([
  ['an item that is a list', '{"Item":[]}'],
  ['an attribute that is a string', '{"Item":{"summary":"x"}}'],
  ['a string attribute holding a number', '{"Item":{"summary":{"S":42}}}'],
  ['no JSON', 'Item'],
])('answers GET /health’s store read of %s as unavailable, reading nothing', async (_what, body) => {
  peer.reply((res) => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(body);
  });
  await expect(new DynamoHealthStore(ours(peer.url, 1), TABLE).latest()).rejects.toMatchObject({
    reason: 'health-store-unavailable',
  });
});

it('names DynamoDB’s conditional failure as the SDK does, from its namespaced type', async () => {
  peer.reply((res) => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
      }),
    );
  });
  const guard = new DynamoReplayGuard(ours(peer.url, 1), TABLE);
  await expect(guard.useOnce('oidc:code', Date.now() + 60_000)).resolves.toBe(false);
});
