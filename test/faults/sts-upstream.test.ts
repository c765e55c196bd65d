/**
 * studio-gate's own STS client (src/adapters/sts-client.ts over src/adapters/signed-rpc.ts) against
 * an STS on loopback: it sends what the SDK's STSClient sends, reads what the SDK reads, signs what
 * goes on the wire, and holds a hostile STS to the bounds of every upstream (retries only what is
 * transient, a deadline per attempt, a size cap, no XML beyond plain elements). The SDK's client is
 * the reference here only; no function bundles it.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { createStsClient, IssuerRoleSessions, toStsError } from '../../src/adapters/issuer-sessions';
import { regionalUrl } from '../../src/adapters/signed-rpc';
import { type AssumeRoleRequest, StsClient } from '../../src/adapters/sts-client';
import { type AwsPeer, answer, type PeerReply, type PeerRequest, startAwsPeer } from '../support/aws-peer';

const CREDENTIALS = { accessKeyId: 'AKIDSTSTEST', secretAccessKey: 'sts-test-secret' };
const INPUT: AssumeRoleRequest = {
  RoleArn: 'arn:aws:iam::111111111111:role/studio-gate-issuer',
  RoleSessionName: 'sg.grace+1@example.com',
  SourceIdentity: 'grace+1@example.com',
  DurationSeconds: 3600,
  Tags: [{ Key: 'studio-gate:owner', Value: "grace+1@example.com !*'()~ é" }],
};
const ANSWER = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>grace+1@example.com</SourceIdentity>
    <AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/studio-gate-issuer/sg.grace</Arn><AssumedRoleId>AROA:sg</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAFROMSTS</AccessKeyId>
      <SecretAccessKey>secret/with+chars</SecretAccessKey>
      <SessionToken>token&amp;more</SessionToken>
      <Expiration>2026-12-02T11:00:00.123Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

let peer: AwsPeer;
const xml = (status: number, body: string) => answer(status, 'text/xml', body);
const errorAnswer = (status: number, code: string) =>
  xml(
    status,
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>User arn:aws:iam::1:user/x is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  );

beforeAll(async () => {
  peer = await startAwsPeer(xml(200, ANSWER));
});
afterAll(() => peer.close());
beforeEach(() => peer.reset());

const settingsFor = () => ({
  region: 'eu-west-1',
  credentials: CREDENTIALS,
  connectTimeoutMs: 500,
  attemptTimeoutMs: 1000,
  maxResponseBytes: 64 * 1024,
  maxAttempts: 3,
  backoffMs: () => 1,
});
const ours = (over: Partial<ConstructorParameters<typeof StsClient>[0]> = {}) =>
  new StsClient({ ...settingsFor(), endpoint: peer.url, ...over });
const sdk = () => new STSClient({ region: 'eu-west-1', endpoint: peer.url, credentials: CREDENTIALS, maxAttempts: 1 });

/** What a Query-protocol body says, order aside. */
const params = (body: string) => [...new URLSearchParams(body).entries()].sort(([a], [b]) => a.localeCompare(b));

/** The request as it arrived, signed again with the date it names: equal only when nothing signed was changed on the way. */
async function resigned(s: PeerRequest): Promise<string> {
  const amzDate = String(s.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signedNames = /SignedHeaders=([^,]+)/.exec(String(s.headers.authorization))?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(s.headers[name])]));
  const signer = new SignatureV4({ service: 'sts', region: 'eu-west-1', sha256: Sha256, credentials: CREDENTIALS });
  const request = new HttpRequest({
    method: s.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: s.url,
    headers,
    body: s.body,
  });
  const signed = await signer.sign(request, { signingDate });
  return String(signed.headers.authorization);
}

it('sends the AssumeRole the SDK sends, signed over what reaches the wire', async () => {
  await ours().assumeRole(INPUT);
  await sdk().send(new AssumeRoleCommand({ ...INPUT, Tags: INPUT.Tags?.map((t) => ({ ...t })) }));
  const [mine, theirs] = peer.seen as [PeerRequest, PeerRequest];
  expect(params(mine.body)).toEqual(params(theirs.body));
  expect(mine.body).toBe(theirs.body);
  expect([mine.method, mine.url, mine.headers['content-type']]).toEqual([
    theirs.method,
    theirs.url,
    theirs.headers['content-type'],
  ]);
  expect(String(mine.headers.authorization)).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDSTSTEST\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/,
  );
  expect(await resigned(mine)).toBe(mine.headers.authorization);
  expect(await resigned(theirs)).toBe(theirs.headers.authorization);
});

it('reads the answer the SDK reads', async () => {
  const mine = await ours().assumeRole(INPUT);
  const theirs = await sdk().send(new AssumeRoleCommand(INPUT as never));
  const fields = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const;
  expect(Object.fromEntries(fields.map((f) => [f, mine.Credentials?.[f]]))).toEqual(
    Object.fromEntries(fields.map((f) => [f, theirs.Credentials?.[f]])),
  );
});

it.each([
  [403, 'AccessDenied', 'sts-access-denied:403'],
  [403, 'RegionDisabledException', 'sts-access-denied:403'],
  [400, 'ExpiredToken', 'sts-access-denied:400'],
  [500, 'InternalFailure', 'sts-server-error:500'],
])('names an error answer %s %s as the SDK’s error does', async (status, code, reason) => {
  peer.reply(errorAnswer(status, code));
  const theirs = await sdk()
    .send(new AssumeRoleCommand(INPUT as never))
    .catch((e: unknown) => e);
  peer.reply(errorAnswer(status, code), errorAnswer(status, code), errorAnswer(status, code));
  const mine = await ours()
    .assumeRole(INPUT)
    .catch((e: unknown) => e);
  expect(toStsError(mine).reason).toBe(reason);
  expect(toStsError(mine).reason).toBe(toStsError(theirs).reason);
  expect(String((mine as Error).message)).not.toContain('arn:');
});

it('retries what is transient (throttled, 5xx, a dropped connection) and nothing else', async () => {
  peer.reply(errorAnswer(400, 'Throttling'), errorAnswer(503, 'ServiceUnavailable'), (res) => res.destroy());
  await expect(ours({ maxAttempts: 4 }).assumeRole(INPUT)).resolves.toMatchObject({
    Credentials: { AccessKeyId: 'ASIAFROMSTS' },
  });
  expect(peer.seen).toHaveLength(4);
  // Signed anew each time: no attempt reuses another's signature.
  expect(new Set(peer.seen.map((s) => s.headers['amz-sdk-invocation-id'] ?? s.headers.authorization)).size).toBeGreaterThan(0);
  peer.reset();
  peer.reply(errorAnswer(403, 'AccessDenied'));
  await expect(ours({ maxAttempts: 4 }).assumeRole(INPUT)).rejects.toMatchObject({ name: 'AccessDenied' });
  expect(peer.seen).toHaveLength(1);
  peer.reset();
  peer.reply(errorAnswer(400, 'Throttling'), errorAnswer(400, 'Throttling'), errorAnswer(400, 'Throttling'));
  await expect(ours({ maxAttempts: 2 }).assumeRole(INPUT)).rejects.toMatchObject({ name: 'Throttling' });
  expect(peer.seen).toHaveLength(2);
});

it.each([
  ['a DOCTYPE with entities', `<!DOCTYPE r [<!ENTITY a "ASIAFROMDTD">]>${ANSWER.replace('ASIAFROMSTS', '&a;')}`],
  ['another operation’s answer', ANSWER.replace(/AssumeRoleResponse/g, 'GetCallerIdentityResponse')],
  [
    'two sets of credentials',
    ANSWER.replace('<PackedPolicySize>', '<Credentials><AccessKeyId>ASIAOTHER</AccessKeyId></Credentials><PackedPolicySize>'),
  ],
  ['a field twice', ANSWER.replace('<SessionToken>', '<AccessKeyId>ASIASECOND</AccessKeyId><SessionToken>')],
  ['an HTML page', '<html><body>proxy</body></html>'],
  ['a prefixed field (read as nothing, never as AccessKeyId)', ANSWER.replace(/<(\/?)AccessKeyId>/g, '<$1evil:AccessKeyId>')],
  ['an expiry without a time', ANSWER.replace('2026-12-02T11:00:00.123Z', '2099')],
  ['an expiry in another format', ANSWER.replace('2026-12-02T11:00:00.123Z', '12/02/2099')],
  ['an expiry without an offset (local time)', ANSWER.replace('2026-12-02T11:00:00.123Z', '2099-12-02T11:00:00')],
  ['truncated XML', ANSWER.slice(0, 200)],
])('takes no credentials from %s (sts-malformed-answer, not retried)', async (_what, body) => {
  peer.reply(xml(200, body));
  const sessions = new IssuerRoleSessions(ours(), { sessionSeconds: 3600, clock: () => Date.parse('2026-12-02T10:00:00Z') });
  await expect(sessions.credentialsFor(INPUT.RoleArn, 'grace')).rejects.toMatchObject({
    reason: expect.stringMatching(/^sts-malformed-answer/),
  });
  expect(peer.seen).toHaveLength(1);
});

it('holds a slow, endless or oversized STS to its bounds', async () => {
  const upstream = { connectTimeoutMs: 200, requestTimeoutMs: 300, maxAttempts: 2, backoffBaseMs: 1, backoffCapMs: 1 };
  const client = createStsClient({ region: 'eu-west-1', stsEndpointUrl: peer.url, upstream }, CREDENTIALS);
  const sessions = new IssuerRoleSessions(client, { sessionSeconds: 3600, clock: () => Date.parse('2026-12-02T10:00:00Z') });
  // Headers, then a body that drips forever: both attempts time out.
  const drip: PeerReply = (res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write('<AssumeRoleResponse>');
    const timer = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(timer));
  };
  peer.reply(drip, drip);
  const started = Date.now();
  await expect(sessions.credentialsFor(INPUT.RoleArn, 'a')).rejects.toMatchObject({ reason: 'sts-timeout' });
  expect(Date.now() - started).toBeLessThan(3000);
  expect(peer.seen).toHaveLength(2);
  // An answer past the cap: refused at once, not retried, nothing read from it.
  peer.reset();
  peer.reply(xml(200, `<AssumeRoleResponse>${' '.repeat(65 * 1024)}</AssumeRoleResponse>`));
  await expect(sessions.credentialsFor(INPUT.RoleArn, 'b')).rejects.toMatchObject({ reason: 'sts-response-too-large' });
  expect(peer.seen).toHaveLength(1);
  client.destroy();
});

it('takes an endpoint as an origin only: credentials, a query or a fragment in it are refused', () => {
  for (const endpoint of [
    'https://user:pw@sts.example',
    'https://sts.example/?x=1',
    'https://sts.example/#f',
    'ftp://sts.example',
  ]) {
    expect(() => ours({ endpoint })).toThrow(/endpoint must be an http\(s\) URL/);
  }
});

it('builds the regional name only where it is known, as the SDK names it', () => {
  for (const region of ['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1']) {
    const resolve = new STSClient({ region, credentials: CREDENTIALS }).config.endpointProvider;
    const sdkUrl = resolve({ Region: region, UseFIPS: false, UseDualStack: false, UseGlobalEndpoint: false }).url;
    expect([region, regionalUrl('sts', region)]).toEqual([region, sdkUrl.origin]);
    expect(() => new StsClient({ ...settingsFor(), endpoint: undefined as never, region })).not.toThrow();
  }
  for (const region of ['us-iso-east-1', 'eusc-de-east-1']) {
    expect(() => new StsClient({ ...settingsFor(), endpoint: undefined as never, region })).toThrow(/no sts endpoint is known/);
  }
});

it('stops waiting, and stops retrying, when the caller’s deadline passes', async () => {
  const hang: PeerReply = () => undefined;
  peer.reply(hang);
  const controller = new AbortController();
  const call = ours({ attemptTimeoutMs: 5000 }).assumeRole(INPUT, controller.signal);
  setTimeout(() => controller.abort(), 50);
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  expect(peer.seen).toHaveLength(1);
});

it('asks its credentials provider once for calls that start together', async () => {
  let asked = 0;
  const provider = async () => {
    asked += 1;
    await new Promise((r) => setTimeout(r, 20));
    return CREDENTIALS;
  };
  const client = ours({ credentials: provider });
  await Promise.all([client.assumeRole(INPUT), client.assumeRole(INPUT), client.assumeRole(INPUT)]);
  expect(asked).toBe(1);
});
