/**
 * The user-side managed policies, evaluated by the IAM simulator alone and in every pair: a person
 * only ever opens their own profile (`studiouserid` tag = their principal tag), only from the network
 * each attached pattern names, and attaching two patterns narrows to both networks instead of
 * widening to either. Beside a broad grant (an Allow-everything policy standing for e.g.
 * AmazonSageMakerFullAccess) the guardrails still hold. The oracle below states the rule; the
 * simulator must agree with it for every combination.
 */

import type { PolicyDocument } from '../../src/policies/policy-types';
import { type UserPolicies, userPolicies } from '../../src/policies/sagemaker-policies';
import { ACCOUNT, simulate } from '../support/iam';
import { SEED_FACTS } from '../support/seed-facts';

jest.setTimeout(60_000);

const facts = SEED_FACTS;
const users = userPolicies(facts) as Required<UserPolicies>;
const names = Object.keys(users) as (keyof UserPolicies)[];
const profile = (name: string, domain = facts.domainId) =>
  `arn:aws:sagemaker:${facts.region}:${ACCOUNT}:user-profile/${domain}/${name}`;

type Context = Record<string, string>;
const NETWORKS: Record<string, Context> = {
  'our VPC, a client range': {
    'aws:SourceVpc': 'vpc-111bbaaa',
    'aws:SourceVpce': 'vpce-111bbccc',
    'aws:VpcSourceIp': '192.0.2.10',
  },
  'our VPC, outside the client ranges': {
    'aws:SourceVpc': 'vpc-111bbaaa',
    'aws:SourceVpce': 'vpce-111bbccc',
    'aws:VpcSourceIp': '198.51.100.77',
  },
  'another VPC through its own endpoint': {
    'aws:SourceVpc': 'vpc-222cccdd',
    'aws:SourceVpce': 'vpce-222eeeff',
    'aws:VpcSourceIp': '192.0.2.10',
  },
  'the corporate public range': { 'aws:SourceIp': '203.0.113.9' },
  'the internet': { 'aws:SourceIp': '198.51.100.1' },
};

const inRanges = (ip: string | undefined, ranges: readonly string[]) =>
  ip !== undefined && ranges.some((r) => ip.startsWith(r.replace(/\.0\/24$/, '.')));

/** Whether a pattern's network holds for a request context. */
const NETWORK_OF: Record<Exclude<keyof UserPolicies, 'ownProfileByTag'>, (c: Context) => boolean> = {
  sourceVpc: (c) => c['aws:SourceVpc'] === facts.vpcId,
  sourceVpce: (c) => [facts.sagemakerApiVpceId, facts.studioVpceId].includes(c['aws:SourceVpce'] as string),
  sourceIp: (c) => inRanges(c['aws:SourceIp'], facts.publicSourceCidrs),
  vpcSourceIp: (c) => c['aws:SourceVpc'] === facts.vpcId && inRanges(c['aws:VpcSourceIp'], facts.vpcSourceCidrs),
};

const WHO: Record<string, { context: Context; resource: string; own: boolean }> = {
  'alice, her own profile': {
    context: { 'aws:PrincipalTag/studiouserid': 'alice', 'sagemaker:ResourceTag/studiouserid': 'alice' },
    resource: profile('alice'),
    own: true,
  },
  'alice, bob’s profile': {
    context: { 'aws:PrincipalTag/studiouserid': 'alice', 'sagemaker:ResourceTag/studiouserid': 'bob' },
    resource: profile('bob'),
    own: false,
  },
  'alice, an untagged profile': { context: { 'aws:PrincipalTag/studiouserid': 'alice' }, resource: profile('bob'), own: false },
  'a caller without the tag': {
    context: { 'sagemaker:ResourceTag/studiouserid': 'alice' },
    resource: profile('alice'),
    own: false,
  },
  'alice, her profile in another domain': {
    context: { 'aws:PrincipalTag/studiouserid': 'alice', 'sagemaker:ResourceTag/studiouserid': 'alice' },
    resource: profile('alice', 'd-otherdomain'),
    own: false,
  },
};

const sets: (keyof UserPolicies)[][] = [
  ...names.map((n) => [n]),
  ...names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b])),
];

/** The rule: own profile, our domain, and every attached pattern's network; the tag guardrail alone grants nothing. */
function oracle(set: (keyof UserPolicies)[], who: (typeof WHO)[string], network: Context): boolean {
  const patterns = set.filter((n): n is keyof typeof NETWORK_OF => n !== 'ownProfileByTag');
  return who.own && patterns.length > 0 && patterns.every((p) => NETWORK_OF[p](network));
}

const cases = sets.flatMap((set) =>
  Object.entries(WHO).flatMap(([whoName, who]) =>
    Object.entries(NETWORKS).map(([netName, network]) => [set.join(' + '), whoName, netName, set, who, network] as const),
  ),
);

describe('user policies alone and in pairs', () => {
  it('covers every policy alone and every pair', () => {
    expect(sets).toHaveLength(5 + 10);
  });

  it.each(cases)('%s: %s from %s', async (_set, _who, _net, set, who, network) => {
    const decision = await simulate({
      action: 'sagemaker:CreatePresignedDomainUrl',
      resource: who.resource,
      context: { ...who.context, ...network },
      identityPolicies: set.map((n) => users[n] as PolicyDocument),
    });
    expect(decision === 'Allowed').toBe(oracle(set, who, network));
  });

  it.each(names)('%s governs DescribeUserProfile like CreatePresignedDomainUrl', async (name) => {
    const network = NETWORKS['our VPC, a client range'] as Context;
    for (const who of Object.values(WHO)) {
      const [presign, describe] = await Promise.all(
        ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile'].map((action) =>
          simulate({ action, resource: who.resource, context: { ...who.context, ...network }, identityPolicies: [users[name]] }),
        ),
      );
      expect(describe).toBe(presign);
    }
  });
});

describe('beside a broad grant', () => {
  const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

  it.each(names)('%s still keeps alice out of bob’s profile', async (name) => {
    for (const network of Object.values(NETWORKS)) {
      const who = WHO['alice, bob’s profile'] as (typeof WHO)[string];
      await expect(
        simulate({
          action: 'sagemaker:CreatePresignedDomainUrl',
          resource: who.resource,
          context: { ...who.context, ...network },
          identityPolicies: [ALLOW_ALL, users[name]],
        }),
      ).resolves.toBe('ExplicitlyDenied');
    }
  });

  it('the tag guardrail leaves a person their own profile', async () => {
    const who = WHO['alice, her own profile'] as (typeof WHO)[string];
    await expect(
      simulate({
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: who.resource,
        context: who.context,
        identityPolicies: [ALLOW_ALL, users.ownProfileByTag],
      }),
    ).resolves.toBe('Allowed');
  });
});
