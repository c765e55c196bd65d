/**
 * The role of each function: its own log group, its VPC network interfaces (only in our VPC and
 * subnets, with its own security group), and the statements of what that function does. One role
 * per function, so each holds only its own permissions.
 */
import type { PolicyStatement } from '../policies/policy-types';
import type { DeploymentParams } from './params';

/** The role of one function: logs for its own log group, its VPC network interfaces, and `statements`. */
export function functionRole(
  params: Pick<DeploymentParams, 'service' | 'stage' | 'vpcId' | 'subnetIds'>,
  functionName: string,
  statements: PolicyStatement[],
): unknown {
  const ec2 = 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}';
  const vpcArn = `${ec2}:vpc/${params.vpcId}`;
  const base: PolicyStatement[] = [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${params.service}-${params.stage}-${functionName}:*`,
    },
    {
      // ec2:Describe* has no resource-level permissions; this is the only Resource "*".
      Sid: 'DescribeNetworkInterfaces',
      Effect: 'Allow',
      Action: 'ec2:DescribeNetworkInterfaces',
      Resource: '*',
    },
    {
      // Lambda creates the function's network interfaces with this role: only in our VPC, in the
      // configured subnets, with the function's own security group (ec2:Vpc and ec2:Subnet are the
      // condition keys EC2 supports on these resources).
      Sid: 'CreateNetworkInterfacesInOurSubnets',
      Effect: 'Allow',
      Action: 'ec2:CreateNetworkInterface',
      Resource: [
        `${ec2}:network-interface/*`,
        ...params.subnetIds.map((subnet) => `${ec2}:subnet/${subnet}`),
        `${ec2}:security-group/\${LambdaSecurityGroupId}`,
      ],
      Condition: { ArnEquals: { 'ec2:Vpc': vpcArn } },
    },
    {
      Sid: 'ManageNetworkInterfacesInOurSubnets',
      Effect: 'Allow',
      Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Resource: `${ec2}:network-interface/*`,
      Condition: {
        ArnEquals: { 'ec2:Vpc': vpcArn, 'ec2:Subnet': params.subnetIds.map((subnet) => `${ec2}:subnet/${subnet}`) },
      },
    },
  ];
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `studio-gate ${functionName} function (least privilege)`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: `${functionName}-least-privilege`,
          PolicyDocument: { Version: '2012-10-17', Statement: [...base, ...statements] },
        },
      ],
    },
  };
}
