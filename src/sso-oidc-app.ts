/**
 * Composition root of the OIDC function (GET /sso/login, GET /sso/callback): openid-client, the
 * sealer, the replay guard, the SageMaker adapter. No SAML library, no EC2 client.
 */

import { memoizeUntilFailure } from './adapters/memoize';
import { OpenIdClientAdapter } from './adapters/oidc-client';
import type { OidcEndpointDeps } from './http/sso-endpoint';
import { parseSsoConfig, type SsoConfig } from './sso-config';
import { readSecrets, type SsoOverrides, sharedDeps } from './sso-shared';
import type { OidcPort } from './use-cases/sso-ports';

/** The OIDC function (the OpenID client is built by `oidcPort` so tests may pass their own). */
export function buildOidcApp(
  env: Readonly<Record<string, string | undefined>>,
  overrides: SsoOverrides & { oidcPort?: (clientSecret: string) => OidcPort } = {},
): () => Promise<OidcEndpointDeps> {
  const config = parseSsoConfig(env, 'oidc');
  const oidc = config.oidc as NonNullable<SsoConfig['oidc']>;
  return memoizeUntilFailure(async () => {
    const { cookieKeys, values } = await readSecrets(config, overrides, [oidc.clientSecret]);
    const [clientSecret] = values;
    const shared = sharedDeps(config, overrides, cookieKeys, config.identity);
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
