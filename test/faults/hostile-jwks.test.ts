/**
 * A hostile JWKS endpoint on loopback, seen through the whole pipeline (real handler, real token
 * verification): whatever the IdP's key endpoint does after its headers (stall, drip, send too much,
 * never end), the caller gets 503 with Retry-After within JWKS_TIMEOUT_MS, never a 401 that blames
 * their token, and the audit log says `jwks-unavailable`.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type InProcessPipeline, startInProcessPipeline, studioUrlEvent } from '../../scripts/local/in-process';
import { MAX_JWKS_BYTES } from '../../src/adapters/jwt-verifier';
import { captureOutput, leaksIn } from '../support/capture';

jest.setTimeout(30_000);

const JWKS_TIMEOUT_MS = 300;
const SLACK_MS = 400;
type Mode = 'stall-body' | 'drip' | 'huge' | 'endless' | 'no-headers' | 'ok';

let mode: Mode = 'ok';
let server: Server;
let pipeline: InProcessPipeline;
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

function hostile(res: ServerResponse, jwks: string): void {
  if (mode === 'no-headers') return; // accept, read, never answer
  res.writeHead(200, { 'Content-Type': 'application/json' });
  if (mode === 'ok') return void res.end(jwks);
  if (mode === 'stall-body') return void res.write(jwks.slice(0, 10));
  if (mode === 'huge') {
    const padding = ' '.repeat(MAX_JWKS_BYTES);
    return void res.end(`${jwks.slice(0, -1)},"padding":"${padding}"}`);
  }
  let i = 0;
  const timer = setInterval(
    () => {
      if (res.destroyed) return clearInterval(timer);
      res.write(mode === 'drip' ? (jwks[i++ % jwks.length] as string) : Buffer.alloc(16 * 1024, 0x20));
    },
    mode === 'drip' ? 20 : 5,
  );
  timers.add(timer);
}

beforeAll(async () => {
  server = createServer((_req, res) => hostile(res, JSON.stringify({ keys: [pipeline.peers.issuer.key.publicJwk] })));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  pipeline = await startInProcessPipeline({
    JWT_JWKS_URI: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
  });
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await pipeline.close();
});

// `ok` last: a JWKS that was fetched once is cached, and the hostile modes need a fetch each.
describe.each<Mode>(['no-headers', 'stall-body', 'drip', 'endless', 'huge'])('a JWKS endpoint that goes %s', (hostileMode) => {
  it('answers 503 with Retry-After within JWKS_TIMEOUT_MS and audits jwks-unavailable', async () => {
    mode = hostileMode;
    const token = pipeline.peers.issuer.tokenFor('alice');
    const started = Date.now();
    const { result, output } = await captureOutput(() => pipeline.invoke(studioUrlEvent(token)));
    const elapsed = Date.now() - started;
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('5');
    expect(elapsed).toBeLessThan(JWKS_TIMEOUT_MS + SLACK_MS);
    expect(output).toMatch(/"decision":"error","reason":"jwks-unavailable","status":503/);
    expect(leaksIn(output, [token])).toEqual([]);
  });
});

describe('the same endpoint behaving', () => {
  it('verifies the token and issues the URL', async () => {
    mode = 'ok';
    const { result } = await captureOutput(() => pipeline.invoke(studioUrlEvent(pipeline.peers.issuer.tokenFor('alice'))));
    expect(result.statusCode).toBe(200);
  });
});
