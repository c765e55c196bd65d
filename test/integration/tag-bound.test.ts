/**
 * IAM holds the door (docs/iam-guardrails.md): every URL is issued through the domain's issuer role,
 * in a session tagged with the person's canonical identity, and the emulated IAM lets that session
 * act only on profiles whose owner tag equals it. Proven through the real handler and the real
 * SageMaker and STS clients against the emulator: with studio-gate's own owner check switched off
 * and a PROFILE_MAP that sends alice to erin's profile, IAM still refuses; the opt-out (direct) does
 * not, which is exactly what it gives up.
 */
import { DEMO_ROLE_ARN } from '../../scripts/local/demo-data';
import { DIRECT_ISSUANCE, type InProcessPipeline, startInProcessPipeline, studioUrlEvent } from '../../scripts/local/in-process';
import { captureOutput } from '../support/capture';

jest.setTimeout(60_000);

/** studio-gate's own defences taken out of the way: alice → erin's profile, no owner check. */
const MISMAPPED = {
  PROFILE_MAP: JSON.stringify({ 'alice@example.com': 'erin' }),
  PROFILE_OWNER_CHECK: 'off',
  PROFILE_CACHE_TTL_SECONDS: '0',
};

let bound: InProcessPipeline;
let direct: InProcessPipeline;
let honest: InProcessPipeline;

beforeAll(async () => {
  [bound, direct, honest] = await Promise.all([
    startInProcessPipeline(MISMAPPED),
    startInProcessPipeline({ ...MISMAPPED, ...DIRECT_ISSUANCE }),
    startInProcessPipeline({ PROFILE_CACHE_TTL_SECONDS: '0' }),
  ]);
});

afterAll(async () => {
  await Promise.all([bound?.close(), direct?.close(), honest?.close()]);
});

async function ask(pipeline: InProcessPipeline, person: string) {
  const { result, output } = await captureOutput(() =>
    pipeline.invoke(studioUrlEvent(pipeline.peers.issuer.tokenFor(person), {})),
  );
  const audit = output
    .split('\n')
    .filter((l) => l.includes('studio-url.audit'))
    .map((l) => JSON.parse(l).audit as { decision: string; reason: string; userProfileName?: string });
  return { status: result.statusCode, body: JSON.parse(result.body || '{}'), audit: audit.at(-1), output };
}

/** The tags of the AssumeRole calls the local STS saw for `person`. */
function sessionTagsFor(pipeline: InProcessPipeline, person: string) {
  return pipeline.peers.emulator.iam?.calls
    .filter((c) => c.roleArn === DEMO_ROLE_ARN && c.tags?.some((t) => t.value === person))
    .map((c) => ({ tags: c.tags, sourceIdentity: c.sourceIdentity, outcome: c.outcome }));
}

describe('tag-bound issuance', () => {
  it('issues alice her own URL through the issuer role, in a session tagged with her and nothing else', async () => {
    const answer = await ask(honest, 'alice');
    expect(answer.status).toBe(200);
    const token = new URL(answer.body.url).searchParams.get('token') as string;
    expect(honest.peers.emulator.sessions.get(token)).toEqual(
      expect.objectContaining({ userProfileName: 'alice', sourceIdentity: 'alice@example.com' }),
    );
    expect(sessionTagsFor(honest, 'alice@example.com')).toEqual([
      {
        tags: [{ key: 'studio-gate:owner', value: 'alice@example.com' }],
        sourceIdentity: 'alice@example.com',
        outcome: 'issued',
      },
    ]);
  });

  it('is refused by IAM when studio-gate’s own checks are out of the way: alice mapped to erin’s profile, owner check off', async () => {
    const answer = await ask(bound, 'alice');
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual(expect.objectContaining({ status: 403, code: 'forbidden' }));
    expect(answer.audit).toEqual(
      expect.objectContaining({ decision: 'deny', reason: 'issuer-role-refused', userProfileName: 'erin' }),
    );
    // No URL was minted for erin's profile.
    expect([...bound.peers.emulator.sessions.values()].filter((s) => s.userProfileName === 'erin')).toEqual([]);
  });

  it('shows what the opt-out gives up: with direct issuance the same mistake opens erin’s Studio to alice', async () => {
    const answer = await ask(direct, 'alice');
    expect(answer.status).toBe(200);
    const token = new URL(answer.body.url).searchParams.get('token') as string;
    expect(direct.peers.emulator.sessions.get(token)?.userProfileName).toBe('erin');
  });

  it('still issues erin her own URL on the mis-mapped stage: the binding refuses only what is not hers', async () => {
    const answer = await ask(bound, 'erin');
    expect(answer.status).toBe(200);
    const token = new URL(answer.body.url).searchParams.get('token') as string;
    expect(bound.peers.emulator.sessions.get(token)?.userProfileName).toBe('erin');
  });

  it('never writes a session tag’s credentials or the URL to the log', async () => {
    const answer = await ask(honest, 'erin');
    expect(answer.status).toBe(200);
    expect(answer.output).not.toContain(answer.body.url);
    expect(answer.output).not.toMatch(/ASIA[0-9A-F]{16}/);
  });
});
