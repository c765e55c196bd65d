/**
 * Every SageMaker client a function makes shares one pool of connections (src/composition/issuance.ts):
 * a new person's issuer-role session adds a client, not sockets. Before, each session's client kept
 * its own keep-alive sockets open, three per first-time caller in the parallel mode, towards
 * Lambda's limit of 1,024 file descriptors, each a TLS handshake of its own against the real endpoint.
 */

import { DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from '../../scripts/local/credentials';
import { DEMO_DOMAIN_ID, DEMO_REGION, demoProfiles, REQUIRED_GROUP } from '../../scripts/local/demo-data';
import { inProcessEnv, studioUrlEvent } from '../../scripts/local/in-process';
import { invocationContext } from '../../scripts/local/lambda-context';
import { type SageMakerEmulator, startSageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import { localIam } from '../../scripts/local/stack';
import { startTokenIssuer, type TokenIssuer } from '../../scripts/local/token-issuer';
import { keepAlivePool } from '../../src/adapters/bounded-request';
import { createSageMakerClient } from '../../src/adapters/sagemaker-studio';
import { domainClients } from '../../src/composition/issuance';
import { buildStudioUrlApp } from '../../src/composition/studio-url';
import { studioUrlHandler } from '../../src/http/studio-url-endpoint';

jest.setTimeout(60_000);

const PEOPLE = Array.from({ length: 40 }, (_, i) => `pool-${String(i + 1).padStart(2, '0')}`);

let emulator: SageMakerEmulator;
let issuer: TokenIssuer;

beforeAll(async () => {
  const profiles = new Map(demoProfiles());
  for (const name of PEOPLE) profiles.set(name, { name, status: 'InService', owner: `${name}@example.com` });
  emulator = await startSageMakerEmulator({
    host: '127.0.0.1',
    port: 0,
    domainId: DEMO_DOMAIN_ID,
    region: DEMO_REGION,
    profiles,
    iam: localIam(),
  });
  issuer = await startTokenIssuer({ host: '127.0.0.1', port: 0, audience: 'studio-gate' });
});

afterAll(async () => {
  await Promise.all([emulator?.close(), issuer?.close()]);
});

const quiet = { record: () => undefined, problem: () => undefined };

it('serves forty first-time callers, each through a session of their own, over a handful of connections', async () => {
  // Tag-bound issuance through the issuer role (the default), the three calls in parallel.
  const env = inProcessEnv({ emulator, issuer }, { SAGEMAKER_CALL_MODE: 'parallel' });
  const app = buildStudioUrlApp(env, { credentials: LOCAL_CREDENTIALS });
  const handler = studioUrlHandler(() => app, quiet);
  const before = emulator.connections();
  for (const person of PEOPLE) {
    const token = issuer.tokenFor('alice', { email: `${person}@example.com`, groups: [REQUIRED_GROUP] });
    const response = (await handler(studioUrlEvent(token), invocationContext())) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
  }
  // Forty AssumeRoles: forty sessions, forty clients.
  expect(emulator.iam?.calls).toHaveLength(PEOPLE.length);
  const after = emulator.connections();
  // Three SageMaker calls at once at most, and STS's own client: each client with its own sockets
  // had opened three per person (120 here).
  expect(after.accepted - before.accepted).toBeLessThanOrEqual(6);
  expect(after.open).toBeLessThanOrEqual(6);
});

it('a session client that is destroyed leaves the shared connections to the others', async () => {
  const clientFor = domainClients(
    { connectTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: 1, backoffBaseMs: 10, backoffCapMs: 10 },
    {},
  );
  const domain = { id: DEMO_DOMAIN_ID, region: DEMO_REGION, sagemakerEndpointUrl: emulator.url, issuance: 'tag-bound' as const };
  const session = (n: number) => ({
    ...LOCAL_CREDENTIALS,
    sessionToken: `token-${n}`,
    expiration: new Date(Date.now() + 3_600_000),
  });
  const first = clientFor(domain, session(1));
  const second = clientFor(domain, session(2));
  const ask = { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' };
  await first.send(new DescribeUserProfileCommand(ask));
  await second.send(new DescribeUserProfileCommand(ask));
  const { accepted } = emulator.connections();
  first.destroy();
  await expect(second.send(new DescribeUserProfileCommand(ask))).resolves.toMatchObject({ Status: 'InService' });
  // Over the connection the two shared, still open: no new one was needed.
  expect(emulator.connections().accepted).toBe(accepted);
});

it("shares the pool it is given with the function's own client (the health-check function's wiring)", async () => {
  const upstream = { connectTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: 1, backoffBaseMs: 10, backoffCapMs: 10 };
  const pool = keepAlivePool();
  const own = createSageMakerClient(
    { region: DEMO_REGION, sagemakerEndpointUrl: emulator.url, upstream },
    LOCAL_CREDENTIALS,
    pool,
  );
  const clientFor = domainClients(upstream, {}, pool);
  const domain = { id: DEMO_DOMAIN_ID, region: DEMO_REGION, sagemakerEndpointUrl: emulator.url, issuance: 'tag-bound' as const };
  const session = clientFor(domain, {
    ...LOCAL_CREDENTIALS,
    sessionToken: 'token-own',
    expiration: new Date(Date.now() + 3_600_000),
  });
  const ask = { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' };
  const { accepted } = emulator.connections();
  await own.send(new DescribeUserProfileCommand(ask));
  await session.send(new DescribeUserProfileCommand(ask));
  // One connection for both: the session's client took the one the function's own had left open.
  expect(emulator.connections().accepted - accepted).toBe(1);
  pool.http.destroy();
  pool.https.destroy();
});
