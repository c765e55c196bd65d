/**
 * The OpenID provider through openid-client: discovery (once per container, again after a
 * failure), the authorization URL (code flow, PKCE S256), and the callback: code exchange with the
 * client secret, ID token verified (issuer, audience = client id, signature against the IdP's JWKS,
 * exp/iat/nbf with the configured skew, nonce). Every call to the IdP goes through
 * {@link boundedRequest}: one deadline over connect, headers and the whole body, and a size cap.
 * Errors become domain errors with a reason; the IdP's own text never leaves this file.
 */
import * as client from 'openid-client';
import {
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  UnauthenticatedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../domain/errors';
import { isLoopbackUrl, namesThisHost } from '../domain/network-source';
import type { CallOptions } from '../use-cases/ports';
import type { OidcCallbackChecks, OidcPort } from '../use-cases/sso-ports';
import { type BoundedResponse, boundedRequest, requestTo } from './bounded-request';
import { memoizeUntilFailure } from './memoize';

/** Discovery documents, token answers and JWKS are a few KB. */
export const MAX_IDP_RESPONSE_BYTES = 256 * 1024;

export interface OidcClientSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: string;
  readonly timeoutMs: number;
  readonly clockSkewSeconds: number;
}

/** Thrown by the bounded fetch; mapped to 504 (timeout) or 503. */
class IdpUnreachable extends Error {
  constructor(
    readonly timedOut: boolean,
    readonly reason = timedOut ? 'oidc-idp-timeout' : 'oidc-idp-unavailable',
  ) {
    super(timedOut ? 'IdP timed out' : 'IdP unreachable');
  }
}

/**
 * openid-client's fetch, bounded. Redirects are not followed (an IdP answer is never a redirect).
 * Every URL it is handed comes from the IdP's discovery document (token, JWKS, userinfo), so each
 * is held to the configuration's rule: none may name this machine, where on Lambda the Runtime API
 * and extensions listen, unless the issuer itself is on loopback (the local stack's).
 */
export function boundedIdpFetch(timeoutMs: number, thisMachineAllowed = false): client.CustomFetch {
  return async (url, options) => {
    const target = new URL(url);
    if (!thisMachineAllowed && namesThisHost(target.hostname)) throw new IdpUnreachable(false, 'oidc-idp-endpoint-refused');
    const headers: Record<string, string> = {};
    new Headers(options.headers as HeadersInit).forEach((value, name) => {
      headers[name] = value;
    });
    let answer: BoundedResponse;
    try {
      const body = options.body === undefined || options.body === null ? undefined : String(options.body);
      answer = await boundedRequest(
        requestTo(target, options.method, headers, body),
        { deadlineMs: timeoutMs, connectTimeoutMs: timeoutMs, maxBytes: MAX_IDP_RESPONSE_BYTES },
        options.signal,
      );
    } catch (error) {
      throw new IdpUnreachable((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError');
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === 'string') responseHeaders.set(name, value);
      else if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    }
    const status = answer.statusCode;
    const body = status === 204 || status === 304 ? null : new Uint8Array(answer.body);
    return new Response(body, { status: status >= 200 && status <= 599 ? status : 502, headers: responseHeaders });
  };
}

/** The audit reason of an openid-client failure (its message is the IdP's business, not the log's). */
function reasonOf(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) return 'oidc-authorization-error';
  if (error instanceof client.ResponseBodyError) return 'oidc-code-rejected';
  // openid-client wraps oauth4webapi's error: the code is on both, the claim on the inner one's cause.
  const code = (error as { code?: unknown }).code;
  const inner = (error as { cause?: { cause?: { claim?: unknown }; claim?: unknown } }).cause;
  const claim = inner?.cause?.claim ?? inner?.claim;
  const message = `${String((error as Error)?.message ?? '')} ${String((inner as { message?: unknown })?.message ?? '')}`;
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return 'oidc-id-token-expired';
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && typeof claim === 'string')
    return `oidc-id-token-${claim.replace(/[^a-z_]/g, '')}-mismatch`.slice(0, 64);
  if (code === 'OAUTH_KEY_SELECTION_FAILED') return 'oidc-id-token-key-unknown';
  if (/signature/i.test(message)) return 'oidc-id-token-signature-invalid';
  if (/"(exp|iat|nbf)"/.test(message)) return 'oidc-id-token-expired';
  return 'oidc-callback-invalid';
}

function upstreamOf(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof IdpUnreachable)
      return e.timedOut
        ? new UpstreamTimeoutError(e.reason)
        : new UpstreamUnavailableError(e.reason, UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
  return undefined;
}

export class OpenIdClientAdapter implements OidcPort {
  /** Discovery, once per container; a failed discovery is tried again on the next request. */
  private readonly discovered: () => Promise<client.Configuration>;

  constructor(private readonly settings: OidcClientSettings) {
    this.discovered = memoizeUntilFailure(() => this.discover());
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret, timeoutMs, clockSkewSeconds } = this.settings;
    const loopback = isLoopbackUrl(issuer);
    const fetch = boundedIdpFetch(timeoutMs, loopback);
    const configuration = await client.discovery(
      new URL(issuer),
      clientId,
      { client_secret: clientSecret, [client.clockTolerance]: clockSkewSeconds },
      client.ClientSecretBasic(clientSecret),
      {
        [client.customFetch]: fetch,
        timeout: Math.ceil(timeoutMs / 1000),
        ...(loopback && { execute: [client.allowInsecureRequests] }),
      },
    );
    configuration[client.customFetch] = fetch;
    // The ID token's signature is checked against the IdP's JWKS too, not only trusted for having
    // come over TLS from the token endpoint (openid-client's default).
    client.enableNonRepudiationChecks(configuration);
    return configuration;
  }

  private config(): Promise<client.Configuration> {
    return this.discovered().catch((error: unknown) => {
      throw upstreamOf(error) ?? new UpstreamUnavailableError('oidc-discovery-failed', UNAVAILABLE_RETRY_AFTER_SECONDS);
    });
  }

  async authorize(): Promise<{ url: string; checks: OidcCallbackChecks }> {
    const configuration = await this.config();
    const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.toString(), checks };
  }

  async finish(
    callbackUrl: string,
    checks: OidcCallbackChecks,
    _options?: CallOptions,
  ): Promise<Readonly<Record<string, unknown>>> {
    const configuration = await this.config();
    try {
      const tokens = await client.authorizationCodeGrant(
        configuration,
        new URL(callbackUrl),
        {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        },
        { redirect_uri: this.settings.redirectUri },
      );
      const claims = tokens.claims();
      if (claims === undefined) throw new UnauthenticatedError('oidc-id-token-missing');
      // OIDC Core 3.1.3.7: a present azp must be this client (oauth4webapi checks it only when aud has several values).
      if (claims.azp !== undefined && claims.azp !== this.settings.clientId) {
        throw new UnauthenticatedError('oidc-id-token-azp-mismatch');
      }
      return { ...claims };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      throw upstreamOf(error) ?? new UnauthenticatedError(reasonOf(error));
    }
  }
}
