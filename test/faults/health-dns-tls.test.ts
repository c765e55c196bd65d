/**
 * The DNS and TLS checks over the real protocols on loopback: a DNS server started here (UDP, real
 * packets) answering private, public, NXDOMAIN, SERVFAIL or nothing at all, and TLS servers with
 * self-signed certificates (right name, wrong name, untrusted, accepts and never answers). Each
 * check runs through the real adapters and the real runner, under its own time limit.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { type DnsBehaviour, type LocalDnsServer, startDnsServer } from '../../scripts/local/dns-server';
import { ResolverDns } from '../../src/adapters/dns-resolver';
import { NodeTlsProber } from '../../src/adapters/tls-prober';
import type { CheckResult } from '../../src/domain/health/check';
import { type HealthPlan, parsePlan } from '../../src/domain/health/plan';
import { runHealth } from '../../src/use-cases/run-health-checks';

const HOST = 'api.sagemaker.eu-west-1.amazonaws.com';
const CHECK_TIMEOUT_MS = 800;

let dns: LocalDnsServer;
const servers: Server[] = [];
const sockets = new Set<Socket>();

function planFor(names: { name: string; host: string; tls: boolean }[], tlsPort = 443): HealthPlan {
  return parsePlan(
    JSON.stringify({
      region: 'eu-west-1',
      checkTimeoutMs: CHECK_TIMEOUT_MS,
      dns: { servers: [dns.server], privateRanges: ['127.0.0.0/8', '::1/128'], names },
      tlsPort,
    }),
  ) as HealthPlan;
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(async () => {
  dns = await startDnsServer({ port: 0 });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await dns.close();
});

describe('DNS checks against a DNS server on loopback', () => {
  const cases: [string, DnsBehaviour, 'pass' | 'fail', RegExp][] = [
    ['a private answer', { addresses: ['127.0.0.1'] }, 'pass', /1 private address/],
    ['private IPv4 and IPv6', { addresses: ['127.0.0.7', '::1'] }, 'pass', /2 private address/],
    [
      'a public answer',
      { addresses: ['203.0.113.10'] },
      'fail',
      /203\.0\.113\.10, outside the VPC: traffic would leave PrivateLink/,
    ],
    ['one public among private ones', { addresses: ['127.0.0.1', '198.51.100.4'] }, 'fail', /198\.51\.100\.4/],
    ['NXDOMAIN', { rcode: 'NXDOMAIN' }, 'fail', /NXDOMAIN/],
    ['SERVFAIL', { rcode: 'SERVFAIL' }, 'fail', /SERVFAIL/],
    ['REFUSED', { rcode: 'REFUSED' }, 'fail', /refused to answer/],
  ];
  it.each(cases)('%s', async (_, behaviour, status, reason) => {
    const host = `${_.replace(/[^a-z]+/gi, '-')
      .toLowerCase()
      .replace(/^-|-$/g, '')}.example.com`;
    dns.set(host, behaviour);
    const summary = await runHealth(planFor([{ name: 'x', host, tls: false }]), {
      dns: new ResolverDns(),
      tls: new NodeTlsProber(),
    });
    expect(summary.checks[0]).toMatchObject({ name: 'dns.x', status, reason: expect.stringMatching(reason) });
  });

  it('a server that never answers fails within the check’s bound, and delays no other check', async () => {
    dns.set('silent.example.com', { silent: true });
    dns.set('fine.example.com', { addresses: ['127.0.0.1'] });
    const started = Date.now();
    const summary = await runHealth(
      planFor([
        { name: 'silent', host: 'silent.example.com', tls: false },
        { name: 'fine', host: 'fine.example.com', tls: false },
      ]),
      { dns: new ResolverDns(), tls: new NodeTlsProber() },
    );
    const elapsed = Date.now() - started;
    const [silent, fine] = summary.checks as [CheckResult, CheckResult];
    expect(silent).toMatchObject({ status: 'fail', reason: expect.stringMatching(/no DNS answer|did not finish/) });
    expect(fine).toMatchObject({ status: 'pass' });
    expect(fine.durationMs).toBeLessThan(CHECK_TIMEOUT_MS / 2);
    expect(elapsed).toBeLessThan(CHECK_TIMEOUT_MS + 500);
    expect(summary.healthy).toBe(false);
  });
});

describe('TLS checks against local TLS servers', () => {
  let trusted: { cert: string; key: string };
  let wrongName: { cert: string; key: string };

  beforeAll(async () => {
    const make = async (name: string) => {
      const pems = await generate([{ name: 'commonName', value: name }], {
        keySize: 2048,
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
      });
      return { cert: pems.cert, key: pems.private };
    };
    [trusted, wrongName] = await Promise.all([make(HOST), make('other.example.com')]);
  }, 60_000);

  async function tlsServer(pems: { cert: string; key: string }): Promise<number> {
    return listen(createTlsServer({ cert: pems.cert, key: pems.key }, (s) => s.end()));
  }

  async function run(port: number, ca?: string[]) {
    dns.set(HOST, { addresses: ['127.0.0.1'] });
    const summary = await runHealth(planFor([{ name: 'sagemaker-api', host: HOST, tls: true }], port), {
      dns: new ResolverDns(),
      tls: new NodeTlsProber(ca),
    });
    return Object.fromEntries(summary.checks.map((c) => [c.name, c]));
  }

  it('passes a trusted certificate valid for the name', async () => {
    const checks = await run(await tlsServer(trusted), [trusted.cert]);
    expect(checks['dns.sagemaker-api']?.status).toBe('pass');
    expect(checks['tls.sagemaker-api']).toMatchObject({ status: 'pass', reason: expect.stringMatching(/certificate valid/) });
  });

  it('fails a trusted certificate for another name', async () => {
    const checks = await run(await tlsServer(wrongName), [wrongName.cert]);
    expect(checks['tls.sagemaker-api']).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/127\.0\.0\.1 presents a certificate that is not valid for api\.sagemaker/),
    });
  });

  it('fails an untrusted certificate, even for the right name', async () => {
    const checks = await run(await tlsServer(trusted));
    expect(checks['tls.sagemaker-api']).toMatchObject({ status: 'fail', reason: expect.stringMatching(/untrusted certificate/) });
  });

  it('fails a server that accepts and never answers, within the bound', async () => {
    const port = await listen(createTcpServer(() => {}));
    const started = Date.now();
    const checks = await run(port, [trusted.cert]);
    expect(checks['tls.sagemaker-api']).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/handshake within|did not finish/),
    });
    expect(Date.now() - started).toBeLessThan(CHECK_TIMEOUT_MS + 500);
  });

  it('fails a port nothing listens on as refused', async () => {
    const port = await listen(createTcpServer());
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    const checks = await run(port, [trusted.cert]);
    expect(checks['tls.sagemaker-api']).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/refused the connection/),
    });
  });

  it('does not try TLS when the name does not resolve', async () => {
    dns.set('gone.example.com', { rcode: 'NXDOMAIN' });
    const summary = await runHealth(planFor([{ name: 'gone', host: 'gone.example.com', tls: true }]), {
      dns: new ResolverDns(),
      tls: new NodeTlsProber(),
    });
    expect(summary.checks[1]).toMatchObject({ name: 'tls.gone', status: 'fail', fix: 'fix dns.gone first' });
  });
});
