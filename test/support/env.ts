/** A complete, valid jwt-mode environment matching the fixture event; tests override single variables. */
import { ConfigurationError } from '../../src/domain/errors';
import { FIXTURE_SOURCE_IP, FIXTURE_VPC_ID, FIXTURE_VPCE_ID } from './events';

/** The problems a configuration parser throws with; none when it returns. Other errors propagate. */
export function problemsFrom(parse: () => unknown): readonly string[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.problems;
  }
}

export const TEST_DOMAIN_ID = 'd-localdemo';
export const TEST_REGION = 'eu-west-1';

export function jwtEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_REGION: TEST_REGION,
    STUDIO_DOMAIN_ID: TEST_DOMAIN_ID,
    // The opt-out: the function's own client (one mocked SageMakerClient). Tag-bound issuance has its own tests.
    STUDIO_ISSUANCE: 'direct',
    AUTH_MODE: 'jwt',
    JWT_ISSUER: 'http://127.0.0.1:4600',
    JWT_AUDIENCE: 'studio-gate',
    JWT_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
    JWT_PROFILE_CLAIM: 'email',
    JWT_GROUPS_CLAIM: 'groups',
    REQUIRED_GROUPS: 'studio-users',
    PROFILE_TRANSFORM: 'email-local-part,lowercase,dots-to-dashes',
    ALLOWED_EMAIL_DOMAINS: 'example.com',
    ALLOWED_VPCE_IDS: FIXTURE_VPCE_ID,
    ALLOWED_VPC_IDS: FIXTURE_VPC_ID,
    ALLOWED_SOURCE_CIDRS: `${FIXTURE_SOURCE_IP.replace(/\.\d+$/, '.0')}/24,2001:db8::/32`,
    FUNCTION_TIMEOUT_SECONDS: '20',
    ...overrides,
  };
}

export function iamEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base = jwtEnv({ AUTH_MODE: 'iam', ...overrides });
  for (const name of [
    'JWT_ISSUER',
    'JWT_AUDIENCE',
    'JWT_JWKS_URI',
    'REQUIRED_GROUPS',
    'PROFILE_TRANSFORM',
    'ALLOWED_EMAIL_DOMAINS',
  ]) {
    if (!(name in overrides)) delete base[name];
  }
  return {
    IAM_ALLOWED_ACCOUNTS: '111122223333',
    IAM_ALLOWED_ROLES: '111122223333:StudioUsers',
    IAM_ALLOWED_USERS: 'arn:aws:iam::111122223333:user/alice',
    IAM_SESSION_NAME_ROLES: '111122223333:StudioUsers',
    ...base,
  };
}
