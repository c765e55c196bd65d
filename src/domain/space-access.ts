/**
 * Which space a caller may open: SageMaker spaces are private to one user profile or shared with
 * the whole domain. CreatePresignedDomainUrl would take any space name for the caller's own profile,
 * and studio-gate does not leave it to the Studio UI to keep alice out of bob's private space.
 */
import { ForbiddenError } from './errors';

/** What DescribeSpace says about a space that decides (fields undefined when SageMaker omitted them). */
export interface SpaceFacts {
  /** `SpaceSharingSettings.SharingType`: `Private` or `Shared`. */
  readonly sharingType?: string;
  /** `OwnershipSettings.OwnerUserProfileName`. */
  readonly ownerUserProfileName?: string;
}

/**
 * Why `userProfileName` may not open `space`, or undefined when it may: a shared space opens for
 * anyone of the domain; a private one only for its owner profile. Anything else (a sharing type
 * SageMaker may add later, or none) fails closed.
 */
function spaceRefusal(space: SpaceFacts, userProfileName: string): 'space-sharing-unknown' | 'space-not-owned' | undefined {
  if (space.sharingType === 'Shared') return undefined;
  if (space.sharingType !== 'Private') return 'space-sharing-unknown';
  return space.ownerUserProfileName === userProfileName ? undefined : 'space-not-owned';
}

/** @throws ForbiddenError `space-not-owned` or `space-sharing-unknown` (see {@link spaceRefusal}). */
export function assertSpaceOpenableBy(space: SpaceFacts, userProfileName: string): void {
  const refusal = spaceRefusal(space, userProfileName);
  if (refusal !== undefined) throw new ForbiddenError(refusal);
}

/** A space as a listing names it. */
export interface SpaceListing extends SpaceFacts {
  readonly spaceName: string;
}

/** The most spaces a chooser offers per domain (the rest stay reachable by `space=`). */
export const MAX_LISTED_SPACES = 20;

/** The spaces of a listing `userProfileName` may open (the rule above), by name, at most {@link MAX_LISTED_SPACES}. */
export function openableSpaces(spaces: readonly SpaceListing[], userProfileName: string): string[] {
  return spaces
    .filter((space) => spaceRefusal(space, userProfileName) === undefined)
    .map((space) => space.spaceName)
    .sort()
    .slice(0, MAX_LISTED_SPACES);
}
