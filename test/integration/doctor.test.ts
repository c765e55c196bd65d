/**
 * `npm run doctor` against a running local stack (its own ports): the table and exit 0 when all is
 * well; exit 1 naming the failing check with a fault injected into the emulator, and with the
 * emulator stopped; `--json` parses; a usage error is exit 2. GET /health over HTTP follows the
 * stack's scheduled runs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freeStackPorts, type LocalStack, startLocalStack } from '../../scripts/local/stack';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
let stack: LocalStack;

function doctorEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    STUDIO_GATE_API_URL: stack.apiUrl,
    AWS_ENDPOINT_URL_SAGEMAKER: stack.emulator.url,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.url,
    JWT_JWKS_URI: stack.issuer.jwksUri,
    HEALTH_DNS_SERVER: stack.dns.server,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `npm run doctor -- …` as a child process (bounded to 30 s): its exit code and output. */
function doctor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'doctor.ts'), ...args],
      { cwd: ROOT, env: doctorEnv(), timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  stack = await startLocalStack(await freeStackPorts(), { isolatedBuild: true });
});

afterAll(async () => {
  await stack?.stop();
});

describe('npm run doctor against the local stack', () => {
  it('prints every check passing and exits 0', async () => {
    const { code, stdout } = await doctor();
    expect(code).toBe(0);
    for (const name of [
      'dns.sagemaker-api',
      'dns.studio',
      // Both demo domains: the risk one through its issuer role, assumed at the emulator's STS.
      'domain.d-localdemo',
      'canary.d-localdemo',
      // Its canary has an owner: a session tagged as nobody is refused it.
      'binding.d-localdemo',
      'assume-role.d-localrisk',
      'domain.d-localrisk',
      'port.emulator',
      'port.issuer',
      'port.api',
      'port.dynamo',
      'jwks',
      'api-health',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ✓ ${name.replaceAll('.', '\\.')} `, 'm'));
    }
    expect(stdout).toMatch(/^✓ healthy$/m);
  });

  it('--json gives the same checks as JSON', async () => {
    const { code, stdout } = await doctor('--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ target: 'the local stack', healthy: true, status: 'pass' });
    // Both demo domains are tag-bound: each has its assume-role check, and the one with a canary its binding probe.
    expect(summary.checks).toHaveLength(14);
    expect(summary.checks.every((c: { status: string }) => c.status === 'pass')).toBe(true);
  });

  it('GET /health over HTTP is 200 after the stack’s first scheduled run', async () => {
    const response = await fetch(`${stack.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'healthy' });
  });

  it('exits 1 and names the domain check when the emulator fails DescribeDomain; GET /health follows the next run', async () => {
    stack.emulator.injectFault({ operation: 'DescribeDomain', fault: 'error', times: 1000 });
    try {
      const { code, stdout } = await doctor();
      expect(code).toBe(1);
      expect(stdout).toMatch(/^ {2}✗ domain\.d-localdemo +the check could not run/m);
      expect(stdout).toMatch(/^ {2}✗ domain\.d-localrisk +the check could not run/m);
      expect(stdout).toMatch(/^✗ unhealthy: \d+ failing \(domain\.d-localdemo, domain\.d-localrisk/m);
      const json = await doctor('--json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).checks.find((c: { name: string }) => c.name === 'domain.d-localdemo').status).toBe('fail');

      await expect(stack.runHealthCheck()).resolves.toEqual({ healthy: false, status: 'fail' });
      const response = await fetch(`${stack.apiUrl}/health`);
      expect(response.status).toBe(503);
      // GET /health numbers the domains (it answers anyone on the network); the doctor names them.
      expect(((await response.json()) as { checks: unknown[] }).checks).toContainEqual({ name: 'domain.1', status: 'fail' });
      expect((await doctor()).stdout).toMatch(/✗ api-health +.*reports unhealthy: domain\.1/);
    } finally {
      stack.emulator.clearFaults();
    }
    await expect(stack.runHealthCheck()).resolves.toEqual({ healthy: true, status: 'pass' });
  });

  it('--untagged lists the profiles without an owner tag, per domain, and exits 1 while any is left', async () => {
    const { code, stdout } = await doctor('--untagged');
    expect(code).toBe(1);
    expect(stdout).toContain(
      '  ! d-localdemo (eu-west-1, account 000000000000, owner tag studio-gate:owner): 1 of 8 profiles carry none\n      legacy-analyst\n',
    );
    // The local operator's credentials are the demo account's: the risk domain is another account's.
    expect(stdout).toMatch(/^ {2}✗ d-localrisk \(eu-west-1, account 111111111111, owner tag studio-gate:owner\): not read: /m);
    const json = JSON.parse((await doctor('--untagged', '--json', '--owner-tag', 'team')).stdout) as {
      domains: { domainId: string; readable: boolean; untagged?: string[] }[];
    };
    // Under a key no profile carries, every profile of the readable domain is listed.
    expect(json.domains[0]?.untagged).toHaveLength(8);
    await expect(doctor('--owner-tag', 'team')).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--owner-tag goes with --untagged/),
    });
    // One domain at a time, with that account's credentials: exit 0 once that domain's profiles are all tagged.
    const risk = await doctor('--untagged', '--domain', 'd-localrisk');
    expect(risk.stdout).not.toContain('d-localdemo');
    await expect(doctor('--untagged', '--domain', 'd-nothere')).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--domain d-nothere is not a domain of the local stack \(d-localdemo, d-localrisk\)/),
    });
  });

  it('refuses unknown options with exit 2', async () => {
    const { code, stderr } = await doctor('--frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option --frobnicate/);
  });

  it('exits 1 naming the emulator’s checks once the emulator is stopped', async () => {
    await stack.emulator.close();
    const { code, stdout } = await doctor();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}✗ port\.emulator +nothing listens on 127\.0\.0\.1:\d+ \(the SageMaker emulator\)/m);
    expect(stdout).toMatch(/^ {2}✗ domain\.d-localdemo /m);
    expect(stdout).toMatch(/^ {2}✗ canary\.d-localdemo /m);
    expect(stdout).toMatch(/^ {2}✗ assume-role\.d-localrisk /m);
    expect(stdout).toMatch(/^ {2}✓ jwks /m);
  });
});
