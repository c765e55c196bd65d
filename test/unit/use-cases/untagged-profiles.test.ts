/**
 * The doctor's roll-out list: which profiles carry no owner tag (none, an empty value, or only a
 * look-alike key), every page of a domain read, a few ListTags at a time, and a domain that cannot be
 * read reported as such rather than as "all tagged".
 */
import {
  DescribeDomainCommand,
  ListTagsCommand,
  ListUserProfilesCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerInventoryAdapter } from '../../../src/adapters/sagemaker-inventory';
import type { ProfileTag } from '../../../src/domain/profile-owner';
import {
  findUntaggedProfiles,
  INVENTORY_CONCURRENCY,
  type ProfileInventoryPort,
  profileArnOf,
} from '../../../src/use-cases/untagged-profiles';

const KEY = 'studio-gate:owner';
const DOMAIN = { domainId: 'd-riskdomain01', region: 'eu-west-1', ownerTagKey: KEY };
const DOMAIN_ARN = 'arn:aws:sagemaker:eu-west-1:555566667777:domain/d-riskdomain01';

/** A port over a fixed world: tags by profile name, counting the ListTags in flight. */
function world(tags: Record<string, ProfileTag[]>) {
  const stats = { inFlight: 0, most: 0, arns: [] as string[] };
  const port: ProfileInventoryPort = {
    domainArn: async () => DOMAIN_ARN,
    profileNames: async () => Object.keys(tags),
    listTags: async ({ resourceArn, userProfileName }) => {
      stats.arns.push(resourceArn);
      stats.inFlight += 1;
      stats.most = Math.max(stats.most, stats.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      stats.inFlight -= 1;
      return tags[userProfileName] ?? [];
    },
  };
  return { port, stats };
}

describe('findUntaggedProfiles', () => {
  it('lists the profiles without the owner tag (none, an empty value, only another case of the key), and those with a look-alike key', async () => {
    const { port } = world({
      alice: [{ key: KEY, value: 'alice@example.com' }],
      bob: [],
      carol: [{ key: KEY, value: '' }],
      dave: [{ key: 'Studio-Gate:Owner', value: 'dave@example.com' }],
      erin: [
        { key: 'team', value: 'risk' },
        { key: KEY, value: 'erin@example.com' },
      ],
      // The key and a look-alike: IAM may read either as the owner tag.
      frank: [
        { key: KEY, value: 'frank@example.com' },
        { key: 'STUDIO-GATE:OWNER', value: 'mallory@example.com' },
      ],
    });
    await expect(findUntaggedProfiles([DOMAIN], () => port)).resolves.toEqual([
      { ...DOMAIN, readable: true, profiles: 6, untagged: ['bob', 'carol', 'dave'], lookAlike: ['dave', 'frank'] },
    ]);
  });

  it('reads each profile’s tags on its own ARN, at most a few at a time', async () => {
    const tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, [] as ProfileTag[]]));
    const { port, stats } = world(tags);
    const [report] = await findUntaggedProfiles([DOMAIN], () => port);
    expect(report).toMatchObject({ readable: true, profiles: 40 });
    expect(stats.most).toBe(INVENTORY_CONCURRENCY);
    expect(stats.arns).toContain('arn:aws:sagemaker:eu-west-1:555566667777:user-profile/d-riskdomain01/p7');
  });

  it('reports a domain it cannot see or read instead of calling it tagged, and still lists the others', async () => {
    const failing: ProfileInventoryPort = {
      ...world({}).port,
      profileNames: () => Promise.reject(new Error('sagemaker-access-denied:400')),
    };
    const unseen: ProfileInventoryPort = { ...world({}).port, domainArn: async () => undefined };
    const reports = await findUntaggedProfiles(
      [DOMAIN, { ...DOMAIN, domainId: 'd-elsewhere' }, { ...DOMAIN, domainId: 'd-tagged' }],
      (d) => (d.domainId === 'd-riskdomain01' ? failing : d.domainId === 'd-elsewhere' ? unseen : world({}).port),
    );
    expect(reports).toEqual([
      { ...DOMAIN, readable: false, reason: 'sagemaker-access-denied:400' },
      { ...DOMAIN, domainId: 'd-elsewhere', readable: false, reason: expect.stringMatching(/not found with these credentials/) },
      { ...DOMAIN, domainId: 'd-tagged', readable: true, profiles: 0, untagged: [], lookAlike: [] },
    ]);
  });

  it('builds a profile ARN from its domain’s, in any partition', () => {
    expect(profileArnOf('arn:aws-cn:sagemaker:cn-north-1:111122223333:domain/d-x1', 'alice')).toBe(
      'arn:aws-cn:sagemaker:cn-north-1:111122223333:user-profile/d-x1/alice',
    );
    expect(() => profileArnOf('arn:aws:sagemaker:eu-west-1:111122223333:space/d-x1/s', 'alice')).toThrow(/not a domain ARN/);
  });
});

describe('SageMakerInventoryAdapter', () => {
  const sagemaker = mockClient(SageMakerClient);
  const adapter = new SageMakerInventoryAdapter(new SageMakerClient({ region: 'eu-west-1' }));
  beforeEach(() => sagemaker.reset());

  it('follows NextToken through every page, asking 100 at a time, keeping only the domain’s profiles', async () => {
    sagemaker
      .on(ListUserProfilesCommand)
      .resolvesOnce({
        UserProfiles: [
          { DomainId: 'd-riskdomain01', UserProfileName: 'alice' },
          { DomainId: 'd-other', UserProfileName: 'intruder' },
        ],
        NextToken: 't1',
      })
      .resolvesOnce({ UserProfiles: [{ DomainId: 'd-riskdomain01', UserProfileName: 'bob' }] });
    await expect(adapter.profileNames('d-riskdomain01')).resolves.toEqual(['alice', 'bob']);
    const inputs = sagemaker.commandCalls(ListUserProfilesCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { DomainIdEquals: 'd-riskdomain01', MaxResults: 100 },
      { DomainIdEquals: 'd-riskdomain01', MaxResults: 100, NextToken: 't1' },
    ]);
  });

  it('stops a listing that hands back a token it has seen (it would never end)', async () => {
    sagemaker.on(ListUserProfilesCommand).resolves({ UserProfiles: [], NextToken: 'again' });
    await expect(adapter.profileNames('d-riskdomain01')).rejects.toThrow('sagemaker-listing-without-end');
    expect(sagemaker.commandCalls(ListUserProfilesCommand)).toHaveLength(2);
  });

  it('gives the domain’s ARN, undefined for a domain these credentials do not see, and a plain reason otherwise', async () => {
    sagemaker.on(DescribeDomainCommand, { DomainId: 'd-riskdomain01' }).resolves({ DomainArn: DOMAIN_ARN });
    const failing = (name: string) =>
      new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'upstream text' });
    sagemaker.on(DescribeDomainCommand, { DomainId: 'd-missing' }).rejects(failing('ResourceNotFound'));
    sagemaker.on(DescribeDomainCommand, { DomainId: 'd-denied' }).rejects(failing('AccessDeniedException'));
    await expect(adapter.domainArn('d-riskdomain01')).resolves.toBe(DOMAIN_ARN);
    await expect(adapter.domainArn('d-missing')).resolves.toBeUndefined();
    await expect(adapter.domainArn('d-denied')).rejects.toThrow(/^sagemaker-access-denied/);
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: KEY, Value: 'alice@example.com' }] });
    await expect(adapter.listTags({ resourceArn: profileArnOf(DOMAIN_ARN, 'alice'), userProfileName: 'alice' })).resolves.toEqual(
      [{ key: KEY, value: 'alice@example.com' }],
    );
  });
});
