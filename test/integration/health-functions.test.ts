/**
 * The two health functions end to end on loopback: the scheduled run against the SageMaker
 * emulator, the DNS server and the peers' ports, storing its summary in dynalite through the real
 * @aws-sdk/client-dynamodb; GET /health reading it back behind the source checks. The run's EMF
 * output and result line are parsed and asserted.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DEMO_ACCOUNT,
  DEMO_DOMAIN_ID,
  DEMO_REGION,
  DEMO_ROLE_ARN,
  demoDomains,
  RISK_ROLE_ARN,
} from '../../scripts/local/demo-data';
import { type LocalDnsServer, localPrivateNames, startDnsServer } from '../../scripts/local/dns-server';
import { LOCAL_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../scripts/local/dynamo';
import type { SageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import { startPeers } from '../../scripts/local/stack';
import type { TokenIssuer } from '../../scripts/local/token-issuer';
import { JsonLineAuditLog } from '../../src/adapters/audit-log';
import { buildHealthCheckApp } from '../../src/composition/health-check';
import { buildHealthEndpointApp } from '../../src/composition/health-endpoint';
import { readDomainList } from '../../src/config/domains';
import { DEFAULT_OWNER_TAG } from '../../src/domain/profile-owner';
import { healthHandler } from '../../src/http/health-endpoint';
import { localHealthPlan } from '../../src/infrastructure/health-plan';
import type { AuditEntry } from '../../src/use-cases/ports';
import { captureOutput, leaksIn } from '../support/capture';
import { privateApiEvent } from '../support/events';
import { lambdaContext } from '../support/lambda-context';
import { freePorts } from '../support/ports';

jest.setTimeout(60_000);

const TABLE = 'studio-gate-test';
let peers: { emulator: SageMakerEmulator; issuer: TokenIssuer };
let dynamo: LocalDynamo;
let dns: LocalDnsServer;
let now = Date.now();
const clock = () => now;

/** The demo's two domains as the local stack serves them (`canary` on the risk one: alice's profile there, owned by the canary owner). */
function demoDomainsWithCanary(roleOf: (role: string) => string = (role) => role) {
  const list = (JSON.parse(demoDomains(peers.emulator.url)) as { id: string; role?: string }[]).map((d) =>
    d.role ? { ...d, role: roleOf(d.role), canary: 'alice' } : d,
  );
  const env = { STUDIO_DOMAINS: JSON.stringify(list), STUDIO_GATE_ACCOUNT_ID: DEMO_ACCOUNT };
  return readDomainList({ ...env, LOCAL_STUDIO_ORIGIN: peers.emulator.url }, DEMO_REGION, peers.emulator.url).settings.domains;
}

function severalEnv(roleOf?: (role: string) => string): Record<string, string> {
  return {
    ...checkEnv(),
    AWS_ENDPOINT_URL_STS: peers.emulator.url,
    HEALTH_PLAN: JSON.stringify(
      localHealthPlan({
        region: DEMO_REGION,
        domainId: DEMO_DOMAIN_ID,
        domains: demoDomainsWithCanary(roleOf),
        emulatorUrl: peers.emulator.url,
        jwksUrl: peers.issuer.jwksUri,
        dnsServer: dns.server,
        canary: { profileName: 'alice', ownerIdentity: 'alice@example.com' },
      }),
    ),
  };
}

/** The one-domain stage's environment; `issuerRoleArn`: tag-bound through it (the probe's session, at the emulator's STS). */
function checkEnv(issuerRoleArn?: string): Record<string, string> {
  return {
    AWS_REGION: DEMO_REGION,
    HEALTH_TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_SAGEMAKER: peers.emulator.url,
    // The local-stack flag: the peers are on loopback.
    LOCAL_STUDIO_ORIGIN: peers.emulator.url,
    METRICS_SERVICE: 'studio-gate-test',
    ...(issuerRoleArn !== undefined && { AWS_ENDPOINT_URL_STS: peers.emulator.url }),
    HEALTH_PLAN: JSON.stringify(
      localHealthPlan({
        region: DEMO_REGION,
        domainId: DEMO_DOMAIN_ID,
        emulatorUrl: peers.emulator.url,
        jwksUrl: peers.issuer.jwksUri,
        dnsServer: dns.server,
        canary: { profileName: 'alice', ownerIdentity: 'alice@example.com' },
        ...(issuerRoleArn !== undefined && { issuerRoleArn }),
      }),
    ),
  };
}

const endpointEnv = (overrides: Record<string, string> = {}) => ({
  AWS_REGION: DEMO_REGION,
  HEALTH_TABLE_NAME: TABLE,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  LOCAL_STUDIO_ORIGIN: peers.emulator.url,
  HEALTH_INTERVAL_MINUTES: '5',
  ALLOWED_VPCE_IDS: '*',
  ALLOWED_VPC_IDS: '*',
  ALLOWED_SOURCE_CIDRS: '198.51.100.0/24',
  ...overrides,
});

/** A copy of `role` in the emulated IAM as someone left it: a broad grant attached beside the issuer policy. */
function widenedRole(role: string): string {
  const arn = role.replace('studio-gate-issuer', 'studio-gate-issuer-widened');
  peers.emulator.iam?.addRole({
    arn,
    trustedAccessKeyIds: [LOCAL_CREDENTIALS.accessKeyId],
    ownerTagKey: DEFAULT_OWNER_TAG,
    widened: true,
  });
  return arn;
}

async function runScheduled(env = checkEnv()) {
  const log = new JsonLineAuditLog();
  const app = buildHealthCheckApp(env, { clock, credentials: LOCAL_CREDENTIALS, log });
  const { result, output } = await captureOutput(() => app.run());
  const lines = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  return { summary: result, output, emf: lines.filter((l) => l._aws), result: lines.find((l) => l.message === 'health.result') };
}

async function getHealth(options: Parameters<typeof privateApiEvent>[0] = {}, env = endpointEnv()) {
  const entries: AuditEntry[] = [];
  const handler = healthHandler(() => buildHealthEndpointApp(env, { clock, credentials: LOCAL_CREDENTIALS }), {
    record: (e) => void entries.push(e),
    problem: () => {},
  });
  const event = { ...privateApiEvent(options), resource: '/health', path: '/health' };
  const response = await handler(event, lambdaContext());
  return { response, body: JSON.parse(response.body), audit: entries[0] };
}

beforeAll(async () => {
  const [emulator, issuer, dynamoPort] = (await freePorts(3)) as [number, number, number];
  peers = await startPeers({ emulator, issuer });
  dynamo = await startLocalDynamo({ port: dynamoPort, tableName: TABLE });
  dns = await startDnsServer({ port: 0, names: localPrivateNames(DEMO_REGION, DEMO_DOMAIN_ID) });
});

afterAll(async () => {
  await Promise.all([peers?.emulator.close(), peers?.issuer.close(), dynamo?.close(), dns?.close()]);
});

beforeEach(() => {
  now = Date.now();
  peers.emulator.clearFaults();
});

describe('GET /health before any run', () => {
  it('is 503 unknown', async () => {
    const { response, body } = await getHealth();
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('60');
    expect(body).toEqual({ status: 'unknown', checkedAt: null, ageSeconds: null, checks: [] });
  });
});

describe('the scheduled run', () => {
  it('checks the local path, writes one result line and EMF metrics, and GET /health says healthy', async () => {
    const { summary, emf, result, output } = await runScheduled();
    expect(summary.healthy).toBe(true);
    expect(summary.checks.map((c) => [c.name, c.status])).toEqual([
      ['dns.sagemaker-api', 'pass'],
      ['dns.studio', 'pass'],
      ['domain', 'pass'],
      ['canary', 'pass'],
      ['port.emulator', 'pass'],
      ['port.issuer', 'pass'],
      ['jwks', 'pass'],
    ]);
    // EMF: one blob, namespace studio-gate, dimension service, Healthy and one metric per check.
    expect(emf).toHaveLength(1);
    const [blob] = emf;
    expect(blob._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'studio-gate',
        Dimensions: [['service']],
        Metrics: [{ Name: 'Healthy', Unit: 'Count' }, ...summary.checks.map((c) => ({ Name: `check.${c.name}`, Unit: 'Count' }))],
      },
    ]);
    expect(blob.service).toBe('studio-gate-test');
    expect(blob.Healthy).toBe(1);
    expect(blob['check.domain']).toBe(1);
    expect(result).toMatchObject({ level: 'INFO', health: { healthy: true, status: 'pass' } });
    expect(result.health.checks).toHaveLength(7);
    expect(leaksIn(output)).toEqual([]);

    const { response, body, audit } = await getHealth();
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Content-Type': 'application/json' });
    expect(body).toMatchObject({
      status: 'healthy',
      ageSeconds: 0,
      checks: summary.checks.map(({ name, status }) => ({ name, status })),
    });
    // Operator-level detail only: no reasons, fixes, addresses or ports.
    expect(response.body).not.toMatch(/127\.0\.0\.1|reason|fix|alice/);
    expect(audit).toMatchObject({ decision: 'allow', reason: 'health-healthy', status: 200 });
  });

  it('reports a fault injected into the emulator as the domain check failing, and GET /health turns 503', async () => {
    peers.emulator.injectFault({ operation: 'DescribeDomain', fault: 'error', times: 100 });
    const { summary, emf, result } = await runScheduled();
    expect(summary.healthy).toBe(false);
    expect(summary.checks.filter((c) => c.status !== 'pass').map((c) => c.name)).toEqual(['domain']);
    expect(emf[0].Healthy).toBe(0);
    expect(emf[0]['check.domain']).toBe(0);
    expect(result).toMatchObject({ level: 'ERROR', health: { healthy: false } });

    const { response, body, audit } = await getHealth();
    expect(response.statusCode).toBe(503);
    expect(body.status).toBe('unhealthy');
    expect(body.checks).toContainEqual({ name: 'domain', status: 'fail' });
    expect(audit).toMatchObject({ reason: 'health-unhealthy', status: 503 });
  });

  it('calls a summary older than two intervals stale', async () => {
    await runScheduled();
    now += 10 * 60_000 + 1;
    const { response, body } = await getHealth();
    expect(response.statusCode).toBe(503);
    expect(body).toMatchObject({ status: 'stale', ageSeconds: 600 });
  });

  it('does not believe a stored item that is not a summary, or that claims health beside a failed check', async () => {
    const client = new DynamoDBClient({ region: DEMO_REGION, endpoint: dynamo.url, credentials: LOCAL_CREDENTIALS });
    const put = (summary: string) =>
      client.send(
        new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'health' }, sk: { S: 'latest' }, summary: { S: summary } } }),
      );
    const planted = (checks: unknown[]) => put(JSON.stringify({ checkedAt: now, healthy: true, status: 'pass', checks }));
    const result = (name: string, status = 'pass') => ({ name, status, reason: 'x', durationMs: 1 });
    await put('{"healthy":true}');
    expect((await getHealth()).body.status).toBe('unknown');
    await planted([result('domain', 'fail')]);
    expect((await getHealth()).body.status).toBe('unhealthy');
    // A planted item cannot put markup or a flood of names on the API.
    await planted([result('<script>alert(1)</script>')]);
    expect((await getHealth()).body.status).toBe('unknown');
    await planted(Array.from({ length: 201 }, () => result('domain')));
    expect((await getHealth()).body.status).toBe('unknown');
    client.destroy();
  });
});

describe('several domains', () => {
  it('checks each domain through the credentials that issue there: its issuer role assumed, the canary per domain', async () => {
    const before = peers.emulator.iam?.calls.length ?? 0;
    const { summary } = await runScheduled(severalEnv());
    expect(
      summary.checks.filter((c) => /^(domain|canary|assume-role|binding)/.test(c.name)).map((c) => [c.name, c.status]),
    ).toEqual([
      ['assume-role.d-localdemo', 'pass'],
      ['domain.d-localdemo', 'pass'],
      ['canary.d-localdemo', 'pass'],
      ['binding.d-localdemo', 'pass'],
      ['assume-role.d-localrisk', 'pass'],
      ['domain.d-localrisk', 'pass'],
      ['canary.d-localrisk', 'pass'],
      ['binding.d-localrisk', 'pass'],
    ]);
    expect(summary.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(summary.healthy).toBe(true);
    // GET /health answers anyone on the network: it numbers the domains instead of naming them.
    const { body } = await getHealth();
    expect(JSON.stringify(body)).not.toMatch(/d-local/);
    expect(
      body.checks.map((c: { name: string }) => c.name).filter((n: string) => /^(domain|canary|assume-role|binding)/.test(n)),
    ).toEqual(['assume-role.1', 'domain.1', 'canary.1', 'binding.1', 'assume-role.2', 'domain.2', 'canary.2', 'binding.2']);
    // Two sessions per domain and run, both naming the check itself: one tagged as the canary's owner
    // (the reads), one tagged as nobody (the negative probe, which IAM must refuse the canary).
    const sessions = peers.emulator.iam?.calls.slice(before).map((c) => [c.sourceIdentity, c.tags?.[0]?.value, c.outcome]);
    expect(sessions?.sort()).toEqual([
      ['studio-gate-health', 'alice@example.com', 'issued'],
      ['studio-gate-health', 'alice@example.com', 'issued'],
      ['studio-gate-health', 'studio-gate-health', 'issued'],
      ['studio-gate-health', 'studio-gate-health', 'issued'],
    ]);
  });

  it('names a failed AssumeRole as its own failing check with its fix, and the domain’s checks wait for it', async () => {
    const { summary } = await runScheduled(
      severalEnv((role) => (role === RISK_ROLE_ARN ? role.replace('studio-gate-issuer', 'not-trusting-us') : role)),
    );
    const byName = Object.fromEntries(summary.checks.map((c) => [c.name, c]));
    expect(summary.healthy).toBe(false);
    expect(byName['assume-role.d-localrisk']).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('sts-access-denied'),
      fix: expect.stringContaining('npm run -s issuer-role'),
    });
    expect(byName['domain.d-localrisk']).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('issuer-role-unavailable'),
    });
    expect(byName['domain.d-localdemo']?.status).toBe('pass');
  });

  it('fails the binding probe, and only it, when a domain’s issuer role has been widened to any profile', async () => {
    const widened = widenedRole(RISK_ROLE_ARN);
    const { summary } = await runScheduled(severalEnv((role) => (role === RISK_ROLE_ARN ? widened : role)));
    expect(summary.healthy).toBe(false);
    expect(summary.checks.filter((c) => c.status !== 'pass').map((c) => [c.name, c.reason, c.fix])).toEqual([
      [
        'binding.d-localrisk',
        `${widened} let a session that owns nothing read canary profile alice: the owner binding is gone`,
        'deploy the issuer role as npm run -s issuer-role prints it, and detach any policy attached beside it',
      ],
    ]);
  });

  it('probes one tag-bound domain’s binding through its issuer role too, and fails the probe when the role was widened', async () => {
    const held = await runScheduled(checkEnv(DEMO_ROLE_ARN));
    expect(held.summary.checks.filter((c) => /^(domain|canary|binding)$/.test(c.name)).map((c) => [c.name, c.status])).toEqual([
      ['domain', 'pass'],
      ['canary', 'pass'],
      ['binding', 'pass'],
    ]);
    const widened = widenedRole(DEMO_ROLE_ARN);
    const { summary } = await runScheduled(checkEnv(widened));
    expect(summary.checks.filter((c) => c.status !== 'pass').map((c) => [c.name, c.status])).toEqual([['binding', 'fail']]);
    // An issuer role made elsewhere that does not trust the health role: the probe fails, naming the trust to fix.
    const untrusting = await runScheduled(checkEnv(DEMO_ROLE_ARN.replace('studio-gate-issuer', 'not-trusting-us')));
    expect(untrusting.summary.checks.find((c) => c.name === 'binding')).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/^could not open a session of .*not-trusting-us as the health check \(sts-access-denied/),
      fix: expect.stringContaining('--health-role-arn'),
    });
  });

  it('fails the assume-role check when STS hangs, within the check’s limit', async () => {
    peers.emulator.injectFault({ operation: 'AssumeRole', fault: 'stall-body', times: 5 });
    const started = Date.now();
    const { summary } = await runScheduled(severalEnv());
    expect(Date.now() - started).toBeLessThan(6000);
    expect(summary.checks.find((c) => c.name === 'assume-role.d-localrisk')?.status).toBe('fail');
  });
});

describe('a broken plan', () => {
  it('fails the scheduled run closed, naming every problem, and stores nothing', async () => {
    const env = {
      ...checkEnv(),
      HEALTH_PLAN: JSON.stringify({ region: 'eu-west-1', checkTimeoutMs: 5, dns: { names: [{ name: 'x' }] } }),
    };
    expect(() => buildHealthCheckApp(env)).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/checkTimeoutMs must be an integer/),
          expect.stringMatching(/names\[0\]\.host is missing/),
        ]),
      }),
    );
  });
});

describe('GET /health behind the source checks', () => {
  it('denies a source outside ALLOWED_SOURCE_CIDRS before reading anything, saying little', async () => {
    const { response, body, audit } = await getHealth({ identity: { sourceIp: '203.0.113.9' } });
    expect(response.statusCode).toBe(403);
    expect(body).not.toHaveProperty('checks');
    expect(audit).toMatchObject({ decision: 'deny', reason: 'source-ip-not-allowed', sourceIp: '203.0.113.9' });
  });

  it('denies a VPC endpoint that is not ours', async () => {
    const { response, audit } = await getHealth({}, endpointEnv({ ALLOWED_VPCE_IDS: 'vpce-0ffffffffffffffff' }));
    expect(response.statusCode).toBe(403);
    expect(audit?.reason).toBe('source-vpce-not-allowed');
  });

  it('takes the source from API Gateway only: a forwarded-for header changes nothing', async () => {
    const { response } = await getHealth({
      identity: { sourceIp: '203.0.113.9' },
      headers: { 'X-Forwarded-For': '198.51.100.23' },
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses any query parameter with a 400, after the source check', async () => {
    expect((await getHealth({ query: { verbose: ['1'] } })).response.statusCode).toBe(400);
    expect((await getHealth({ query: { verbose: ['1'] }, identity: { sourceIp: '203.0.113.9' } })).response.statusCode).toBe(403);
  });

  it('answers 500 on a broken configuration, and 5xx when the table cannot be read', async () => {
    expect((await getHealth({}, endpointEnv({ HEALTH_TABLE_NAME: '' }))).response.statusCode).toBe(500);
    const missing = await getHealth({}, endpointEnv({ HEALTH_TABLE_NAME: 'no-such-table' }));
    expect(missing.response.statusCode).toBeGreaterThanOrEqual(500);
  });
});
