/**
 * Ownership, from SageMaker's own data: a profile says whom it belongs to in its owner tag, and a
 * URL is issued only when that tag names the caller's canonical identity exactly (docs/architecture.md,
 * trust rule 1). This is what stands between a mapping mistake (a transform collision, a look-alike,
 * a typo in PROFILE_MAP) and another person's Studio: the mapping picks a name, the tag must agree.
 */
import { ForbiddenError, UpstreamInvalidResponseError } from './errors';

/** One tag of a profile, as ListTags returns it. */
export interface ProfileTag {
  readonly key: string;
  readonly value: string;
}

/**
 * The owner check of a deployment: on (the default) or explicitly off, and the owner tag's key
 * (which tag-bound issuer role sessions carry too: switching the code's check off leaves IAM's).
 */
export interface OwnerPolicy {
  readonly check: 'on' | 'off';
  readonly tagKey: string;
}

/** The default owner tag key. */
export const DEFAULT_OWNER_TAG = 'studio-gate:owner';

/** What a tag key may be, as SageMaker's resource tags and STS's session tags both take it, in words. */
export const TAG_KEY_RULE = '1–128 of A-Z a-z 0-9 space _ . : / = + - @, not aws:…, no space at either end';

/**
 * Whether `key` is a tag key SageMaker (resource tags) and STS (session tags) both accept, and that
 * IAM can name as `aws:PrincipalTag/<key>` and `sagemaker:ResourceTag/<key>` ({@link TAG_KEY_RULE}).
 */
export function isTagKey(key: string): boolean {
  return TAG_KEY_PATTERN.test(key);
}

/** {@link isTagKey} as a pattern. */
// A space at either end makes a key that looks like the owner tag and is another: refused.
export const TAG_KEY_PATTERN = /^(?![Aa][Ww][Ss]:)(?! )[A-Za-z0-9 _.:/=+@-]{0,127}[A-Za-z0-9_.:/=+@-]$/;

/**
 * The tags IAM may read as the owner tag: its key in any case (IAM's tag condition keys ignore case),
 * so `Studio-Gate:Owner` is a second owner tag to the issuer role's conditions.
 */
export function ownerTagsOf(tags: readonly ProfileTag[], tagKey: string): ProfileTag[] {
  const key = tagKey.toLowerCase();
  return tags.filter((tag) => tag.key.toLowerCase() === key);
}

/**
 * @throws ForbiddenError `profile-owner-missing` when the profile has no owner tag (or an empty one),
 *   `profile-owner-mismatch` when it names someone else or holds the key more than once, in any case.
 */
export function assertProfileOwnedBy(tags: readonly ProfileTag[], canonicalIdentity: string, tagKey: string): void {
  const owners = ownerTagsOf(tags, tagKey);
  if (owners.length === 0 || owners.every((tag) => tag.value === '')) throw new ForbiddenError('profile-owner-missing');
  const [owner] = owners;
  if (owners.length !== 1 || owner?.key !== tagKey || owner.value !== canonicalIdentity) {
    throw new ForbiddenError('profile-owner-mismatch');
  }
}

/**
 * The ARN DescribeUserProfile returned must be this very profile's, so the tags read are its own.
 * Compared without case: SageMaker lower-cases some resource names in ARNs.
 * @throws UpstreamInvalidResponseError `profile-arn-missing` or `profile-arn-unexpected`.
 */
export function assertProfileArn(
  arn: string | undefined,
  expected: { region: string; domainId: string; userProfileName: string },
): string {
  if (arn === undefined || arn === '') throw new UpstreamInvalidResponseError('profile-arn-missing');
  const match = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):\d{12}:user-profile\/([^/]+)\/([^/]+)$/.exec(arn);
  if (
    !match ||
    match[1] !== expected.region ||
    match[2]?.toLowerCase() !== expected.domainId.toLowerCase() ||
    match[3]?.toLowerCase() !== expected.userProfileName.toLowerCase()
  ) {
    throw new UpstreamInvalidResponseError('profile-arn-unexpected');
  }
  return arn;
}
