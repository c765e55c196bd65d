/**
 * A local STS for the issuer roles (docs/development.md, "The local stack"): `AssumeRole` over the
 * AWS Query protocol (form-encoded POST, XML answer), as `@aws-sdk/client-sts` sends and parses it,
 * and the IAM facts the SageMaker emulator needs to know whose each request is.
 *
 * It enforces what the domain-account template (src/infrastructure/issuer-role.ts) enforces: a role
 * may be assumed only by the principals it trusts (known by their access key id), and only with a
 * `SourceIdentity`. The credentials it hands out are random, last `DurationSeconds`, and name their
 * session: the SageMaker emulator reads the SigV4 credential (and session token) of each request
 * and answers as IAM would for that session's account. Loopback only, like every local peer.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_CREDENTIALS } from './credentials';

/** Who signed a request, as IAM would see it. */
export interface LocalPrincipal {
  /** The principal's account. */
  readonly accountId: string;
  /** For an issuer role session: the role, the person (SourceIdentity) and the session name. */
  readonly session?: {
    readonly roleArn: string;
    readonly sourceIdentity: string;
    readonly sessionName: string;
    /** A tag-bound role's session: the owner tag it carries (aws:PrincipalTag/<key>). */
    readonly ownerTag?: { readonly key: string; readonly value: string };
  };
}

/** An issuer role the local IAM knows: its ARN and the access key ids of the principals it trusts. */
export interface LocalRole {
  readonly arn: string;
  readonly trustedAccessKeyIds: readonly string[];
  /**
   * A tag-bound issuer role (src/infrastructure/issuer-role.ts): its trust admits a session only
   * with exactly this tag key (sts:TagSession, aws:TagKeys), and its permissions let the session act
   * only on profiles whose owner tag equals the session's. Without it, a session with tags is refused
   * (the trust allows no sts:TagSession).
   */
  readonly ownerTagKey?: string;
  /**
   * A tag-bound role someone widened (a broad grant attached beside its policy, its Deny removed): it
   * still takes the tag, but its sessions act on any profile. For the health check's negative probe.
   */
  readonly widened?: boolean;
}

interface IssuedSession {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
  readonly principal: LocalPrincipal;
}

/** An AssumeRole call as the emulator recorded it (never the credentials). */
export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly callerAccessKeyId: string;
  readonly sourceIdentity?: string;
  readonly sessionName?: string;
  /** The session tags asked for (keys and values: the values are identities, never secrets). */
  readonly tags?: readonly { readonly key: string; readonly value: string }[];
  readonly outcome: 'issued' | string;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** STS takes at most 50 session tags. */
const MAX_TAGS = 50;

/** The session tags of an AssumeRole form (`Tags.member.N.Key` / `.Value`), in order. */
function tagsOf(form: URLSearchParams): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  for (let n = 1; n <= MAX_TAGS + 1; n += 1) {
    const key = form.get(`Tags.member.${n}.Key`);
    if (key === null) break;
    tags.push({ key, value: form.get(`Tags.member.${n}.Value`) ?? '' });
  }
  return tags;
}

/** An STS error as STS sends it (the SDK reads `Code` and the status). */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 403,
  ) {
    super(message);
  }
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The access key id a SigV4 `Authorization` header names (`Credential=AKID/date/region/service/aws4_request`). */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]{1,128})\//.exec(authorization ?? '')?.[1];
}

/** The local IAM: the function's own principal, the issuer roles, and the sessions handed out. */
export class LocalIam {
  private readonly sessions = new Map<string, IssuedSession>();
  private readonly roles: Map<string, LocalRole>;
  private readonly homeKeys = new Set([LOCAL_CREDENTIALS.accessKeyId]);
  /** Every AssumeRole call, in order (tests read who asked, for whom, and what happened). */
  readonly calls: AssumeRoleCall[] = [];

  constructor(
    /** The account of the local functions' own credentials (LOCAL_CREDENTIALS). */
    readonly homeAccountId: string,
    roles: readonly LocalRole[],
    private readonly clock: () => number = Date.now,
  ) {
    this.roles = new Map(roles.map((role) => [role.arn, role]));
  }

  /**
   * Who signed: the local functions' key is the home account; a session's key is its role's account,
   * while the session lasts and with its own token.
   * @throws StsError as IAM answers an unknown key, a wrong token or an expired session.
   */
  principalOf(accessKeyId: string | undefined, sessionToken: string | undefined): LocalPrincipal {
    if (accessKeyId !== undefined && this.homeKeys.has(accessKeyId)) return { accountId: this.homeAccountId };
    const session = accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
    if (session === undefined)
      throw new StsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (session.sessionToken !== sessionToken)
      throw new StsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (this.clock() >= session.expiresAt)
      throw new StsError('ExpiredTokenException', 'The security token included in the request is expired');
    return session.principal;
  }

  /** Creates another role (a test's misconfigured one, for instance). */
  addRole(role: LocalRole): void {
    this.roles.set(role.arn, role);
  }

  /** Admits another key of the functions' own role (as Lambda may hand its credentials out another way). */
  addHomeKey(accessKeyId: string): void {
    this.homeKeys.add(accessKeyId);
  }

  /** Answers one AssumeRole request (its form fields), signed with `callerAccessKeyId`. */
  assumeRole(form: URLSearchParams, callerAccessKeyId: string | undefined): string {
    const roleArn = form.get('RoleArn') ?? '';
    const sourceIdentity = form.get('SourceIdentity') ?? undefined;
    const sessionName = form.get('RoleSessionName') ?? undefined;
    const tags = tagsOf(form);
    const record = (outcome: string) =>
      this.calls.push({
        roleArn,
        callerAccessKeyId: callerAccessKeyId ?? '',
        ...(sourceIdentity !== undefined && { sourceIdentity }),
        ...(sessionName !== undefined && { sessionName }),
        ...(tags.length > 0 && { tags }),
        outcome,
      });
    try {
      if (form.get('Action') !== 'AssumeRole' || form.get('Version') !== '2011-06-15') {
        throw new StsError('InvalidAction', 'Could not find operation', 400);
      }
      if (!ROLE_ARN.test(roleArn)) throw new StsError('ValidationError', 'roleArn is not a role ARN', 400);
      if (sessionName === undefined || !STS_NAME.test(sessionName))
        throw new StsError('ValidationError', 'invalid roleSessionName', 400);
      if (sourceIdentity !== undefined && !STS_NAME.test(sourceIdentity)) {
        throw new StsError('ValidationError', 'invalid sourceIdentity', 400);
      }
      const duration = Number(form.get('DurationSeconds') ?? '3600');
      if (!Number.isInteger(duration) || duration < 900 || duration > 3600) {
        throw new StsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
          400,
        );
      }
      const role = this.roles.get(roleArn);
      // Every key of the functions' own role is that role (a trust names the role, not a key).
      const asHome = (key: string) => (this.homeKeys.has(key) ? LOCAL_CREDENTIALS.accessKeyId : key);
      const trusted =
        role !== undefined &&
        callerAccessKeyId !== undefined &&
        role.trustedAccessKeyIds.map(asHome).includes(asHome(callerAccessKeyId));
      // As the template's trust policy: a trusted principal, and SourceIdentity set (sts:SetSourceIdentity).
      if (!trusted || sourceIdentity === undefined) {
        throw new StsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      // As the trust's sts:TagSession statement: exactly the owner tag key, with a value; no tags at all without one.
      const [tag, ...moreTags] = tags;
      const tagsAdmitted =
        role.ownerTagKey === undefined
          ? tag === undefined
          : tag !== undefined && moreTags.length === 0 && tag.key === role.ownerTagKey && TAG_VALUE.test(tag.value);
      if (!tagsAdmitted) {
        throw new StsError('AccessDenied', `User is not authorized to perform: sts:TagSession on resource: ${roleArn}`);
      }
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      const session: IssuedSession = {
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
        expiresAt: this.clock() + duration * 1000,
        principal: {
          accountId: ROLE_ARN.exec(roleArn)?.[1] as string,
          session: { roleArn, sourceIdentity, sessionName, ...(tag !== undefined && role.widened !== true && { ownerTag: tag }) },
        },
      };
      this.sessions.set(accessKeyId, session);
      record('issued');
      const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
      const account = session.principal.accountId;
      return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>${xmlEscape(sourceIdentity)}</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn>
      <AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${xmlEscape(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(session.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xmlEscape(session.sessionToken)}</SessionToken>
      <Expiration>${new Date(session.expiresAt).toISOString()}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomBytes(8).toString('hex')}</RequestId></ResponseMetadata>
</AssumeRoleResponse>
`;
    } catch (error) {
      record(error instanceof StsError ? error.code : 'error');
      throw error;
    }
  }

  /** The number of sessions handed out (never their credentials). */
  get sessionCount(): number {
    return this.sessions.size;
  }
}

/** An STS error body, as the Query protocol carries it. */
export function stsErrorXml(error: StsError): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>
  <RequestId>${randomBytes(8).toString('hex')}</RequestId>
</ErrorResponse>
`;
}
