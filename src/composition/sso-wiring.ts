/**
 * The SSO wiring both SSO functions (./sso-oidc.ts, ./sso-saml.ts) share. Each builds only what it uses: the OIDC function no
 * SAML library, the SAML function no OpenID client, neither an EC2 client. Configuration is read
 * at init (a broken one is logged once and every request fails closed); the secrets (client
 * secret, cookie keys) are read from SSM once per container, on first use, and read again only
 * after a failed read.
 */
import { JsonLineAuditLog } from '../adapters/audit-log';
import { JoseStateSealer } from '../adapters/cookie-sealer';
import { createDynamoClient } from '../adapters/dynamo-client';
import { DynamoReplayGuard } from '../adapters/replay-store';
import { createSsmClient, resolveSecrets, type SecretRef } from '../adapters/ssm-secrets';
import { SSO_AWS_CALL, type SsoConfig } from '../config/sso';
import type { AuditLog } from '../use-cases/ports';
import type { SsoDeps } from '../use-cases/sso-login';
import { issuanceFor } from './issuance';
import type { Overrides } from './lambda-function';

/** The bounds of the SSO functions' own AWS calls (SSO_AWS_CALL), for a client that reaches `endpoint`. */
function ssoCall(endpoint: string | undefined, overrides: Overrides) {
  return {
    timeoutMs: SSO_AWS_CALL.attemptTimeoutMs,
    maxAttempts: SSO_AWS_CALL.attempts,
    backoffMs: SSO_AWS_CALL.backoffMs,
    ...(endpoint !== undefined && { endpoint }),
    ...(overrides.credentials && { credentials: overrides.credentials }),
  };
}

/** The pieces both SSO functions build alike, around the cookie keys already read. */
export function sharedDeps(config: SsoConfig, overrides: Overrides, cookieKeys: string): SsoDeps {
  const clock = overrides.clock ?? Date.now;
  const dynamo = overrides.dynamoClient ?? createDynamoClient(config.core.region, ssoCall(config.dynamoEndpointUrl, overrides));
  return {
    issue: issuanceFor(config.core, overrides),
    sealer: new JoseStateSealer(cookieKeys, config.cookie.maxAgeSeconds, clock),
    replay: new DynamoReplayGuard(dynamo, config.replayTable, clock),
    clock,
    loginTtlSeconds: config.cookie.maxAgeSeconds,
    // The rules of what this way in reads (its claim or attribute), never the token path's.
    identity: config.identity,
  };
}

/**
 * Reads the function's secrets: `refs` plus the cookie keys, in one GetParameters call.
 * @returns the cookie keys and the values of `refs`, in order.
 */
export async function readSecrets(
  config: SsoConfig,
  overrides: Overrides,
  refs: readonly SecretRef[],
): Promise<{ cookieKeys: string; values: string[] }> {
  const [cookieKeys, ...values] = await resolveSecrets(
    [config.cookie.keys, ...refs],
    () => overrides.ssmClient ?? createSsmClient(config.core.region, ssoCall(config.ssmEndpointUrl, overrides)),
  );
  return { cookieKeys: cookieKeys as string, values };
}

/** The container-wide audit log of the SSO functions. */
export const ssoAuditLog: AuditLog = new JsonLineAuditLog();

/** The SSO functions' app: their dependencies once the secrets are read (read again only after a failed read). */
export type SsoApp<D> = () => Promise<D>;

/** The SSO handler's view of the container's app: a broken configuration becomes a rejected promise. */
export function readyApp<D>(app: () => SsoApp<D>): () => Promise<D> {
  return async () => app()();
}
