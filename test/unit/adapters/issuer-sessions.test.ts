/**
 * Issuer role sessions (over a recording StsApi): one AssumeRole per (role, person) naming the person,
 * reused until 5 minutes before it expires, shared by concurrent callers without one caller's
 * deadline failing the others, bounded, never cached when it failed.
 */
import { IssuerRoleSessions, REFRESH_BEFORE_MS, toStsError } from '../../../src/adapters/issuer-sessions';
import type { AssumeRoleAnswer, AssumeRoleRequest, StsApi } from '../../../src/adapters/sts-client';
import { UpstreamInvalidResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../../src/domain/errors';

/** What AssumeRole was asked, in order; `reply` answers it. */
const calls: AssumeRoleRequest[] = [];
let reply: (input: AssumeRoleRequest) => Promise<AssumeRoleAnswer> = () => Promise.reject(new Error('no answer set'));
const fake: StsApi = {
  assumeRole: (input) => {
    calls.push(input);
    return reply(input);
  },
};
const ROLE = 'arn:aws:iam::111111111111:role/studio-gate-issuer';
let now = Date.parse('2026-12-02T10:00:00Z');
const clock = () => now;

function answer(minutes = 60) {
  let n = 0;
  reply = async () => {
    n += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIA${n}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(now + minutes * 60_000),
      },
    };
  };
}

beforeEach(() => {
  calls.length = 0;
  reply = () => Promise.reject(new Error('no answer set'));
  now = Date.parse('2026-12-02T10:00:00Z');
});

it('assumes the role naming the person (SourceIdentity, session name), once per person', async () => {
  answer();
  const sessions = new IssuerRoleSessions(fake, { sessionSeconds: 3600, clock });
  const a = await sessions.credentialsFor(ROLE, 'grace@example.com');
  const again = await sessions.credentialsFor(ROLE, 'grace@example.com');
  const other = await sessions.credentialsFor(ROLE, 'alice@example.com');
  expect(again).toBe(a);
  expect(other.accessKeyId).not.toBe(a.accessKeyId);
  expect(calls).toEqual([
    { RoleArn: ROLE, RoleSessionName: 'sg.grace@example.com', SourceIdentity: 'grace@example.com', DurationSeconds: 3600 },
    { RoleArn: ROLE, RoleSessionName: 'sg.alice@example.com', SourceIdentity: 'alice@example.com', DurationSeconds: 3600 },
  ]);
});

it('renews a session 5 minutes before it expires, and never reuses one of another role', async () => {
  answer();
  const sessions = new IssuerRoleSessions(fake, { sessionSeconds: 3600, clock });
  const first = await sessions.credentialsFor(ROLE, 'grace@example.com');
  now += 60 * 60_000 - REFRESH_BEFORE_MS - 1;
  expect(await sessions.credentialsFor(ROLE, 'grace@example.com')).toBe(first);
  now += 2;
  expect((await sessions.credentialsFor(ROLE, 'grace@example.com')).accessKeyId).not.toBe(first.accessKeyId);
  await sessions.credentialsFor(`${ROLE}-2`, 'grace@example.com');
  expect(calls).toHaveLength(3);
});

it('shares one AssumeRole among concurrent callers, and one caller’s deadline fails only that caller', async () => {
  let release: () => void = () => {};
  reply = () =>
    new Promise((resolve) => {
      release = () =>
        resolve({
          Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) },
        });
    });
  const sessions = new IssuerRoleSessions(fake, { sessionSeconds: 3600, clock });
  const impatient = new AbortController();
  const first = sessions.credentialsFor(ROLE, 'grace@example.com', { signal: impatient.signal });
  const second = sessions.credentialsFor(ROLE, 'grace@example.com');
  await new Promise((r) => setImmediate(r));
  impatient.abort();
  await expect(first).rejects.toBeInstanceOf(UpstreamTimeoutError);
  release();
  await expect(second).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
  expect(calls).toHaveLength(1);
});

it('caches no failure, and no answer without usable credentials', async () => {
  const answers = [
    () => Promise.reject(Object.assign(new Error('x'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } })),
    // No Expiration: not a session studio-gate can know the end of.
    () => Promise.resolve({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't' } }),
  ];
  reply = () => (answers.shift() as () => Promise<AssumeRoleAnswer>)();
  const sessions = new IssuerRoleSessions(fake, { sessionSeconds: 3600, clock });
  await expect(sessions.credentialsFor(ROLE, 'grace@example.com')).rejects.toMatchObject({ reason: 'sts-throttled:400' });
  await expect(sessions.credentialsFor(ROLE, 'grace@example.com')).rejects.toMatchObject({ reason: 'sts-malformed-answer' });
  answer();
  await expect(sessions.credentialsFor(ROLE, 'grace@example.com')).resolves.toMatchObject({ sessionToken: 'token' });
});

it('keeps at most the configured number of sessions, the oldest going first', async () => {
  answer();
  const sessions = new IssuerRoleSessions(fake, {
    sessionSeconds: 3600,
    clock,
    maxSessions: 2,
  });
  for (const who of ['aa', 'bb', 'cc']) await sessions.credentialsFor(ROLE, who);
  await sessions.credentialsFor(ROLE, 'cc');
  await sessions.credentialsFor(ROLE, 'aa');
  expect(calls.map((c) => c.SourceIdentity)).toEqual(['aa', 'bb', 'cc', 'aa']);
});

it.each([
  [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, UpstreamInvalidResponseError, 'sts-access-denied:403'],
  [
    { name: 'RegionDisabledException', $metadata: { httpStatusCode: 403 } },
    UpstreamInvalidResponseError,
    'sts-access-denied:403',
  ],
  [{ name: 'Throttling', $metadata: { httpStatusCode: 400 } }, UpstreamUnavailableError, 'sts-throttled:400'],
  [{ name: 'TimeoutError' }, UpstreamTimeoutError, 'sts-timeout'],
  [{ name: 'AbortError' }, UpstreamTimeoutError, 'request-deadline'],
  [{ name: 'Error', code: 'ECONNREFUSED' }, UpstreamUnavailableError, 'sts-unavailable'],
  [{ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }, UpstreamInvalidResponseError, 'sts-server-error:500'],
])('maps %o to a fixed reason, never STS’s own text', (shape, type, reason) => {
  const error = toStsError(Object.assign(new Error('User arn:aws:sts::1:assumed-role/x is not authorized'), shape));
  expect(error).toBeInstanceOf(type);
  expect(error.reason).toBe(reason);
  expect(error.message).not.toContain('arn:');
});
