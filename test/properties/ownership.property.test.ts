/**
 * Property: a URL is only ever issued for the profile whose owner tag names the caller, whatever
 * the identities look like. Generated worlds hold profiles tagged with owners drawn from identities
 * that collide under every transform step (case, `.` vs `_` vs `-`, the same local part at other
 * domains, suffix look-alike domains, Unicode look-alikes), some profiles mis-tagged or untagged (a
 * provisioning mistake), and a PROFILE_MAP entry that may point at someone else's profile (a typo).
 * Callers are drawn from the same pool, verified or not, in jwt and iam mode. The use case runs with
 * in-memory ports, so thousands of worlds run in seconds.
 *
 * Bounded and seeded like the other property tests (FC_NUM_RUNS, FC_SEED).
 */
import fc from 'fast-check';
import { parseConfig } from '../../src/config/studio-url';
import { parseEmail } from '../../src/domain/email';
import { ProfileNotFoundError, StudioGateError } from '../../src/domain/errors';
import type { ProfileTag } from '../../src/domain/profile-owner';
import type { SpaceFacts } from '../../src/domain/space-access';
import { type IssuedStudioUrl, issueStudioUrl, type StudioUrlRequest } from '../../src/use-cases/issue-studio-url';
import {
  oneStudio,
  type PresignRequest,
  type StudioPort,
  type TokenVerifier,
  type UserProfileFacts,
} from '../../src/use-cases/ports';
import { iamEnv, jwtEnv } from '../support/env';
import { FIXTURE_SOURCE_IP, FIXTURE_VPC_ID, FIXTURE_VPCE_ID } from '../support/events';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1500);
const SEED = process.env.FC_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED ?? 20261201);
const ACCOUNT = '111122223333';
const STUDIO = 'https://d-localdemo.studio.eu-west-1.sagemaker.aws';

/** Local parts that collide under lowercase + dots-to-dashes, and look-alikes that must not. */
const localPart = fc.constantFrom(
  'john.smith',
  'john_smith',
  'john-smith',
  'John.Smith',
  'JOHN_SMITH',
  'alice',
  'Alice',
  'alice.',
  '.alice',
  'al.ice',
  'al_ice',
  'al--ice',
  '\u0430lice',
  'alic\u0435',
  '\u212Aarl',
  'karl',
);
const domain = fc.constantFrom(
  'example.com',
  'Example.COM',
  'evil.example',
  'example.com.evil.example',
  'sub.example.com',
  'exampl\u0435.com',
);
const email = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
const identity = fc.oneof({ arbitrary: email, weight: 6 }, localPart, fc.constantFrom('', 'a@b@example.com', 'alice@'));

/** What a provisioning team would tag a profile with: right, wrong, or nothing. */
const owner = fc.oneof(
  { arbitrary: fc.constant<'right'>('right'), weight: 3 },
  email.map((e) => ({ other: e })),
  fc.constant<'none'>('none'),
);

const transformOf = (key: string) => {
  const at = key.lastIndexOf('@');
  return (at < 0 ? key : key.slice(0, at)).toLowerCase().replace(/[._]/g, '-');
};
const canonicalEmail = (key: string) => parseEmail(key)?.address;

interface World {
  readonly mode: 'jwt' | 'iam';
  readonly profiles: Map<string, { owner?: string }>;
  readonly mapEntry?: readonly [string, string];
}

const world = fc
  .record({
    mode: fc.constantFrom<'jwt' | 'iam'>('jwt', 'iam'),
    people: fc.array(fc.tuple(email, owner), { minLength: 1, maxLength: 8 }),
    mapped: fc.option(fc.tuple(email, email), { nil: undefined }),
  })
  .map(({ mode, people, mapped }): World => {
    const tagFor = (key: string) => {
      const canonical = canonicalEmail(key) ?? key;
      return mode === 'jwt' ? canonical : `${ACCOUNT}:assumed-role/StudioUsers/${canonical}`;
    };
    const profiles = new Map<string, { owner?: string }>();
    for (const [key, who] of people) {
      const name = transformOf(key);
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name) || profiles.has(name)) continue;
      const ownerTag = who === 'right' ? tagFor(key) : who === 'none' ? undefined : tagFor(who.other);
      profiles.set(name, ownerTag === undefined ? {} : { owner: ownerTag });
    }
    // A PROFILE_MAP entry from a canonical identity to some profile (maybe someone else's: a typo).
    const canonical = mapped && canonicalEmail(mapped[0]);
    const target = mapped && transformOf(mapped[1]);
    const mapEntry =
      canonical && target && parseEmail(canonical)?.domain === 'example.com' && /^[a-z0-9](-*[a-z0-9]){0,62}$/.test(target)
        ? ([mode === 'jwt' ? canonical : `${ACCOUNT}:assumed-role/StudioUsers/${canonical}`, target] as const)
        : undefined;
    return { mode, profiles, ...(mapEntry && { mapEntry }) };
  });

class WorldStudio implements StudioPort {
  presigned: string[] = [];
  constructor(private readonly profiles: Map<string, { owner?: string }>) {}
  async describeUserProfile(input: { userProfileName: string }): Promise<UserProfileFacts> {
    if (!this.profiles.has(input.userProfileName)) throw new ProfileNotFoundError(input.userProfileName);
    return {
      status: 'InService',
      arn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:user-profile/d-localdemo/${input.userProfileName}`,
    };
  }
  async describeSpace(): Promise<SpaceFacts> {
    return { sharingType: 'Shared' };
  }
  async listTags(input: { userProfileName: string }): Promise<ProfileTag[]> {
    const owner = this.profiles.get(input.userProfileName)?.owner;
    return owner === undefined ? [] : [{ key: 'studio-gate:owner', value: owner }];
  }
  async createPresignedDomainUrl(input: PresignRequest): Promise<string> {
    this.presigned.push(input.userProfileName);
    return `${STUDIO}/auth?token=for-${input.userProfileName}`;
  }
}

const source = { vpceId: FIXTURE_VPCE_ID, vpcId: FIXTURE_VPC_ID, sourceIp: FIXTURE_SOURCE_IP };

describe('ownership property', () => {
  it('issues a URL only for the profile whose owner tag names the caller, and for such a caller it does', async () => {
    await fc.assert(
      fc.asyncProperty(
        world,
        identity,
        fc.boolean(),
        fc.constantFrom('parallel', 'sequential'),
        async (w, key, verified, mode) => {
          const mapEnv = {
            SAGEMAKER_CALL_MODE: mode,
            STUDIO_ACCOUNT_ID: ACCOUNT,
            ...(w.mapEntry && { PROFILE_MAP: JSON.stringify({ [w.mapEntry[0]]: w.mapEntry[1] }) }),
          };
          const config =
            w.mode === 'jwt'
              ? parseConfig(jwtEnv(mapEnv))
              : parseConfig(
                  iamEnv({
                    PROFILE_TRANSFORM: 'email-local-part,lowercase,dots-to-dashes',
                    ALLOWED_EMAIL_DOMAINS: 'example.com',
                    ...mapEnv,
                  }),
                );
          const studio = new WorldStudio(w.profiles);
          const tokens: TokenVerifier = {
            verify: async () => ({ sub: 'idp|x', email: key, email_verified: verified, groups: ['studio-users'] }),
          };
          const request: StudioUrlRequest =
            w.mode === 'jwt'
              ? { authorizations: ['Bearer x.y.z'], source, parameters: () => ({}) }
              : {
                  authorizations: [],
                  iamUserArn: `arn:aws:sts::${ACCOUNT}:assumed-role/StudioUsers/${key}`,
                  source,
                  parameters: () => ({}),
                };
          let issued: { userProfileName: string } | undefined;
          try {
            issued = (await issueStudioUrl(request, {
              config,
              studios: oneStudio(studio),
              tokens,
              clock: () => 0,
            })) as IssuedStudioUrl;
          } catch (error) {
            if (!(error instanceof StudioGateError)) throw error;
          }

          const canonical = canonicalEmail(key);
          const tag = canonical && (w.mode === 'jwt' ? canonical : `${ACCOUNT}:assumed-role/StudioUsers/${canonical}`);
          const eligible =
            canonical !== undefined && parseEmail(canonical)?.domain === 'example.com' && (w.mode === 'iam' || verified);
          if (issued) {
            // Safety: only a well-formed, verified address of the allowed domain, only the profile tagged with it.
            expect(eligible).toBe(true);
            expect(w.profiles.get(issued.userProfileName)?.owner).toBe(tag);
            expect(studio.presigned).toEqual([issued.userProfileName]);
          } else if (mode === 'sequential') {
            // The sequential mode mints nothing it has not checked; the parallel one drops what it minted.
            expect(studio.presigned).toEqual([]);
          }
          // Liveness: an eligible caller whose mapped profile is tagged with them gets it.
          const mapped = w.mapEntry && tag === w.mapEntry[0] ? w.mapEntry[1] : transformOf(key);
          if (eligible && w.profiles.get(mapped)?.owner === tag && /^[\x21-\x7e]+$/.test(key)) {
            expect(issued?.userProfileName).toBe(mapped);
          }
        },
      ),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });
});
