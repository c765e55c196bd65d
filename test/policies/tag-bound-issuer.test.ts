/**
 * Tag-bound issuance in the IAM simulator (docs/iam-guardrails.md): the issuer role is assumed with a
 * session tag holding the person's canonical identity under the owner tag's key; its trust admits
 * only studio-gate's function roles, only with exactly that tag key and a SourceIdentity; its
 * permissions let the session act only on profiles whose owner tag equals the tag, and nothing at
 * all without the tag. The function roles themselves cannot presign.
 */

import { issuerPermissions, issuerTrustPolicy } from '../../src/infrastructure/issuer-role';
import type { DeploymentFacts } from '../../src/policies/policy-types';
import { studioUrlFunctionStatements } from '../../src/policies/sagemaker-policies';
import { type Decision, simulate } from '../support/iam';
import {
  DOMAIN,
  DOMAIN_ACCOUNT,
  HEALTH_ROLE,
  ISSUER_INPUT,
  NETWORK,
  ISSUER_ROLE as ROLE,
  STUDIO_URL_ROLE,
} from '../support/issuer-fixture';

const KEY = 'studio-gate:owner';
const input = { ...ISSUER_INPUT, trustedRoleArns: [STUDIO_URL_ROLE], ownerTagKey: KEY };
const profile = (name: string) => `arn:aws:sagemaker:eu-west-1:${DOMAIN_ACCOUNT}:user-profile/${DOMAIN}/${name}`;
const space = (name: string) => `arn:aws:sagemaker:eu-west-1:${DOMAIN_ACCOUNT}:space/${DOMAIN}/${name}`;
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('the tag-bound issuer role’s trust', () => {
  const assumeStatement = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'], Resource: ROLE }],
  };
  const ask = (action: string, principal: string, context: Record<string, string | string[]>) =>
    simulate({
      principal,
      action,
      resource: ROLE,
      context: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': NETWORK, ...context },
      identityPolicies: [assumeStatement],
      resourcePolicy: issuerTrustPolicy(input),
    });
  const tagged = (value: string, keys: string[] = [KEY]) => ({
    'aws:TagKeys': keys,
    ...Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, value])),
  });
  const person = { 'sts:SourceIdentity': ALICE };
  const health = { 'sts:SourceIdentity': 'studio-gate-health' };

  it.each<[string, string, string, Record<string, string | string[]>, Decision]>([
    [
      'studio-gate’s role, naming and tagged with the person: AssumeRole',
      'sts:AssumeRole',
      STUDIO_URL_ROLE,
      { ...person, ...tagged(ALICE) },
      'Allowed',
    ],
    ['… and the tag itself', 'sts:TagSession', STUDIO_URL_ROLE, { ...person, ...tagged(ALICE) }, 'Allowed'],
    ['studio-gate’s role without the tag: no session', 'sts:AssumeRole', STUDIO_URL_ROLE, person, 'ImplicitlyDenied'],
    [
      'studio-gate’s role with another tag key',
      'sts:TagSession',
      STUDIO_URL_ROLE,
      { ...person, ...tagged(ALICE, ['team']) },
      'ImplicitlyDenied',
    ],
    [
      'studio-gate’s role with the owner tag and one more',
      'sts:TagSession',
      STUDIO_URL_ROLE,
      { ...person, ...tagged(ALICE, [KEY, 'team']) },
      'ImplicitlyDenied',
    ],
    ['studio-gate’s role tagged but naming nobody', 'sts:AssumeRole', STUDIO_URL_ROLE, tagged(ALICE), 'ImplicitlyDenied'],
    [
      'another principal of the network account',
      'sts:AssumeRole',
      `arn:aws:iam::${NETWORK}:role/DataScientist`,
      { ...person, ...tagged(ALICE) },
      'ImplicitlyDenied',
    ],
    ['the health role as itself, tagged', 'sts:AssumeRole', HEALTH_ROLE, { ...health, ...tagged(ALICE) }, 'Allowed'],
    ['the health role as itself, untagged', 'sts:AssumeRole', HEALTH_ROLE, health, 'ImplicitlyDenied'],
    ['the health role naming a person', 'sts:AssumeRole', HEALTH_ROLE, { ...person, ...tagged(ALICE) }, 'ImplicitlyDenied'],
    // Its tag: nobody (studio-gate-health), or the canary's owner when the role was printed with one.
    [
      'the health role tagging itself as nobody',
      'sts:TagSession',
      HEALTH_ROLE,
      { ...health, ...tagged('studio-gate-health') },
      'Allowed',
    ],
    [
      'the health role tagging itself as a person',
      'sts:TagSession',
      HEALTH_ROLE,
      { ...health, ...tagged(ALICE) },
      'ImplicitlyDenied',
    ],
  ])('%s', async (_what, action, principal, context, expected) => {
    await expect(ask(action, principal, context)).resolves.toBe(expected);
  });

  it('lets the health role tag its session as the canary’s owner it was printed with, and no one else', async () => {
    const trust = issuerTrustPolicy({ ...input, healthCanaryOwner: ALICE });
    const tag = (value: string) =>
      simulate({
        principal: HEALTH_ROLE,
        action: 'sts:TagSession',
        resource: ROLE,
        context: { 'aws:PrincipalArn': HEALTH_ROLE, 'aws:PrincipalAccount': NETWORK, ...health, ...tagged(value) },
        identityPolicies: [assumeStatement],
        resourcePolicy: trust,
      });
    await expect(tag(ALICE)).resolves.toBe('Allowed');
    await expect(tag('studio-gate-health')).resolves.toBe('Allowed');
    await expect(tag(BOB)).resolves.toBe('ImplicitlyDenied');
  });
});

describe('the tag-bound issuer role’s permissions', () => {
  const through = { 'aws:SourceVpce': 'vpce-0123456789abcdef0' };
  /**
   * `action` on `resource` by a session carrying `sessionTag` (undefined: none), the resource tagged
   * `resourceTag`; `attached`: policies someone attached to the role beside studio-gate's.
   */
  const act = (
    action: string,
    resource: string,
    sessionTag: string | undefined,
    resourceTag: string | undefined,
    extra: Record<string, string> = {},
    attached: unknown[] = [],
  ) =>
    simulate({
      principal: `arn:aws:sts::${DOMAIN_ACCOUNT}:assumed-role/studio-gate-issuer/sg.alice@example.com`,
      action,
      resource,
      context: {
        ...through,
        ...(sessionTag !== undefined && { [`aws:PrincipalTag/${KEY}`]: sessionTag }),
        ...(resourceTag !== undefined && { [`sagemaker:ResourceTag/${KEY}`]: resourceTag }),
        ...extra,
      },
      identityPolicies: [issuerPermissions(input), ...attached],
    });
  const PROFILE_ACTIONS = ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags'];

  it.each(PROFILE_ACTIONS)('lets alice’s session %s alice’s profile, and nobody else’s', async (action) => {
    await expect(act(action, profile('alice'), ALICE, ALICE)).resolves.toBe('Allowed');
    await expect(act(action, profile('bob'), ALICE, BOB)).resolves.toBe('ExplicitlyDenied');
    // A look-alike value is another value: IAM compares exactly.
    await expect(act(action, profile('alice'), ALICE, 'Alice@example.com')).resolves.toBe('ExplicitlyDenied');
    await expect(act(action, profile('untagged'), ALICE, undefined)).resolves.toBe('ExplicitlyDenied');
  });

  it.each(PROFILE_ACTIONS)(
    'keeps alice’s session out of bob’s profile (%s) when a broad grant is attached to the role too',
    async (action) => {
      // AmazonSageMakerFullAccess, or a seed pattern, attached to the issuer role by someone else later.
      const broad = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }] };
      const withBroad = (resource: string, resourceTag: string | undefined) =>
        act(action, resource, ALICE, resourceTag, {}, [broad]);
      await expect(withBroad(profile('alice'), ALICE)).resolves.toBe('Allowed');
      await expect(withBroad(profile('bob'), BOB)).resolves.toBe('ExplicitlyDenied');
      await expect(withBroad(profile('untagged'), undefined)).resolves.toBe('ExplicitlyDenied');
    },
  );

  it.each(PROFILE_ACTIONS)('lets an untagged session %s nothing, not even a profile tagged with nobody', async (action) => {
    await expect(act(action, profile('alice'), undefined, ALICE)).resolves.toBe('ExplicitlyDenied');
    await expect(act(action, profile('untagged'), undefined, undefined)).resolves.toBe('ExplicitlyDenied');
  });

  it('describes a space without an owner tag (shared) or tagged with the person, never one tagged for someone else', async () => {
    await expect(act('sagemaker:DescribeSpace', space('team'), ALICE, undefined)).resolves.toBe('Allowed');
    await expect(act('sagemaker:DescribeSpace', space('alice-models'), ALICE, ALICE)).resolves.toBe('Allowed');
    await expect(act('sagemaker:DescribeSpace', space('bob-models'), ALICE, BOB)).resolves.toBe('ImplicitlyDenied');
    await expect(act('sagemaker:DescribeSpace', space('team'), undefined, undefined)).resolves.toBe('ExplicitlyDenied');
  });

  it('acts only through the endpoints it names, even on the person’s own profile', async () => {
    await expect(
      act('sagemaker:CreatePresignedDomainUrl', profile('alice'), ALICE, ALICE, { 'aws:SourceVpce': 'vpce-0aaaaaaaaaaaaaaaa' }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('lets the health check’s session read its canary, never presign it', async () => {
    const healthy = { 'aws:SourceIdentity': 'studio-gate-health' };
    await expect(act('sagemaker:DescribeUserProfile', profile('canary'), ALICE, ALICE, healthy)).resolves.toBe('Allowed');
    await expect(act('sagemaker:CreatePresignedDomainUrl', profile('canary'), ALICE, ALICE, healthy)).resolves.toBe(
      'ExplicitlyDenied',
    );
  });
});

describe('the function roles of a tag-bound deployment', () => {
  const facts: DeploymentFacts = {
    partition: 'aws',
    region: 'eu-west-1',
    accountId: NETWORK,
    domainId: 'd-homedomain01',
    issuance: 'tag-bound',
    issuerRoleArn: `arn:aws:iam::${NETWORK}:role/studio-gate-prod-eu-west-1-issuer`,
    vpcId: 'vpc-0123456789abcdef0',
    sagemakerApiVpceId: 'vpce-0123456789abcdef0',
    studioVpceId: 'vpce-0fedcba9876543210',
    executeApiVpceIds: ['vpce-0aaaaaaaaaaaaaaaa'],
    authMode: 'jwt',
    vpcSourceCidrs: [],
    publicSourceCidrs: [],
  };
  const policy = { Version: '2012-10-17', Statement: studioUrlFunctionStatements(facts) };
  const own = `arn:aws:sagemaker:eu-west-1:${NETWORK}:user-profile/d-homedomain01/alice`;
  const as = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    simulate({ principal: STUDIO_URL_ROLE, action, resource, context, identityPolicies: [policy] });

  it('cannot presign, describe or read tags of any profile themselves', async () => {
    for (const action of ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags']) {
      await expect(as(action, own, { 'aws:SourceVpce': 'vpce-0123456789abcdef0' })).resolves.toBe('ImplicitlyDenied');
    }
  });

  it('may assume the issuer role with exactly the owner tag, and no other', async () => {
    await expect(as('sts:AssumeRole', facts.issuerRoleArn as string)).resolves.toBe('Allowed');
    await expect(as('sts:TagSession', facts.issuerRoleArn as string, { 'aws:TagKeys': [KEY] })).resolves.toBe('Allowed');
    await expect(as('sts:TagSession', facts.issuerRoleArn as string, { 'aws:TagKeys': [KEY, 'team'] })).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(as('sts:AssumeRole', ROLE)).resolves.toBe('ImplicitlyDenied');
  });
});
