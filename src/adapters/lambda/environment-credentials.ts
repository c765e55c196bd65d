/**
 * What the bundles use in place of the AWS SDK's default credential chain
 * (`@aws-sdk/credential-provider-node`, swapped in by src/infrastructure/bundle.ts): the credentials
 * Lambda hands a function in its environment, and nothing else. The default chain's other
 * providers (SSO, STS web identity, IMDS, the shared config files, processes) and the nested STS,
 * SSO and sign-in clients they pull in never run in Lambda and cost a third of the bundle.
 *
 * With no credentials in the environment the provider fails, the SDK call fails before it is sent,
 * and the request fails closed with the answer of an unreachable SageMaker (503).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The SDK's name for the default provider: the environment's credentials only. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
