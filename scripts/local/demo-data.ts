/**
 * The local stack's demo world (ARCHITECTURE.md, "The local stack"): one domain and six people.
 * Tests and the README rely on exactly these names and outcomes.
 */

export const DEMO_DOMAIN_ID = 'd-localdemo';
export const DEMO_REGION = 'eu-west-1';
export const REQUIRED_GROUP = 'studio-users';

/** A person the local token issuer can sign in, and the profile status the emulator holds for them. */
export interface DemoPerson {
  readonly email: string;
  readonly groups: readonly string[];
  /** Profile status in the emulator; undefined: no profile. */
  readonly profileStatus?: string;
}

export const DEMO_PEOPLE: Readonly<Record<string, DemoPerson>> = {
  alice: { email: 'alice@example.com', groups: [REQUIRED_GROUP], profileStatus: 'InService' },
  erin: { email: 'erin@example.com', groups: [REQUIRED_GROUP, 'analysts'], profileStatus: 'InService' },
  bob: { email: 'bob@example.com', groups: [REQUIRED_GROUP], profileStatus: 'Pending' },
  carol: { email: 'carol@example.com', groups: [REQUIRED_GROUP], profileStatus: 'Failed' },
  dave: { email: 'dave@example.com', groups: [REQUIRED_GROUP] },
  mallory: { email: 'mallory@example.com', groups: ['contractors'], profileStatus: 'InService' },
};

/** Profiles the emulator is seeded with: name → status. */
export function demoProfiles(): Map<string, string> {
  const profiles = new Map<string, string>();
  for (const [name, person] of Object.entries(DEMO_PEOPLE)) {
    if (person.profileStatus !== undefined) profiles.set(name, person.profileStatus);
  }
  return profiles;
}
