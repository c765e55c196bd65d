/**
 * What the composition roots of the two SSO functions (src/sso-oidc-app.ts, src/sso-saml-app.ts) share. Each builds only what it uses: the OIDC function no
 * SAML library, the SAML function no OpenID client, neither an EC2 client. Configuration is read
 * at init (a broken one is logged once and every request fails closed); the secrets (client
 * secret, cookie keys) are read from SSM once per container, on first use, and read again only
 * after a failed read.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { JsonLineAuditLog } from './adapters/audit-log';
import { JoseStateSealer } from './adapters/cookie-sealer';
import { createDynamoClient } from './adapters/dynamo-client';
import { DynamoReplayGuard } from './adapters/replay-store';
import { createSsmClient, resolveSecrets } from './adapters/ssm-secrets';
import { container } from './container';
import type { JwtCallerPolicy } from './domain/caller';
import { type IssueOverrides, issueDepsFor } from './issue-deps';
import { type SecretRef, SSO_AWS_CALL, type SsoConfig } from './sso-config';
import type { AuditLog } from './use-cases/ports';
import type { SsoDeps } from './use-cases/sso-login';

export interface SsoOverrides extends IssueOverrides {
  readonly dynamoClient?: DynamoDBClient;
  readonly ssmClient?: SSMClient;
}

/** The pieces both SSO functions build alike, around the cookie keys already read and this way in's identity rules. */
export function sharedDeps(config: SsoConfig, overrides: SsoOverrides, cookieKeys: string, identity: JwtCallerPolicy): SsoDeps {
  const clock = overrides.clock ?? Date.now;
  const dynamo =
    overrides.dynamoClient ??
    createDynamoClient(config.core.region, {
      timeoutMs: SSO_AWS_CALL.attemptTimeoutMs,
      maxAttempts: SSO_AWS_CALL.attempts,
      backoffMs: SSO_AWS_CALL.backoffMs,
      ...(config.dynamoEndpointUrl !== undefined && { endpoint: config.dynamoEndpointUrl }),
      ...(overrides.credentials && { credentials: overrides.credentials }),
    });
  return {
    issue: issueDepsFor(config.core, overrides),
    sealer: new JoseStateSealer(cookieKeys, config.cookie.maxAgeSeconds, clock),
    replay: new DynamoReplayGuard(dynamo, config.replayTable, clock),
    clock,
    loginTtlSeconds: config.cookie.maxAgeSeconds,
    identity,
  };
}

/**
 * Reads the function's secrets: `refs` plus the cookie keys, in one GetParameters call.
 * @returns the cookie keys and the values of `refs`, in order.
 */
export async function readSecrets(
  config: SsoConfig,
  overrides: SsoOverrides,
  refs: readonly SecretRef[],
): Promise<{ cookieKeys: string; values: string[] }> {
  const [cookieKeys, ...values] = await resolveSecrets(
    [config.cookie.keys, ...refs],
    () =>
      overrides.ssmClient ??
      createSsmClient(config.core.region, {
        maxAttempts: SSO_AWS_CALL.attempts,
        attemptTimeoutMs: SSO_AWS_CALL.attemptTimeoutMs,
        backoffMs: SSO_AWS_CALL.backoffMs,
        ...(config.ssmEndpointUrl !== undefined && { endpoint: config.ssmEndpointUrl }),
        ...(overrides.credentials && { credentials: overrides.credentials }),
      }),
  );
  return { cookieKeys: cookieKeys as string, values };
}

/** The container-wide audit log of the SSO functions. */
export const ssoAuditLog: AuditLog = new JsonLineAuditLog();

/**
 * A container's app provider. `init` (at Lambda init) reads the configuration and starts reading
 * the secrets, so the first request usually finds them read; a read that failed is tried again by
 * the next request, which then answers 503 if it fails too.
 */
export function ssoContainer<D>(build: () => () => Promise<D>, what: string): { init(): void; app: () => Promise<D> } {
  const built = container(build, ssoAuditLog, what);
  // async: a broken configuration becomes a rejected promise, never a throw out of init.
  const app = async () => built.get()();
  return {
    init: () => {
      built.init();
      app().catch(() => {
        // A broken configuration is logged by the container; a failed read is the next request's to retry.
      });
    },
    app,
  };
}
