/**
 * How a caller's identity becomes a profile name, and who owns the profile: PROFILE_TRANSFORM,
 * PROFILE_MAP (every key checked to be one that can match a canonical identity), PROFILE_OWNER_TAG
 * and PROFILE_OWNER_CHECK. The rules themselves are the domain's (src/domain/profile-mapping.ts,
 * profile-owner.ts, principals.ts).
 */
import { mapKeyProblem } from '../domain/principals';
import { PROFILE_NAME_PATTERN, PROFILE_TRANSFORM_STEPS, type ProfileTransformStep } from '../domain/profile-mapping';
import { DEFAULT_OWNER_TAG, isTagKey, type OwnerPolicy, TAG_KEY_RULE } from '../domain/profile-owner';
import type { IamAuthConfig, JwtAuthConfig } from './auth';
import type { EnvReader } from './environment';

/** The transform steps, checked. */
export function readTransform(reader: EnvReader): ProfileTransformStep[] {
  const steps = reader.list('PROFILE_TRANSFORM');
  for (const step of steps) {
    if (!(PROFILE_TRANSFORM_STEPS as readonly string[]).includes(step)) {
      reader.problems.push(`PROFILE_TRANSFORM: unknown step "${step}" (known: ${PROFILE_TRANSFORM_STEPS.join(', ')})`);
    }
  }
  return steps as ProfileTransformStep[];
}

/** The string keys of a flat JSON object in the order written (JSON.parse keeps only the last duplicate). */
function keysAsWritten(text: string): string[] {
  const strings = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  return strings.filter((_s, i) => i % 2 === 0).map((s) => JSON.parse(s) as string);
}

export function readProfileMap(reader: EnvReader, auth: JwtAuthConfig | IamAuthConfig): Map<string, string> {
  const map = new Map<string, string>();
  const mapText = reader.optional('PROFILE_MAP');
  if (!mapText) return map;
  let parsed: unknown;
  try {
    parsed = JSON.parse(mapText);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    reader.problems.push('PROFILE_MAP must be a JSON object of identity → profile name');
    return map;
  }
  const entries = Object.entries(parsed);
  if (entries.some(([, profile]) => typeof profile !== 'string')) {
    reader.problems.push('PROFILE_MAP: every value must be a profile name (a string)');
    return map;
  }
  const seen = new Set<string>();
  for (const key of keysAsWritten(mapText)) {
    if (seen.has(key)) reader.problems.push(`PROFILE_MAP: "${key}" is listed more than once`);
    seen.add(key);
  }
  const owners = new Map<string, string>();
  for (const [identity, profile] of entries as [string, string][]) {
    const problem = mapKeyProblem(identity, auth);
    if (problem) reader.problems.push(`PROFILE_MAP: key "${identity}" ${problem}, so it can never match`);
    if (!PROFILE_NAME_PATTERN.test(profile)) {
      reader.problems.push(`PROFILE_MAP: "${identity}" maps to an invalid profile name`);
      continue;
    }
    const other = owners.get(profile);
    if (other !== undefined) reader.problems.push(`PROFILE_MAP: "${other}" and "${identity}" both map to profile "${profile}"`);
    owners.set(profile, identity);
    map.set(identity, profile);
  }
  return map;
}

export function readOwner(reader: EnvReader): OwnerPolicy {
  const check = reader.choice('PROFILE_OWNER_CHECK', ['on', 'off'] as const, 'on');
  const tagKey = reader.optional('PROFILE_OWNER_TAG') ?? DEFAULT_OWNER_TAG;
  if (!isTagKey(tagKey)) reader.problems.push(`PROFILE_OWNER_TAG must be a tag key (${TAG_KEY_RULE}), got "${tagKey}"`);
  return { check, tagKey };
}
