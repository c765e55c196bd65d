/**
 * `npm run doctor`: the health checks from an engineer's machine (or a bastion inside the VPC),
 * printed as a table: ✓ pass, ! warn, ✗ fail, each with its reason and the fix to try.
 *
 *   npm run doctor                      the running local stack (its default ports)
 *   npm run doctor -- --stage prod      the plan of a deployed stage (read from its health function, AWS credentials)
 *   npm run doctor -- --plan plan.json  a plan from a file (the HEALTH_PLAN of a deployment), AWS credentials
 *   --json                              the summary as JSON instead of the table
 *   --untagged [--owner-tag KEY] [--domain d-…]
 *                                       instead of the checks: the target's profiles without an owner
 *                                       tag, per domain (read with your credentials, in the domain's account;
 *                                       --domain: that one only)
 *
 * Exit code 1 when any check fails (with --untagged: any profile untagged, any domain unread), 0
 * otherwise (warnings included), 2 on a usage error.
 */
import './local/quiet-node-notice';
import { readFileSync } from 'node:fs';
import { NetProbes } from '../src/adapters/net-probes';
import { healthPortsFor } from '../src/composition/health-check';
import type { Overrides } from '../src/composition/lambda-function';
import { inventoryDomains, inventoryPortFor } from '../src/composition/untagged-profiles';
import { readDomainList } from '../src/config/domains';
import { type HealthCheckConfig, parseHealthCheckConfig } from '../src/config/health';
import { ConfigurationError } from '../src/domain/errors';
import type { HealthSummary } from '../src/domain/health/check';
import { type HealthPlan, parsePlan } from '../src/domain/health/plan';
import { isTagKey, TAG_KEY_RULE } from '../src/domain/profile-owner';
import { localHealthPlan } from '../src/infrastructure/health-plan';
import { runHealth } from '../src/use-cases/run-health-checks';
import { findUntaggedProfiles, type OwnerTagReport } from '../src/use-cases/untagged-profiles';
import { DEMO_ACCOUNT, DEMO_DOMAIN_ID, DEMO_REGION, demoDomains } from './local/demo-data';
import { LOCAL_CREDENTIALS } from './local/dynamo';
import { stackPortsFrom } from './local/stack-ports';

const USAGE =
  'usage: npm run doctor [-- [--json] [--stage STAGE [--region REGION]] [--plan FILE] [--untagged [--owner-tag KEY] [--domain d-…]]]';

interface Target {
  readonly description: string;
  readonly plan: HealthPlan;
  readonly local: boolean;
  /** The local stack's API, emulator and issuer (host:port): when none listens, the stack is not running. */
  readonly localPeers: readonly string[];
  readonly sagemakerEndpointUrl?: string;
  /** Where the issuer roles of several domains are assumed. */
  readonly stsEndpointUrl?: string;
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

class UsageError extends Error {}

function planOrThrow(text: string, where: string): HealthPlan {
  const parsed = parsePlan(text);
  if (Array.isArray(parsed)) throw new UsageError(`${where} is not a health plan:\n- ${parsed.join('\n- ')}`);
  return parsed;
}

/** The local stack's plan: its peers where `npm start` puts them (or where the shell says). */
export function localTarget(env: NodeJS.ProcessEnv): Target {
  const DEFAULT_PORTS = stackPortsFrom([], env);
  const apiUrl = env.STUDIO_GATE_API_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.api}`;
  const emulatorUrl = env.AWS_ENDPOINT_URL_SAGEMAKER ?? `http://127.0.0.1:${DEFAULT_PORTS.emulator}`;
  const region = env.AWS_REGION ?? DEMO_REGION;
  // The demo's two domains, as `npm start` serves them (STUDIO_DOMAINS= in the shell: one domain).
  const domainsText = env.STUDIO_DOMAINS ?? demoDomains(emulatorUrl);
  const read =
    domainsText === ''
      ? undefined
      : readDomainList(
          {
            STUDIO_DOMAINS: domainsText,
            STUDIO_GATE_ACCOUNT_ID: env.STUDIO_GATE_ACCOUNT_ID ?? DEMO_ACCOUNT,
            LOCAL_STUDIO_ORIGIN: env.LOCAL_STUDIO_ORIGIN ?? new URL(emulatorUrl).origin,
          },
          region,
          emulatorUrl,
        );
  if (read !== undefined && read.problems.length > 0) throw new UsageError(`STUDIO_DOMAINS:\n- ${read.problems.join('\n- ')}`);
  const written = localHealthPlan({
    region,
    ...(read && { domains: read.settings.domains }),
    domainId: env.STUDIO_DOMAIN_ID ?? DEMO_DOMAIN_ID,
    emulatorUrl,
    jwksUrl: env.JWT_JWKS_URI ?? `http://127.0.0.1:${DEFAULT_PORTS.issuer}/.well-known/jwks.json`,
    dnsServer: env.HEALTH_DNS_SERVER ?? `127.0.0.1:${DEFAULT_PORTS.dns}`,
    canary: { profileName: env.HEALTH_CANARY_PROFILE ?? 'alice', ownerIdentity: env.HEALTH_CANARY_OWNER ?? 'alice@example.com' },
    apiHealthUrl: `${apiUrl}/health`,
    apiPort: Number(new URL(apiUrl).port),
    dynamoUrl: env.AWS_ENDPOINT_URL_DYNAMODB ?? `http://127.0.0.1:${DEFAULT_PORTS.dynamo}`,
  });
  const plan = planOrThrow(JSON.stringify(written), 'the local plan');
  const localPeers = [apiUrl, emulatorUrl, `http://127.0.0.1:${DEFAULT_PORTS.issuer}`].map((url) => new URL(url).host);
  return {
    description: 'the local stack',
    plan,
    local: true,
    localPeers,
    sagemakerEndpointUrl: emulatorUrl,
    stsEndpointUrl: env.AWS_ENDPOINT_URL_STS ?? emulatorUrl,
  };
}

/** The local peers of `target` that accept no TCP connection (a connection only: no request reaches the audit log). */
async function notListening(target: Target): Promise<string[]> {
  const probes = new NetProbes();
  const answers = await Promise.all(
    target.localPeers.map((hostPort) => {
      const url = new URL(`http://${hostPort}`);
      return probes.tcp(url.hostname, Number(url.port), 1000);
    }),
  );
  return target.localPeers.filter((_, i) => answers[i]?.kind !== 'open');
}

/** A deployed stage's plan, as its health function holds it (CloudFormation has filled it in). */
async function stageTarget(stage: string, region: string | undefined): Promise<Target> {
  const { LambdaClient, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const client = new LambdaClient({ ...(region && { region }) });
  const name = `studio-gate-${stage}-healthCheck`;
  const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const variables = out.Environment?.Variables ?? {};
  if (variables.HEALTH_PLAN === undefined) throw new UsageError(`${name} has no HEALTH_PLAN (is the stage deployed?)`);
  // The function's own configuration check, on what it holds: an environment edited after
  // deployment to send signed calls elsewhere stops the doctor as it stops the function.
  const functionRegion = out.FunctionArn?.split(':')[3] ?? (await client.config.region());
  let config: HealthCheckConfig;
  try {
    config = parseHealthCheckConfig({ ...variables, AWS_REGION: functionRegion });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new UsageError(
      `${name}'s environment would not start the function, so the doctor does not use it:\n- ${error.problems.join('\n- ')}`,
    );
  }
  return {
    description: `stage ${stage}`,
    plan: config.plan,
    local: false,
    localPeers: [],
    ...(config.sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl: config.sagemakerEndpointUrl }),
    ...(config.stsEndpointUrl !== undefined && { stsEndpointUrl: config.stsEndpointUrl }),
  };
}

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/** The readable table. */
export function renderTable(summary: HealthSummary, description: string, elapsedMs: number): string {
  const width = Math.max(...summary.checks.map((c) => c.name.length), 5);
  const lines = [`studio-gate doctor: ${description}, ${summary.checks.length} checks in ${elapsedMs} ms`, ''];
  for (const c of summary.checks) {
    lines.push(`  ${MARK[c.status]} ${c.name.padEnd(width)}  ${c.reason}`);
    if (c.fix) lines.push(`    ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const failing = summary.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  const warned = summary.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    '',
    failing.length > 0
      ? `✗ unhealthy: ${failing.length} failing (${failing.join(', ')})`
      : `✓ healthy${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`,
    '',
  );
  return lines.join('\n');
}

/** How long the roll-out listing may take in all (a domain of thousands of profiles takes seconds). */
const UNTAGGED_TIMEOUT_MS = 120_000;

/** The roll-out list, readable: per domain, its profiles without an owner tag, or why it was not read. */
export function renderUntagged(reports: readonly OwnerTagReport[], description: string): string {
  const lines = [`studio-gate doctor: profiles without an owner tag, ${description}`, ''];
  for (const r of reports) {
    const where = `${r.domainId} (${r.region}${r.accountId === undefined ? '' : `, account ${r.accountId}`}, owner tag ${r.ownerTagKey})`;
    if (!r.readable) {
      lines.push(
        `  ✗ ${where}: not read: ${r.reason}`,
        "      fix: run with credentials of the domain's account that may DescribeDomain, ListUserProfiles and ListTags",
      );
    } else if (r.untagged.length === 0 && r.lookAlike.length === 0) {
      lines.push(`  ✓ ${where}: all ${r.profiles} profiles carry it`);
    } else {
      if (r.untagged.length > 0) {
        lines.push(
          `  ! ${where}: ${r.untagged.length} of ${r.profiles} profiles carry none`,
          ...r.untagged.map((name) => `      ${name}`),
        );
      }
      if (r.lookAlike.length > 0) {
        lines.push(
          `  ! ${where}: ${r.lookAlike.length} profile(s) carry the key in another case, which IAM reads as the owner tag too: remove it`,
          ...r.lookAlike.map((name) => `      ${name}`),
        );
      }
    }
  }
  const untagged = reports.reduce((n, r) => n + (r.readable ? new Set([...r.untagged, ...r.lookAlike]).size : 0), 0);
  const unread = reports.filter((r) => !r.readable).length;
  lines.push('');
  if (untagged === 0 && unread === 0)
    lines.push('✓ every profile carries its owner tag: tag-bound issuance and the guardrails can go on');
  if (untagged > 0) {
    lines.push(
      `! ${untagged} profile(s) without a sound owner tag: studio-gate refuses each to everyone until the provisioning role fixes it (docs/iam-guardrails.md)`,
    );
  }
  if (unread > 0) lines.push(`✗ ${unread} domain(s) not read`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Runs the doctor; @returns the exit code. `clients` stands in for the EC2 client it would build
 * (tests answer EC2 with aws-sdk-client-mock through it).
 */
export async function doctor(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  clients: Pick<Overrides, 'ec2Client'> = {},
): Promise<number> {
  const known = new Set(['--json', '--stage', '--region', '--plan', '--help', '--untagged', '--owner-tag', '--domain']);
  const valued = ['--stage', '--region', '--plan', '--owner-tag', '--domain'];
  for (const [i, a] of args.entries()) {
    if (a.startsWith('--') && !known.has(a)) throw new UsageError(`unknown option ${a}`);
    if (!a.startsWith('--') && !valued.includes(args[i - 1] ?? '')) throw new UsageError(`unexpected ${a}`);
  }
  const ownerTag = option(args, '--owner-tag');
  const only = option(args, '--domain');
  for (const [flag, value] of [
    ['--owner-tag', ownerTag],
    ['--domain', only],
  ] as const) {
    if (value !== undefined && !args.includes('--untagged')) throw new UsageError(`${flag} goes with --untagged`);
  }
  if (ownerTag !== undefined && !isTagKey(ownerTag)) throw new UsageError(`--owner-tag ${TAG_KEY_RULE}, got "${ownerTag}"`);
  if (args.includes('--help')) {
    out(`${USAGE}\n`);
    return 0;
  }
  const stage = option(args, '--stage');
  const planFile = option(args, '--plan');
  if (stage && planFile) throw new UsageError('--stage and --plan exclude each other');
  const target = stage
    ? await stageTarget(stage, option(args, '--region'))
    : planFile
      ? { description: planFile, plan: planOrThrow(readFileSync(planFile, 'utf8'), planFile), local: false, localPeers: [] }
      : localTarget(env);
  if (target.local) {
    const down = await notListening(target);
    if (down.length === target.localPeers.length) {
      out(
        `studio-gate doctor: the local stack is not running (nothing listens on ${down.join(', ')}).\n` +
          'Start it with `npm start` (its ports: `npm start -- --help`), or check a deployed stage: npm run doctor -- --stage <stage>\n',
      );
      return 1;
    }
  }
  if (args.includes('--untagged')) {
    const all = inventoryDomains(target.plan, ownerTag);
    if (all.length === 0) throw new UsageError(`${target.description} names no Studio domain`);
    const domains = only === undefined ? all : all.filter((d) => d.domainId === only);
    if (domains.length === 0) {
      throw new UsageError(
        `--domain ${only} is not a domain of ${target.description} (${all.map((d) => d.domainId).join(', ')})`,
      );
    }
    const reports = await findUntaggedProfiles(
      domains,
      inventoryPortFor(
        { ...(target.sagemakerEndpointUrl && { sagemakerEndpointUrl: target.sagemakerEndpointUrl }) },
        target.local ? { credentials: LOCAL_CREDENTIALS } : {},
      ),
      { signal: AbortSignal.timeout(UNTAGGED_TIMEOUT_MS) },
    );
    out(
      args.includes('--json')
        ? `${JSON.stringify({ target: target.description, domains: reports }, null, 2)}\n`
        : renderUntagged(reports, target.description),
    );
    return reports.every((r) => r.readable && r.untagged.length === 0 && r.lookAlike.length === 0) ? 0 : 1;
  }
  const ports = healthPortsFor(
    {
      plan: target.plan,
      region: target.plan.region,
      ...(target.sagemakerEndpointUrl && { sagemakerEndpointUrl: target.sagemakerEndpointUrl }),
      ...(target.stsEndpointUrl && { stsEndpointUrl: target.stsEndpointUrl }),
    },
    { ...clients, ...(target.local && { credentials: LOCAL_CREDENTIALS }) },
  );
  const started = Date.now();
  const summary = await runHealth(target.plan, ports);
  const elapsed = Date.now() - started;
  if (args.includes('--json')) {
    out(
      `${JSON.stringify({ target: target.description, ...summary, checkedAt: new Date(summary.checkedAt).toISOString() }, null, 2)}\n`,
    );
  } else {
    out(renderTable(summary, target.description, elapsed));
  }
  return summary.healthy ? 0 : 1;
}

if (require.main === module) {
  doctor(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`studio-gate doctor: ${(error as Error).message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
      process.exitCode = 2;
    },
  );
}
