/**
 * Five functions, one shape: each handler file is `lambdaHandler(theFunction)` and reads no
 * environment itself, and each function, given a broken configuration, logs every problem once and
 * then fails closed on every request the same way (500 for the HTTP ones, a failed run for the
 * scheduled one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { healthCheckFunction } from '../../../src/composition/health-check';
import { healthEndpointFunction } from '../../../src/composition/health-endpoint';
import { type LambdaFunction, lambdaHandler } from '../../../src/composition/lambda-function';
import { ssoOidcFunction } from '../../../src/composition/sso-oidc';
import { ssoSamlFunction } from '../../../src/composition/sso-saml';
import { studioUrlFunction } from '../../../src/composition/studio-url';
import { captureOutput } from '../../support/capture';
import { privateApiEvent } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { ssoEvent } from '../../support/sso';

const HANDLERS = join(__dirname, '..', '..', '..', 'handlers');

it('has every handler file built the same way, reading no environment of its own', () => {
  const files = readdirSync(HANDLERS).filter((f) => f.endsWith('.ts'));
  expect(files).toHaveLength(5);
  for (const file of files) {
    const text = readFileSync(join(HANDLERS, file), 'utf8');
    expect([file, /^export const handler = lambdaHandler\(\w+Function\);$/m.test(text)]).toEqual([file, true]);
    expect([file, text.includes('process.env')]).toEqual([file, false]);
  }
});

type AnyHandler = (event: APIGatewayProxyEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const HTTP: [string, LambdaFunction<unknown, unknown>, () => APIGatewayProxyEvent][] = [
  ['studio-url', studioUrlFunction as LambdaFunction<unknown, unknown>, () => privateApiEvent()],
  ['health', healthEndpointFunction as LambdaFunction<unknown, unknown>, () => ({ ...privateApiEvent(), path: '/health' })],
  ['sso-oidc', ssoOidcFunction as LambdaFunction<unknown, unknown>, () => ssoEvent('GET', '/sso/login')],
  ['sso-saml', ssoSamlFunction as LambdaFunction<unknown, unknown>, () => ssoEvent('GET', '/sso/saml/metadata')],
];

it.each(HTTP)('%s: logs a broken configuration once, then answers 500 to every request', async (_name, fn, event) => {
  const { result, output } = await captureOutput(async () => {
    const handler = lambdaHandler(fn, { AWS_REGION: 'eu-west-1' }) as AnyHandler;
    const first = (await handler(event(), lambdaContext())) as { statusCode: number };
    const second = (await handler(event(), lambdaContext())) as { statusCode: number };
    return [first.statusCode, second.statusCode];
  });
  expect(result).toEqual([500, 500]);
  expect(output.match(/configuration is invalid; every request will fail/g)).toHaveLength(1);
  expect(output).toMatch(/Environment variable [A-Z_]+ is required/);
});

it('health-check: logs a broken configuration once, then fails every run', async () => {
  const { output } = await captureOutput(async () => {
    const handler = lambdaHandler(healthCheckFunction, {}) as () => Promise<unknown>;
    await expect(handler()).rejects.toThrow();
    await expect(handler()).rejects.toThrow();
  });
  expect(output.match(/configuration is invalid; every request will fail/g)).toHaveLength(1);
});
