/** Lambda entry point of GET /sso/login and /sso/callback, the OIDC side of the SSO bridge (src/composition/sso-oidc.ts). */
import { lambdaHandler } from '../src/composition/lambda-function';
import { ssoOidcFunction } from '../src/composition/sso-oidc';

export const handler = lambdaHandler(ssoOidcFunction);
