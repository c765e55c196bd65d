/**
 * Several domains in two accounts through one studio-gate (issue 17), through the real handler, the
 * real SageMaker and STS clients, against the emulator holding both demo domains and a local IAM:
 * the demo domain in studio-gate's own account (open to studio-users), the risk domain in another
 * account, issued through its issuer role (open to risk-analysts: grace alone).
 */
import { LOCAL_CREDENTIALS } from '../../scripts/local/credentials';
import { DEMO_DOMAIN_ID, DEMO_LABEL, RISK_DOMAIN_ID, RISK_LABEL, RISK_ROLE_ARN } from '../../scripts/local/demo-data';
import {
  type InProcessPipeline,
  severalDomainsEnv,
  startInProcessPipeline,
  studioUrlEvent,
} from '../../scripts/local/in-process';
import { captureOutput, leaksIn } from '../support/capture';

jest.setTimeout(60_000);

let p: InProcessPipeline;
/** A budget that makes the fault tests quick: 2 attempts of 300 + 300 ms, 50 ms backoff. */
let fast: InProcessPipeline;

beforeAll(async () => {
  p = await startInProcessPipeline((peers) => ({ ...severalDomainsEnv(peers), PROFILE_CACHE_TTL_SECONDS: '15' }));
  fast = await startInProcessPipeline((peers) => ({
    ...severalDomainsEnv(peers),
    PROFILE_CACHE_TTL_SECONDS: '0',
    SAGEMAKER_CONNECT_TIMEOUT_MS: '300',
    SAGEMAKER_REQUEST_TIMEOUT_MS: '300',
    SAGEMAKER_MAX_ATTEMPTS: '2',
    SAGEMAKER_BACKOFF_BASE_MS: '50',
    SAGEMAKER_BACKOFF_CAP_MS: '50',
  }));
});

afterAll(async () => {
  await Promise.all([p?.close(), fast?.close()]);
});

interface Audit {
  decision: string;
  reason: string;
  status: number;
  domainId?: string;
  userProfileName?: string;
}

async function ask(pipeline: InProcessPipeline, person: string, query: Record<string, string[]> = {}) {
  const { result, output } = await captureOutput(() =>
    pipeline.invoke(studioUrlEvent(pipeline.peers.issuer.tokenFor(person), query)),
  );
  const audit = output
    .split('\n')
    .filter((l) => l.includes('studio-url.audit'))
    .map((l) => JSON.parse(l).audit as Audit);
  return { status: result.statusCode, body: JSON.parse(result.body || '{}'), audit: audit.at(-1) as Audit, output };
}

/** What the presigned URL opens at the emulator (the session's domain, profile and the person who issued it). */
async function opened(pipeline: InProcessPipeline, url: string) {
  const token = new URL(url).searchParams.get('token') as string;
  const session = pipeline.peers.emulator.sessions.get(token);
  return { domainId: session?.domainId, userProfileName: session?.userProfileName, sourceIdentity: session?.sourceIdentity };
}

describe('choosing among several domains', () => {
  it('answers grace, entitled to both, with the choices (300): ids, labels and the URL to ask for each', async () => {
    const before = p.peers.emulator.iam?.calls.length;
    const { status, body, audit } = await ask(p, 'grace');
    expect(status).toBe(300);
    expect(body).toEqual({
      code: 'domain_choice_required',
      title: 'Choose a Studio domain',
      domains: [
        { id: DEMO_DOMAIN_ID, label: DEMO_LABEL, url: `/studio-url?domain=${DEMO_DOMAIN_ID}` },
        { id: RISK_DOMAIN_ID, label: RISK_LABEL, url: `/studio-url?domain=${RISK_DOMAIN_ID}` },
      ],
    });
    expect(audit).toMatchObject({ decision: 'allow', reason: 'domain-choice', status: 300 });
    expect(audit.domainId).toBeUndefined();
    // Nothing was asked of STS for a choice.
    expect(p.peers.emulator.iam?.calls.length).toBe(before);
  });

  it('carries the launch options into each choice, and nothing else', async () => {
    const { status, body } = await ask(p, 'grace', { landing: ['studio::'], redirect: ['true'] });
    expect(status).toBe(300);
    expect(body.domains.map((d: { url: string }) => d.url)).toEqual([
      `/studio-url?domain=${DEMO_DOMAIN_ID}&landing=studio%3A%3A&redirect=true`,
      `/studio-url?domain=${RISK_DOMAIN_ID}&landing=studio%3A%3A&redirect=true`,
    ]);
  });

  it('opens the demo domain for a person entitled to it alone, without asking', async () => {
    const { status, body, audit } = await ask(p, 'alice');
    expect(status).toBe(200);
    expect(body.domainId).toBe(DEMO_DOMAIN_ID);
    expect(audit).toMatchObject({ reason: 'issued', domainId: DEMO_DOMAIN_ID });
  });

  it('opens each domain grace chooses, her own profile there, the risk one through its issuer role naming her', async () => {
    const demo = await ask(p, 'grace', { domain: [DEMO_DOMAIN_ID] });
    expect(demo.status).toBe(200);
    await expect(opened(p, demo.body.url)).resolves.toEqual({
      domainId: DEMO_DOMAIN_ID,
      userProfileName: 'grace',
      // Tag-bound in studio-gate's own account too: through the demo domain's issuer role, naming her.
      sourceIdentity: 'grace@example.com',
    });
    const risk = await ask(p, 'grace', { domain: [RISK_DOMAIN_ID] });
    expect(risk.status).toBe(200);
    expect(risk.audit).toMatchObject({ reason: 'issued', domainId: RISK_DOMAIN_ID, userProfileName: 'grace' });
    await expect(opened(p, risk.body.url)).resolves.toEqual({
      domainId: RISK_DOMAIN_ID,
      userProfileName: 'grace',
      sourceIdentity: 'grace@example.com',
    });
    expect(p.peers.emulator.iam?.calls.filter((c) => c.roleArn === RISK_ROLE_ARN)).toContainEqual({
      roleArn: RISK_ROLE_ARN,
      callerAccessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      sourceIdentity: 'grace@example.com',
      sessionName: 'sg.grace@example.com',
      tags: [{ key: 'studio-gate:owner', value: 'grace@example.com' }],
      outcome: 'issued',
    });
  });

  it('reuses grace’s session and grant: a repeat request costs one SageMaker call and no STS call', async () => {
    await ask(p, 'grace', { domain: [RISK_DOMAIN_ID] });
    const assumed = p.peers.emulator.iam?.calls.length;
    p.peers.emulator.resetCalls();
    const again = await ask(p, 'grace', { domain: [RISK_DOMAIN_ID] });
    expect(again.status).toBe(200);
    expect(p.peers.emulator.iam?.calls.length).toBe(assumed);
    expect(p.peers.emulator.calls).toEqual({ CreatePresignedDomainUrl: 1 });
  });

  it('refuses a domain the caller is not entitled to and an unknown one with the same 403, telling them apart in the audit log', async () => {
    const before = p.peers.emulator.iam?.calls.length;
    p.peers.emulator.resetCalls();
    const notEntitled = await ask(p, 'alice', { domain: [RISK_DOMAIN_ID] });
    const unknown = await ask(p, 'alice', { domain: ['d-nosuchdomain'] });
    expect([notEntitled.status, unknown.status]).toEqual([403, 403]);
    expect(notEntitled.body).toEqual(unknown.body);
    expect([notEntitled.audit.reason, unknown.audit.reason]).toEqual(['domain-not-entitled', 'domain-unknown']);
    // Refused before any upstream call: no STS, no SageMaker.
    expect(p.peers.emulator.iam?.calls.length).toBe(before);
    expect(p.peers.emulator.calls).toEqual({});
  });

  it('refuses a malformed domain= as a bad parameter, and two of them', async () => {
    expect((await ask(p, 'grace', { domain: ['D-LOCALRISK'] })).body).toMatchObject({ status: 400, parameter: 'domain' });
    expect((await ask(p, 'grace', { domain: [RISK_DOMAIN_ID, DEMO_DOMAIN_ID] })).audit.reason).toBe('parameter-repeated');
  });

  it('checks a space in the chosen domain only', async () => {
    expect((await ask(p, 'grace', { domain: [RISK_DOMAIN_ID], space: ['grace-models'] })).status).toBe(200);
    // team-a is a space of the demo domain, not of the risk one.
    expect((await ask(p, 'grace', { domain: [RISK_DOMAIN_ID], space: ['team-a'] })).status).toBe(404);
  });

  it('opens, in the risk domain, only the caller’s own profile: alice’s profile there is never reachable', async () => {
    // alice has a profile in the risk domain, but no entitlement to it.
    const { status, audit } = await ask(p, 'alice', { domain: [RISK_DOMAIN_ID] });
    expect(status).toBe(403);
    expect(audit.userProfileName).toBe('alice');
    expect(audit.domainId).toBeUndefined();
  });

  it('writes no session credential to the log', async () => {
    const { output } = await ask(p, 'grace', { domain: [RISK_DOMAIN_ID] });
    expect(output).not.toMatch(/ASIA[0-9A-F]{16}/);
    expect(leaksIn(output, [])).toEqual([]);
  });
});

describe('AssumeRole faults, within the budget', () => {
  afterEach(() => fast.peers.emulator.clearFaults());

  it.each([
    ['throttle', 2, 503, 'sts-throttled:400'],
    ['error', 2, 502, 'sts-server-error:500'],
    ['reset', 2, 503, 'sts-unavailable'],
    ['stall-body', 2, 504, 'sts-timeout'],
    ['malformed', 1, 502, 'sts-malformed-answer:200'],
  ] as const)('answers an AssumeRole %s (%s times) with %s', async (fault, times, status, reason) => {
    fast.peers.emulator.injectFault({ operation: 'AssumeRole', fault, times });
    const started = Date.now();
    const answer = await ask(fast, 'grace', { domain: [RISK_DOMAIN_ID] });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(answer.status).toBe(status);
    expect(answer.audit).toMatchObject({
      reason: expect.stringMatching(new RegExp(`^${reason.split(':')[0]}`)),
      domainId: RISK_DOMAIN_ID,
    });
    // No SageMaker call is made without the session.
    expect(answer.output).not.toContain('"reason":"issued"');
  });

  it('answers a role that does not trust studio-gate with 502 sts-access-denied (a deployment fault, named in the audit log)', async () => {
    const untrusted = await startInProcessPipeline((peers) => ({
      ...severalDomainsEnv(peers),
      STUDIO_DOMAINS: JSON.stringify(
        (JSON.parse(severalDomainsEnv(peers).STUDIO_DOMAINS as string) as { role?: string }[]).map((d) =>
          d.role ? { ...d, role: d.role.replace('studio-gate-issuer', 'someone-elses-role') } : d,
        ),
      ),
    }));
    try {
      const answer = await ask(untrusted, 'grace', { domain: [RISK_DOMAIN_ID] });
      expect(answer.status).toBe(502);
      expect(answer.audit.reason).toBe('sts-access-denied:403');
      expect(untrusted.peers.emulator.iam?.calls.at(-1)?.outcome).toBe('AccessDenied');
    } finally {
      await untrusted.close();
    }
  });
});
