/**
 * Permissions of the health functions and the DynamoDB endpoint's policy. The scheduled run reads
 * the network (EC2 Describe* have no resource-level permissions: "*" is the narrowest there is),
 * the domain and the canary profile, and writes one item of the table; GET /health reads that item.
 * Both are held to the health item's key with dynamodb:LeadingKeys.
 */
import { domainArn, userProfileArn } from '../domain/arns';
import { HEALTH_ITEM_KEY } from '../domain/service-table';
import { type DeploymentFacts, type PolicyDocument, type PolicyStatement, policyDocument } from './policy-types';

/** The service table's ARN; `${ServiceTableName}` is filled in by the deployment. */
export const SERVICE_TABLE_ARN = 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ServiceTableName}';

const onlyHealthItem = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEALTH_ITEM_KEY.pk] } };

export function healthCheckFunctionStatements(f: DeploymentFacts, canaryProfile?: string): PolicyStatement[] {
  const viaApiEndpoint = { StringEquals: { 'aws:SourceVpce': f.sagemakerApiVpceId } };
  return [
    {
      Sid: 'ReadTheNetwork',
      Effect: 'Allow',
      Action: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
      Resource: '*',
    },
    {
      Sid: 'DescribeStudioDomain',
      Effect: 'Allow',
      Action: 'sagemaker:DescribeDomain',
      Resource: domainArn(f),
      Condition: viaApiEndpoint,
    },
    ...(canaryProfile === undefined
      ? []
      : [
          {
            Sid: 'ReadTheCanaryProfile',
            Effect: 'Allow' as const,
            Action: ['sagemaker:DescribeUserProfile', 'sagemaker:ListTags'],
            Resource: userProfileArn(f, canaryProfile),
            Condition: viaApiEndpoint,
          },
        ]),
    {
      Sid: 'WriteTheHealthItem',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: SERVICE_TABLE_ARN,
      Condition: onlyHealthItem,
    },
  ];
}

export function healthEndpointFunctionStatements(): PolicyStatement[] {
  return [
    {
      Sid: 'ReadTheHealthItem',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: SERVICE_TABLE_ARN,
      Condition: onlyHealthItem,
    },
  ];
}

/** The DynamoDB interface endpoint lets this account's principals use our table and nothing else. */
export function dynamoDbEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  return policyDocument([
    {
      Sid: 'OnlyTheServiceTable',
      Effect: 'Allow',
      Principal: '*',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
      Resource: SERVICE_TABLE_ARN,
      Condition: { StringEquals: { 'aws:PrincipalAccount': f.accountId } },
    },
  ]);
}
