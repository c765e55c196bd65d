/**
 * Bearer token verification with aws-jwt-verify: issuer, audience, signature against the issuer's
 * JWKS (asymmetric algorithms only: aws-jwt-verify knows no HMAC and refuses `alg: none`), exp/nbf,
 * and what it leaves to us: a `crit` header is refused (RFC 7515 §4.1.11: we understand no
 * extension), so is an `iat` in the future beyond the clock skew, a missing `exp`, and a lifetime
 * beyond the configured maximum. JWKS are fetched with one deadline covering headers and body, a
 * size cap, and cached per container. The token itself never goes into an error or a log.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtAuthConfig } from '../config';
import { UNAVAILABLE_RETRY_AFTER_SECONDS, UnauthenticatedError, UpstreamUnavailableError } from '../domain/errors';
import type { TokenVerifier } from '../use-cases/ports';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
/** Larger headers are refused before any parsing. */
const MAX_AUTHORIZATION_LENGTH = 8192;
/** A JWKS holds a few keys, a few KB; larger answers are refused as unavailable. */
export const MAX_JWKS_BYTES = 256 * 1024;

/**
 * Fetches JWKS with the platform fetch (http for loopback issuers, https otherwise; the config
 * enforces which), no redirects, one deadline for headers and the whole body, and a size cap.
 * Every failure is a FetchError, which the verifier answers with 503.
 */
export class BoundedFetcher implements Fetcher {
  constructor(
    private readonly timeoutMs: number,
    private readonly maxBytes: number = MAX_JWKS_BYTES,
  ) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(uri, { redirect: 'error', signal });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new FetchError(uri, `status ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > this.maxBytes) {
        await response.body?.cancel();
        throw new FetchError(uri, 'too large');
      }
      const reader = response.body?.getReader();
      if (!reader) throw new FetchError(uri, 'no body');
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > this.maxBytes) {
          await reader.cancel();
          throw new FetchError(uri, 'too large');
        }
        chunks.push(value);
      }
      const body = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return body.buffer;
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(uri, signal.aborted ? 'timeout' : 'network');
    }
  }
}

/** Audit reasons per aws-jwt-verify error class, most specific first (matched with instanceof). */
const REASONS: ReadonlyArray<[abstract new (...args: never[]) => Error, string]> = [
  [JwtExpiredError, 'jwt-expired'],
  [JwtNotBeforeError, 'jwt-not-yet-valid'],
  [JwtInvalidIssuerError, 'jwt-issuer-mismatch'],
  [JwtInvalidAudienceError, 'jwt-audience-mismatch'],
  [JwtInvalidSignatureAlgorithmError, 'jwt-algorithm-refused'],
  [JwtInvalidSignatureError, 'jwt-signature-invalid'],
  [KidNotFoundInJwksError, 'jwt-kid-unknown'],
  [WaitPeriodNotYetEndedJwkError, 'jwt-kid-unknown'],
  [JwtWithoutValidKidError, 'jwt-kid-missing'],
  [JwtParseError, 'jwt-malformed'],
];

function reasonOf(error: JwtBaseError): string {
  return REASONS.find(([type]) => error instanceof type)?.[1] ?? 'jwt-invalid';
}

/** {@link TokenVerifier} for one issuer. */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly verifier;

  private readonly maxLifetimeSeconds: number;

  constructor(
    config: JwtAuthConfig,
    fetcher: Fetcher | undefined = undefined,
    private readonly clock: () => number = Date.now,
  ) {
    this.maxLifetimeSeconds = config.maxTokenLifetimeSeconds;
    this.verifier = JwtVerifier.create(
      {
        issuer: config.issuer,
        audience: [...config.audience],
        jwksUri: config.jwksUri,
        graceSeconds: config.clockSkewSeconds,
        customJwtCheck: ({ header, payload }) => {
          if (Object.hasOwn(header, 'crit')) throw new UnauthenticatedError('jwt-crit-refused');
          const iat = (payload as { iat?: unknown }).iat;
          if (iat !== undefined && (typeof iat !== 'number' || iat > this.clock() / 1000 + config.clockSkewSeconds)) {
            throw new UnauthenticatedError('jwt-issued-in-future');
          }
        },
      },
      { jwksCache: new SimpleJwksCache({ fetcher: fetcher ?? new BoundedFetcher(config.jwksTimeoutMs) }) },
    );
  }

  async verify(authorization: string | undefined): Promise<Readonly<Record<string, unknown>>> {
    if (authorization === undefined || authorization === '') throw new UnauthenticatedError('bearer-missing');
    if (authorization.length > MAX_AUTHORIZATION_LENGTH) throw new UnauthenticatedError('bearer-oversized');
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new UnauthenticatedError('bearer-malformed');
    let claims: Readonly<Record<string, unknown>>;
    try {
      claims = (await this.verifier.verify(token)) as Readonly<Record<string, unknown>>;
    } catch (error) {
      if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) {
        throw new UpstreamUnavailableError('jwks-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
      }
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof JwtBaseError) throw new UnauthenticatedError(reasonOf(error));
      throw new UnauthenticatedError('jwt-invalid');
    }
    // aws-jwt-verify checks `exp` only when present; a token that never expires is refused here,
    // and so is one valid for longer than the configured lifetime (a leaked token stays useful less long).
    if (typeof claims.exp !== 'number') throw new UnauthenticatedError('jwt-exp-missing');
    if (claims.exp - this.clock() / 1000 > this.maxLifetimeSeconds) throw new UnauthenticatedError('jwt-lifetime-too-long');
    return claims;
  }
}
