/**
 * Who is calling, once verified, and the identity that follows from it: a canonical form (the value
 * a profile's owner tag must hold, and the key PROFILE_MAP is looked up by) and the input the
 * PROFILE_TRANSFORM steps derive a profile name from. Two kinds of callers exist: a verified JWT
 * (claims) and an API Gateway AWS_IAM principal (ARN). Nothing else in the request can name the
 * caller (ARCHITECTURE.md, trust rule 1).
 */
import { type AllowList, allowsValue } from './allow-list';
import { parseEmail } from './email';
import { ForbiddenError, UnauthenticatedError } from './errors';

/** A caller whose bearer token verified: its claims, as the verifier returned them. */
export interface JwtCaller {
  readonly kind: 'jwt';
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A caller API Gateway authenticated with SigV4 (AWS_IAM method authorization). */
export interface IamCaller {
  readonly kind: 'iam';
  readonly subject: string;
  readonly principal: IamPrincipal;
}

/** A verified caller. */
export type Caller = JwtCaller | IamCaller;

/** The identity a verified caller has, for mapping and for the owner check. */
export interface CallerIdentity {
  /**
   * The verified identity key before any transform: a lower-cased email, the claim as signed, or
   * the account-qualified IAM principal. The owner tag must hold exactly this.
   */
  readonly canonical: string;
  /** What PROFILE_TRANSFORM works on; absent when only an explicit PROFILE_MAP entry may name the profile. */
  readonly transformInput?: string;
}

/** The parts of an IAM user or assumed-role ARN that decide anything. */
export interface IamPrincipal {
  readonly accountId: string;
  readonly type: 'user' | 'assumed-role';
  /** User name, or role name for an assumed role. */
  readonly name: string;
  /** Role session name (assumed roles only). */
  readonly sessionName?: string;
}

/** Rules for identity keys that are email addresses. */
export interface EmailRules {
  /** The key must be one well-formed address (the claim is `email`, or the transform takes the local part). */
  readonly required: boolean;
  /** Lower-cased domains whose addresses may call, exact match; undefined: any domain. */
  readonly allowedDomains?: readonly string[];
}

/** What the JWT mode requires of a caller beyond a valid signature. */
export interface JwtCallerPolicy {
  readonly profileClaim: string;
  readonly groupsClaim: string;
  /** At least one of these groups must be in the groups claim; `*` requires none. */
  readonly requiredGroups: AllowList<string>;
  /** A string groups claim is split on this; undefined: a string claim is one group. */
  readonly groupsDelimiter?: string;
  /** `email_verified` must be `true` (on unless switched off explicitly, when the profile claim is `email`). */
  readonly requireEmailVerified: boolean;
  readonly email: EmailRules;
}

/** What the IAM mode requires of a principal. Every name is account-qualified: `<account>:<name>`. */
export interface IamCallerPolicy {
  /** Accounts whose principals may call; never a wildcard. */
  readonly allowedAccounts: readonly string[];
  /** Roles whose sessions may call (`<account>:<RoleName>`, or `*` for any role of the allowed accounts). */
  readonly allowedRoles: AllowList<string>;
  /** IAM users who may call (`<account>:<UserName>`; empty: none, most deployments use roles only). */
  readonly allowedUsers: AllowList<string>;
  /** Roles trusted to set the role session name to the person's identity (`<account>:<RoleName>`). */
  readonly sessionNameRoles: readonly string[];
  readonly email: EmailRules;
}

const USER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):user\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const ASSUMED_ROLE_ARN = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/**
 * Parses `requestContext.identity.userArn`. Only IAM users and assumed-role sessions can be people;
 * root, federated users and anything unparseable are refused.
 * @throws UnauthenticatedError when the ARN is missing, ForbiddenError when it is not a supported principal.
 */
export function parseIamPrincipal(userArn: string | undefined): IamPrincipal {
  if (userArn === undefined || userArn === '') throw new UnauthenticatedError('iam-principal-missing');
  const user = USER_ARN.exec(userArn);
  if (user) return { accountId: user[1] as string, type: 'user', name: user[2] as string };
  const role = ASSUMED_ROLE_ARN.exec(userArn);
  if (role) {
    return {
      accountId: role[1] as string,
      type: 'assumed-role',
      name: role[2] as string,
      sessionName: role[3] as string,
    };
  }
  throw new ForbiddenError('iam-principal-unsupported');
}

/**
 * Applies the email rules to a key. @returns the canonical (lower-cased) address, or the key itself
 * when the rules do not require an email.
 * @throws ForbiddenError `identity-email-malformed` or `email-domain-not-allowed`.
 */
function emailChecked(key: string, rules: EmailRules): string {
  if (!rules.required) return key;
  const email = parseEmail(key);
  if (email === undefined) throw new ForbiddenError('identity-email-malformed');
  if (rules.allowedDomains !== undefined && !rules.allowedDomains.includes(email.domain)) {
    throw new ForbiddenError('email-domain-not-allowed');
  }
  return email.address;
}

/**
 * The identity of an IAM caller. Users: `<account>:user/<name>`, transformed from the user name.
 * Sessions of a role trusted to set the session name: `<account>:assumed-role/<role>/<session>`,
 * transformed from the session name. Any other allowed role: `<account>:role/<role>`, which only an
 * explicit PROFILE_MAP entry can turn into a profile.
 * @throws ForbiddenError when the account, user or role is not allowed, or the email rules refuse the name.
 */
export function iamIdentity(principal: IamPrincipal, policy: IamCallerPolicy): CallerIdentity {
  const { accountId, name } = principal;
  if (!policy.allowedAccounts.includes(accountId)) throw new ForbiddenError('iam-account-not-allowed');
  const qualified = `${accountId}:${name}`;
  if (principal.type === 'user') {
    if (!allowsValue(policy.allowedUsers, qualified)) throw new ForbiddenError('iam-user-not-allowed');
    const key = emailChecked(name, policy.email);
    return { canonical: `${accountId}:user/${key}`, transformInput: key };
  }
  if (!allowsValue(policy.allowedRoles, qualified)) throw new ForbiddenError('iam-role-not-allowed');
  if (policy.sessionNameRoles.includes(qualified) && principal.sessionName !== undefined) {
    const key = emailChecked(principal.sessionName, policy.email);
    return { canonical: `${accountId}:assumed-role/${name}/${key}`, transformInput: key };
  }
  return { canonical: `${accountId}:role/${name}` };
}

/** Reads a groups claim: an array of strings, or one string (split only when a delimiter is configured). */
function groupsOf(claims: Readonly<Record<string, unknown>>, policy: JwtCallerPolicy): string[] {
  const value = claims[policy.groupsClaim];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') {
    if (policy.groupsDelimiter === undefined) return [value];
    return value
      .split(policy.groupsDelimiter)
      .map((g) => g.trim())
      .filter(Boolean);
  }
  return [];
}

/**
 * The identity of a JWT caller: the configured claim, after the group requirement holds, checked
 * by the email rules (and `email_verified`) where they apply.
 * @throws ForbiddenError when no required group is present, the profile claim is missing or not a
 *   string, the email is unverified, malformed or of a domain not allowed.
 */
export function jwtIdentity(claims: Readonly<Record<string, unknown>>, policy: JwtCallerPolicy): CallerIdentity {
  if (policy.requiredGroups.kind === 'only') {
    const required = policy.requiredGroups.values;
    if (!groupsOf(claims, policy).some((g) => required.includes(g))) throw new ForbiddenError('group-missing');
  }
  const value = claims[policy.profileClaim];
  if (typeof value !== 'string' || value === '') throw new ForbiddenError('profile-claim-missing');
  if (policy.requireEmailVerified && claims.email_verified !== true) throw new ForbiddenError('email-not-verified');
  const key = emailChecked(value, policy.email);
  return { canonical: key, transformInput: key };
}
