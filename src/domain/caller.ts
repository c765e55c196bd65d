/**
 * Who is calling, once verified, and how that turns into the identity key a profile is derived from.
 * Two kinds of callers exist: a verified JWT (claims) and an API Gateway AWS_IAM principal (ARN).
 * Nothing else in the request can name the caller (ARCHITECTURE.md, trust rule 1).
 */
import { type AllowList, allowsValue } from './allow-list';
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

/** The parts of an IAM user or assumed-role ARN that decide anything. */
export interface IamPrincipal {
  readonly accountId: string;
  readonly type: 'user' | 'assumed-role';
  /** User name, or role name for an assumed role. */
  readonly name: string;
  /** Role session name (assumed roles only). */
  readonly sessionName?: string;
}

/** What the JWT mode requires of a caller beyond a valid signature. */
export interface JwtCallerPolicy {
  readonly profileClaim: string;
  readonly groupsClaim: string;
  /** At least one of these groups must be in the groups claim; `*` requires none. */
  readonly requiredGroups: AllowList<string>;
}

/** What the IAM mode requires of a principal. */
export interface IamCallerPolicy {
  readonly allowedAccounts: AllowList<string>;
  /** Roles whose sessions may call. */
  readonly allowedRoles: AllowList<string>;
  /** IAM users who may call (empty: none; most deployments use roles only). */
  readonly allowedUsers: AllowList<string>;
  /** Roles trusted to set the role session name to the person's identity (e.g. an SSO permission set). */
  readonly sessionNameRoles: readonly string[];
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
 * The identity key of an IAM caller: the user name, or the role session name of a role trusted to
 * set it. A role not trusted that way yields `role/<RoleName>`, which only an explicit profile map
 * entry can turn into a profile.
 * @throws ForbiddenError when the account or role is not allowed.
 */
export function iamIdentityKey(principal: IamPrincipal, policy: IamCallerPolicy): string {
  if (!allowsValue(policy.allowedAccounts, principal.accountId)) throw new ForbiddenError('iam-account-not-allowed');
  if (principal.type === 'user') {
    if (!allowsValue(policy.allowedUsers, principal.name)) throw new ForbiddenError('iam-user-not-allowed');
    return principal.name;
  }
  if (!allowsValue(policy.allowedRoles, principal.name)) throw new ForbiddenError('iam-role-not-allowed');
  if (policy.sessionNameRoles.includes(principal.name) && principal.sessionName !== undefined) {
    return principal.sessionName;
  }
  return `role/${principal.name}`;
}

/** Reads a groups claim that is either an array of strings or one space/comma separated string. */
function groupsOf(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * The identity key of a JWT caller: the configured claim, after the group requirement holds.
 * @throws ForbiddenError when no required group is present or the profile claim is missing or not a string.
 */
export function jwtIdentityKey(claims: Readonly<Record<string, unknown>>, policy: JwtCallerPolicy): string {
  if (policy.requiredGroups.kind === 'only') {
    const required = policy.requiredGroups.values;
    if (!groupsOf(claims, policy.groupsClaim).some((g) => required.includes(g))) {
      throw new ForbiddenError('group-missing');
    }
  }
  const value = claims[policy.profileClaim];
  if (typeof value !== 'string' || value === '') throw new ForbiddenError('profile-claim-missing');
  return value;
}
