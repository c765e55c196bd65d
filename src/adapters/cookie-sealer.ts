/**
 * Sealed cookies with jose: a JWT encrypted with A256GCM under a direct key (`dir`), so the
 * content is secret and any change to it fails. Keys come from SSO_COOKIE_KEYS: the first seals,
 * every one opens (rotation: add the new key first, drop the old one after the cookie lifetime).
 * A cookie is bound to its purpose (the audience) and expires after `maxAgeSeconds`.
 */
import { createHash } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt } from 'jose';
import { ConfigurationError, UnauthenticatedError } from '../domain/errors';
import type { Clock } from '../use-cases/ports';
import type { SealedState, StateSealer } from '../use-cases/sso-ports';

const ISSUER = 'studio-gate';

interface CookieKey {
  readonly kid: string;
  readonly key: Uint8Array;
}

/** Parses `k1,k2,…` (base64url, 32 bytes each). @throws ConfigurationError naming no key material. */
export function parseCookieKeys(text: string): CookieKey[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const keys: CookieKey[] = [];
  for (const [i, item] of items.entries()) {
    const key = /^[A-Za-z0-9_-]{43}$/.test(item) ? Buffer.from(item, 'base64url') : undefined;
    if (key === undefined || key.length !== 32) problems.push(`SSO_COOKIE_KEYS: key ${i + 1} is not 32 bytes of base64url`);
    else keys.push({ kid: createHash('sha256').update(key).digest('base64url').slice(0, 8), key: new Uint8Array(key) });
  }
  if (items.length === 0) problems.push('SSO_COOKIE_KEYS lists no key');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) problems.push('SSO_COOKIE_KEYS lists a key twice');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return keys;
}

export class JoseStateSealer implements StateSealer {
  private readonly keys: readonly CookieKey[];

  constructor(
    keysText: string,
    private readonly maxAgeSeconds: number,
    private readonly clock: Clock = Date.now,
  ) {
    this.keys = parseCookieKeys(keysText);
  }

  async seal(purpose: string, state: SealedState): Promise<string> {
    const [current] = this.keys as [CookieKey];
    const now = Math.floor(this.clock() / 1000);
    return new EncryptJWT({ st: state })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
      .setIssuer(ISSUER)
      .setAudience(purpose)
      .setIssuedAt(now)
      .setExpirationTime(now + this.maxAgeSeconds)
      .encrypt(current.key);
  }

  async open(purpose: string, sealed: string): Promise<SealedState> {
    if (sealed.length > 4096) throw new UnauthenticatedError('sso-cookie-invalid');
    try {
      const { payload } = await jwtDecrypt(
        sealed,
        (header) => {
          const found = this.keys.find((k) => k.kid === header.kid);
          if (!found || header.alg !== 'dir' || header.enc !== 'A256GCM') throw new UnauthenticatedError('sso-cookie-invalid');
          return found.key;
        },
        {
          issuer: ISSUER,
          audience: purpose,
          currentDate: new Date(this.clock()),
          maxTokenAge: this.maxAgeSeconds,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        },
      );
      const state = payload.st;
      if (state === null || typeof state !== 'object' || Array.isArray(state))
        throw new UnauthenticatedError('sso-cookie-invalid');
      const out: Record<string, string> = Object.create(null);
      for (const [k, v] of Object.entries(state)) {
        if (typeof v !== 'string') throw new UnauthenticatedError('sso-cookie-invalid');
        out[k] = v;
      }
      return out;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('sso-cookie-expired');
      throw new UnauthenticatedError('sso-cookie-invalid');
    }
  }
}
