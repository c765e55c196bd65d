/**
 * Caller identity → SageMaker UserProfileName. The result depends on the verified identity and the
 * deployment's configuration only; no request value takes part (docs/architecture.md, trust rule 1).
 * The mapping only proposes a name: the profile's owner tag must then name the same identity
 * (src/domain/profile-owner.ts), so a collision here refuses rather than opens someone else's Studio.
 */
import type { CallerIdentity } from './caller';
import { ForbiddenError } from './errors';
import { isPrintableAscii } from './text';

/** UserProfileName and SpaceName pattern, from the SageMaker API reference. */
export const PROFILE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Steps applied in order to an identity key that the explicit map does not name. */
export type ProfileTransformStep = 'email-local-part' | 'lowercase' | 'dots-to-dashes';

/** Every known step, for config validation and docs. */
export const PROFILE_TRANSFORM_STEPS: readonly ProfileTransformStep[] = ['email-local-part', 'lowercase', 'dots-to-dashes'];

/** How identity keys become profile names. */
export interface ProfileMapping {
  readonly transform: readonly ProfileTransformStep[];
  /** Explicit canonical identity → profile name entries; they win over the transform. */
  readonly map: ReadonlyMap<string, string>;
}

const STEPS: Record<ProfileTransformStep, (value: string) => string> = {
  'email-local-part': (value) => {
    const at = value.lastIndexOf('@');
    return at < 0 ? value : value.slice(0, at);
  },
  lowercase: (value) => value.toLowerCase(),
  'dots-to-dashes': (value) => value.replace(/[._]/g, '-'),
};

/** The transform applied to one input (no checks). */
function applyTransform(input: string, steps: readonly ProfileTransformStep[]): string {
  return steps.reduce((value, step) => STEPS[step](value), input);
}

/**
 * Derives the profile name for a caller's identity.
 * @throws ForbiddenError `identity-not-ascii` for keys outside printable ASCII, `identity-unmapped`
 *   when only a map entry could name the profile and none does, and `profile-name-invalid` when the
 *   result is not a valid UserProfileName.
 */
export function profileNameFor(identity: CallerIdentity, mapping: ProfileMapping): string {
  // Case folding maps some non-ASCII letters onto ASCII ones (U+212A KELVIN SIGN → "k"): refuse
  // them before any step runs, so no identity can fold into another person's profile name.
  if (!isPrintableAscii(identity.canonical)) throw new ForbiddenError('identity-not-ascii');
  if (identity.transformInput !== undefined && !isPrintableAscii(identity.transformInput)) {
    throw new ForbiddenError('identity-not-ascii');
  }
  const mapped = mapping.map.get(identity.canonical);
  if (mapped === undefined && identity.transformInput === undefined) throw new ForbiddenError('identity-unmapped');
  const name = mapped ?? applyTransform(identity.transformInput as string, mapping.transform);
  if (!PROFILE_NAME_PATTERN.test(name)) throw new ForbiddenError('profile-name-invalid');
  return name;
}
