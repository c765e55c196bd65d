/**
 * The local DynamoDB: dynalite (a DynamoDB-protocol server, in memory) on 127.0.0.1, with the
 * service's table created as the deployment creates it (string keys pk/sk; the SDK's client makes it).
 * The functions reach it with their own DynamoDB client (src/adapters/dynamo-client.ts), pointed here
 * by AWS_ENDPOINT_URL_DYNAMODB.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SERVICE_TABLE_KEYS } from '../../src/domain/service-table';
import { LOCAL_CREDENTIALS } from './credentials';

/** The local stage's table: `${service}-${stage}` (src/infrastructure/deployment.ts). */
export const LOCAL_TABLE_NAME = 'studio-gate-local';

export interface LocalDynamo {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export { LOCAL_CREDENTIALS };

export async function startLocalDynamo(options: { port: number; tableName?: string }): Promise<LocalDynamo> {
  // dynalite is CommonJS with no types; required here so only the local stack loads it.
  const dynalite = require('dynalite') as (o: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  try {
    const client = new DynamoDBClient({ region: 'eu-west-1', endpoint: url, credentials: LOCAL_CREDENTIALS });
    await client.send(
      new CreateTableCommand({
        TableName: options.tableName ?? LOCAL_TABLE_NAME,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...SERVICE_TABLE_KEYS.AttributeDefinitions],
        KeySchema: [...SERVICE_TABLE_KEYS.KeySchema],
      }),
    );
    client.destroy();
  } catch (error) {
    await close();
    throw error;
  }
  return { url, port, close };
}
