/**
 * The health checks' EC2 reads (src/adapters/ec2-client.ts's Ec2Api) answered by the SDK's
 * EC2Client, so that unit tests can drive them with aws-sdk-client-mock. That studio-gate's own
 * client sends and reads what the SDK's does is test/faults/ec2-upstream.test.ts's job.
 */
import { DescribeSecurityGroupsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2Api } from '../../src/adapters/ec2-client';

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
