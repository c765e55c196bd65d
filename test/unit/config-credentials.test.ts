/**
 * Where the bundles' credentials may come from: the environment's keys, else a local credentials
 * endpoint only, refused at start otherwise (every function's configuration). Hostile URIs are data
 * here: nothing is resolved or sent.
 */
import { parseHealthEndpointConfig } from '../../src/config/health';
import { parseConfig } from '../../src/config/studio-url';
import { jwtEnv } from '../support/env';

const health = {
  AWS_REGION: 'eu-west-1',
  HEALTH_TABLE_NAME: 'studio-gate-test',
  ALLOWED_VPCE_IDS: '*',
  ALLOWED_VPC_IDS: '*',
  ALLOWED_SOURCE_CIDRS: '198.51.100.0/24',
};

it.each([
  'http://127.0.0.1:9001/2021-10-01/credentials',
  'http://localhost:9001/credentials',
  'http://[::1]:9001/credentials',
  'http://169.254.170.2/v2/credentials/x',
  'http://169.254.170.23/v1/credentials',
  'http://[fd00:ec2::23]/v1/credentials',
])('takes the local credentials endpoint %s', (uri) => {
  expect(() => parseConfig(jwtEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }))).not.toThrow();
  expect(() => parseHealthEndpointConfig({ ...health, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri })).not.toThrow();
});

it.each([
  'https://creds.attacker.invalid/x',
  'https://203.0.113.9/credentials',
  'http://127.0.0.1.attacker.invalid/credentials',
  'https://127.0.0.1@attacker.invalid/credentials',
  'not a url',
])('refuses to start with the credentials endpoint %s', (uri) => {
  const refused = /AWS_CONTAINER_CREDENTIALS_FULL_URI must name a local credentials endpoint/;
  expect(() => parseConfig(jwtEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }))).toThrow(refused);
  expect(() => parseHealthEndpointConfig({ ...health, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri })).toThrow(refused);
});

it.each(['@localhost:2773/anything', '@127.0.0.1x/x', '.attacker.invalid/x', 'v2/credentials', '/v2/credentials?x=@evil'])(
  'refuses to start with the relative credentials URI %s (it would move the agent’s host, and wins over the full one)',
  (uri) => {
    const refused = /AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a plain path/;
    const both = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9001/x', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: uri };
    expect(() => parseConfig(jwtEnv(both))).toThrow(refused);
    expect(() => parseHealthEndpointConfig({ ...health, ...both })).toThrow(refused);
  },
);

it('takes ECS’s relative credentials path', () => {
  const relative = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' };
  expect(() => parseConfig(jwtEnv(relative))).not.toThrow();
});
