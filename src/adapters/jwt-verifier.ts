/**
 * Bearer token verification with aws-jwt-verify: issuer, audience, signature against the issuer's
 * JWKS (asymmetric algorithms only: aws-jwt-verify knows no HMAC and refuses `alg: none`), exp/nbf,
 * and what it leaves to us: a `crit` header is refused (RFC 7515 §4.1.11: we understand no
 * extension), so is an `iat` in the future beyond the clock skew, a missing `exp`, and a lifetime
 * beyond the configured maximum. JWKS are fetched with one deadline covering headers and body, a
 * size cap, and cached per container. The token itself never goes into an error or a log.
 */
import { createHash } from 'node:crypto';
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
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { UNAVAILABLE_RETRY_AFTER_SECONDS, UnauthenticatedError, UpstreamUnavailableError } from '../domain/errors';
import { TtlMap } from '../domain/ttl-map';
import type { TokenVerifier } from '../use-cases/ports';
import { type BoundedResponse, boundedRequest, requestTo } from './bounded-request';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
/** Larger headers are refused before any parsing. */
const MAX_AUTHORIZATION_LENGTH = 8192;
/** How long a verified token is trusted without checking its signature again, at most. */
const REMEMBER_VERIFIED_SECONDS = 60;
const MAX_REMEMBERED_TOKENS = 1000;
/** A JWKS holds a few keys, a few KB; larger answers are refused as unavailable. */
export const MAX_JWKS_BYTES = 256 * 1024;

/**
 * Fetches JWKS over node:http(s) through {@link boundedRequest} (http for loopback issuers, https
 * otherwise; the config enforces which), no redirects, one deadline for connect, headers and the
 * whole body, and a size cap. Every failure is a FetchError, which the verifier answers with 503.
 * (Not the platform fetch: loading it costs a cold start some 30 ms, measured by `npm run bench`.)
 */
export class BoundedFetcher implements Fetcher {
  constructor(
    private readonly timeoutMs: number,
    private readonly maxBytes: number = MAX_JWKS_BYTES,
  ) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    let answer: BoundedResponse;
    try {
      answer = await boundedRequest(requestTo(url, 'GET', { accept: 'application/json' }), {
        deadlineMs: this.timeoutMs,
        maxBytes: this.maxBytes,
      });
    } catch (error) {
      throw new FetchError(uri, (error as Error).name === 'TimeoutError' ? 'timeout' : (error as Error).name || 'network');
    }
    if (answer.statusCode !== 200) throw new FetchError(uri, `status ${answer.statusCode}`);
    const { body } = answer;
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
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

/** What the verifier checks a token against (JWT_* settings). */
export interface JwtVerifierSettings {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwksUri: string;
  readonly jwksTimeoutMs: number;
  readonly clockSkewSeconds: number;
  /** Tokens valid for longer than this from now are refused, as are tokens without `exp`. */
  readonly maxTokenLifetimeSeconds: number;
}

/** {@link TokenVerifier} for one issuer. */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly verifier;

  private readonly maxLifetimeSeconds: number;

  private readonly skewSeconds: number;

  /** Recently verified tokens, by SHA-256: their claims and until when to trust them without a new check. */
  private readonly verified = new TtlMap<Readonly<Record<string, unknown>>>(MAX_REMEMBERED_TOKENS);

  constructor(
    config: JwtVerifierSettings,
    fetcher: Fetcher | undefined = undefined,
    private readonly clock: () => number = Date.now,
  ) {
    this.maxLifetimeSeconds = config.maxTokenLifetimeSeconds;
    this.skewSeconds = config.clockSkewSeconds;
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
    const now = this.clock() / 1000;
    // A token verified a moment ago is not verified again (the RSA check is most of this class's
    // CPU): kept by its SHA-256, never by its text, until the earlier of its exp and a minute from
    // then; exp is checked again on every use. Only tokens that verified are kept.
    const key = createHash('sha256').update(token).digest('base64url');
    const remembered = this.verified.get(key, now);
    if (remembered !== undefined && (remembered.exp as number) + this.skewSeconds > now) return remembered;
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
    // Against this class's clock too, the one the cache above uses.
    if (claims.exp + this.skewSeconds <= now) throw new UnauthenticatedError('jwt-expired');
    if (claims.exp - now > this.maxLifetimeSeconds) throw new UnauthenticatedError('jwt-lifetime-too-long');
    this.verified.set(key, claims, Math.min(claims.exp, now + REMEMBER_VERIFIED_SECONDS));
    return claims;
  }
}
