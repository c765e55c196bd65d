/**
 * studio-gate's own EC2, SSM and DynamoDB calls (the Ec2Api, SsmApi and DynamoApi of src/adapters)
 * answered by the SDK's clients, so that unit tests can drive them with aws-sdk-client-mock.
 * That the own clients send and read what the SDK's do is test/faults/*-upstream.test.ts's job.
 */

import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConditionFailedError, type DynamoApi, type ReadItem } from '../../src/adapters/dynamo-client';
import type { Ec2Api } from '../../src/adapters/ec2-client';
import type { SsmApi } from '../../src/adapters/ssm-secrets';

export function sdkEc2Api(client: EC2Client = new EC2Client({ region: 'eu-west-1' })): Ec2Api {
  return {
    describeVpcEndpoints: (input, signal) =>
      client.send(
        new DescribeVpcEndpointsCommand({
          ...input,
          Filters: input.Filters.map((f) => ({ Name: f.Name, Values: [...f.Values] })),
        }),
        {
          abortSignal: signal,
        },
      ),
    describeSecurityGroups: (input, signal) =>
      client.send(new DescribeSecurityGroupsCommand({ GroupIds: [...input.GroupIds] }), { abortSignal: signal }),
    describeVpcs: (input, signal) => client.send(new DescribeVpcsCommand({ VpcIds: [...input.VpcIds] }), { abortSignal: signal }),
  };
}

export function sdkSsmApi(client: SSMClient = new SSMClient({ region: 'eu-west-1' })): SsmApi {
  return {
    getParameters: (input, signal) =>
      client.send(new GetParametersCommand({ Names: [...input.Names], WithDecryption: input.WithDecryption }), {
        abortSignal: signal,
      }),
  };
}

export function sdkDynamoApi(client: DynamoDBClient = new DynamoDBClient({ region: 'eu-west-1' })): DynamoApi {
  return {
    putItem: async (input, signal) => {
      try {
        await client.send(new PutItemCommand(structuredClone(input) as never), { abortSignal: signal });
      } catch (error) {
        const item = (error as { Item?: ReadItem }).Item;
        throw (error as Error).name === 'ConditionalCheckFailedException' ? new ConditionFailedError(item) : error;
      }
    },
    getItem: async (input, signal) => {
      const out = await client.send(new GetItemCommand(structuredClone(input) as never), { abortSignal: signal });
      return out.Item === undefined ? {} : { Item: out.Item as ReadItem };
    },
  };
}
