/**
 * The SSO Lambda modules as Lambda loads them: configuration read at init (a broken one logged once,
 * then every request a 500 page), and a working one serving its routes.
 */
import type { APIGatewayProxyResult, Handler } from 'aws-lambda';
import { generateSamlKeyPair } from '../../../scripts/local/saml-idp';
import { captureOutput } from '../../support/capture';
import { lambdaContext } from '../../support/lambda-context';
import { ssoEnv, ssoEvent } from '../../support/sso';

jest.setTimeout(30_000);

async function loadHandler(file: 'sso-oidc' | 'sso-saml', env: Record<string, string | undefined>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let handler: Handler | undefined;
    const { output } = await captureOutput(async () => {
      jest.isolateModules(() => {
        handler = require(`../../../handlers/${file}`).handler;
      });
    });
    return { handler: handler as Handler, output };
  } finally {
    process.env = saved;
  }
}

const call = async (handler: Handler, event: unknown) =>
  (await captureOutput(async () => (await handler(event, lambdaContext(), () => {})) as APIGatewayProxyResult)).result;

it('serves the SAML metadata from a valid environment, and logs nothing at init', async () => {
  const samlKey = await generateSamlKeyPair();
  const sso = {
    clientId: 'c',
    clientSecret: 's',
    cookieKeys: Buffer.alloc(32, 3).toString('base64url'),
    redirectUri: 'http://127.0.0.1:3000/sso/callback',
    acsUrl: 'http://127.0.0.1:3000/sso/saml',
    samlKey,
  };
  const env = ssoEnv(sso, {
    emulatorUrl: 'http://127.0.0.1:1',
    issuer: 'http://127.0.0.1:1',
    dynamoUrl: 'http://127.0.0.1:1',
    table: 't',
  });
  const { handler, output } = await loadHandler('sso-saml', env);
  expect(output).not.toContain('configuration is invalid');
  const response = await call(handler, ssoEvent('GET', '/sso/saml/metadata'));
  expect(response.statusCode).toBe(200);
  expect(response.body).toContain('AssertionConsumerService');
});

it.each(['sso-oidc', 'sso-saml'] as const)(
  '%s: a broken configuration is logged once at init, and each request is a 500 page',
  async (file) => {
    const { handler, output } = await loadHandler(file, {
      AWS_REGION: 'eu-west-1',
      AUTH_MODE: 'jwt',
      SSO_COOKIE_KEYS: 'hunter2',
    });
    expect(output.match(/configuration is invalid/g)).toHaveLength(1);
    expect(output).not.toContain('hunter2');
    const event = ssoEvent('GET', file === 'sso-oidc' ? '/sso/login' : '/sso/saml/metadata', {
      headers: { Accept: 'text/html' },
    });
    const response = await call(handler, event);
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('<code id="error-code">internal_error</code>');
  },
);
