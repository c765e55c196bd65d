/**
 * Lambda entry point of GET /sso/login and GET /sso/callback (OIDC): the middy stack of
 * src/http/sso-endpoint.ts over the container's app (src/sso-oidc-app.ts). No logic here.
 */
import { oidcHandler } from '../src/http/sso-endpoint';
import { buildOidcApp } from '../src/sso-oidc-app';
import { ssoAuditLog, ssoContainer } from '../src/sso-shared';

const sso = ssoContainer(() => buildOidcApp(process.env), 'studio-gate SSO (OIDC)');
sso.init();

export const handler = oidcHandler({ app: sso.app, auditLog: ssoAuditLog });
