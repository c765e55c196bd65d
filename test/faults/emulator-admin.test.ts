/** The emulator's fault admin API over HTTP: what tests and the load script drive. */
import { DEMO_DOMAIN_ID, DEMO_REGION, demoProfiles } from '../../scripts/local/demo-data';
import { type SageMakerEmulator, startSageMakerEmulator } from '../../scripts/local/sagemaker-emulator';

let emulator: SageMakerEmulator;

beforeAll(async () => {
  emulator = await startSageMakerEmulator({ domainId: DEMO_DOMAIN_ID, region: DEMO_REGION, profiles: demoProfiles() });
});
afterAll(() => emulator.close());

const post = (body: unknown) =>
  fetch(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
const call = (op: string, body: unknown) =>
  fetch(emulator.url, {
    method: 'POST',
    headers: { 'X-Amz-Target': `SageMaker.${op}`, 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });

describe('POST /__emulator/faults', () => {
  it('injects a throttle that answers like AWS, then clears with DELETE', async () => {
    expect((await post({ operation: 'DescribeUserProfile', fault: 'throttle', times: 2 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const response = await call('DescribeUserProfile', { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ __type: 'ThrottlingException', Message: 'Rate exceeded' });
    }
    expect((await call('DescribeUserProfile', { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' })).status).toBe(200);
    await post({ operation: '*', fault: 'error', times: 5 });
    expect((await fetch(`${emulator.url}/__emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await call('DescribeUserProfile', { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' })).status).toBe(200);
  });

  it('answers an error fault with a 500 InternalFailure and a malformed one with invalid JSON', async () => {
    await post({ operation: '*', fault: 'error' });
    const error = await call('DescribeUserProfile', { DomainId: DEMO_DOMAIN_ID, UserProfileName: 'alice' });
    expect([error.status, ((await error.json()) as { __type: string }).__type]).toEqual([500, 'InternalFailure']);
    await post({ operation: 'ListUserProfiles', fault: 'malformed' });
    const malformed = await call('ListUserProfiles', {});
    await expect(malformed.json()).rejects.toThrow();
  });

  it('drops the connection on reset', async () => {
    await post({ operation: 'DescribeDomain', fault: 'reset' });
    await expect(call('DescribeDomain', { DomainId: DEMO_DOMAIN_ID })).rejects.toThrow();
  });

  it.each([
    [{ operation: 'DeleteDomain', fault: 'throttle' }, 'operation must be'],
    [{ operation: '*', fault: 'meteor' }, 'fault must be one of'],
    [{ operation: '*', fault: 'latency', latencyMs: 600000 }, 'latencyMs must be'],
    [{ operation: '*', fault: 'error', times: 0 }, 'times must be'],
  ])('refuses %j', async (body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { Message: string }).Message).toContain(message);
  });

  it('counts calls per operation', async () => {
    emulator.resetCalls();
    await call('DescribeDomain', { DomainId: DEMO_DOMAIN_ID });
    const response = await fetch(`${emulator.url}/__emulator/calls`);
    expect(await response.json()).toEqual({ calls: { DescribeDomain: 1 } });
  });
});
