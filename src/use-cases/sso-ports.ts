/**
 * The ports of the SSO bridge, implemented in src/adapters (or by fakes in tests). Every value
 * that crosses them (codes, tokens, assertions, cookies) is a credential: none may reach a log.
 */
import type { CallOptions } from './ports';

/** What a sealed cookie carries: short strings only. */
export type SealedState = Readonly<Record<string, string>>;

/** Seals state into an encrypted, authenticated, expiring cookie value, bound to a purpose. */
export interface StateSealer {
  seal(purpose: string, state: SealedState): Promise<string>;
  /** @throws UnauthenticatedError `sso-cookie-invalid` (tampered, foreign key, other purpose) or `sso-cookie-expired`. */
  open(purpose: string, sealed: string): Promise<SealedState>;
}

/** The checks an OIDC callback must pass. */
export interface OidcCallbackChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** An OpenID provider, through openid-client. */
export interface OidcPort {
  /** A new login: fresh state, nonce and PKCE verifier (S256), and the authorization endpoint URL that carries them. */
  authorize(options?: CallOptions): Promise<{ url: string; checks: OidcCallbackChecks }>;
  /**
   * Checks the callback (state), exchanges the code (PKCE), verifies the ID token (issuer,
   * audience, signature, exp/iat/nbf, nonce). @returns its claims.
   * @throws UnauthenticatedError for any failed check; UpstreamUnavailableError/UpstreamTimeoutError when the IdP cannot be reached.
   */
  finish(callbackUrl: string, checks: OidcCallbackChecks, options?: CallOptions): Promise<Readonly<Record<string, unknown>>>;
}

/** A SAML assertion that passed every check of the SAML port. */
export interface VerifiedAssertion {
  readonly assertionId: string;
  /** When the assertion stops being acceptable (ms since the epoch): it is remembered until then. */
  readonly notOnOrAfterMs: number;
  /** The signed SubjectConfirmationData InResponseTo, when the login was SP-initiated. */
  readonly inResponseTo?: string;
  readonly nameId: string;
  /** Attribute name → its values. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/** A SAML 2.0 service provider (POST binding ACS). */
export interface SamlPort {
  /** @throws UnauthenticatedError for a response that fails a check (signature, issuer, audience, recipient, time). */
  verify(samlResponse: string): Promise<VerifiedAssertion>;
  /** The IdP URL for an SP-initiated login and the AuthnRequest id it carries. */
  loginUrl(relayState: string): Promise<{ url: string; requestId: string }>;
  /** The SP metadata XML. */
  metadata(): string;
}

/** Something that may be used once only, on any container, until it expires. */
export interface ReplayGuard {
  /** @returns false when `key` was used before (and has not expired). */
  useOnce(key: string, expiresAtMs: number, options?: CallOptions): Promise<boolean>;
}
