/**
 * Minimal JWT signing for the local issuer and for tests that need hostile tokens (wrong key,
 * wrong alg, odd headers). Uses node:crypto only. Never used by the service itself.
 */
import { createHmac, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/** An RSA signing key with its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

/** A fresh RSA-2048 key (RS256). */
export function generateSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** Signs `payload` with RS256 (or other header overrides; the signature is RS256 unless `alg` says HS256/none). */
export function signJwt(
  payload: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = {},
  hmacSecret?: Buffer,
): string {
  const fullHeader = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...header };
  const input = `${b64url(JSON.stringify(fullHeader))}.${b64url(JSON.stringify(payload))}`;
  if (fullHeader.alg === 'none') return `${input}.`;
  if (fullHeader.alg === 'HS256') {
    return `${input}.${createHmac('sha256', hmacSecret ?? Buffer.from(''))
      .update(input)
      .digest('base64url')}`;
  }
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}
