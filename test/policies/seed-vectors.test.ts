/**
 * The source design's policies and their vectors (test/fixtures/seed-policies.json, copied from
 * ../shared/reference/seed-policies.json): first the
 * seed documents themselves, which proves this harness evaluates like the seed expects; then the
 * policies studio-gate generates for the same facts, which must give the same answers, except
 * where the seed documents a defect (the CreateApp example naming a user-profile ARN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sagemakerApiEndpointPolicy, studioEndpointPolicy, userPolicies } from '../../src/policies/sagemaker-policies';
import { ACCOUNT, type Decision, simulate } from '../support/iam';
import { SEED_FACTS } from '../support/seed-facts';

interface SeedCase {
  action: string;
  resource?: string;
  context: Record<string, string | string[]>;
  expect: Decision;
  why?: string;
}
interface SeedPolicy {
  name: string;
  policy: unknown;
  cases: SeedCase[];
}
// A copy of ../shared/reference/seed-policies.json, kept in the repository so a clean clone tests alone.
const seed = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'seed-policies.json'), 'utf8')) as {
  endpointPolicies: SeedPolicy[];
  identityPolicies: SeedPolicy[];
};

const facts = SEED_FACTS;
const users = userPolicies(facts);
const ALICE = 'arn:aws:sagemaker:us-west-2:111122223333:user-profile/d-exampledomain/alice';

/** Which generated policy stands for each seed policy. */
const GENERATED: Record<string, { kind: 'endpoint' | 'identity'; policy: unknown }> = {
  'studio-endpoint-allow-createapp-corrected': { kind: 'endpoint', policy: studioEndpointPolicy(facts) },
  'api-endpoint-allow-presign-for-one-domain': { kind: 'endpoint', policy: sagemakerApiEndpointPolicy(facts) },
  'example-1-source-vpc': { kind: 'identity', policy: users.sourceVpc },
  'example-2-source-vpce': { kind: 'identity', policy: users.sourceVpce },
  'example-3-source-ip': { kind: 'identity', policy: users.sourceIp },
  'example-4-vpc-source-ip-and-vpc': { kind: 'identity', policy: users.vpcSourceIp },
};

const endpointCases = seed.endpointPolicies.flatMap((p) => p.cases.map((c, i) => [p.name, i, p, c] as const));
const identityCases = seed.identityPolicies.flatMap((p) => p.cases.map((c, i) => [p.name, i, p, c] as const));

describe('seed policies as written', () => {
  it.each(endpointCases)('%s case %i', async (_name, _i, p, c) => {
    await expect(
      simulate({ action: c.action, resource: c.resource as string, context: c.context, endpointPolicies: [p.policy] }),
    ).resolves.toBe(c.expect);
  });

  it.each(identityCases)('%s case %i', async (_name, _i, p, c) => {
    await expect(
      simulate({ action: c.action, resource: c.resource ?? ALICE, context: c.context, identityPolicies: [p.policy] }),
    ).resolves.toBe(c.expect);
  });
});

describe('generated policies against the seed vectors', () => {
  // Our endpoint policies also require a principal of our account.
  const inAccount = (c: SeedCase) => ({ 'aws:PrincipalAccount': ACCOUNT, ...c.context });

  it.each(endpointCases.filter(([name]) => GENERATED[name]))('%s case %i', async (name, _i, _p, c) => {
    const generated = GENERATED[name] as { policy: unknown };
    await expect(
      simulate({ action: c.action, resource: c.resource as string, context: inAccount(c), endpointPolicies: [generated.policy] }),
    ).resolves.toBe(c.expect);
  });

  // Our user policies also require the caller's own profile (the seed's vectors are alice's own), and
  // deny outside their network explicitly: a seed "ImplicitlyDenied" may be "ExplicitlyDenied" here.
  const ownProfile = { 'aws:PrincipalTag/studiouserid': 'alice', 'sagemaker:ResourceTag/studiouserid': 'alice' };
  it.each(identityCases)('%s case %i', async (name, _i, _p, c) => {
    const generated = GENERATED[name] as { policy: unknown };
    const decision = await simulate({
      action: c.action,
      resource: c.resource ?? ALICE,
      context: { ...ownProfile, ...c.context },
      identityPolicies: [generated.policy],
    });
    if (c.expect === 'Allowed') expect(decision).toBe('Allowed');
    else expect(decision).not.toBe('Allowed');
  });

  it('allows the KernelGateway app that the literal seed CreateApp example wrongly denies', async () => {
    const literal = seed.endpointPolicies.find((p) => p.name === 'studio-endpoint-allow-createapp') as SeedPolicy;
    const kernelGateway = literal.cases[0] as SeedCase;
    expect(kernelGateway.expect).toBe('ImplicitlyDenied');
    await expect(
      simulate({
        action: kernelGateway.action,
        resource: kernelGateway.resource as string,
        context: { 'aws:PrincipalAccount': ACCOUNT },
        endpointPolicies: [studioEndpointPolicy(facts)],
      }),
    ).resolves.toBe('Allowed');
  });

  it('narrows the seed identity patterns to our domain', async () => {
    const other = 'arn:aws:sagemaker:us-west-2:111122223333:user-profile/d-otherdomain/alice';
    for (const policy of [users.sourceVpc, users.sourceVpce, users.vpcSourceIp]) {
      await expect(
        simulate({
          action: 'sagemaker:CreatePresignedDomainUrl',
          resource: other,
          context: {
            ...ownProfile,
            'aws:SourceVpc': 'vpc-111bbaaa',
            'aws:SourceVpce': 'vpce-111bbccc',
            'aws:VpcSourceIp': '192.0.2.10',
          },
          identityPolicies: [policy],
        }),
      ).resolves.toBe('ImplicitlyDenied');
    }
  });
});
