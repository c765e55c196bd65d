/**
 * The OIDC function (GET /sso/login, GET /sso/callback): openid-client, the sealer, the replay
 * guard, the SageMaker adapter. No SAML library, no EC2 client. The configuration is read at init;
 * the client secret and cookie keys are read from SSM once per container, starting at init.
 */
import { memoizeUntilFailure } from '../adapters/memoize';
import { OpenIdClientAdapter } from '../adapters/oidc-client';
import type { Env } from '../config/environment';
import { parseSsoConfig, type SsoConfig } from '../config/sso';
import { type OidcEndpointDeps, oidcHandler } from '../http/sso-endpoint';
import type { LambdaFunction, Overrides } from './lambda-function';
import { readSecrets, readyApp, type SsoApp, sharedDeps, ssoAuditLog } from './sso-wiring';

/** @throws ConfigurationError listing every problem of `env`. */
export function buildOidcApp(env: Env, overrides: Overrides = {}): SsoApp<OidcEndpointDeps> {
  const config = parseSsoConfig(env, 'oidc');
  const oidc = config.oidc as NonNullable<SsoConfig['oidc']>;
  return memoizeUntilFailure(async () => {
    const { cookieKeys, values } = await readSecrets(config, overrides, [oidc.clientSecret]);
    const [clientSecret] = values;
    const shared = sharedDeps(config, overrides, cookieKeys);
    const port =
      overrides.oidcPort?.(clientSecret as string) ??
      new OpenIdClientAdapter({
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        clientSecret: clientSecret as string,
        redirectUri: oidc.redirectUri,
        scopes: oidc.scopes,
        timeoutMs: oidc.timeoutMs,
        clockSkewSeconds: config.auth.clockSkewSeconds,
      });
    return { config, oidc: { ...shared, oidc: port } };
  });
}

export const ssoOidcFunction: LambdaFunction<SsoApp<OidcEndpointDeps>, ReturnType<typeof oidcHandler>> = {
  name: 'studio-gate SSO (OIDC)',
  log: ssoAuditLog,
  build: buildOidcApp,
  warm: (app) => app(),
  handler: (app) => oidcHandler({ app: readyApp(app), auditLog: ssoAuditLog }),
};
