/**
 * The guardrails (docs/iam-guardrails.md, "Guardrails") in the IAM simulator, alone and beside each
 * of the source design's four user policies (test/fixtures/seed-policies.json), attached as an SCP or
 * as a permissions boundary: each refuses what it names (another principal presigning, an owner tag
 * rewritten, an execution role opening a colleague's profile) and leaves studio-gate, the break-glass
 * role and the provisioning role working. Where a case is allowed without the guardrail and denied
 * with it, the test shows both: the door was open, and the guardrail is what shuts it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuerPermissions } from '../../src/infrastructure/issuer-role';
import { type GuardrailInput, guardrails, onlyStudioGatePresigns, ownerTagIsFixed } from '../../src/policies/guardrail-policies';
import { ACCOUNT, type Decision, simulate } from '../support/iam';
import { SEED_FACTS } from '../support/seed-facts';

jest.setTimeout(120_000);

const KEY = 'studio-gate:owner';
const F = SEED_FACTS;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ISSUER = role('studio-gate-issuer');
const PROVISIONER = role('profile-provisioner');
const BREAK_GLASS = role('platform-break-glass');
const EXECUTION = role('StudioExecutionRole');
const SCIENTIST = role('DataScientist');
const DEPLOYER = role('platform-deployer');
const input: GuardrailInput = {
  accountId: ACCOUNT,
  region: F.region,
  domainId: F.domainId,
  issuerRoleArns: [ISSUER],
  issuance: 'tag-bound',
  ownerTagKey: KEY,
  provisioningRoleArn: PROVISIONER,
  deployerRoleArn: DEPLOYER,
  breakGlassRoleArn: BREAK_GLASS,
  executionRoleArns: [EXECUTION],
};
const profile = (name: string, domain = F.domainId) => `arn:aws:sagemaker:${F.region}:${ACCOUNT}:user-profile/${domain}/${name}`;
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
/** AmazonSageMakerFullAccess's kind of grant: every SageMaker action on everything. */
const FULL_ACCESS = doc([{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }]);
const ISSUER_POLICY = issuerPermissions({
  domainId: F.domainId,
  region: F.region,
  domainAccountId: ACCOUNT,
  networkAccountId: ACCOUNT,
  trustedRoleArns: [role('studio-gate-prod-StudioUrlRole-1A2B3C4D5E6F')],
  sagemakerApiVpceId: F.sagemakerApiVpceId,
  studioVpceId: F.studioVpceId,
  ownerTagKey: KEY,
});
/** studio-gate's calls come from its functions through the SageMaker API endpoint. */
const STUDIO_GATE_NETWORK = { 'aws:SourceVpc': F.vpcId, 'aws:SourceVpce': F.sagemakerApiVpceId, 'aws:VpcSourceIp': '192.0.2.10' };

const built = guardrails(input);
/** How a guardrail is attached: nothing, one guardrail alone as an SCP, both as an SCP, or both as a boundary. */
const GUARDS = {
  none: {},
  'only-studio-gate-presigns SCP': { scps: [doc(onlyStudioGatePresigns(input))] },
  'owner-tag-is-fixed SCP': { scps: [doc(ownerTagIsFixed(input))] },
  'both as one SCP': { scps: [built.scp] },
  'both as a permissions boundary': { permissionsBoundary: built.permissionsBoundary },
} as const;
type Guard = keyof typeof GUARDS;

interface Seed {
  name: string;
  policy: unknown;
  /** The network its first Allowed vector comes from: where a principal holding it may presign. */
  network: Record<string, string>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'seed-policies.json'), 'utf8')) as {
  identityPolicies: { name: string; policy: unknown; cases: { context: Record<string, string>; expect: Decision }[] }[];
};
const SEEDS: Seed[] = fixture.identityPolicies.map(({ name, policy, cases }) => ({
  name,
  policy,
  network: cases.find((c) => c.expect === 'Allowed')?.context ?? {},
}));
/** Alone: no seed policy; the other principal holds a broad grant instead. */
const WITH: [string, Seed | undefined][] = [['alone', undefined], ...SEEDS.map((s): [string, Seed] => [`with ${s.name}`, s])];

interface Ask {
  roleArn: string;
  action: string;
  resource: string;
  identity: unknown[];
  guard: Guard;
  context?: Record<string, string | string[]>;
  /** The session's SourceIdentity and owner tag (assumed-role sessions). */
  sourceIdentity?: string;
  ownerTag?: string;
}
const ask = (a: Ask) =>
  simulate({
    principal: `${a.roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/session`,
    action: a.action,
    resource: a.resource,
    context: {
      'aws:PrincipalArn': a.roleArn,
      'aws:PrincipalAccount': ACCOUNT,
      ...(a.sourceIdentity !== undefined && { 'aws:SourceIdentity': a.sourceIdentity }),
      ...(a.ownerTag !== undefined && { [`aws:PrincipalTag/${KEY}`]: a.ownerTag }),
      ...a.context,
    },
    identityPolicies: a.identity,
    ...GUARDS[a.guard],
  });

const tagged = (owner: string | undefined) =>
  owner === undefined ? {} : ({ [`sagemaker:ResourceTag/${KEY}`]: owner } as Record<string, string>);
/** studio-gate issuing for alice (her session tag) through its issuer role, which also holds `seed` if given. */
const studioGate = (guard: Guard, seed: Seed | undefined, action: string, owner: string | undefined, name = 'alice') =>
  ask({
    roleArn: ISSUER,
    action,
    resource: profile(name),
    identity: [ISSUER_POLICY, ...(seed === undefined ? [] : [seed.policy])],
    guard,
    sourceIdentity: ALICE,
    ownerTag: ALICE,
    context: { ...STUDIO_GATE_NETWORK, ...tagged(owner) },
  });
/** Another principal of the account, holding `seed` (or, alone, a broad grant), from the seed's network. */
const someoneElse = (guard: Guard, seed: Seed | undefined, a: Partial<Ask> & { action: string; resource: string }) =>
  ask({
    roleArn: SCIENTIST,
    identity: seed === undefined ? [FULL_ACCESS] : [seed.policy],
    guard,
    context: { ...seed?.network, ...a.context },
    ...a,
  });

/** `roleArn` holding every IAM permission (an account administrator), under `guard`. */
const asIamAdmin = (guard: Guard, roleArn: string, action: string, resource: string) =>
  ask({ roleArn, action, resource, identity: [doc([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }])], guard });

const PRESIGN = 'sagemaker:CreatePresignedDomainUrl';
const PRESIGN_GUARDS: Guard[] = ['only-studio-gate-presigns SCP', 'both as one SCP', 'both as a permissions boundary'];
const OWNER_GUARDS: Guard[] = ['owner-tag-is-fixed SCP', 'both as one SCP', 'both as a permissions boundary'];

describe.each(WITH)('only studio-gate presigns, %s', (_with, seed) => {
  it('the door it closes is open without it: someone else presigns bob’s profile', async () => {
    await expect(someoneElse('none', seed, { action: PRESIGN, resource: profile('bob') })).resolves.toBe('Allowed');
  });

  it.each(PRESIGN_GUARDS)('%s: someone else presigns no profile of the domain', async (guard) => {
    await expect(someoneElse(guard, seed, { action: PRESIGN, resource: profile('bob') })).resolves.toBe('ExplicitlyDenied');
    // It names presigning only: the same principal still reads profiles, and other domains are not its business.
    await expect(
      someoneElse(guard, seed, { action: 'sagemaker:DescribeUserProfile', resource: profile('bob'), context: seed?.network }),
    ).resolves.toBe('Allowed');
    await expect(someoneElse(guard, seed, { action: PRESIGN, resource: profile('bob', 'd-otherdomain') })).resolves.toBe(
      'Allowed',
    );
  });

  it.each(PRESIGN_GUARDS)('%s: studio-gate still issues alice’s URL, and only hers', async (guard) => {
    for (const action of [PRESIGN, 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags']) {
      await expect(studioGate(guard, seed, action, ALICE)).resolves.toBe('Allowed');
    }
    await expect(studioGate(guard, seed, PRESIGN, BOB, 'bob')).resolves.toBe('ExplicitlyDenied');
    await expect(studioGate(guard, seed, PRESIGN, undefined, 'untagged')).resolves.toBe('ExplicitlyDenied');
  });

  it.each(PRESIGN_GUARDS)('%s: an issuer role someone widened still presigns only for its session’s owner', async (guard) => {
    // The issuer role's own Deny removed and a broad grant attached: the guardrail alone holds the binding.
    const widened = (ownerTag: string | undefined, owner: string, name: string) =>
      ask({
        roleArn: ISSUER,
        action: PRESIGN,
        resource: profile(name),
        identity: [FULL_ACCESS, ...(seed === undefined ? [] : [seed.policy])],
        guard,
        sourceIdentity: ALICE,
        ...(ownerTag !== undefined && { ownerTag }),
        context: { ...STUDIO_GATE_NETWORK, ...tagged(owner) },
      });
    await expect(widened(ALICE, ALICE, 'alice')).resolves.toBe('Allowed');
    await expect(widened(ALICE, BOB, 'bob')).resolves.toBe('ExplicitlyDenied');
    await expect(widened(undefined, BOB, 'bob')).resolves.toBe('ExplicitlyDenied');
  });

  it.each(PRESIGN_GUARDS)(
    '%s: nobody but the deployer changes, deletes or re-creates a role the guardrails name',
    async (guard) => {
      // Every exemption is by role name: rewriting a named role's trust hands what it holds to whoever it then trusts.
      const change = (roleArn: string, action: string, resource: string) => asIamAdmin(guard, roleArn, action, resource);
      for (const named of [ISSUER, PROVISIONER, BREAK_GLASS, EXECUTION, DEPLOYER]) {
        for (const action of [
          'iam:UpdateAssumeRolePolicy',
          'iam:PutRolePolicy',
          'iam:AttachRolePolicy',
          'iam:DeleteRole',
          'iam:CreateRole',
        ]) {
          await expect(change(SCIENTIST, action, named)).resolves.toBe('ExplicitlyDenied');
          await expect(change(BREAK_GLASS, action, named)).resolves.toBe('ExplicitlyDenied');
          await expect(change(DEPLOYER, action, named)).resolves.toBe('Allowed');
        }
      }
      // Other roles are not its business.
      await expect(change(SCIENTIST, 'iam:PutRolePolicy', role('SomeOtherRole'))).resolves.toBe('Allowed');
    },
  );

  it.each(PRESIGN_GUARDS)(
    '%s: no principal of the account assumes an execution role (it would name any profile)',
    async (guard) => {
      const assume = (action: string) =>
        ask({
          roleArn: SCIENTIST,
          action,
          resource: EXECUTION,
          identity: [doc([{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }])],
          guard,
          context: { 'sts:SourceIdentity': 'bob' },
        });
      await expect(assume('sts:AssumeRole')).resolves.toBe('ExplicitlyDenied');
      await expect(assume('sts:SetSourceIdentity')).resolves.toBe('ExplicitlyDenied');
    },
  );

  it.each(PRESIGN_GUARDS)(
    '%s: no role it names is handed to other code, and the execution roles only by provisioning',
    async (guard) => {
      // An execution role given to a profile of another domain would name "bob" there and presign bob here.
      const iam = (roleArn: string, action: string, resource: string) => asIamAdmin(guard, roleArn, action, resource);
      await expect(iam(SCIENTIST, 'iam:PassRole', EXECUTION)).resolves.toBe('ExplicitlyDenied');
      await expect(iam(PROVISIONER, 'iam:PassRole', EXECUTION)).resolves.toBe('Allowed');
      for (const named of [ISSUER, PROVISIONER, BREAK_GLASS]) {
        await expect(iam(SCIENTIST, 'iam:PassRole', named)).resolves.toBe('ExplicitlyDenied');
        await expect(iam(DEPLOYER, 'iam:PassRole', named)).resolves.toBe('Allowed');
      }
      // The execution-role policy (a managed policy) is rewritten by the deployer only.
      const policy = `arn:aws:iam::${ACCOUNT}:policy/studio-gate-execution-role`;
      await expect(iam(SCIENTIST, 'iam:CreatePolicyVersion', policy)).resolves.toBe('ExplicitlyDenied');
      await expect(iam(DEPLOYER, 'iam:CreatePolicyVersion', policy)).resolves.toBe('Allowed');
    },
  );

  it.each(PRESIGN_GUARDS)('%s: an execution role opens no notebook instance, even without its own policy', async (guard) => {
    await expect(
      ask({
        roleArn: EXECUTION,
        action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        resource: `arn:aws:sagemaker:${F.region}:${ACCOUNT}:notebook-instance/team-notebook`,
        identity: [FULL_ACCESS],
        guard,
        sourceIdentity: 'alice',
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  it.each(PRESIGN_GUARDS)(
    '%s: a health-check session of a widened issuer role, tagged as anyone, presigns nothing',
    async (guard) => {
      const health = (owner: string) =>
        ask({
          roleArn: ISSUER,
          action: PRESIGN,
          resource: profile('bob'),
          identity: [FULL_ACCESS],
          guard,
          sourceIdentity: 'studio-gate-health',
          ownerTag: owner,
          context: { ...STUDIO_GATE_NETWORK, ...tagged(owner) },
        });
      await expect(health(BOB)).resolves.toBe('ExplicitlyDenied');
    },
  );

  it.each(PRESIGN_GUARDS)('%s: the break-glass role named in it still presigns any profile', async (guard) => {
    await expect(someoneElse(guard, seed, { roleArn: BREAK_GLASS, action: PRESIGN, resource: profile('bob') })).resolves.toBe(
      'Allowed',
    );
  });
});

describe.each(WITH)('ownership cannot be rewritten, %s', (_with, seed) => {
  /** `roleArn` holding the seed and a broad grant (the seeds grant no tagging themselves), from the seed's network. */
  const broadly = (
    guard: Guard,
    roleArn: string,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ) =>
    ask({
      roleArn,
      action,
      resource,
      identity: [FULL_ACCESS, ...(seed === undefined ? [] : [seed.policy])],
      guard,
      context: { ...seed?.network, ...context },
    });
  const tagging = (guard: Guard, roleArn: string, action: string, keys: string[], resource = profile('bob')) =>
    broadly(guard, roleArn, action, resource, {
      'aws:TagKeys': keys,
      ...(action === 'sagemaker:DeleteTags' ? {} : Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, 'mallory']))),
    });

  it('the door it closes is open without it: someone else re-tags bob’s profile as theirs', async () => {
    await expect(tagging('none', SCIENTIST, 'sagemaker:AddTags', [KEY])).resolves.toBe('Allowed');
    await expect(tagging('none', SCIENTIST, 'sagemaker:CreateUserProfile', [], profile('mallory'))).resolves.toBe('Allowed');
  });

  it.each(OWNER_GUARDS)('%s: nobody but the provisioning role adds, changes or removes the owner tag', async (guard) => {
    await expect(tagging(guard, SCIENTIST, 'sagemaker:AddTags', [KEY])).resolves.toBe('ExplicitlyDenied');
    await expect(tagging(guard, SCIENTIST, 'sagemaker:AddTags', ['team', KEY])).resolves.toBe('ExplicitlyDenied');
    // The same key in another case is the owner tag to IAM's tag conditions.
    await expect(tagging(guard, SCIENTIST, 'sagemaker:AddTags', ['Studio-Gate:Owner'])).resolves.toBe('ExplicitlyDenied');
    await expect(tagging(guard, SCIENTIST, 'sagemaker:DeleteTags', [KEY])).resolves.toBe('ExplicitlyDenied');
    await expect(tagging(guard, ISSUER, 'sagemaker:AddTags', [KEY])).resolves.toBe('ExplicitlyDenied');
    await expect(tagging(guard, PROVISIONER, 'sagemaker:AddTags', [KEY])).resolves.toBe('Allowed');
    await expect(tagging(guard, PROVISIONER, 'sagemaker:DeleteTags', [KEY])).resolves.toBe('Allowed');
    // Other tags stay everyone's business.
    await expect(tagging(guard, SCIENTIST, 'sagemaker:AddTags', ['team'])).resolves.toBe('Allowed');
  });

  it.each(OWNER_GUARDS)(
    '%s: a space’s owner tag is the provisioning role’s too, and so is a space created with one',
    async (guard) => {
      const space = `arn:aws:sagemaker:${F.region}:${ACCOUNT}:space/${F.domainId}/bob-private`;
      await expect(tagging(guard, SCIENTIST, 'sagemaker:DeleteTags', [KEY], space)).resolves.toBe('ExplicitlyDenied');
      await expect(tagging(guard, SCIENTIST, 'sagemaker:AddTags', [KEY], space)).resolves.toBe('ExplicitlyDenied');
      await expect(tagging(guard, SCIENTIST, 'sagemaker:CreateSpace', [KEY], space)).resolves.toBe('ExplicitlyDenied');
      await expect(tagging(guard, SCIENTIST, 'sagemaker:CreateSpace', ['team'], space)).resolves.toBe('Allowed');
      await expect(tagging(guard, PROVISIONER, 'sagemaker:AddTags', [KEY], space)).resolves.toBe('Allowed');
    },
  );

  it.each(OWNER_GUARDS)('%s: a person’s workspace settings and the domain’s are the provisioning role’s alone', async (guard) => {
    // An execution role or lifecycle configuration planted on bob's profile would run code as bob.
    const admin = (roleArn: string, action: string, resource: string) => broadly(guard, roleArn, action, resource);
    const domain = `arn:aws:sagemaker:${F.region}:${ACCOUNT}:domain/${F.domainId}`;
    for (const [action, resource] of [
      ['sagemaker:UpdateUserProfile', profile('bob')],
      ['sagemaker:DeleteUserProfile', profile('bob')],
      ['sagemaker:UpdateDomain', domain],
      ['sagemaker:DeleteDomain', domain],
    ] as const) {
      await expect(admin(SCIENTIST, action, resource)).resolves.toBe('ExplicitlyDenied');
      await expect(admin(ISSUER, action, resource)).resolves.toBe('ExplicitlyDenied');
      await expect(admin(PROVISIONER, action, resource)).resolves.toBe('Allowed');
      // A domain defined in a stack is updated by its stack.
      await expect(admin(DEPLOYER, action, resource)).resolves.toBe('Allowed');
    }
  });

  it.each(OWNER_GUARDS)('%s: a profile is born with its owner tag, from the provisioning role only', async (guard) => {
    const create = (roleArn: string, keys: string[]) =>
      tagging(guard, roleArn, 'sagemaker:CreateUserProfile', keys, profile('new-person'));
    await expect(create(PROVISIONER, [KEY])).resolves.toBe('Allowed');
    await expect(create(PROVISIONER, [])).resolves.toBe('ExplicitlyDenied');
    await expect(create(PROVISIONER, ['team'])).resolves.toBe('ExplicitlyDenied');
    await expect(create(SCIENTIST, [KEY])).resolves.toBe('ExplicitlyDenied');
    await expect(create(SCIENTIST, [])).resolves.toBe('ExplicitlyDenied');
  });

  it.each(OWNER_GUARDS)('%s: studio-gate still reads the owner tag and issues alice’s URL', async (guard) => {
    for (const action of [PRESIGN, 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags']) {
      await expect(studioGate(guard, seed, action, ALICE)).resolves.toBe('Allowed');
    }
  });
});

describe.each(WITH)('execution roles stay in their own profile, %s', (_with, seed) => {
  const policy = built.executionRolePolicy;
  /** The execution role of alice's apps (SourceIdentity: her profile name), holding the policy and `seed`. */
  const app = (guard: Guard, action: string, resource: string, sourceIdentity: string | undefined, identity = [policy]) =>
    ask({
      roleArn: EXECUTION,
      action,
      resource,
      identity: [...identity, ...(seed === undefined ? [FULL_ACCESS] : [seed.policy])],
      guard,
      ...(sourceIdentity !== undefined && { sourceIdentity }),
      context: seed?.network ?? {},
    });

  it('the door it closes is open without it: the app presigns a colleague’s profile', async () => {
    await expect(app('none', PRESIGN, profile('bob'), 'alice', [])).resolves.toBe('Allowed');
  });

  it.each<Guard>(['none', 'both as one SCP', 'both as a permissions boundary'])(
    'with the policy (guardrails: %s): its own profile, nothing else of the kind',
    async (guard) => {
      await expect(app(guard, PRESIGN, profile('alice'), 'alice')).resolves.toBe('Allowed');
      await expect(app(guard, PRESIGN, profile('bob'), 'alice')).resolves.toBe('ExplicitlyDenied');
      await expect(app(guard, PRESIGN, profile('alice', 'd-otherdomain'), 'alice')).resolves.toBe('ExplicitlyDenied');
      // A session that names no profile (the domain's ExecutionRoleIdentityConfig off) presigns nothing.
      await expect(app(guard, PRESIGN, profile('alice'), undefined)).resolves.toBe('ExplicitlyDenied');
      const notebook = `arn:aws:sagemaker:${F.region}:${ACCOUNT}:notebook-instance/team-notebook`;
      await expect(app(guard, 'sagemaker:CreatePresignedNotebookInstanceUrl', notebook, 'alice')).resolves.toBe(
        'ExplicitlyDenied',
      );
    },
  );

  it.each(PRESIGN_GUARDS)('%s without the policy: the guardrail alone keeps the app in its own profile', async (guard) => {
    await expect(app(guard, PRESIGN, profile('alice'), 'alice', [])).resolves.toBe('Allowed');
    await expect(app(guard, PRESIGN, profile('bob'), 'alice', [])).resolves.toBe('ExplicitlyDenied');
    await expect(app(guard, PRESIGN, profile('alice'), undefined, [])).resolves.toBe('ExplicitlyDenied');
  });
});

describe('the permissions boundary keeps itself on', () => {
  const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/studio-gate-guardrails`;
  const IAM_ADMIN = [doc([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }])];
  const act = (roleArn: string, action: string, resource: string, context: Record<string, string> = {}) =>
    ask({ roleArn, action, resource, identity: IAM_ADMIN, guard: 'both as a permissions boundary', context });

  it('lets nobody but the deployer take it off, create a principal without it, or rewrite it', async () => {
    for (const roleArn of [SCIENTIST, BREAK_GLASS]) {
      await expect(act(roleArn, 'iam:DeleteRolePermissionsBoundary', roleArn)).resolves.toBe('ExplicitlyDenied');
      await expect(act(roleArn, 'iam:CreateRole', role('fresh'))).resolves.toBe('ExplicitlyDenied');
      await expect(
        act(roleArn, 'iam:PutRolePermissionsBoundary', roleArn, { 'iam:PermissionsBoundary': `${BOUNDARY}-lax` }),
      ).resolves.toBe('ExplicitlyDenied');
      await expect(act(roleArn, 'iam:CreatePolicyVersion', BOUNDARY)).resolves.toBe('ExplicitlyDenied');
    }
    // A new role that carries it is fine; the deployer does what deploying needs.
    await expect(act(SCIENTIST, 'iam:CreateRole', role('fresh'), { 'iam:PermissionsBoundary': BOUNDARY })).resolves.toBe(
      'Allowed',
    );
    await expect(act(DEPLOYER, 'iam:CreatePolicyVersion', BOUNDARY)).resolves.toBe('Allowed');
    await expect(act(DEPLOYER, 'iam:DeleteRolePermissionsBoundary', role('fresh'))).resolves.toBe('Allowed');
  });
});

describe('direct issuance', () => {
  const direct: GuardrailInput = { ...input, issuance: 'direct', issuerRoleArns: [role('studio-gate-prod-StudioUrlRole-1A2B')] };
  const scp = guardrails(direct).scp;
  const presign = (roleArn: string, name: string) =>
    simulate({
      principal: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/fn`,
      action: PRESIGN,
      resource: profile(name),
      context: { 'aws:PrincipalArn': roleArn, ...STUDIO_GATE_NETWORK },
      identityPolicies: [FULL_ACCESS],
      scps: [scp],
    });

  it('leaves studio-gate’s own roles presigning untagged sessions (only its code binds them), and nobody else', async () => {
    await expect(presign(direct.issuerRoleArns[0] as string, 'bob')).resolves.toBe('Allowed');
    await expect(presign(SCIENTIST, 'bob')).resolves.toBe('ExplicitlyDenied');
  });
});
