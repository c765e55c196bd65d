/**
 * Who may call, and how a caller becomes an identity: AUTH_MODE and its settings (JWT_*, IAM_*),
 * REQUIRED_GROUPS, ALLOWED_EMAIL_DOMAINS. The rules themselves live in the domain (src/domain/caller.ts,
 * src/domain/principals.ts); this file reads them.
 */
import type { JwtVerifierSettings } from '../adapters/jwt-verifier';
import { type AllowList, allowOnly } from '../domain/allow-list';
import {
  type ClaimIdentitySettings,
  claimPolicyFor,
  type EmailRules,
  type IamCallerPolicy,
  type JwtCallerPolicy,
} from '../domain/caller';
import { parseEmailDomain } from '../domain/email';
import { qualifiedPrincipal } from '../domain/principals';
import type { ProfileTransformStep } from '../domain/profile-mapping';
import { type EnvReader, readOptionalBoolean } from './environment';

/** Token verification in `jwt` mode. */
export interface JwtAuthConfig extends JwtCallerPolicy, JwtVerifierSettings {
  readonly mode: 'jwt';
  /** What every way in that reads a claim derives its own rules from ({@link claimPolicyFor}). */
  readonly claimSettings: ClaimIdentitySettings;
}

/** Principal checks in `iam` mode. */
export interface IamAuthConfig extends IamCallerPolicy {
  readonly mode: 'iam';
}

/**
 * The email rules: keys must be addresses when the claim is `email` or the transform takes the
 * local part; taking the local part needs ALLOWED_EMAIL_DOMAINS (otherwise alice@evil.example is alice).
 */
function readEmailRules(reader: EnvReader, transform: readonly ProfileTransformStep[], claimIsEmail: boolean): EmailRules {
  const usesLocalPart = transform.includes('email-local-part');
  const required = usesLocalPart || claimIsEmail;
  const allowedDomains = readAllowedDomains(reader, usesLocalPart);
  if (allowedDomains === undefined) return { required };
  if (!required) reader.problems.push('ALLOWED_EMAIL_DOMAINS applies to email identities only; this configuration has none');
  return { required, allowedDomains };
}

/**
 * ALLOWED_EMAIL_DOMAINS, checked; undefined when unset. Taking the local part needs it (otherwise
 * alice@evil.example is alice).
 */
function readAllowedDomains(reader: EnvReader, usesLocalPart: boolean): string[] | undefined {
  const raw = reader.optional('ALLOWED_EMAIL_DOMAINS');
  if (raw === undefined) {
    if (usesLocalPart) {
      reader.problems.push(
        'Environment variable ALLOWED_EMAIL_DOMAINS is required when PROFILE_TRANSFORM uses email-local-part (e.g. example.com)',
      );
    }
    return undefined;
  }
  const domains: string[] = [];
  const listed = reader.list('ALLOWED_EMAIL_DOMAINS');
  for (const item of listed) {
    const domain = parseEmailDomain(item);
    if (item === '*' || domain === undefined) {
      reader.problems.push(`ALLOWED_EMAIL_DOMAINS: "${item}" is not a domain name (exact names only, no wildcards)`);
    } else if (!domains.includes(domain)) {
      domains.push(domain);
    }
  }
  if (listed.length === 0) reader.problems.push('ALLOWED_EMAIL_DOMAINS lists no domain');
  return domains;
}

/** Account-qualified principal names (`<account>:<name>`), each checked to be of an allowed account. */
function qualifiedNames(
  reader: EnvReader,
  name: string,
  items: readonly string[],
  kind: 'role' | 'user',
  accounts: readonly string[],
): string[] {
  const values: string[] = [];
  for (const item of items) {
    const qualified = qualifiedPrincipal(item, kind);
    if (qualified === undefined) {
      reader.problems.push(
        `${name}: "${item}" is not account-qualified (write arn:aws:iam::<account>:${kind}/<name> or <account>:<name>)`,
      );
    } else if (accounts.length > 0 && !accounts.includes(qualified.slice(0, 12))) {
      reader.problems.push(`${name}: "${item}" is of an account not in IAM_ALLOWED_ACCOUNTS`);
    } else {
      values.push(qualified);
    }
  }
  return values;
}

/** An IAM allow-list of account-qualified principals (or `*`: any of that kind in the allowed accounts). */
function principalAllowList(
  reader: EnvReader,
  name: string,
  kind: 'role' | 'user',
  accounts: readonly string[],
): AllowList<string> {
  const list = reader.allowList(name);
  return list.kind === 'any' ? list : allowOnly(qualifiedNames(reader, name, list.values, kind, accounts));
}

export function readAuth(reader: EnvReader, transform: readonly ProfileTransformStep[]): JwtAuthConfig | IamAuthConfig {
  const mode = reader.oneOf('AUTH_MODE', ['jwt', 'iam'] as const);
  if (mode === 'iam') {
    const accounts = reader.list('IAM_ALLOWED_ACCOUNTS');
    if (reader.optional('IAM_ALLOWED_ACCOUNTS') === undefined) {
      reader.problems.push('Environment variable IAM_ALLOWED_ACCOUNTS is required in iam mode (12-digit account ids)');
    }
    for (const account of accounts) {
      if (!/^\d{12}$/.test(account)) {
        reader.problems.push(`IAM_ALLOWED_ACCOUNTS: "${account}" is not a 12-digit account id (no wildcards)`);
      }
    }
    const allowedAccounts = accounts.filter((a) => /^\d{12}$/.test(a));
    const sessionNameRoles = qualifiedNames(
      reader,
      'IAM_SESSION_NAME_ROLES',
      reader.list('IAM_SESSION_NAME_ROLES'),
      'role',
      allowedAccounts,
    );
    return {
      mode,
      allowedAccounts,
      allowedRoles: principalAllowList(reader, 'IAM_ALLOWED_ROLES', 'role', allowedAccounts),
      allowedUsers: principalAllowList(reader, 'IAM_ALLOWED_USERS', 'user', allowedAccounts),
      sessionNameRoles,
      email: readEmailRules(reader, transform, false),
    };
  }
  const audience = reader.list('JWT_AUDIENCE');
  if (audience.length === 0) reader.problems.push('Environment variable JWT_AUDIENCE is required in jwt mode');
  const jwksUri = reader.url('JWT_JWKS_URI', reader.required('JWT_JWKS_URI')) ?? '';
  const profileClaim = reader.optional('JWT_PROFILE_CLAIM') ?? 'sub';
  // A string groups claim is one group unless a delimiter is configured (`space` stands for " ").
  const delimiterText = reader.optional('JWT_GROUPS_DELIMITER');
  const groupsDelimiter = delimiterText === 'space' ? ' ' : delimiterText;
  if (groupsDelimiter !== undefined && !/^[ ,;|]$/.test(groupsDelimiter)) {
    reader.problems.push(`JWT_GROUPS_DELIMITER must be , ; | or space, got "${delimiterText}"`);
  }
  const allowedDomains = readAllowedDomains(reader, transform.includes('email-local-part'));
  const claimSettings: ClaimIdentitySettings = {
    groupsClaim: reader.optional('JWT_GROUPS_CLAIM') ?? 'groups',
    requiredGroups: reader.allowList('REQUIRED_GROUPS'),
    ...(groupsDelimiter !== undefined && { groupsDelimiter }),
    transformTakesLocalPart: transform.includes('email-local-part'),
    ...(allowedDomains !== undefined && { allowedDomains }),
  };
  return {
    mode: 'jwt',
    issuer: reader.required('JWT_ISSUER'),
    audience,
    jwksUri,
    jwksTimeoutMs: reader.integer('JWKS_TIMEOUT_MS', 1500, 100, 5000),
    clockSkewSeconds: reader.integer('JWT_CLOCK_SKEW_SECONDS', 0, 0, 300),
    maxTokenLifetimeSeconds: reader.integer('JWT_MAX_LIFETIME_SECONDS', 86400, 60, 604800),
    claimSettings,
    ...claimPolicyFor(profileClaim, claimSettings, readOptionalBoolean(reader, 'JWT_REQUIRE_EMAIL_VERIFIED')),
  };
}
