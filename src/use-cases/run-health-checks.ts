/**
 * Runs a health plan: builds one check per thing the plan names, runs them all at once, each under
 * its own time limit (a hung check fails alone and delays nobody), and summarizes. The scheduled
 * function then stores the summary, publishes its metrics and writes one result line
 * ({@link recordHealth}); the doctor prints it.
 */

import { ProfileNotFoundError, plainErrorName, StudioGateError } from '../domain/errors';
import { type CheckOutcome, type CheckResult, fail, type HealthSummary, summarize } from '../domain/health/check';
import { checkPrivateResolution, outsideRanges } from '../domain/health/dns';
import { checkEndpoint, type EndpointFacts, endpointFor } from '../domain/health/endpoints';
import type { CanaryPlan, DomainPlan, HealthPlan } from '../domain/health/plan';
import { checkApiHealth, checkJwks, checkPort } from '../domain/health/probes';
import { checkIngress } from '../domain/health/security-groups';
import {
  bindingUnprobed,
  type CanaryFacts,
  checkAssumeRole,
  checkBinding,
  checkCanary,
  checkDomain,
} from '../domain/health/studio';
import { checkTls } from '../domain/health/tls';
import { type CidrBlock, parseCidr } from '../domain/network-source';
import { HEALTH_SOURCE_IDENTITY } from '../domain/role-session';
import type {
  DnsPort,
  DomainHealthPort,
  HealthLog,
  HealthMetrics,
  HealthStore,
  NetworkPort,
  ProbePort,
  StudioHealthPort,
  TlsPort,
} from './health-ports';
import type { Clock } from './ports';

/** Addresses of one name a TLS check connects to, at most. */
export const MAX_TLS_ADDRESSES = 8;

/** One check: a name and a run that honours the abort signal. */
export interface HealthCheck {
  readonly name: string;
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

/** The adapters a plan may need; a plan naming a part without its port is a wiring error. */
export interface HealthPorts {
  readonly network?: NetworkPort;
  readonly dns: DnsPort;
  readonly tls: TlsPort;
  readonly studio?: StudioHealthPort;
  /** Several domains (plan.domains). */
  readonly domains?: DomainHealthPort;
  readonly probes?: ProbePort;
}

/** A promise's outcome, without throwing. */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A domain check that could not run because its issuer role could not be assumed (that check says why). */
class IssuerRoleUnavailable extends StudioGateError {
  override readonly name: string = 'IssuerRoleUnavailable';
  constructor() {
    super('issuer-role-unavailable');
  }
}

/** Shares one call among the checks that need it, started on first use. */
function shared<T>(call: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= call();
    return promise;
  };
}

function requirePort<T>(port: T | undefined, what: string): T {
  if (port === undefined) throw new Error(`the health plan needs the ${what} port`);
  return port;
}

/** The checks of a plan, in a stable order; `runSignal` bounds the calls several checks share. */
export function checksFor(plan: HealthPlan, ports: HealthPorts, runSignal: AbortSignal): HealthCheck[] {
  const checks: HealthCheck[] = [];
  const { network } = plan;
  const timeoutMs = plan.checkTimeoutMs;

  const vpcRanges = shared(async (): Promise<CidrBlock[]> => {
    const texts =
      plan.dns.privateRanges.length > 0
        ? plan.dns.privateRanges
        : await requirePort(ports.network, 'network').describeVpcCidrs(network?.vpcId ?? '', { signal: runSignal });
    return texts.map(parseCidr).filter((b): b is CidrBlock => typeof b !== 'string');
  });

  if (network !== undefined) {
    const ec2 = requirePort(ports.network, 'network');
    const endpoints = shared(() =>
      ec2.describeVpcEndpoints(
        { vpcId: network.vpcId, serviceNames: network.endpoints.map((e) => e.serviceName) },
        { signal: runSignal },
      ),
    );
    const groupsOf = async (found: EndpointFacts | undefined) =>
      found === undefined || found.securityGroupIds.length === 0
        ? []
        : ec2.describeSecurityGroups(found.securityGroupIds, { signal: runSignal });
    for (const expect of network.endpoints) {
      checks.push({ name: `endpoint.${expect.name}`, run: async () => checkEndpoint(expect, await endpoints()) });
      checks.push({
        name: `security-group.${expect.name}`,
        run: async () => {
          const found = endpointFor(expect, await endpoints());
          if (found === undefined) return fail(`the ${expect.name} endpoint does not exist`, `fix endpoint.${expect.name} first`);
          const [groups, ranges] = await Promise.all([groupsOf(found), vpcRanges().catch(() => [])]);
          return checkIngress(
            { endpointName: expect.name, fromGroups: expect.ingressFromGroups, fromCidrs: expect.ingressFromCidrs },
            found.securityGroupIds,
            groups,
            ranges.map((b) => b.text),
          );
        },
      });
    }
  }

  const bounds = { servers: plan.dns.servers, timeoutMs: Math.max(50, timeoutMs - 50) };
  for (const { name, host, tls } of plan.dns.names) {
    // One query per name and run: the TLS check connects to the addresses the DNS check judged.
    const resolved = shared(() => ports.dns.resolve(host, bounds, { signal: runSignal }));
    checks.push({
      name: `dns.${name}`,
      run: async () => {
        const [answer, ranges] = await Promise.all([resolved(), vpcRanges()]);
        return checkPrivateResolution(host, answer, ranges);
      },
    });
    if (!tls) continue;
    checks.push({
      name: `tls.${name}`,
      run: async (signal) => {
        const [answer, ranges] = await Promise.all([resolved(), vpcRanges()]);
        if (answer.kind !== 'addresses') return fail(`${host} does not resolve (${answer.kind})`, `fix dns.${name} first`);
        // Only the addresses the DNS check judged private are dialled: an answer outside the ranges
        // (a public address, or this machine's loopback where a Lambda's Runtime API listens) gets no
        // connection at all.
        if (outsideRanges(answer.addresses, ranges).length > 0) {
          return fail(`${host} resolves outside the private ranges: no handshake tried`, `fix dns.${name} first`);
        }
        // A resolver answers an endpoint with one address per AZ; more than a few is not an endpoint,
        // and is not worth a connection each.
        const handshakes = await Promise.all(
          answer.addresses
            .slice(0, MAX_TLS_ADDRESSES)
            .map((address) =>
              ports.tls.handshake({ address, port: plan.tlsPort, servername: host, timeoutMs: bounds.timeoutMs }, { signal }),
            ),
        );
        return checkTls(host, handshakes);
      },
    });
  }

  const studioChecks = (
    suffix: string,
    domainId: string,
    canary: CanaryPlan | undefined,
    studio: () => Promise<StudioHealthPort>,
  ) => {
    checks.push({
      name: `domain${suffix}`,
      run: async (signal) => checkDomain(domainId, await (await studio()).describeDomain(domainId, { signal })),
    });
    if (canary === undefined) return;
    checks.push({
      name: `canary${suffix}`,
      run: async (signal) => {
        const port = await studio();
        let facts: CanaryFacts | undefined;
        try {
          const profile = await port.describeUserProfile({ domainId, userProfileName: canary.profileName }, { signal });
          const tags =
            canary.owner && profile.arn
              ? await port.listTags({ resourceArn: profile.arn, userProfileName: canary.profileName }, { signal })
              : [];
          facts = { ...(profile.status !== undefined && { status: profile.status }), tags };
        } catch (error) {
          if (!(error instanceof ProfileNotFoundError)) throw error;
        }
        return checkCanary(canary.profileName, facts, canary.owner);
      },
    });
  };

  /** The negative probe: a second issuer-role session, tagged as nobody, must be refused the canary (read-only). */
  const bindingCheck = (suffix: string, domain: DomainPlan, role: string, canary: CanaryPlan, directory: DomainHealthPort) => {
    const stranger = shared(() => directory.studioFor(domain, { signal: runSignal }, HEALTH_SOURCE_IDENTITY));
    checks.push({
      name: `binding${suffix}`,
      run: async (signal) => {
        let probe: StudioHealthPort;
        try {
          probe = await stranger();
        } catch (error) {
          return bindingUnprobed(role, error);
        }
        const read = probe.describeUserProfile({ domainId: domain.domainId, userProfileName: canary.profileName }, { signal });
        return checkBinding(role, canary.profileName, await settle(read));
      },
    });
  };

  if (plan.studio !== undefined) {
    const studio = requirePort(ports.studio, 'studio');
    studioChecks('', plan.studio.domainId, plan.studio.canary, async () => studio);
    const { binding, canary, domainId } = plan.studio;
    if (binding !== undefined && canary !== undefined) {
      // One domain, tag-bound: its reads use the function's own role; the probe a session of the issuer role.
      const domain = { domainId, region: plan.region, ...binding, canary };
      bindingCheck('', domain, binding.issuerRoleArn, canary, requirePort(ports.domains, 'domains'));
    }
  }

  for (const domain of plan.domains ?? []) {
    const directory = requirePort(ports.domains, 'domains');
    // One session (or client) per domain and run, shared by its checks; a failed AssumeRole is its own check.
    const port = shared(() => directory.studioFor(domain, { signal: runSignal }));
    const role = domain.issuerRoleArn;
    if (role !== undefined) {
      checks.push({ name: `assume-role.${domain.domainId}`, run: async () => checkAssumeRole(role, await settle(port())) });
    }
    studioChecks(`.${domain.domainId}`, domain.domainId, domain.canary, async () => {
      try {
        return await port();
      } catch (error) {
        throw role === undefined ? error : new IssuerRoleUnavailable();
      }
    });
    const canary = domain.canary;
    if (role !== undefined && domain.ownerTagKey !== undefined && canary?.owner !== undefined) {
      bindingCheck(`.${domain.domainId}`, domain, role, canary, directory);
    }
  }

  if (plan.probes !== undefined) {
    const probes = requirePort(ports.probes, 'probes');
    for (const p of plan.probes.ports) {
      checks.push({
        name: `port.${p.name}`,
        run: async (signal) =>
          checkPort(p.label, `${p.host}:${p.port}`, await probes.tcp(p.host, p.port, bounds.timeoutMs, { signal })),
      });
    }
    const { jwksUrl, apiHealthUrl } = plan.probes;
    if (jwksUrl !== undefined) {
      checks.push({
        name: 'jwks',
        run: async (signal) => checkJwks(jwksUrl, await probes.httpGet(jwksUrl, bounds.timeoutMs, { signal })),
      });
    }
    if (apiHealthUrl !== undefined) {
      checks.push({
        name: 'api-health',
        run: async (signal) => checkApiHealth(apiHealthUrl, await probes.httpGet(apiHealthUrl, bounds.timeoutMs, { signal })),
      });
    }
  }
  return checks;
}

/**
 * Runs every check at once. A check that throws fails with the error's name; one that outlives
 * `timeoutMs` fails as timed out (its signal is aborted) while the others go on.
 */
export async function runChecks(
  checks: readonly HealthCheck[],
  timeoutMs: number,
  clock: Clock = Date.now,
): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const started = clock();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<CheckOutcome>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve(
            fail(
              `did not finish within ${timeoutMs} ms`,
              'the service behind this check is hung or unreachable: see its own fix when it answers',
            ),
          );
        }, timeoutMs);
      });
      const outcome = await Promise.race([
        check
          .run(controller.signal)
          .catch((error: unknown) =>
            fail(
              `the check could not run (${error instanceof StudioGateError ? error.reason : plainErrorName(error, 'unknown error')})`,
              'check the function role and the network path to the AWS API',
            ),
          ),
        timedOut,
      ]);
      clearTimeout(timer);
      controller.abort();
      return { name: check.name, ...outcome, durationMs: clock() - started };
    }),
  );
}

/** Runs a whole plan into a summary. */
export async function runHealth(plan: HealthPlan, ports: HealthPorts, clock: Clock = Date.now): Promise<HealthSummary> {
  const checkedAt = clock();
  const run = new AbortController();
  try {
    const results = await runChecks(checksFor(plan, ports, run.signal), plan.checkTimeoutMs, clock);
    return summarize(results, checkedAt);
  } finally {
    run.abort();
  }
}

/**
 * What the scheduled function does with a summary: one result line, the metrics, and the stored
 * copy GET /health reads. Metrics and the line are written even when storing fails; the failure is
 * then thrown, so the invocation counts as an error.
 */
export async function recordHealth(
  summary: HealthSummary,
  deps: { readonly store: HealthStore; readonly metrics: HealthMetrics; readonly log: HealthLog },
): Promise<void> {
  deps.log.healthResult(summary);
  deps.metrics.publishHealth(summary);
  await deps.store.save(summary);
}
