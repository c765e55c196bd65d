/**
 * The local STS and IAM through the real clients: `@aws-sdk/client-sts` sends AssumeRole over the
 * Query protocol and parses the emulator's XML; the SageMaker emulator reads each request's SigV4
 * credential (and session token) and answers as IAM would for that session's account.
 */
import {
  CreatePresignedDomainUrlCommand,
  DescribeDomainCommand,
  DescribeUserProfileCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LOCAL_CREDENTIALS } from '../../scripts/local/credentials';
import { DEMO_DOMAIN_ID, RISK_DOMAIN_ID, RISK_ROLE_ARN } from '../../scripts/local/demo-data';
import { startPeers } from '../../scripts/local/stack';

/** The owner tag a tag-bound session of grace carries. */
const GRACE_TAG = { Key: 'studio-gate:owner', Value: 'grace@example.com' };

let peers: Awaited<ReturnType<typeof startPeers>>;
let sts: STSClient;

beforeAll(async () => {
  peers = await startPeers({ emulator: 0, issuer: 0 });
  sts = new STSClient({ region: 'eu-west-1', endpoint: peers.emulator.url, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  sts.destroy();
  await Promise.all([peers.emulator.close(), peers.issuer.close()]);
});

function sagemakerAs(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new SageMakerClient({ region: 'eu-west-1', endpoint: peers.emulator.url, credentials, maxAttempts: 1 });
}

/** grace's tagged session of the risk domain's issuer role, as studio-gate opens it. */
function graceSession(more: { DurationSeconds?: number } = {}) {
  return sts.send(
    new AssumeRoleCommand({
      RoleArn: RISK_ROLE_ARN,
      RoleSessionName: 'sg.grace@example.com',
      SourceIdentity: 'grace@example.com',
      Tags: [GRACE_TAG],
      ...more,
    }),
  );
}

const describe_ = (client: SageMakerClient, domainId: string) =>
  client.send(new DescribeDomainCommand({ DomainId: domainId })).then(
    (out) => out.DomainId,
    (error: { name: string }) => error.name,
  );

it('issues a session of the issuer role to a trusted caller that names the person, and the session acts in the role’s account only', async () => {
  const out = await graceSession({ DurationSeconds: 900 });
  expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
  expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
  expect(out.SourceIdentity).toBe('grace@example.com');
  expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/studio-gate-issuer/sg.grace@example.com');
  const session = sagemakerAs({
    accessKeyId: out.Credentials?.AccessKeyId as string,
    secretAccessKey: out.Credentials?.SecretAccessKey as string,
    sessionToken: out.Credentials?.SessionToken as string,
  });
  const own = sagemakerAs(LOCAL_CREDENTIALS);
  try {
    await expect(describe_(session, RISK_DOMAIN_ID)).resolves.toBe(RISK_DOMAIN_ID);
    await expect(describe_(session, DEMO_DOMAIN_ID)).resolves.toBe('AccessDeniedException');
    // The functions' own key acts in the demo account: the risk domain is not theirs.
    await expect(describe_(own, DEMO_DOMAIN_ID)).resolves.toBe(DEMO_DOMAIN_ID);
    await expect(describe_(own, RISK_DOMAIN_ID)).resolves.toBe('AccessDeniedException');
  } finally {
    session.destroy();
    own.destroy();
  }
});

it('refuses AssumeRole without SourceIdentity, from an untrusted key, and for an unknown role', async () => {
  const assume = (client: STSClient, input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>) =>
    client
      .send(
        new AssumeRoleCommand({
          RoleArn: RISK_ROLE_ARN,
          RoleSessionName: 'sg.grace',
          SourceIdentity: 'grace',
          Tags: [GRACE_TAG],
          ...input,
        }),
      )
      .then(
        () => 'issued',
        (error: { name: string }) => error.name,
      );
  const stranger = new STSClient({
    region: 'eu-west-1',
    endpoint: peers.emulator.url,
    credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  try {
    await expect(assume(sts, { SourceIdentity: undefined })).resolves.toBe('AccessDenied');
    await expect(assume(stranger, {})).resolves.toBe('AccessDenied');
    await expect(assume(sts, { RoleArn: 'arn:aws:iam::111111111111:role/other' })).resolves.toBe('AccessDenied');
    await expect(assume(sts, { DurationSeconds: 7200 })).resolves.toBe('ValidationError');
    // The role is tag-bound: no session without exactly the owner tag.
    await expect(assume(sts, { Tags: undefined })).resolves.toBe('AccessDenied');
    await expect(assume(sts, { Tags: [{ Key: 'team', Value: 'grace@example.com' }] })).resolves.toBe('AccessDenied');
    await expect(assume(sts, { Tags: [GRACE_TAG, { Key: 'team', Value: 'risk' }] })).resolves.toBe('AccessDenied');
  } finally {
    stranger.destroy();
  }
});

it('refuses a session’s key with another token, and an unknown key', async () => {
  const out = await graceSession();
  const forged = sagemakerAs({
    accessKeyId: out.Credentials?.AccessKeyId as string,
    secretAccessKey: out.Credentials?.SecretAccessKey as string,
    sessionToken: 'not-the-token',
  });
  const unknown = sagemakerAs({ accessKeyId: 'ASIA0000000000000000', secretAccessKey: 'x', sessionToken: 'y' });
  try {
    await expect(describe_(forged, RISK_DOMAIN_ID)).resolves.toBe('UnrecognizedClientException');
    await expect(describe_(unknown, RISK_DOMAIN_ID)).resolves.toBe('UnrecognizedClientException');
  } finally {
    forged.destroy();
    unknown.destroy();
  }
});

it('lets a tagged session act only on the profiles whose owner tag equals its tag, as the issuer role’s policy does', async () => {
  const out = await graceSession();
  const session = sagemakerAs({
    accessKeyId: out.Credentials?.AccessKeyId as string,
    secretAccessKey: out.Credentials?.SecretAccessKey as string,
    sessionToken: out.Credentials?.SessionToken as string,
  });
  const presign = (profile: string) =>
    session.send(new CreatePresignedDomainUrlCommand({ DomainId: RISK_DOMAIN_ID, UserProfileName: profile })).then(
      (answer) => (answer.AuthorizedUrl === undefined ? 'none' : 'url'),
      (error: { name: string }) => error.name,
    );
  const profile = (name: string) =>
    session.send(new DescribeUserProfileCommand({ DomainId: RISK_DOMAIN_ID, UserProfileName: name })).then(
      (answer) => answer.UserProfileName,
      (error: { name: string }) => error.name,
    );
  try {
    await expect(presign('grace')).resolves.toBe('url');
    await expect(profile('grace')).resolves.toBe('grace');
    // alice's profile in the risk domain is owned by alice: grace's session may neither read nor presign it.
    await expect(presign('alice')).resolves.toBe('AccessDeniedException');
    await expect(profile('alice')).resolves.toBe('AccessDeniedException');
  } finally {
    session.destroy();
  }
});
