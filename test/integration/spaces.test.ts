/**
 * `space=`: a space must exist (404 `space_not_found`) and, when private, belong to the caller's
 * profile (403, audit `space-not-owned`); shared spaces open for anyone of the domain. Through the
 * real handler and SDK against the emulator (demo spaces: alice-notebooks private to alice,
 * bob-notebooks private to bob, team-a shared), in both call modes, with the grant cache on so
 * a repeat caller is checked too, and DescribeSpace in parallel (one round trip in parallel mode).
 */
import { type InProcessPipeline, startInProcessPipeline, studioUrlEvent } from '../../scripts/local/in-process';
import { captureOutput } from '../support/capture';

jest.setTimeout(60_000);

const pipelines: Record<string, InProcessPipeline> = {};

beforeAll(async () => {
  pipelines.parallel = await startInProcessPipeline({ SAGEMAKER_CALL_MODE: 'parallel', PROFILE_CACHE_TTL_SECONDS: '15' });
  pipelines.sequential = await startInProcessPipeline({ SAGEMAKER_CALL_MODE: 'sequential', PROFILE_CACHE_TTL_SECONDS: '15' });
});

afterAll(async () => {
  await Promise.all(Object.values(pipelines).map((p) => p.close()));
});

async function ask(p: InProcessPipeline, person: string, space: string) {
  const { result, output } = await captureOutput(() =>
    p.invoke(studioUrlEvent(p.peers.issuer.tokenFor(person), { space: [space] })),
  );
  const audit = output
    .split('\n')
    .filter((l) => l.includes('studio-url.audit'))
    .map((l) => JSON.parse(l).audit as { reason: string });
  return { status: result.statusCode, body: JSON.parse(result.body), reason: audit.at(-1)?.reason };
}

describe.each(['parallel', 'sequential'])('space= in the %s mode', (mode) => {
  it.each([
    ['alice', 'alice-notebooks', 200, 'issued'],
    ['alice', 'team-a', 200, 'issued'],
    ['alice', 'bob-notebooks', 403, 'space-not-owned'],
    ['alice', 'no-such-space', 404, 'space-not-found'],
    ['erin', 'alice-notebooks', 403, 'space-not-owned'],
    ['erin', 'team-a', 200, 'issued'],
  ])('%s asking for %s gets %s', async (person, space, status, reason) => {
    const p = pipelines[mode] as InProcessPipeline;
    // Twice: the second time the profile's grant is cached, and the space is still checked.
    for (let round = 0; round < 2; round++) {
      const answer = await ask(p, person, space);
      expect([answer.status, answer.reason]).toEqual([status, reason]);
      if (status === 200) {
        const studio = await fetch(answer.body.url, { headers: { Accept: 'application/json' } });
        expect(await studio.json()).toMatchObject({ userProfileName: person, spaceName: space });
      } else {
        expect(answer.body.url).toBeUndefined();
        expect(answer.body.code).toBe(status === 404 ? 'space_not_found' : 'forbidden');
      }
    }
  });
});

it('asks DescribeSpace in parallel with the other calls: a refused private space is refused after one round trip', async () => {
  const p = pipelines.parallel as InProcessPipeline;
  p.peers.emulator.resetCalls();
  await ask(p, 'erin', 'bob-notebooks');
  expect(p.peers.emulator.calls).toMatchObject({ DescribeSpace: 1 });
});
