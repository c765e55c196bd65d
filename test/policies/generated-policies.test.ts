/**
 * Every generated policy, evaluated by an IAM simulator: the right principal from the right
 * endpoint is Allowed; another endpoint, VPC, account, domain, another user's profile or a missing
 * condition key is denied. Facts use the seed's values so its vectors apply unchanged.
 */
import { apiResourcePolicyStatements, executeApiEndpointPolicy } from '../../src/policies/api-policies';
import {
  sagemakerApiEndpointPolicy,
  studioEndpointPolicy,
  studioUrlFunctionStatements,
  userPolicies,
} from '../../src/policies/sagemaker-policies';
import { ACCOUNT, type Decision, OTHER_ACCOUNT, simulate } from '../support/iam';
import { SEED_FACTS } from '../support/seed-facts';

const facts = SEED_FACTS;

const profile = (name: string, domain = facts.domainId, account = ACCOUNT, region = facts.region) =>
  `arn:aws:sagemaker:${region}:${account}:user-profile/${domain}/${name}`;
const app = (type: string, domain = facts.domainId, account = ACCOUNT) =>
  `arn:aws:sagemaker:${facts.region}:${account}:app/${domain}/alice/${type}/datascience-1-0-ml-t3-medium-1abf`;
const space = (name: string, id = facts.domainId, account = ACCOUNT) =>
  `arn:aws:sagemaker:${facts.region}:${account}:space/${id}/${name}`;
const domain = (id = facts.domainId) => `arn:aws:sagemaker:${facts.region}:${ACCOUNT}:domain/${id}`;

type Case = [string, string, string, Record<string, string | string[]>, Decision];

describe('studio-url function role', () => {
  const identityPolicies = [{ Version: '2012-10-17', Statement: studioUrlFunctionStatements(facts) }];
  const viaApi = { 'aws:SourceVpce': 'vpce-111bbccc', 'aws:SourceVpc': 'vpc-111bbaaa' };

  it.each<Case>([
    ['presign through the API endpoint', 'sagemaker:CreatePresignedDomainUrl', profile('alice'), viaApi, 'Allowed'],
    ['describe through the API endpoint', 'sagemaker:DescribeUserProfile', profile('alice'), viaApi, 'Allowed'],
    [
      'presign re-evaluated through the Studio endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice'),
      { 'aws:SourceVpce': 'vpce-111bbddd' },
      'Allowed',
    ],
    ['describe the domain', 'sagemaker:DescribeDomain', domain(), viaApi, 'Allowed'],
    [
      'presign through another endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice'),
      { 'aws:SourceVpce': 'vpce-999zzzzz' },
      'ImplicitlyDenied',
    ],
    ['presign without an endpoint (key missing)', 'sagemaker:CreatePresignedDomainUrl', profile('alice'), {}, 'ImplicitlyDenied'],
    [
      'presign from a public address',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice'),
      { 'aws:SourceIp': '198.51.100.7' },
      'ImplicitlyDenied',
    ],
    [
      'presign in another domain',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice', 'd-otherdomain'),
      viaApi,
      'ImplicitlyDenied',
    ],
    [
      'presign in another account',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice', facts.domainId, OTHER_ACCOUNT),
      viaApi,
      'ImplicitlyDenied',
    ],
    [
      'presign in another region',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice', facts.domainId, ACCOUNT, 'eu-west-1'),
      viaApi,
      'ImplicitlyDenied',
    ],
    ['describe another domain', 'sagemaker:DescribeDomain', domain('d-otherdomain'), viaApi, 'ImplicitlyDenied'],
    ['describe a space of the domain', 'sagemaker:DescribeSpace', space('bob-notebooks'), viaApi, 'Allowed'],
    ['describe a space of another domain', 'sagemaker:DescribeSpace', space('team', 'd-otherdomain'), viaApi, 'ImplicitlyDenied'],
    ['describe a space without our endpoint', 'sagemaker:DescribeSpace', space('team'), {}, 'ImplicitlyDenied'],
    [
      'describe a space of another account',
      'sagemaker:DescribeSpace',
      space('team', facts.domainId, OTHER_ACCOUNT),
      viaApi,
      'ImplicitlyDenied',
    ],
    ['change a space', 'sagemaker:UpdateSpace', space('bob-notebooks'), viaApi, 'ImplicitlyDenied'],
    ['delete a profile', 'sagemaker:DeleteUserProfile', profile('alice'), viaApi, 'ImplicitlyDenied'],
    ['create an app', 'sagemaker:CreateApp', app('KernelGateway'), viaApi, 'ImplicitlyDenied'],
  ])('%s → %s', async (_what, action, resource, context, expected) => {
    await expect(simulate({ action, resource, context, identityPolicies })).resolves.toBe(expected);
  });
});

describe('SageMaker API endpoint policy', () => {
  const endpointPolicies = [sagemakerApiEndpointPolicy(facts)];
  const ours = { 'aws:PrincipalAccount': ACCOUNT };

  it.each<Case>([
    ['presign on our domain', 'sagemaker:CreatePresignedDomainUrl', profile('alice'), ours, 'Allowed'],
    ['describe a profile of our domain', 'sagemaker:DescribeUserProfile', profile('bob'), ours, 'Allowed'],
    ['Studio creating a KernelGateway app', 'sagemaker:CreateApp', app('KernelGateway'), ours, 'Allowed'],
    ['Studio listing apps', 'sagemaker:ListApps', '*', ours, 'Allowed'],
    [
      'presign on another domain',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice', 'd-otherdomain'),
      ours,
      'ImplicitlyDenied',
    ],
    [
      'a principal of another account',
      'sagemaker:CreatePresignedDomainUrl',
      profile('alice'),
      { 'aws:PrincipalAccount': OTHER_ACCOUNT },
      'ImplicitlyDenied',
    ],
    ['no principal account (key missing)', 'sagemaker:CreatePresignedDomainUrl', profile('alice'), {}, 'ImplicitlyDenied'],
    ['deleting the domain', 'sagemaker:DeleteDomain', domain(), ours, 'ImplicitlyDenied'],
  ])('%s → %s', async (_what, action, resource, context, expected) => {
    await expect(simulate({ action, resource, context, endpointPolicies })).resolves.toBe(expected);
  });
});

describe('Studio endpoint policy', () => {
  const endpointPolicies = [studioEndpointPolicy(facts)];
  const ours = { 'aws:PrincipalAccount': ACCOUNT };

  it.each<Case>([
    ['a KernelGateway app of our domain', 'sagemaker:CreateApp', app('KernelGateway'), ours, 'Allowed'],
    ['a JupyterServer app', 'sagemaker:CreateApp', app('JupyterServer'), ours, 'ImplicitlyDenied'],
    [
      'a KernelGateway app of another domain',
      'sagemaker:CreateApp',
      app('KernelGateway', 'd-otherdomain'),
      ours,
      'ImplicitlyDenied',
    ],
    [
      'another account',
      'sagemaker:CreateApp',
      app('KernelGateway'),
      { 'aws:PrincipalAccount': OTHER_ACCOUNT },
      'ImplicitlyDenied',
    ],
    ['deleting the domain', 'sagemaker:DeleteDomain', domain(), ours, 'ImplicitlyDenied'],
  ])('%s → %s', async (_what, action, resource, context, expected) => {
    await expect(simulate({ action, resource, context, endpointPolicies })).resolves.toBe(expected);
  });
});

describe('private API resource policy', () => {
  // API Gateway expands `execute-api:/*` to this API's ARN when it stores the policy.
  const apiArn = `arn:aws:execute-api:${facts.region}:${ACCOUNT}:abc123defg`;
  const resourcePolicy = JSON.parse(
    JSON.stringify({ Version: '2012-10-17', Statement: apiResourcePolicyStatements(facts) }).replaceAll(
      'execute-api:/*',
      `${apiArn}/*`,
    ),
  );
  const invoke = `${apiArn}/prod/GET/studio-url`;

  it.each<[string, Record<string, string>, Decision]>([
    [
      'through our endpoint from a client range',
      { 'aws:SourceVpce': 'vpce-111bbeee', 'aws:VpcSourceIp': '192.0.2.10' },
      'Allowed',
    ],
    ['through another endpoint', { 'aws:SourceVpce': 'vpce-999zzzzz', 'aws:VpcSourceIp': '192.0.2.10' }, 'ExplicitlyDenied'],
    ['not through an endpoint (key missing)', { 'aws:SourceIp': '192.0.2.10' }, 'ExplicitlyDenied'],
    [
      'from outside the client ranges',
      { 'aws:SourceVpce': 'vpce-111bbeee', 'aws:VpcSourceIp': '198.51.100.10' },
      'ExplicitlyDenied',
    ],
    ['with no VPC source address (key missing)', { 'aws:SourceVpce': 'vpce-111bbeee' }, 'ExplicitlyDenied'],
  ])('%s → %s', async (_what, context, expected) => {
    await expect(
      simulate({ action: 'execute-api:Invoke', resource: invoke, context, resourcePolicy, principal: 'anonymous' }),
    ).resolves.toBe(expected);
  });

  it('has no client-range statement when no ranges are configured', () => {
    expect(apiResourcePolicyStatements({ ...facts, vpcSourceCidrs: [] }).map((s) => s.Sid)).toEqual([
      'AllowInvoke',
      'DenyOutsideOurEndpoints',
    ]);
  });

  it('execute-api endpoint policy: only this account’s APIs', async () => {
    const endpointPolicies = [executeApiEndpointPolicy(facts)];
    await expect(simulate({ action: 'execute-api:Invoke', resource: invoke, endpointPolicies })).resolves.toBe('Allowed');
    await expect(
      simulate({
        action: 'execute-api:Invoke',
        resource: `arn:aws:execute-api:${facts.region}:${OTHER_ACCOUNT}:zzz/prod/GET/x`,
        endpointPolicies,
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });
});

describe('user-side managed policies', () => {
  const users = userPolicies(facts);

  it('builds every pattern when ranges are configured, and skips the range ones without', () => {
    expect(Object.keys(users).sort()).toEqual(['ownProfileByTag', 'sourceIp', 'sourceVpc', 'sourceVpce', 'vpcSourceIp']);
    expect(Object.keys(userPolicies({ ...facts, vpcSourceCidrs: [], publicSourceCidrs: [] })).sort()).toEqual([
      'ownProfileByTag',
      'sourceVpc',
      'sourceVpce',
    ]);
  });

  it('makes the tag guardrail Deny-only: alone it allows nothing', () => {
    expect(users.ownProfileByTag.Statement.every((statement) => statement.Effect === 'Deny')).toBe(true);
  });
});

describe('execute-api endpoint policy: only this account’s principals', () => {
  const invokeOurs = `arn:aws:execute-api:${facts.region}:${ACCOUNT}:abc123/prod/GET/studio-url`;
  const ours = `arn:aws:iam::${ACCOUNT}:role/StudioUsers`;
  const theirs = `arn:aws:iam::${OTHER_ACCOUNT}:role/StudioUsers`;

  it.each<['jwt' | 'iam', string, Record<string, string>, Decision]>([
    ['iam', ours, { 'aws:PrincipalAccount': ACCOUNT }, 'Allowed'],
    ['iam', theirs, { 'aws:PrincipalAccount': OTHER_ACCOUNT }, 'ImplicitlyDenied'],
    ['iam', 'anonymous', {}, 'ImplicitlyDenied'],
    ['jwt', 'anonymous', {}, 'Allowed'],
    ['jwt', ours, { 'aws:PrincipalAccount': ACCOUNT }, 'Allowed'],
    ['jwt', theirs, { 'aws:PrincipalAccount': OTHER_ACCOUNT }, 'ImplicitlyDenied'],
  ])('%s mode: %s → %s', async (authMode, principal, context, expected) => {
    await expect(
      simulate({
        action: 'execute-api:Invoke',
        resource: invokeOurs,
        principal,
        context,
        // The API's resource policy admits anyone through our endpoint; the endpoint policy is what is tested.
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: invokeOurs }],
        },
        endpointPolicies: [executeApiEndpointPolicy({ ...facts, authMode })],
      }),
    ).resolves.toBe(expected);
  });
});
