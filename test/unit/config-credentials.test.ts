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
