/**
 * The SAML function (GET /sso/saml/login, POST /sso/saml, GET /sso/saml/metadata): the SAML service provider, the
 * sealer, the replay guard, the SageMaker adapter. No OpenID client, no EC2 client. The
 * configuration is read at init; the IdP certificates (when in SSM) and cookie keys once per
 * container, starting at init.
 */
import { memoizeUntilFailure } from '../adapters/memoize';
import { SamlServiceProvider } from '../adapters/saml-sp';
import type { Env } from '../config/environment';
import { parsePemCertificates, parseSsoConfig, type SsoConfig } from '../config/sso';
import { ConfigurationError } from '../domain/errors';
import { type SamlEndpointDeps, samlHandler } from '../http/sso-endpoint';
import type { LambdaFunction, Overrides } from './lambda-function';
import { readSecrets, readyApp, type SsoApp, sharedDeps, ssoAuditLog } from './sso-wiring';

/** @throws ConfigurationError listing every problem of `env`. */
export function buildSamlApp(env: Env, overrides: Overrides = {}): SsoApp<SamlEndpointDeps> {
  const config = parseSsoConfig(env, 'saml');
  const saml = config.saml as NonNullable<SsoConfig['saml']>;
  return memoizeUntilFailure(async () => {
    const { cookieKeys, values } = await readSecrets(config, overrides, [saml.idpCerts]);
    const [certText] = values;
    const shared = sharedDeps(config, overrides, cookieKeys);
    const { keys, problems } = parsePemCertificates('SAML_IDP_CERTS', certText as string);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const port = overrides.samlPort ?? new SamlServiceProvider(saml, keys, shared.clock);
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

export const ssoSamlFunction: LambdaFunction<SsoApp<SamlEndpointDeps>, ReturnType<typeof samlHandler>> = {
  name: 'studio-gate SSO (SAML)',
  log: ssoAuditLog,
  build: buildSamlApp,
  warm: (app) => app(),
  handler: (app) => samlHandler({ app: readyApp(app), auditLog: ssoAuditLog }),
};
