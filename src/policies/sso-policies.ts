/**
 * Permissions of the SSO functions and the SSM endpoint's policy. Each SSO function issues URLs
 * exactly as GET /studio-url does (the same SageMaker statements), writes used-once records under
 * the replay partition of the service table and nothing else there (dynamodb:LeadingKeys), and
 * reads its stage's secrets from SSM Parameter Store (parameters under /<service>/<stage>/).
 */
import { SSO_REPLAY_PARTITION } from '../domain/service-table';
import { SERVICE_TABLE_ARN } from './health-policies';
import { type DeploymentFacts, type PolicyDocument, type PolicyStatement, policyDocument } from './policy-types';
import { studioUrlFunctionStatements } from './sagemaker-policies';

/** The ARN pattern of a stage's SSO parameters. */
export function ssoParameterArn(service: string, stage: string): string {
  return `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${service}/${stage}/*`;
}

/** The SSM parameter names a stage's secrets default to. */
export function ssoParameterName(
  service: string,
  stage: string,
  secret: 'oidc-client-secret' | 'sso-cookie-keys' | 'saml-idp-certs',
): string {
  return `/${service}/${stage}/${secret}`;
}

export function ssoFunctionStatements(f: DeploymentFacts, service: string, stage: string): PolicyStatement[] {
  return [
    ...studioUrlFunctionStatements(f),
    // Several domains: the chooser lists the person's spaces in this account's domains. ListSpaces
    // has no resource-level permissions ("*" is the narrowest there is): only through our endpoint.
    ...(f.domains === undefined
      ? []
      : [
          {
            Sid: 'ListSpacesForTheChooser',
            Effect: 'Allow' as const,
            Action: 'sagemaker:ListSpaces',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceVpce': f.sagemakerApiVpceId } },
          },
        ]),
    {
      Sid: 'UseLoginStatesAndAssertionsOnce',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: SERVICE_TABLE_ARN,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SSO_REPLAY_PARTITION] } },
    },
    {
      Sid: 'ReadTheStageSecrets',
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: ssoParameterArn(service, stage),
    },
  ];
}

/** The SSM interface endpoint lets this account's principals read this stage's parameters, nothing else. */
export function ssmEndpointPolicy(f: DeploymentFacts, service: string, stage: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'OnlyTheStageSecrets',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ssm:GetParameters', 'ssm:GetParameter'],
      Resource: ssoParameterArn(service, stage),
      Condition: { StringEquals: { 'aws:PrincipalAccount': f.accountId } },
    },
  ]);
}
