/**
 * The OIDC function's fetch (src/adapters/oidc-client.ts) takes its URLs from the IdP's discovery
 * document: one naming this machine (on Lambda, the Runtime API and extensions) is refused before
 * any connection, unless the issuer itself is the local stack's loopback one.
 */
import { createServer, type Server } from 'node:net';
import { boundedIdpFetch } from '../../../src/adapters/oidc-client';

let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = { method: 'POST', headers: {}, body: 'client_secret=not-sent' } as never;

it.each(['https://127.0.0.1', 'https://localhost', 'https://[::ffff:127.0.0.1]', 'https://0.0.0.0'])(
  'refuses a discovered endpoint at %s before connecting, with its own audit reason',
  async (origin) => {
    connections = 0;
    await expect(boundedIdpFetch(1000)(`${origin}:${port}/token`, post)).rejects.toMatchObject({
      reason: 'oidc-idp-endpoint-refused',
    });
    expect(connections).toBe(0);
  },
);

it('connects there when the issuer is the local stack’s (the control)', async () => {
  connections = 0;
  await expect(boundedIdpFetch(1000, true)(`http://127.0.0.1:${port}/token`, post)).rejects.toMatchObject({
    reason: 'oidc-idp-unavailable',
  });
  expect(connections).toBe(1);
});
