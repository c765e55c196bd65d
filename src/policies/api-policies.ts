/**
 * Policies of the private REST API: its resource policy and the execute-api endpoint's policy.
 */
import { type DeploymentFacts, type PolicyDocument, type PolicyStatement, policyDocument } from './policy-types';

/**
 * The API's resource policy, AWS's pattern for private APIs: allow `execute-api:Invoke`, and deny
 * explicitly any request not through one of our execute-api endpoints. With client ranges
 * configured, also deny requests whose VPC source address is outside them. The Deny uses negated
 * operators on purpose: a missing aws:SourceVpce (a request not through an endpoint) makes
 * `StringNotEquals` true, so it is denied.
 * `execute-api:/*` is API Gateway's shorthand for every method of this API.
 */
export function apiResourcePolicyStatements(f: DeploymentFacts): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: 'AllowInvoke', Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    {
      Sid: 'DenyOutsideOurEndpoints',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': [...f.executeApiVpceIds] } },
    },
  ];
  if (f.vpcSourceCidrs.length > 0) {
    statements.push({
      Sid: 'DenyOutsideClientRanges',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { NotIpAddress: { 'aws:VpcSourceIp': [...f.vpcSourceCidrs] } },
    });
  }
  return statements;
}

/**
 * The execute-api endpoint's policy: only this account's APIs, and only this account's principals.
 * In iam mode every call is SigV4-signed, so `aws:PrincipalAccount` must be ours. In jwt mode calls
 * are unsigned (the bearer token is checked by the function): an unsigned request has no principal,
 * so `…IfExists` admits it while still refusing any request signed by another account's principal.
 */
export function executeApiEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  const operator = f.authMode === 'iam' ? 'StringEquals' : 'StringEqualsIfExists';
  return policyDocument([
    {
      Sid: 'InvokeOurAccountsApisAsOurPrincipals',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: `arn:${f.partition}:execute-api:${f.region}:${f.accountId}:*`,
      Condition: { [operator]: { 'aws:PrincipalAccount': f.accountId } },
    },
  ]);
}
