/**
 * The hub-and-spoke policies in the IAM simulator: the domain account's issuer role (its trust and
 * its permissions, as `npm run issuer-role` prints them) and the network account's side (function
 * roles that may assume exactly the configured roles, endpoint policies that admit the domains'
 * accounts). studio-gate's roles may assume the issuer role naming a person, nobody else may, and
 * without SourceIdentity nobody may.
 */

import { issuerPermissions, issuerRoleTemplate, issuerTrustPolicy } from '../../src/infrastructure/issuer-role';
import type { DeploymentFacts } from '../../src/policies/policy-types';
import { sagemakerApiEndpointPolicy, studioUrlFunctionStatements } from '../../src/policies/sagemaker-policies';
import { type Decision, simulate } from '../support/iam';
import {
  DOMAIN,
  HEALTH_ROLE,
  ISSUER_INPUT,
  NETWORK,
  DOMAIN_ACCOUNT as RISK,
  ISSUER_ROLE as ROLE,
  STUDIO_URL_ROLE,
} from '../support/issuer-fixture';

const STRANGER = '888899990000';
const OIDC_ROLE = `arn:aws:iam::${NETWORK}:role/studio-gate-prod-SsoOidcRole-ZZZ`;
const input = { ...ISSUER_INPUT, trustedRoleArns: [STUDIO_URL_ROLE, OIDC_ROLE] };
const profile = (name: string, domain = DOMAIN, account = RISK) =>
  `arn:aws:sagemaker:eu-west-1:${account}:user-profile/${domain}/${name}`;

/** The function role's own identity policy (may assume the issuer role), as the main stack grants it. */
const assumeStatement = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: ROLE }],
};

/** The keys IAM sets for every request from the principal's ARN (the simulator takes them as context). */
function principalKeys(principal: string): Record<string, string> {
  const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1] as string;
  const roleArn = principal.replace(/^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2');
  return { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account };
}

async function assume(principal: string, context: Record<string, string> = {}, identity: unknown = assumeStatement) {
  return simulate({
    principal,
    action: 'sts:AssumeRole',
    resource: ROLE,
    context: { ...principalKeys(principal), ...context },
    identityPolicies: [identity],
    resourcePolicy: issuerTrustPolicy(input),
  });
}

describe('the issuer role’s trust', () => {
  const grace = { 'sts:SourceIdentity': 'grace@example.com' };
  const asHealth = { 'sts:SourceIdentity': 'studio-gate-health' };
  it.each<[string, string, Record<string, string>, Decision]>([
    ['studio-gate’s studio-url role naming the person', STUDIO_URL_ROLE, grace, 'Allowed'],
    ['studio-gate’s OIDC role naming the person', OIDC_ROLE, grace, 'Allowed'],
    ['studio-gate’s role without SourceIdentity', STUDIO_URL_ROLE, {}, 'ImplicitlyDenied'],
    ['an issuing role under the health check’s name', STUDIO_URL_ROLE, asHealth, 'ImplicitlyDenied'],
    ['the health check’s role under its own name', HEALTH_ROLE, asHealth, 'Allowed'],
    // The health role may check, never act for a person (it could then presign as them).
    ['the health check’s role naming a person', HEALTH_ROLE, grace, 'ImplicitlyDenied'],
    ['the health check’s role without SourceIdentity', HEALTH_ROLE, {}, 'ImplicitlyDenied'],
    ['another role of the network account', `arn:aws:iam::${NETWORK}:role/DataScientist`, grace, 'ImplicitlyDenied'],
    [
      'a role someone made with a trusted role’s name as its path',
      `arn:aws:iam::${NETWORK}:role/studio-gate-prod-StudioUrlRole-1A2B3C4D5E6F/evil`,
      grace,
      'ImplicitlyDenied',
    ],
    [
      'a role named like a trusted one',
      `arn:aws:iam::${NETWORK}:role/studio-gate-prod-StudioUrlRole-mine`,
      grace,
      'ImplicitlyDenied',
    ],
    [
      'a role of the same name in another account',
      `arn:aws:iam::${STRANGER}:role/studio-gate-prod-StudioUrlRole-1A2B3C4D5E6F`,
      grace,
      'ImplicitlyDenied',
    ],
    [
      'a role of the domain account itself',
      `arn:aws:iam::${RISK}:role/studio-gate-prod-StudioUrlRole-1A2B3C4D5E6F`,
      grace,
      'ImplicitlyDenied',
    ],
  ])('%s: %s', async (_what, principal, context, expected) => {
    await expect(assume(principal, context)).resolves.toBe(expected);
  });

  it('trusts no health role when none is named', async () => {
    const decide = (principal: string, context: Record<string, string>) =>
      simulate({
        principal,
        action: 'sts:AssumeRole',
        resource: ROLE,
        context: { ...principalKeys(principal), ...context },
        identityPolicies: [assumeStatement],
        resourcePolicy: issuerTrustPolicy({ ...input, healthRoleArn: undefined }),
      });
    await expect(decide(HEALTH_ROLE, asHealth)).resolves.toBe('ImplicitlyDenied');
    await expect(decide(STUDIO_URL_ROLE, grace)).resolves.toBe('Allowed');
  });
});

describe('the issuer role’s permissions', () => {
  const session = `arn:aws:sts::${RISK}:assumed-role/studio-gate-issuer/sg.grace@example.com`;
  const viaEndpoint = { 'aws:SourceVpce': 'vpce-0123456789abcdef0' };
  const act = (action: string, resource: string, context: Record<string, string> = viaEndpoint) =>
    simulate({ principal: session, action, resource, context, identityPolicies: [issuerPermissions(input)] });

  it.each<[string, string, string, Record<string, string>, Decision]>([
    ['presign a profile of the domain', 'sagemaker:CreatePresignedDomainUrl', profile('grace'), viaEndpoint, 'Allowed'],
    ['describe a profile', 'sagemaker:DescribeUserProfile', profile('grace'), viaEndpoint, 'Allowed'],
    ['read a profile’s tags', 'sagemaker:ListTags', profile('grace'), viaEndpoint, 'Allowed'],
    [
      'describe a space',
      'sagemaker:DescribeSpace',
      `arn:aws:sagemaker:eu-west-1:${RISK}:space/${DOMAIN}/grace-models`,
      viaEndpoint,
      'Allowed',
    ],
    [
      'describe the domain',
      'sagemaker:DescribeDomain',
      `arn:aws:sagemaker:eu-west-1:${RISK}:domain/${DOMAIN}`,
      viaEndpoint,
      'Allowed',
    ],
    [
      'presign in another domain',
      'sagemaker:CreatePresignedDomainUrl',
      profile('grace', 'd-otherdomain'),
      viaEndpoint,
      'ImplicitlyDenied',
    ],
    ['presign outside the endpoints', 'sagemaker:CreatePresignedDomainUrl', profile('grace'), {}, 'ImplicitlyDenied'],
    // SageMaker checks the creator's permissions again on every Studio request, through the Studio endpoint.
    [
      'presign re-checked through the Studio endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      profile('grace'),
      { 'aws:SourceVpce': 'vpce-0fedcba9876543210' },
      'Allowed',
    ],
    [
      'presign through another endpoint',
      'sagemaker:CreatePresignedDomainUrl',
      profile('grace'),
      { 'aws:SourceVpce': 'vpce-0999999999999999a' },
      'ImplicitlyDenied',
    ],
    ['change a profile', 'sagemaker:UpdateUserProfile', profile('grace'), viaEndpoint, 'ImplicitlyDenied'],
    ['re-tag a profile', 'sagemaker:AddTags', profile('grace'), viaEndpoint, 'ImplicitlyDenied'],
  ])('%s', async (_what, action, resource, context, expected) => {
    await expect(act(action, resource, context)).resolves.toBe(expected);
  });

  it('lets a health check session read the domain and the canary, and issue nothing', async () => {
    const health = `arn:aws:sts::${RISK}:assumed-role/studio-gate-issuer/sg.studio-gate-health`;
    const asHealth = (action: string, resource: string) =>
      simulate({
        principal: health,
        action,
        resource,
        context: { ...viaEndpoint, 'aws:SourceIdentity': 'studio-gate-health' },
        identityPolicies: [issuerPermissions(input)],
      });
    await expect(asHealth('sagemaker:DescribeDomain', `arn:aws:sagemaker:eu-west-1:${RISK}:domain/${DOMAIN}`)).resolves.toBe(
      'Allowed',
    );
    await expect(asHealth('sagemaker:DescribeUserProfile', profile('canary'))).resolves.toBe('Allowed');
    await expect(asHealth('sagemaker:CreatePresignedDomainUrl', profile('alice'))).resolves.toBe('ExplicitlyDenied');
    await expect(
      asHealth('sagemaker:DescribeSpace', `arn:aws:sagemaker:eu-west-1:${RISK}:space/${DOMAIN}/grace-models`),
    ).resolves.toBe('ExplicitlyDenied');
  });

  it('is one role, its trust and its inline policy, and its ARN as the output', () => {
    const template = issuerRoleTemplate(input) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(Object.values(template.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    expect(template.Resources.IssuerRole?.Properties).toMatchObject({ RoleName: 'studio-gate-issuer', MaxSessionDuration: 3600 });
  });
});

describe('the network account’s side, with several domains', () => {
  const facts: DeploymentFacts = {
    partition: 'aws',
    region: 'eu-west-1',
    accountId: NETWORK,
    domainId: 'd-homedomain01',
    domains: [
      { id: 'd-homedomain01', region: 'eu-west-1', accountId: NETWORK },
      { id: DOMAIN, region: 'eu-west-1', accountId: RISK, issuerRoleArn: ROLE },
      {
        id: 'd-usdomain0001',
        region: 'us-east-1',
        accountId: STRANGER,
        issuerRoleArn: `arn:aws:iam::${STRANGER}:role/studio-gate-issuer`,
      },
    ],
    vpcId: 'vpc-0123456789abcdef0',
    sagemakerApiVpceId: 'vpce-0123456789abcdef0',
    studioVpceId: 'vpce-0fedcba9876543210',
    executeApiVpceIds: ['vpce-0aaaaaaaaaaaaaaa1'],
    authMode: 'jwt',
    vpcSourceCidrs: [],
    publicSourceCidrs: [],
  };
  const functionPolicy = { Version: '2012-10-17', Statement: studioUrlFunctionStatements(facts) };
  const asFunction = (action: string, resource: string, context: Record<string, string> = {}) =>
    simulate({
      principal: STUDIO_URL_ROLE,
      action,
      resource,
      context: { ...principalKeys(STUDIO_URL_ROLE), ...context },
      identityPolicies: [functionPolicy],
    });

  it('lets the function role assume exactly the configured issuer roles (each trusting it), and no other role that would', async () => {
    // Every role below trusts the whole network account: only the function role's own policy decides.
    const trustingAll = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${NETWORK}:root` },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        },
      ],
    };
    const assumeAs = (action: string, role: string) =>
      simulate({
        principal: STUDIO_URL_ROLE,
        action,
        resource: role,
        context: { ...principalKeys(STUDIO_URL_ROLE), 'sts:SourceIdentity': 'grace@example.com' },
        identityPolicies: [functionPolicy],
        resourcePolicy: trustingAll,
      });
    await expect(assumeAs('sts:AssumeRole', ROLE)).resolves.toBe('Allowed');
    await expect(assumeAs('sts:SetSourceIdentity', ROLE)).resolves.toBe('Allowed');
    await expect(assumeAs('sts:AssumeRole', `arn:aws:iam::${STRANGER}:role/studio-gate-issuer`)).resolves.toBe('Allowed');
    await expect(assumeAs('sts:AssumeRole', `arn:aws:iam::${RISK}:role/Admin`)).resolves.toBe('ImplicitlyDenied');
    await expect(assumeAs('sts:AssumeRole', `arn:aws:iam::${STRANGER}:role/studio-gate-issuer-2`)).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('lets studio-gate’s role assume the issuer role end to end: its own policy and the printed trust, naming the person', async () => {
    const end = (context: Record<string, string>) =>
      simulate({
        principal: STUDIO_URL_ROLE,
        action: 'sts:AssumeRole',
        resource: ROLE,
        context: { ...principalKeys(STUDIO_URL_ROLE), ...context },
        identityPolicies: [functionPolicy],
        resourcePolicy: issuerTrustPolicy(input),
      });
    await expect(end({ 'sts:SourceIdentity': 'grace@example.com' })).resolves.toBe('Allowed');
    await expect(end({})).resolves.toBe('ImplicitlyDenied');
  });

  it('lets the function role presign only in its own account’s domain, through our endpoint', async () => {
    const via = { 'aws:SourceVpce': 'vpce-0123456789abcdef0' };
    await expect(
      asFunction('sagemaker:CreatePresignedDomainUrl', profile('alice', 'd-homedomain01', NETWORK), via),
    ).resolves.toBe('Allowed');
    await expect(asFunction('sagemaker:CreatePresignedDomainUrl', profile('grace'), via)).resolves.toBe('ImplicitlyDenied');
  });

  it('admits through our SageMaker endpoint the domains’ accounts only, on those domains only', async () => {
    const endpoint = sagemakerApiEndpointPolicy(facts);
    const through = (principal: string, resource: string) =>
      simulate({
        principal,
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource,
        context: { ...principalKeys(principal), 'aws:SourceVpce': 'vpce-0123456789abcdef0' },
        endpointPolicies: [endpoint],
      });
    const session = `arn:aws:sts::${RISK}:assumed-role/studio-gate-issuer/sg.grace@example.com`;
    await expect(through(session, profile('grace'))).resolves.toBe('Allowed');
    await expect(through(STUDIO_URL_ROLE, profile('alice', 'd-homedomain01', NETWORK))).resolves.toBe('Allowed');
    // An account with no domain in this region, and a domain nobody configured.
    await expect(through(`arn:aws:iam::${STRANGER}:role/x`, profile('grace'))).resolves.toBe('ImplicitlyDenied');
    await expect(through(session, profile('grace', 'd-notconfigured'))).resolves.toBe('ImplicitlyDenied');
    // A domain account's sessions reach its own domains only, not the network account's.
    await expect(through(session, profile('alice', 'd-homedomain01', NETWORK))).resolves.toBe('ImplicitlyDenied');
    await expect(through(STUDIO_URL_ROLE, profile('grace'))).resolves.toBe('ImplicitlyDenied');
  });
});
