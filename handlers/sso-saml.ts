/** Lambda entry point of GET /sso/saml/login, POST /sso/saml (the ACS) and GET /sso/saml/metadata, the SAML side of the SSO bridge (src/composition/sso-saml.ts). */
import { lambdaHandler } from '../src/composition/lambda-function';
import { ssoSamlFunction } from '../src/composition/sso-saml';

export const handler = lambdaHandler(ssoSamlFunction);
