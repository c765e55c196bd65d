/**
 * Property, across domains, people, their groups and their choices: with several domains, a URL is
 * only ever for the caller's own profile, in a domain their groups entitle them to, and one of
 * another account is only ever issued by a session of its issuer role naming them. Through the real
 * handler, SDK clients, emulator and local IAM (two domains, two accounts; both hold a profile of
 * alice and grace, so a wrong domain or person would open something). Bounded and seeded like the
 * other property tests (FC_NUM_RUNS, FC_SEED); a tenth of their runs, each one real HTTP.
 */
import fc from 'fast-check';
import { DEMO_DOMAIN_ID, DEMO_PEOPLE, REQUIRED_GROUP, RISK_DOMAIN_ID, RISK_GROUP } from '../../scripts/local/demo-data';
import {
  type InProcessPipeline,
  severalDomainsEnv,
  startInProcessPipeline,
  studioUrlEvent,
} from '../../scripts/local/in-process';
import { captureOutput } from '../support/capture';

jest.setTimeout(180_000);

const NUM_RUNS = Math.max(20, Math.ceil(Number(process.env.FC_NUM_RUNS ?? 1500) / 10));
const SEED = process.env.FC_SEED === 'random' ? undefined : Number(process.env.FC_SEED ?? 17);

/** Which groups entitle to which domain, as the demo's STUDIO_DOMAINS says. */
const ENTITLED_BY: Record<string, string> = { [DEMO_DOMAIN_ID]: REQUIRED_GROUP, [RISK_DOMAIN_ID]: RISK_GROUP };

let p: InProcessPipeline;

beforeAll(async () => {
  // Grants cached, so repeat requests take the cached path too.
  p = await startInProcessPipeline((peers) => ({ ...severalDomainsEnv(peers), PROFILE_CACHE_TTL_SECONDS: '15' }));
});

afterAll(async () => {
  await p?.close();
});

it('issues a URL only for the caller’s own profile, in a domain their groups entitle them to', async () => {
  const people = Object.keys(DEMO_PEOPLE);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...people),
      fc.subarray([REQUIRED_GROUP, RISK_GROUP, 'contractors', 'Risk-Analysts', 'risk-analysts ']),
      fc.option(fc.constantFrom(DEMO_DOMAIN_ID, RISK_DOMAIN_ID, 'd-nosuchdomain', 'd-localrisk0'), { nil: undefined }),
      fc.option(fc.constantFrom('grace-models', 'risk-shared', 'team-a', 'alice-notebooks'), { nil: undefined }),
      async (person, groups, domain, space) => {
        const query: Record<string, string[]> = {
          ...(domain !== undefined && { domain: [domain] }),
          ...(space !== undefined && { space: [space] }),
        };
        const token = p.peers.issuer.tokenFor(person, { groups });
        const { result } = await captureOutput(() => p.invoke(studioUrlEvent(token, query)));
        const entitled = Object.entries(ENTITLED_BY)
          .filter(([, group]) => groups.includes(group))
          .map(([id]) => id);
        const email = DEMO_PEOPLE[person]?.email as string;
        if (result.statusCode === 200) {
          const token = new URL(JSON.parse(result.body).url).searchParams.get('token') as string;
          const session = p.peers.emulator.sessions.get(token);
          // In a domain they are entitled to, the one they named if they named one.
          expect(entitled).toContain(session?.domainId);
          if (domain !== undefined) expect(session?.domainId).toBe(domain);
          // Their own profile: the one their address maps to, which names them as its owner.
          expect(session?.userProfileName).toBe(email.split('@')[0]?.replace(/[._]/g, '-'));
          // Every domain is tag-bound: only through its issuer role, naming them.
          expect(session?.sourceIdentity).toBe(email);
        } else if (result.statusCode === 300) {
          expect(domain).toBeUndefined();
          expect(entitled.length).toBeGreaterThan(1);
          expect(JSON.parse(result.body).domains.map((d: { id: string }) => d.id)).toEqual(entitled);
        } else if (domain !== undefined && !entitled.includes(domain)) {
          expect(result.statusCode).toBe(403);
        } else {
          expect([403, 404, 409]).toContain(result.statusCode);
        }
      },
    ),
    { numRuns: NUM_RUNS, ...(SEED !== undefined && { seed: SEED }) },
  );
});
