/**
 * The time budget of one request: how each upstream call is bounded, what that adds up to in the
 * worst case, and whether it fits the function's timeout. Configuration checks the budget at start-up
 * (so a deployment whose worst case cannot finish is refused before it serves anyone), and the
 * request's deadline is that worst case.
 */

/** API Gateway's maximum integration timeout (REST APIs), in seconds. */
export const API_GATEWAY_TIMEOUT_SECONDS = 29;
/** Head-room kept between the worst-case upstream time and the function timeout. */
export const BUDGET_MARGIN_MS = 1000;

/** How each SageMaker call is bounded. */
export interface UpstreamPolicy {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Total attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
}

/**
 * Worst-case time of one request's upstream work in milliseconds: the JWKS fetch (jwt mode) plus
 * `calls` SageMaker calls made one after the other, each `maxAttempts × (connect + request
 * timeout)` plus the backoff between attempts. It is also the request's deadline.
 */
export function worstCaseUpstreamMs(upstream: UpstreamPolicy, jwksTimeoutMs = 0, calls = 3): number {
  let backoff = 0;
  for (let retry = 1; retry < upstream.maxAttempts; retry++) backoff += backoffDelayMs(upstream, retry);
  const perCall = upstream.maxAttempts * (upstream.connectTimeoutMs + upstream.requestTimeoutMs) + backoff;
  return jwksTimeoutMs + calls * perCall;
}

/** Delay before retry number `retry` (1-based): exponential from the base, capped. */
export function backoffDelayMs(upstream: UpstreamPolicy, retry: number): number {
  return Math.min(upstream.backoffCapMs, upstream.backoffBaseMs * 2 ** (retry - 1));
}

/**
 * How many SageMaker calls of one request wait for one another in the worst case: all of them in
 * sequential mode; in parallel mode one round trip, or two when ListTags must wait for the
 * profile's ARN (the owner check is on and the domain's account is not configured).
 */
export function sagemakerCallsInSequence(mode: 'parallel' | 'sequential', ownerCheck: boolean, accountKnown: boolean): number {
  if (mode === 'sequential') return ownerCheck ? 3 : 2;
  return ownerCheck && !accountKnown ? 2 : 1;
}
