/**
 * The Lambda modules of the health functions, as Lambda loads them (init reads process.env): the
 * scheduled handler runs its plan, stores the summary and prints EMF that parses; a broken
 * configuration fails every invocation and is logged once.
 */

import { DEMO_DOMAIN_ID, DEMO_REGION } from '../../../scripts/local/demo-data';
import { type LocalDnsServer, localPrivateNames, startDnsServer } from '../../../scripts/local/dns-server';
import { type LocalDynamo, startLocalDynamo } from '../../../scripts/local/dynamo';
import { localHealthPlan } from '../../../src/infrastructure/health-plan';
import { captureOutput } from '../../support/capture';
import { freePorts } from '../../support/ports';

jest.setTimeout(30_000);

let dynamo: LocalDynamo;
let dns: LocalDnsServer;
const saved = { ...process.env };

beforeAll(async () => {
  const [port] = (await freePorts(1)) as [number];
  dynamo = await startLocalDynamo({ port, tableName: 'studio-gate-handler-test' });
  dns = await startDnsServer({ port: 0, names: localPrivateNames(DEMO_REGION, DEMO_DOMAIN_ID) });
});

afterAll(async () => {
  process.env = saved;
  await Promise.all([dynamo.close(), dns.close()]);
});

function loadHandler(env: Record<string, string>): Promise<() => Promise<{ healthy: boolean; status: string }>> {
  process.env = { ...saved, ...env };
  return new Promise((resolve) => {
    jest.isolateModules(() => {
      resolve(
        (require('../../../handlers/health-check') as { handler: () => Promise<{ healthy: boolean; status: string }> }).handler,
      );
    });
  });
}

describe('handlers/health-check', () => {
  it('runs the plan, stores it, and prints a result line and EMF that parse', async () => {
    const plan = localHealthPlan({
      region: DEMO_REGION,
      domainId: DEMO_DOMAIN_ID,
      emulatorUrl: 'http://127.0.0.1:9',
      jwksUrl: 'http://127.0.0.1:9/jwks',
      dnsServer: dns.server,
    });
    // Only the DNS names: the peers are not running here.
    const dnsOnly = { ...plan, studio: undefined, probes: undefined };
    const { result, output } = await captureOutput(async () => {
      const handler = await loadHandler({
        AWS_REGION: DEMO_REGION,
        AWS_ACCESS_KEY_ID: 'local-stack-only',
        AWS_SECRET_ACCESS_KEY: 'local-stack-only',
        HEALTH_TABLE_NAME: 'studio-gate-handler-test',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
        // The local-stack flag: dynalite is on loopback.
        LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:9',
        METRICS_SERVICE: 'studio-gate-handler-test',
        HEALTH_PLAN: JSON.stringify(dnsOnly),
      });
      return handler();
    });
    expect(result).toEqual({ healthy: true, status: 'pass' });
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const emf = lines.find((l) => l._aws);
    expect(emf).toMatchObject({
      service: 'studio-gate-handler-test',
      Healthy: 1,
      'check.dns.sagemaker-api': 1,
      'check.dns.studio': 1,
    });
    expect(lines.find((l) => l.message === 'health.result')?.health.checks).toHaveLength(2);
  });

  it('fails every invocation on a broken configuration, logging the problems once', async () => {
    const { output } = await captureOutput(async () => {
      const handler = await loadHandler({ AWS_REGION: DEMO_REGION, HEALTH_TABLE_NAME: '', HEALTH_PLAN: '{' });
      await expect(handler()).rejects.toThrow();
      await expect(handler()).rejects.toThrow();
    });
    const problems = output.split('\n').filter((l) => l.includes('configuration is invalid'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/HEALTH_TABLE_NAME[\s\S]*HEALTH_PLAN is not JSON/);
  });
});
