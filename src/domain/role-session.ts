/**
 * How a person is named in the session studio-gate opens with a domain's issuer role: the
 * `SourceIdentity` (which the domain account's CloudTrail shows on every call of the session and no
 * later hop can change) and the role session name. Both are derived from the canonical identity,
 * never from anything the request carries. STS allows 2–64 of `[\w+=,.@-]` in each: an identity
 * that fits is used as it is (`alice@example.com`); one that does not (`111122223333:user/alice`, or
 * a long one) becomes its allowed characters, shortened, plus a digest of the whole identity, so two
 * people never share a name and the name still reads as the person.
 */
import { createHash } from 'node:crypto';

const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const STS_NAME_MAX = 64;
/** The digest's length in hex characters: 64 bits, which no two people of one bank will share. */
const DIGEST_CHARS = 16;
const DIGESTED = /-[0-9a-f]{16}$/;
/** Names only studio-gate's own sessions carry: a person whose identity starts so is digested. */
const RESERVED = /^studio-gate/i;

/**
 * The SourceIdentity of the health check's own sessions: the issuer role admits it only from the
 * health check's role and denies it every issuing action, and no person's name can be it.
 */
export const HEALTH_SOURCE_IDENTITY = 'studio-gate-health';

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, DIGEST_CHARS);
}

/**
 * A name STS accepts for `canonical`: itself when it fits, else its allowed characters (others
 * become `_`), cut to fit, and `-` + a digest of the whole identity. An identity that fits but
 * already ends like a digest is digested too, so a plain name can never equal another person's
 * digested one; so is an identity that starts like studio-gate's own names ({@link HEALTH_SOURCE_IDENTITY}).
 */
function stsName(canonical: string, reserve = 0): string {
  const room = STS_NAME_MAX - reserve;
  if (STS_NAME.test(canonical) && canonical.length <= room && !DIGESTED.test(canonical) && !RESERVED.test(canonical)) {
    return canonical;
  }
  const readable = canonical.replace(/[^\w+=,.@-]/g, '_').slice(0, room - DIGEST_CHARS - 1);
  return `${readable}-${digest(canonical)}`;
}

/** The `SourceIdentity` of the person's session: the canonical identity, in STS's alphabet. */
export function sourceIdentityOf(canonical: string): string {
  return stsName(canonical);
}

/** The prefix of studio-gate's role session names, so the domain account tells them from others. */
export const ROLE_SESSION_PREFIX = 'sg.';

/** The role session name: `sg.` + the person, in STS's alphabet. */
export function roleSessionNameOf(canonical: string): string {
  return `${ROLE_SESSION_PREFIX}${stsName(canonical, ROLE_SESSION_PREFIX.length)}`;
}

/** How a session names who it is for. */
export interface SessionNaming {
  readonly sourceIdentity: string;
  readonly sessionName: string;
}

/** A session tag, as STS takes it. */
export interface SessionTag {
  readonly key: string;
  readonly value: string;
}

/**
 * What STS (session tags) and SageMaker (resource tags) accept as a tag value: up to 256 of letters,
 * spaces, digits and `_ . : / = + - @`. A canonical identity outside it cannot be any profile's owner
 * tag, so no tag-bound session can be opened for it.
 */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/**
 * The tag that binds a session to its person: the owner tag's key, and the canonical identity as
 * its value, exactly (the issuer role compares it with each profile's owner tag).
 * @returns undefined when the identity cannot be a tag value.
 */
export function ownerSessionTag(tagKey: string, canonical: string): SessionTag | undefined {
  return TAG_VALUE.test(canonical) ? { key: tagKey, value: canonical } : undefined;
}

/** A person's session: named after them. */
export function personSession(canonical: string): SessionNaming {
  return { sourceIdentity: sourceIdentityOf(canonical), sessionName: roleSessionNameOf(canonical) };
}

/** The health check's session: named after itself, whoever it checks for. */
export function healthCheckSession(): SessionNaming {
  return { sourceIdentity: HEALTH_SOURCE_IDENTITY, sessionName: `${ROLE_SESSION_PREFIX}${HEALTH_SOURCE_IDENTITY}` };
}
