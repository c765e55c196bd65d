/**
 * GET /health's read of the stored summary: any failure of the table (unreachable, throttled, no
 * credentials in the function's environment) is the documented 503, never a 500.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoHealthStore } from '../../../src/adapters/health-store';
import { UpstreamUnavailableError } from '../../../src/domain/errors';
import { sdkDynamoApi } from '../../support/sdk-clients';

const dynamo = mockClient(DynamoDBClient);

afterEach(() => dynamo.reset());

it.each([
  [
    'no credentials',
    Object.assign(new Error('Unable to find environment variable credentials.'), { name: 'CredentialsProviderError' }),
  ],
  ['throttling', Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' })],
  ['an unreachable endpoint', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
])('answers %s as the table being unavailable', async (_what, error) => {
  dynamo.on(GetItemCommand).rejects(error);
  const store = new DynamoHealthStore(sdkDynamoApi(), 'studio-gate-test');
  await expect(store.latest()).rejects.toEqual(expect.any(UpstreamUnavailableError));
  await expect(store.latest()).rejects.toMatchObject({ reason: 'health-store-unavailable' });
});
