/**
 * The local stack's demo world (docs/development.md, "The local stack"): two domains in two
 * accounts and their people. The demo domain (studio-gate's own account) is open to every member of
 * `studio-users`; the risk domain (another account, issued through its issuer role) only to
 * `risk-analysts`, which grace alone is in: she is asked which one she means.
 * Tests, the load script and the README rely on exactly these names and outcomes. Every profile
 * but one carries its owner tag, as a platform team's provisioning would write it; `john-smith` and
 * the person `john_smith` show the owner check refusing a pair that collides under the transform.
 */

export const DEMO_DOMAIN_ID = 'd-localdemo';
export const DEMO_REGION = 'eu-west-1';
export const DEMO_ACCOUNT = '000000000000';
export const REQUIRED_GROUP = 'studio-users';
export const DEMO_EMAIL_DOMAIN = 'example.com';
/** The demo domain's issuer role, in studio-gate's own account: URLs are issued through it, tag-bound. */
export const DEMO_ROLE_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:role/studio-gate-issuer`;

/** The second domain: another account, reached through its issuer role. */
export const RISK_DOMAIN_ID = 'd-localrisk';
export const RISK_ACCOUNT = '111111111111';
export const RISK_GROUP = 'risk-analysts';
export const RISK_ROLE_ARN = `arn:aws:iam::${RISK_ACCOUNT}:role/studio-gate-issuer`;
export const DEMO_LABEL = 'Demo (local)';
export const RISK_LABEL = 'Risk analytics (local)';

/** A profile the emulator holds. */
export interface DemoProfile {
  readonly name: string;
  readonly status: string;
  /** The owner tag's value; undefined: the profile has no owner tag. */
  readonly owner?: string;
}

/** A person the local token issuer can sign in, and what GET /studio-url answers them. */
export interface DemoPerson {
  readonly email: string;
  readonly groups: readonly string[];
  /** The profile their identity maps to (`email-local-part,lowercase,dots-to-dashes`), if one exists. */
  readonly profile?: DemoProfile;
  /** The HTTP status GET /studio-url answers them (300: they are entitled to both domains and must choose). */
  readonly expectedStatus: number;
  /** The profile a 200 opens. */
  readonly opens?: string;
}

function own(name: string, email: string, status: string): DemoProfile {
  return { name, status, owner: email };
}

export const DEMO_PEOPLE: Readonly<Record<string, DemoPerson>> = {
  alice: {
    email: 'alice@example.com',
    groups: [REQUIRED_GROUP],
    profile: own('alice', 'alice@example.com', 'InService'),
    expectedStatus: 200,
    opens: 'alice',
  },
  erin: {
    email: 'erin@example.com',
    groups: [REQUIRED_GROUP, 'analysts'],
    profile: own('erin', 'erin@example.com', 'InService'),
    expectedStatus: 200,
    opens: 'erin',
  },
  bob: {
    email: 'bob@example.com',
    groups: [REQUIRED_GROUP],
    profile: own('bob', 'bob@example.com', 'Pending'),
    expectedStatus: 409,
  },
  carol: {
    email: 'carol@example.com',
    groups: [REQUIRED_GROUP],
    profile: own('carol', 'carol@example.com', 'Failed'),
    expectedStatus: 409,
  },
  dave: { email: 'dave@example.com', groups: [REQUIRED_GROUP], expectedStatus: 404 },
  mallory: {
    email: 'mallory@example.com',
    groups: ['contractors'],
    profile: own('mallory', 'mallory@example.com', 'InService'),
    expectedStatus: 403,
  },
  'john.smith': {
    email: 'john.smith@example.com',
    groups: [REQUIRED_GROUP],
    profile: own('john-smith', 'john.smith@example.com', 'InService'),
    expectedStatus: 200,
    opens: 'john-smith',
  },
  // Maps to john-smith too (`_` and `.` both become `-`), but that profile is john.smith's: 403.
  john_smith: { email: 'john_smith@example.com', groups: [REQUIRED_GROUP], expectedStatus: 403 },
  // Entitled to both domains: GET /studio-url lists them (300); `domain=` opens either.
  grace: {
    email: 'grace@example.com',
    groups: [REQUIRED_GROUP, RISK_GROUP],
    profile: own('grace', 'grace@example.com', 'InService'),
    expectedStatus: 300,
  },
};

/**
 * The risk domain's profiles: grace's own, and one of alice's (alice is not entitled to the domain,
 * so it is never opened through studio-gate).
 */
export function riskProfiles(): Map<string, DemoProfile> {
  return new Map([
    ['grace', own('grace', 'grace@example.com', 'InService')],
    ['alice', own('alice', 'alice@example.com', 'InService')],
  ]);
}

/** The risk domain's spaces: grace's private one, and one shared with the domain. */
export function riskSpaces(): Map<string, DemoSpace> {
  return new Map<string, DemoSpace>([
    ['grace-models', { sharingType: 'Private', owner: 'grace' }],
    ['risk-shared', { sharingType: 'Shared', owner: 'grace' }],
  ]);
}

/**
 * STUDIO_DOMAINS of the local stack: both domains, each through its issuer role (tag-bound, the
 * default: the emulator refuses a session any profile it does not own), at `endpoint`.
 */
export function demoDomains(endpoint: string): string {
  return JSON.stringify([
    {
      id: DEMO_DOMAIN_ID,
      region: DEMO_REGION,
      account: DEMO_ACCOUNT,
      label: DEMO_LABEL,
      groups: [REQUIRED_GROUP],
      role: DEMO_ROLE_ARN,
      endpoint,
    },
    {
      id: RISK_DOMAIN_ID,
      region: DEMO_REGION,
      account: RISK_ACCOUNT,
      label: RISK_LABEL,
      groups: [RISK_GROUP],
      role: RISK_ROLE_ARN,
      endpoint,
    },
  ]);
}

/**
 * A profile from before the owner tags: nobody maps to it, and `npm run doctor -- --untagged` lists
 * it as the roll-out's work (docs/iam-guardrails.md).
 */
export const UNTAGGED_DEMO_PROFILE: DemoProfile = { name: 'legacy-analyst', status: 'InService' };

/** Profiles the emulator is seeded with, by name. */
export function demoProfiles(): Map<string, DemoProfile> {
  const profiles = new Map<string, DemoProfile>([[UNTAGGED_DEMO_PROFILE.name, UNTAGGED_DEMO_PROFILE]]);
  for (const person of Object.values(DEMO_PEOPLE)) {
    if (person.profile !== undefined) profiles.set(person.profile.name, person.profile);
  }
  return profiles;
}

/** A space of the demo domain: private to its owner profile, or shared with the domain. */
export interface DemoSpace {
  readonly sharingType: 'Private' | 'Shared';
  /** The profile that created it (for a private space, the only one that may open it). */
  readonly owner: string;
}

/**
 * Spaces the emulator is seeded with: alice's private space, bob's private space (which alice is
 * refused), and a shared space anyone of the domain may open.
 */
export function demoSpaces(): Map<string, DemoSpace> {
  return new Map<string, DemoSpace>([
    ['alice-notebooks', { sharingType: 'Private', owner: 'alice' }],
    ['bob-notebooks', { sharingType: 'Private', owner: 'bob' }],
    ['team-a', { sharingType: 'Shared', owner: 'erin' }],
  ]);
}

/** The password of every demo person at the local IdPs (OpenID provider and SAML). */
export const DEMO_PASSWORD = 'demo';
