/**
 * What the bundles use in place of the AWS SDK's default credential chain
 * (`@aws-sdk/credential-provider-node`, swapped in by src/infrastructure/bundle.ts): the credentials
 * Lambda hands a function, and nothing else. Lambda puts its role's credentials in the environment;
 * setups that hand them out through a local credentials endpoint instead
 * (`AWS_CONTAINER_CREDENTIALS_FULL_URI` / `_RELATIVE_URI`) are read from there. The default chain's
 * other providers (SSO, STS web identity, the shared config files, processes, instance metadata)
 * and the nested STS, SSO and sign-in clients they pull in never run in Lambda and cost a third of
 * the bundle.
 *
 * With neither the provider fails, the SDK call fails before it is sent, and the request fails
 * closed with the answer of an unavailable upstream (503, audit reason `…-credentials-unavailable`).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';

type Init = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];

/**
 * The credentials endpoint is asked with one retry, and a second of connect or idle time per
 * attempt (the provider's defaults: three retries). That does not bound an endpoint that answers a
 * byte at a time; the request's own deadline does (a 504 in time). The endpoint is a local one:
 * configuration refuses any other at start (src/config/environment.ts).
 */
const ENDPOINT_BOUNDS = { timeout: 1000, maxRetries: 1 } as const;

/** The SDK's name for the default provider: the environment's credentials, else the credentials endpoint's. */
export const defaultProvider = (init: Init = {}) => {
  const environment = fromEnv(init);
  return async () => {
    try {
      return await environment();
    } catch {
      // Built only now: it throws CredentialsProviderError when no AWS_CONTAINER_CREDENTIALS_* variable names an endpoint.
      return fromHttp({ ...init, ...ENDPOINT_BOUNDS })();
    }
  };
};
