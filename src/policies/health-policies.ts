/**
 * Permissions of the health functions and the DynamoDB endpoint's policy. The scheduled run reads
 * the network (EC2 Describe* have no resource-level permissions: "*" is the narrowest there is),
 * the domain and the canary profile, and writes one item of the table; GET /health reads that item.
 * Both are held to the health item's key with dynamodb:LeadingKeys.
 */
import { domainArn, userProfileArn } from '../domain/arns';
import { HEALTH_ITEM_KEY } from '../domain/service-table';
import { type DeploymentFacts, type PolicyDocument, type PolicyStatement, policyDocument } from './policy-types';
import { arns, issuerRoleArns, tagSessionStatements } from './sagemaker-policies';

/** The service table's ARN; `${ServiceTableName}` is filled in by the deployment. */
export const SERVICE_TABLE_ARN = 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ServiceTableName}';

const onlyHealthItem = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEALTH_ITEM_KEY.pk] } };

/**
 * The scheduled run's statements: the network reads, the domain reads, and the health item.
 * @param canaries with several domains, the canary profile of each domain that has one (by id);
 *   with one, `canaryProfile` is the domain's.
 * @param probesBinding with one tag-bound domain: the run opens a session of its issuer role (as
 *   itself, tagged as nobody) for the negative probe.
 */
export function healthCheckFunctionStatements(
  f: DeploymentFacts,
  canaryProfile?: string,
  canaries: Readonly<Record<string, string>> = {},
  probesBinding = false,
): PolicyStatement[] {
  return [
    {
      Sid: 'ReadTheNetwork',
      Effect: 'Allow',
      Action: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
      Resource: '*',
    },
    ...(f.domains === undefined
      ? [...oneDomainStatements(f, canaryProfile), ...(probesBinding ? assumeAsTheCheck(f) : [])]
      : severalDomainsStatements(f, canaries)),
    {
      Sid: 'WriteTheHealthItem',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: SERVICE_TABLE_ARN,
      Condition: onlyHealthItem,
    },
  ];
}

/** One domain: DescribeDomain and the canary's reads, through our SageMaker API endpoint. */
function oneDomainStatements(f: DeploymentFacts, canaryProfile: string | undefined): PolicyStatement[] {
  const viaApiEndpoint = { StringEquals: { 'aws:SourceVpce': f.sagemakerApiVpceId } };
  return [
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
  ];
}

/**
 * With several domains: this account's domains read with the function's own credentials (through
 * our endpoint when in this region), every other domain through its issuer role, which the run
 * assumes as itself (SourceIdentity studio-gate-health).
 */
function severalDomainsStatements(f: DeploymentFacts, canaries: Readonly<Record<string, string>>): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  (f.domains ?? [])
    .filter((d) => d.issuerRoleArn === undefined)
    .forEach((d, i) => {
      const where = { partition: f.partition, region: d.region, accountId: d.accountId, domainId: d.id };
      const condition = d.region === f.region ? { Condition: { StringEquals: { 'aws:SourceVpce': f.sagemakerApiVpceId } } } : {};
      statements.push({
        Sid: `DescribeOwnDomain${i + 1}`,
        Effect: 'Allow',
        Action: 'sagemaker:DescribeDomain',
        Resource: domainArn(where),
        ...condition,
      });
      const canary = canaries[d.id];
      if (canary !== undefined) {
        statements.push({
          Sid: `ReadOwnDomainCanary${i + 1}`,
          Effect: 'Allow',
          Action: ['sagemaker:DescribeUserProfile', 'sagemaker:ListTags'],
          Resource: userProfileArn(where, canary),
          ...condition,
        });
      }
    });
  statements.push(...assumeAsTheCheck(f));
  return statements;
}

/** Sessions of the issuer roles, as the check itself (SourceIdentity studio-gate-health). */
function assumeAsTheCheck(f: DeploymentFacts): PolicyStatement[] {
  const roles = issuerRoleArns(f);
  return [
    ...(roles.length === 0
      ? []
      : [
          {
            Sid: 'AssumeIssuerRolesAsTheCheck',
            Effect: 'Allow' as const,
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
            Resource: arns(roles),
          },
        ]),
    // A tag-bound domain's session acts as the canary's owner (or as nobody): the owner tag, no other.
    ...tagSessionStatements(f, 'TagTheCheckSessionWithTheOwner'),
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
