/**
 * Lambda entry point of GET /sso/saml/login, POST /sso/saml (the ACS) and GET /sso/saml/metadata:
 * the middy stack of src/http/sso-endpoint.ts over the container's app (src/sso-saml-app.ts). No logic here.
 */
import { samlHandler } from '../src/http/sso-endpoint';
import { buildSamlApp } from '../src/sso-saml-app';
import { ssoAuditLog, ssoContainer } from '../src/sso-shared';

const sso = ssoContainer(() => buildSamlApp(process.env), 'studio-gate SSO (SAML)');
sso.init();

export const handler = samlHandler({ app: sso.app, auditLog: ssoAuditLog });
