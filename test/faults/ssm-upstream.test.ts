/**
 * studio-gate's own SSM GetParameters (src/adapters/ssm-secrets.ts over signed-rpc.ts's JSON call)
 * against an SSM on loopback, with the SDK's SSMClient as the reference: the same request, the same
 * values read, the same error codes. A hostile SSM gets no secret read from a malformed answer, and
 * no value of a secret reaches an error.
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createSsmClient, resolveSecrets } from '../../src/adapters/ssm-secrets';
import { type AwsPeer, answer, startAwsPeer } from '../support/aws-peer';

const CREDENTIALS = { accessKeyId: 'AKIDSSMTEST', secretAccessKey: 'ssm-test-secret' };
const NAMES = ['/studio-gate/prod/sso-cookie-keys', '/studio-gate/prod/oidc-client-secret', '/studio-gate/prod/missing'];
const ANSWER = JSON.stringify({
  InvalidParameters: ['/studio-gate/prod/missing'],
  Parameters: [
    {
      ARN: 'arn:aws:ssm:eu-west-1:111122223333:parameter/studio-gate/prod/sso-cookie-keys',
      DataType: 'text',
      LastModifiedDate: 1.764669600123e9,
      Name: '/studio-gate/prod/sso-cookie-keys',
      Type: 'SecureString',
      Value: 'key-one,key-two "quoted" é',
      Version: 3,
    },
    { Name: '/studio-gate/prod/oidc-client-secret', Type: 'SecureString', Value: 'the-client-secret', Version: 1 },
  ],
});
const json =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
    res.end(body);
  };

let peer: AwsPeer;
beforeAll(async () => {
  peer = await startAwsPeer(answer(200, 'application/x-amz-json-1.1', ANSWER));
});
afterAll(() => peer.close());
beforeEach(() => peer.reset());

const ours = (maxAttempts = 2) =>
  createSsmClient('eu-west-1', { endpoint: peer.url, credentials: CREDENTIALS, maxAttempts, timeoutMs: 500, backoffMs: 1 });
const sdk = () => new SSMClient({ region: 'eu-west-1', endpoint: peer.url, credentials: CREDENTIALS, maxAttempts: 1 });

it('sends the GetParameters the SDK sends and reads the values the SDK reads', async () => {
  const mine = await ours().getParameters({ Names: NAMES, WithDecryption: true });
  const theirs = await sdk().send(new GetParametersCommand({ Names: NAMES, WithDecryption: true }));
  const [a, b] = peer.seen;
  expect(JSON.parse(a?.body ?? '')).toEqual(JSON.parse(b?.body ?? ''));
  for (const header of ['content-type', 'x-amz-target'])
    expect([header, a?.headers[header]]).toEqual([header, b?.headers[header]]);
  expect([a?.method, a?.url]).toEqual([b?.method, b?.url]);
  expect(String(a?.headers.authorization)).toMatch(/Credential=AKIDSSMTEST\/\d{8}\/eu-west-1\/ssm\/aws4_request/);
  expect(mine).toEqual({
    Parameters: theirs.Parameters?.map(({ Name, Value }) => ({ Name, Value })),
    InvalidParameters: theirs.InvalidParameters,
  });
});

it.each([
  ['the body', 400, JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:sts::1:assumed-role/x' }), {}],
  ['a namespaced body', 400, JSON.stringify({ __type: 'com.amazonaws.ssm#ParameterNotFound', message: 'x' }), {}],
  [
    'the header',
    400,
    '{}',
    { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' },
  ],
  ['a 500', 500, JSON.stringify({ __type: 'InternalServerError' }), {}],
])('names an error given in %s as the SDK does', async (_where, status, body, headers) => {
  peer.reply(json(status, body, headers));
  const theirs = (await sdk()
    .send(new GetParametersCommand({ Names: NAMES }))
    .catch((e: unknown) => e)) as Error;
  peer.reply(json(status, body, headers), json(status, body, headers));
  const mine = (await ours()
    .getParameters({ Names: NAMES, WithDecryption: true })
    .catch((e: unknown) => e)) as Error;
  expect(mine.name).toBe(theirs.name);
  expect(mine.message).not.toContain('arn:');
});

it.each([
  ['not JSON', '<html>proxy</html>'],
  ['JSON that is not an object', '["a"]'],
  ['parameters that are not a list', JSON.stringify({ Parameters: { Name: 'x', Value: 'y' } })],
  ['a value that is not a string', JSON.stringify({ Parameters: [{ Name: NAMES[0], Value: 42 }] })],
  ['a parameter that is not an object', JSON.stringify({ Parameters: ['secret'] })],
  ['invalid names that are not strings', JSON.stringify({ InvalidParameters: [{}] })],
])('reads no secret from an answer that is %s, and never shows a value', async (_what, body) => {
  peer.reply(json(200, body));
  const error = await resolveSecrets([{ kind: 'ssm', name: NAMES[0] as string }], () => ours()).catch((e: unknown) => e);
  expect(error).toMatchObject({ reason: 'sso-secrets-unavailable' });
  expect(JSON.stringify(error)).not.toContain('secret"');
  expect(peer.seen).toHaveLength(1);
});

it('reads the secrets it is asked for, names a missing one, and retries a throttled SSM', async () => {
  const found = { ...JSON.parse(ANSWER), InvalidParameters: [] };
  peer.reply(json(400, JSON.stringify({ __type: 'ThrottlingException' })), json(200, JSON.stringify(found)));
  const values = await resolveSecrets(
    [
      { kind: 'ssm', name: NAMES[1] as string },
      { kind: 'value', value: 'local' },
      { kind: 'ssm', name: NAMES[0] as string },
    ],
    () => ours(),
  );
  expect(values).toEqual(['the-client-secret', 'local', 'key-one,key-two "quoted" é']);
  expect(peer.seen).toHaveLength(2);
  await expect(resolveSecrets([{ kind: 'ssm', name: NAMES[2] as string }], () => ours())).rejects.toThrow(
    /SSM parameters not found: \/studio-gate\/prod\/missing/,
  );
});

it('names only parameters it asked for as missing, never SSM’s own text', async () => {
  peer.reply(json(200, JSON.stringify({ Parameters: [], InvalidParameters: ['<script>alert(1)</script>'] })));
  const error = await resolveSecrets([{ kind: 'ssm', name: NAMES[0] as string }], () => ours()).catch((e: unknown) => e);
  expect(String((error as Error).message)).not.toContain('script');
  expect(String((error as Error).message)).toMatch(/did not ask for/);
});

it('refuses an answer past 64 KB without reading it', async () => {
  peer.reply(json(200, JSON.stringify({ Parameters: [{ Name: NAMES[0], Value: 'x'.repeat(70 * 1024) }] })));
  await expect(ours(1).getParameters({ Names: NAMES, WithDecryption: true })).rejects.toMatchObject({ name: 'ResponseTooLarge' });
});
