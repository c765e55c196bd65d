/**
 * Composition root of the SAML function (GET /sso/saml/login, POST /sso/saml, GET
 * /sso/saml/metadata): node-saml, the sealer, the replay guard, the SageMaker adapter. No OpenID
 * client, no EC2 client.
 */

import { memoizeUntilFailure } from './adapters/memoize';
import { NodeSamlServiceProvider } from './adapters/saml-sp';
import { ConfigurationError } from './domain/errors';
import type { SamlEndpointDeps } from './http/sso-endpoint';
import { parsePemCertificates, parseSsoConfig, type SsoConfig } from './sso-config';
import { readSecrets, type SsoOverrides, sharedDeps } from './sso-shared';
import type { SamlPort } from './use-cases/sso-ports';

/** The SAML function's app. */
export function buildSamlApp(
  env: Readonly<Record<string, string | undefined>>,
  overrides: SsoOverrides & { samlPort?: SamlPort } = {},
): () => Promise<SamlEndpointDeps> {
  const config = parseSsoConfig(env, 'saml');
  const saml = config.saml as NonNullable<SsoConfig['saml']>;
  return memoizeUntilFailure(async () => {
    const { cookieKeys, values } = await readSecrets(config, overrides, [saml.idpCerts]);
    const [certText] = values;
    const shared = sharedDeps(config, overrides, cookieKeys, config.identity);
    const { certs, problems } = parsePemCertificates('SAML_IDP_CERTS', certText as string);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const port = overrides.samlPort ?? new NodeSamlServiceProvider(saml, certs, shared.clock);
    return {
      config,
      saml: {
        ...shared,
        saml: port,
        idpEntityId: saml.idpEntityId,
        allowIdpInitiated: saml.allowIdpInitiated,
        spInitiated: saml.idpSsoUrl !== undefined,
        ...(saml.profileAttribute !== undefined && { profileAttribute: saml.profileAttribute }),
        groupsAttribute: saml.groupsAttribute,
      },
    };
  });
}
