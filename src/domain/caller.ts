/**
 * Who is calling, once verified, and the identity that follows from it: a canonical form (the value
 * a profile's owner tag must hold, and the key PROFILE_MAP is looked up by) and the input the
 * PROFILE_TRANSFORM steps derive a profile name from. Two kinds of callers exist: a verified JWT
 * (claims) and an API Gateway AWS_IAM principal (ARN). Nothing else in the request can name the
 * caller (docs/architecture.md, trust rule 1).
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
  /**
   * What domain entitlements are matched against: the verified groups claim (or SAML attribute);
   * for an IAM caller, its account-qualified role or user name (`<account>:<name>`). Absent: none.
   */
  readonly groups?: readonly string[];
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
  /**
   * For an email identity: `email_verified` must be `true`, and when the profile claim is not
   * `email` the verified `email` must be the same address (otherwise the flag says nothing about
   * the value read). On unless switched off explicitly; never asked of a non-email identity.
   */
  readonly requireEmailVerified: boolean;
  readonly email: EmailRules;
}

/**
 * The settings every way in that reads a claim shares (JWT_*, PROFILE_TRANSFORM, ALLOWED_EMAIL_DOMAINS):
 * {@link claimPolicyFor} turns them into the rules of one claim.
 */
export interface ClaimIdentitySettings {
  readonly groupsClaim: string;
  readonly requiredGroups: AllowList<string>;
  readonly groupsDelimiter?: string;
  /** PROFILE_TRANSFORM takes the local part of an address: every identity is then an address. */
  readonly transformTakesLocalPart: boolean;
  /** ALLOWED_EMAIL_DOMAINS: set, it declares that identities are addresses, of these domains. */
  readonly allowedDomains?: readonly string[];
}

/**
 * The identity rules of the claim (or attribute) a way in actually reads, so no way in can read a
 * claim under another claim's rules. The identity is an email address when the claim is `email`,
 * the transform takes the local part, or ALLOWED_EMAIL_DOMAINS is set; then the claim, whatever it
 * is called, must be one well-formed address of an allowed domain, and is canonical lower-cased.
 * A value with an `@` is held to the same rules even when the claim is not an email claim.
 * `email_verified` is required of email identities unless switched off explicitly (`verified:
 * false`); a way in whose IdP vouches by signing the whole assertion (SAML) passes `'not-applicable'`.
 * @param claimIsEmail whether the claim read holds an address by its name (SAML attributes are named otherwise).
 */
export function claimPolicyFor(
  profileClaim: string,
  settings: ClaimIdentitySettings,
  verified: boolean | undefined | 'not-applicable',
  claimIsEmail: boolean = profileClaim === 'email',
): JwtCallerPolicy {
  const isEmail = claimIsEmail || settings.transformTakesLocalPart || settings.allowedDomains !== undefined;
  return {
    profileClaim,
    groupsClaim: settings.groupsClaim,
    requiredGroups: settings.requiredGroups,
    ...(settings.groupsDelimiter !== undefined && { groupsDelimiter: settings.groupsDelimiter }),
    requireEmailVerified: verified === 'not-applicable' ? false : (verified ?? true),
    email: {
      required: isEmail,
      ...(settings.allowedDomains !== undefined && { allowedDomains: settings.allowedDomains }),
    },
  };
}

/** SAML attribute names that hold an email address (the SAML 2.0 `mail` OID, WS-Federation's emailaddress claim). */
const SAML_EMAIL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'email',
  'mail',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
]);

/**
 * The rules of a SAML way in: the attribute read (undefined: NameID) under the claim rules, without
 * `email_verified` (the IdP signed the assertion; there is no such flag to ask for). Its claims are
 * `{ profile, groups }`, as the SAML use case builds them from the verified assertion.
 */
export function samlPolicyFor(profileAttribute: string | undefined, settings: ClaimIdentitySettings): JwtCallerPolicy {
  const { groupsDelimiter: _oneValueAGroup, ...rest } = settings;
  const claimIsEmail = profileAttribute !== undefined && SAML_EMAIL_ATTRIBUTES.has(profileAttribute);
  return claimPolicyFor('profile', { ...rest, groupsClaim: 'groups' }, 'not-applicable', claimIsEmail);
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
 * Whether a jwt-mode key is held to the email rules: the rules require addresses, or the key holds
 * an `@`. An owner tag holding an address is then filled only by an address that passed them, whatever
 * the claim is called and however the stage is configured. (PROFILE_MAP keys are judged by it too.)
 */
export function isEmailIdentity(key: string, rules: EmailRules): boolean {
  return rules.required || key.includes('@');
}

/**
 * A key that must be an address. @returns its canonical (lower-cased) form.
 * @throws ForbiddenError `identity-email-malformed` or `email-domain-not-allowed`.
 */
function canonicalEmail(key: string, rules: EmailRules): string {
  const email = parseEmail(key);
  if (email === undefined) throw new ForbiddenError('identity-email-malformed');
  if (rules.allowedDomains !== undefined && !rules.allowedDomains.includes(email.domain)) {
    throw new ForbiddenError('email-domain-not-allowed');
  }
  return email.address;
}

/** The email rules applied to a key when they require addresses; the key itself otherwise. */
function emailChecked(key: string, rules: EmailRules): string {
  return rules.required ? canonicalEmail(key, rules) : key;
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
    return { canonical: `${accountId}:user/${key}`, transformInput: key, groups: [qualified] };
  }
  if (!allowsValue(policy.allowedRoles, qualified)) throw new ForbiddenError('iam-role-not-allowed');
  if (policy.sessionNameRoles.includes(qualified) && principal.sessionName !== undefined) {
    const key = emailChecked(principal.sessionName, policy.email);
    return { canonical: `${accountId}:assumed-role/${name}/${key}`, transformInput: key, groups: [qualified] };
  }
  return { canonical: `${accountId}:role/${name}`, groups: [qualified] };
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
  const groups = groupsOf(claims, policy);
  if (policy.requiredGroups.kind === 'only') {
    const required = policy.requiredGroups.values;
    if (!groups.some((g) => required.includes(g))) throw new ForbiddenError('group-missing');
  }
  const value = claims[policy.profileClaim];
  if (typeof value !== 'string' || value === '') throw new ForbiddenError('profile-claim-missing');
  if (!isEmailIdentity(value, policy.email)) return { canonical: value, transformInput: value, groups };
  if (policy.requireEmailVerified && claims.email_verified !== true) throw new ForbiddenError('email-not-verified');
  const key = canonicalEmail(value, policy.email);
  if (policy.requireEmailVerified && policy.profileClaim !== 'email') {
    const verified = typeof claims.email === 'string' ? parseEmail(claims.email)?.address : undefined;
    if (verified !== key) throw new ForbiddenError('email-not-verified-for-claim');
  }
  return { canonical: key, transformInput: key, groups };
}
