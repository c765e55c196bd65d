import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { generateSigningKey, signJwt } from '../../../scripts/local/jwt';
import { JwtTokenVerifier } from '../../../src/adapters/jwt-verifier';
import { parseConfig } from '../../../src/config/studio-url';
import { UnauthenticatedError, UpstreamUnavailableError } from '../../../src/domain/errors';
import { jwtEnv } from '../../support/env';

const ISSUER = 'http://127.0.0.1:4600';
const key = generateSigningKey('k1');
const foreignKey = generateSigningKey('k1');

/** Serves the JWKS from memory and counts fetches. */
class MemoryFetcher implements Fetcher {
  fetches = 0;
  constructor(
    private readonly jwks: unknown,
    private readonly fail = false,
  ) {}
  async fetch(uri: string): Promise<ArrayBuffer> {
    this.fetches += 1;
    if (this.fail) throw new FetchError(uri, 'connect ECONNREFUSED');
    return new TextEncoder().encode(JSON.stringify(this.jwks)).buffer as ArrayBuffer;
  }
}

function verifierWith(fetcher: Fetcher, env: Record<string, string> = {}): JwtTokenVerifier {
  const config = parseConfig(jwtEnv(env));
  if (config.auth.mode !== 'jwt') throw new Error('jwt mode expected');
  return new JwtTokenVerifier(config.auth, fetcher);
}

const now = () => Math.floor(Date.now() / 1000);
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: 'studio-gate',
    sub: 'local|alice',
    email: 'alice@example.com',
    groups: ['studio-users'],
    iat: now(),
    exp: now() + 300,
    ...overrides,
  };
}

describe('JwtTokenVerifier', () => {
  const fetcher = new MemoryFetcher({ keys: [key.publicJwk] });
  const verifier = verifierWith(fetcher);

  it('returns the claims of a valid RS256 token', async () => {
    await expect(verifier.verify(`Bearer ${signJwt(claims(), key)}`)).resolves.toMatchObject({ email: 'alice@example.com' });
  });

  it('accepts the scheme in any case', async () => {
    await expect(verifier.verify(`bearer ${signJwt(claims(), key)}`)).resolves.toMatchObject({ sub: 'local|alice' });
  });

  const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  it.each<[string, () => string | undefined, string]>([
    ['no header', () => undefined, 'bearer-missing'],
    ['an empty header', () => '', 'bearer-missing'],
    ['another scheme', () => `Basic ${Buffer.from('alice:pw').toString('base64')}`, 'bearer-malformed'],
    ['two spaces', () => `Bearer  ${signJwt(claims(), key)}`, 'bearer-malformed'],
    ['a token with trailing junk', () => `Bearer ${signJwt(claims(), key)} x`, 'bearer-malformed'],
    ['an oversized header', () => `Bearer ${'a'.repeat(9000)}.b.c`, 'bearer-oversized'],
    ['garbage segments', () => 'Bearer abc.def.ghi', 'jwt-malformed'],
    ['alg none (no signature)', () => `Bearer ${signJwt(claims(), key, { alg: 'none' })}`, 'bearer-malformed'],
    [
      'alg none with a signature attached',
      () => `Bearer ${signJwt(claims(), key, { alg: 'none' })}c2ln`,
      'jwt-algorithm-refused',
    ],
    [
      'HS256 signed with the public key',
      () => `Bearer ${signJwt(claims(), key, { alg: 'HS256' }, Buffer.from(publicPem))}`,
      'jwt-algorithm-refused',
    ],
    ['an unknown kid', () => `Bearer ${signJwt(claims(), key, { kid: 'nope' })}`, 'jwt-kid-unknown'],
    ['no kid', () => `Bearer ${signJwt(claims(), key, { kid: undefined })}`, 'jwt-kid-missing'],
    ['a foreign key with the same kid', () => `Bearer ${signJwt(claims(), foreignKey)}`, 'jwt-signature-invalid'],
    [
      'a tampered payload',
      () => {
        const [h, , s] = signJwt(claims(), key).split('.');
        return `Bearer ${h}.${Buffer.from(JSON.stringify(claims({ email: 'bob@example.com' }))).toString('base64url')}.${s}`;
      },
      'jwt-signature-invalid',
    ],
    ['a wrong issuer', () => `Bearer ${signJwt(claims({ iss: 'https://evil.example' }), key)}`, 'jwt-issuer-mismatch'],
    ['a wrong audience', () => `Bearer ${signJwt(claims({ aud: 'another-app' }), key)}`, 'jwt-audience-mismatch'],
    ['no audience', () => `Bearer ${signJwt(claims({ aud: undefined }), key)}`, 'jwt-audience-mismatch'],
    ['an expired token', () => `Bearer ${signJwt(claims({ exp: now() - 5 }), key)}`, 'jwt-expired'],
    ['a token valid only later', () => `Bearer ${signJwt(claims({ nbf: now() + 120 }), key)}`, 'jwt-not-yet-valid'],
    ['a token without exp', () => `Bearer ${signJwt(claims({ exp: undefined }), key)}`, 'jwt-exp-missing'],
    ['a token with a string exp', () => `Bearer ${signJwt(claims({ exp: String(now() + 60) }), key)}`, 'jwt-malformed'],
    [
      'a crit header (an extension we do not understand)',
      () => `Bearer ${signJwt(claims(), key, { crit: ['exp'] })}`,
      'jwt-crit-refused',
    ],
    ['an empty crit header', () => `Bearer ${signJwt(claims(), key, { crit: [] })}`, 'jwt-crit-refused'],
    ['an iat in the future', () => `Bearer ${signJwt(claims({ iat: now() + 120 }), key)}`, 'jwt-issued-in-future'],
    ['a string iat', () => `Bearer ${signJwt(claims({ iat: String(now()) }), key)}`, 'jwt-malformed'],
    [
      'a token valid for ten years',
      () => `Bearer ${signJwt(claims({ exp: now() + 10 * 365 * 86400 }), key)}`,
      'jwt-lifetime-too-long',
    ],
  ])('refuses %s', async (_what, header, reason) => {
    expect.assertions(2);
    const error = await verifier.verify(header()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as UnauthenticatedError).reason).toBe(reason);
  });

  it('accepts an iat in the future within the clock skew only', async () => {
    const lenient = verifierWith(new MemoryFetcher({ keys: [key.publicJwk] }), { JWT_CLOCK_SKEW_SECONDS: '60' });
    await expect(lenient.verify(`Bearer ${signJwt(claims({ iat: now() + 30 }), key)}`)).resolves.toBeDefined();
    await expect(lenient.verify(`Bearer ${signJwt(claims({ iat: now() + 120 }), key)}`)).rejects.toMatchObject({
      reason: 'jwt-issued-in-future',
    });
  });

  it('honours the configured clock skew, and no more', async () => {
    const lenient = verifierWith(new MemoryFetcher({ keys: [key.publicJwk] }), { JWT_CLOCK_SKEW_SECONDS: '60' });
    await expect(lenient.verify(`Bearer ${signJwt(claims({ exp: now() - 30 }), key)}`)).resolves.toBeDefined();
    await expect(lenient.verify(`Bearer ${signJwt(claims({ exp: now() - 90 }), key)}`)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('caches the JWKS across verifications', async () => {
    const counting = new MemoryFetcher({ keys: [key.publicJwk] });
    const cached = verifierWith(counting);
    for (let i = 0; i < 3; i++) await cached.verify(`Bearer ${signJwt(claims(), key)}`);
    expect(counting.fetches).toBe(1);
  });

  it('answers 503-class when the JWKS cannot be fetched, not 401', async () => {
    expect.assertions(2);
    const error = await verifierWith(new MemoryFetcher({}, true))
      .verify(`Bearer ${signJwt(claims(), key)}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).reason).toBe('jwks-unavailable');
  });

  it('never puts the token into the error', async () => {
    const token = signJwt(claims({ exp: now() - 5 }), key);
    const error = (await verifier.verify(`Bearer ${token}`).catch((e: unknown) => e)) as Error;
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(token.split('.')[2]);
  });
});

describe('JwtTokenVerifier: recently verified tokens', () => {
  it('checks a token once, still refuses it after exp, and never remembers a refusal', async () => {
    let clock = Date.now();
    const config = parseConfig(jwtEnv());
    if (config.auth.mode !== 'jwt') throw new Error('jwt mode expected');
    const fetcher = new MemoryFetcher({ keys: [key.publicJwk] });
    const verifier = new JwtTokenVerifier(config.auth, fetcher, () => clock);
    const exp = Math.floor(clock / 1000) + 30;
    const token = signJwt(claims({ exp }), key);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'local|alice' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'local|alice' });
    clock = (exp + 1) * 1000;
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'jwt-expired' });
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
    for (let i = 0; i < 2; i++) {
      await expect(verifier.verify(`Bearer ${forged}`)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });
});
