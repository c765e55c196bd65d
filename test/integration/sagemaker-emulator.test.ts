/**
 * The real SDK adapter against the local SageMaker emulator over loopback HTTP: proves the
 * emulator speaks the wire protocol the SDK expects, and the adapter's error mapping on real errors.
 */
import { DescribeDomainCommand, ListSpacesCommand, ListUserProfilesCommand } from '@aws-sdk/client-sagemaker';
import { DEMO_DOMAIN_ID, DEMO_REGION, demoProfiles, demoSpaces } from '../../scripts/local/demo-data';
import { type SageMakerEmulator, startSageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import { createSageMakerClient, SageMakerStudioAdapter } from '../../src/adapters/sagemaker-studio';
import { ProfileNotFoundError, SpaceNotFoundError, UpstreamInvalidResponseError } from '../../src/domain/errors';

process.env.AWS_ACCESS_KEY_ID = 'local-test-only';
process.env.AWS_SECRET_ACCESS_KEY = 'local-test-only';

let emulator: SageMakerEmulator;
let now = Date.parse('2026-11-30T09:00:00Z');
let adapter: SageMakerStudioAdapter;
let client: ReturnType<typeof createSageMakerClient>;

beforeAll(async () => {
  emulator = await startSageMakerEmulator({
    domainId: DEMO_DOMAIN_ID,
    region: DEMO_REGION,
    profiles: demoProfiles(),
    spaces: demoSpaces(),
    clock: () => now,
  });
  client = createSageMakerClient({
    region: DEMO_REGION,
    sagemakerEndpointUrl: emulator.url,
    upstream: { connectTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 1, backoffBaseMs: 0, backoffCapMs: 0 },
  });
  adapter = new SageMakerStudioAdapter(client);
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

const presign = (userProfileName: string, extra: Record<string, string> = {}) =>
  adapter.createPresignedDomainUrl({
    domainId: DEMO_DOMAIN_ID,
    userProfileName,
    expiresInSeconds: 60,
    sessionExpirationDurationInSeconds: 43200,
    ...extra,
  });

async function open(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('SageMaker emulator through the real SDK', () => {
  it.each([
    ['alice', 'InService'],
    ['erin', 'InService'],
    ['bob', 'Pending'],
    ['carol', 'Failed'],
  ])('describes %s as %s', async (name, status) => {
    await expect(adapter.describeUserProfile({ domainId: DEMO_DOMAIN_ID, userProfileName: name })).resolves.toEqual({
      status,
      arn: `arn:aws:sagemaker:${DEMO_REGION}:000000000000:user-profile/${DEMO_DOMAIN_ID}/${name}`,
    });
  });

  it.each([
    ['alice', 'alice@example.com'],
    ['john-smith', 'john.smith@example.com'],
  ])('answers ListTags for %s with its owner tag', async (name, owner) => {
    const { arn } = await adapter.describeUserProfile({ domainId: DEMO_DOMAIN_ID, userProfileName: name });
    await expect(adapter.listTags({ resourceArn: arn as string, userProfileName: name })).resolves.toEqual([
      { key: 'studio-gate:owner', value: owner },
    ]);
  });

  it('answers ListTags for an unknown resource with ResourceNotFound, which is not a missing profile', async () => {
    await expect(
      adapter.listTags({
        resourceArn: `arn:aws:sagemaker:${DEMO_REGION}:000000000000:user-profile/${DEMO_DOMAIN_ID}/x`,
        userProfileName: 'x',
      }),
    ).rejects.toMatchObject({ reason: 'sagemaker-tags-not-found:400' });
  });

  it('answers ResourceNotFound for dave, which the adapter maps', async () => {
    await expect(adapter.describeUserProfile({ domainId: DEMO_DOMAIN_ID, userProfileName: 'dave' })).rejects.toBeInstanceOf(
      ProfileNotFoundError,
    );
  });

  it('answers ResourceNotFound for another domain', async () => {
    await expect(adapter.describeUserProfile({ domainId: 'd-otherdomain', userProfileName: 'alice' })).rejects.toBeInstanceOf(
      ProfileNotFoundError,
    );
  });

  it('answers a ValidationException (typed, HTTP 400) for out-of-range expiries', async () => {
    expect.assertions(2);
    const error = await adapter
      .createPresignedDomainUrl({
        domainId: DEMO_DOMAIN_ID,
        userProfileName: 'alice',
        expiresInSeconds: 301,
        sessionExpirationDurationInSeconds: 43200,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamInvalidResponseError);
    expect((error as UpstreamInvalidResponseError).reason).toBe('sagemaker-validation:400');
  });

  it('describes and lists spaces as SageMaker does: sharing type and owner; an unknown one is SpaceNotFoundError', async () => {
    await expect(adapter.describeSpace({ domainId: DEMO_DOMAIN_ID, spaceName: 'bob-notebooks' })).resolves.toEqual({
      sharingType: 'Private',
      ownerUserProfileName: 'bob',
    });
    await expect(adapter.describeSpace({ domainId: DEMO_DOMAIN_ID, spaceName: 'team-a' })).resolves.toMatchObject({
      sharingType: 'Shared',
    });
    await expect(adapter.describeSpace({ domainId: DEMO_DOMAIN_ID, spaceName: 'nope' })).rejects.toBeInstanceOf(
      SpaceNotFoundError,
    );
    await expect(presign('alice', { spaceName: 'nope' })).rejects.toBeInstanceOf(SpaceNotFoundError);
    const listed = await client.send(new ListSpacesCommand({ DomainIdEquals: DEMO_DOMAIN_ID }));
    expect(listed.Spaces?.map((space) => [space.SpaceName, space.SpaceSharingSettingsSummary?.SharingType])).toEqual([
      ['alice-notebooks', 'Private'],
      ['bob-notebooks', 'Private'],
      ['team-a', 'Shared'],
    ]);
  });

  it('issues a URL that opens the right profile once', async () => {
    const url = (await presign('alice', { spaceName: 'team-a', landingUri: 'app:JupyterLab:' })) as string;
    expect(url).toMatch(new RegExp(`^${emulator.url}/auth\\?token=[A-Za-z0-9_-]{43}$`));
    await expect(open(url)).resolves.toEqual({
      status: 200,
      body: { domainId: DEMO_DOMAIN_ID, userProfileName: 'alice', spaceName: 'team-a', landingUri: 'app:JupyterLab:' },
    });
    expect((await open(url)).status).toBe(403);
  });

  it('refuses a URL after its ExpiresInSeconds', async () => {
    const url = (await presign('erin')) as string;
    now += 61_000;
    expect((await open(url)).status).toBe(403);
  });

  it('refuses an unknown token', async () => {
    expect((await open(`${emulator.url}/auth?token=forged`)).status).toBe(403);
  });

  it('answers DescribeDomain and ListUserProfiles', async () => {
    await expect(client.send(new DescribeDomainCommand({ DomainId: DEMO_DOMAIN_ID }))).resolves.toMatchObject({
      Status: 'InService',
      AuthMode: 'IAM',
    });
    const list = await client.send(new ListUserProfilesCommand({ DomainIdEquals: DEMO_DOMAIN_ID }));
    expect(list.UserProfiles?.map((p) => p.UserProfileName).sort()).toEqual([
      'alice',
      'bob',
      'carol',
      'erin',
      'grace',
      'john-smith',
      'legacy-analyst',
      'mallory',
    ]);
  });
});
