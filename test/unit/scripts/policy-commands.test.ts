/**
 * The two commands that print policies for accounts studio-gate does not deploy to:
 * `npm run -s guardrails` and `npm run -s issuer-role`. Each prints exactly what the policy builders
 * (proven in test/policies) build from its flags, and reports every problem at once instead of
 * printing a policy that would not do what was asked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { guardrailOutput } from '../../../scripts/guardrails';
import { issuerRoleInput } from '../../../scripts/issuer-role';
import { guardrails } from '../../../src/policies/guardrail-policies';

const A = '555566667777';
const role = (name: string, account = A) => `arn:aws:iam::${account}:role/${name}`;
const ARGS = [
  '--account',
  A,
  '--region',
  'eu-west-1',
  '--domain',
  'd-riskdomain01',
  '--issuer-role-arns',
  role('studio-gate-issuer'),
  '--provisioning-role-arn',
  role('profile-provisioner'),
  '--deployer-role-arn',
  role('platform-deployer'),
];

describe('npm run -s guardrails', () => {
  it('prints the three documents built from its flags, with the default owner tag and tag-bound issuance', () => {
    expect(guardrailOutput(ARGS)).toEqual(
      guardrails({
        accountId: A,
        region: 'eu-west-1',
        domainId: 'd-riskdomain01',
        issuerRoleArns: [role('studio-gate-issuer')],
        issuance: 'tag-bound',
        ownerTagKey: 'studio-gate:owner',
        provisioningRoleArn: role('profile-provisioner'),
        deployerRoleArn: role('platform-deployer'),
      }),
    );
  });

  it('prints one document with --only, ready for `aws organizations create-policy --content file://…`', () => {
    const scp = guardrailOutput([...ARGS, '--only', 'scp', '--break-glass-role-arn', role('BreakGlass')]) as {
      Statement: { Sid: string; Condition?: { ArnNotLike?: Record<string, string[]> } }[];
    };
    expect(scp.Statement.map((s) => s.Sid)).toEqual([
      'OnlyStudioGatePresigns',
      'IssuerSessionsPresignOnlyTheirOwnersProfile',
      'UntaggedIssuerSessionsPresignNothing',
      'HealthCheckSessionsPresignNothing',
      'NamedRolesAreNotPassed',
      'ExecutionRolePolicyStaysAsWritten',
      'NamedRolesStayAsDeployed',
      'OwnerTagOnlyByProvisioning',
      'ProfilesAndDomainOnlyByProvisioning',
      'ProfilesAreBornWithAnOwner',
    ]);
    expect(scp.Statement[0]?.Condition?.ArnNotLike?.['aws:PrincipalArn']).toEqual([
      role('studio-gate-issuer'),
      role('BreakGlass'),
    ]);
    const direct = guardrailOutput([...ARGS, '--only', 'scp', '--issuance', 'direct']) as { Statement: { Sid: string }[] };
    expect(direct.Statement.map((s) => s.Sid)).not.toContain('IssuerSessionsPresignOnlyTheirOwnersProfile');
  });

  it('reports every problem at once: no policy that would not do what was asked', () => {
    const attempt = () =>
      guardrailOutput([
        '--account',
        '12345',
        '--region',
        'mars-1',
        '--domain',
        'domain',
        '--issuer-role-arns',
        `${role('studio-gate-issuer', '999988887777')},arn:aws:iam::${A}:role/studio-gate-*`,
        '--break-glass-role-arn',
        role('studio-gate-issuer', '999988887777'),
        '--owner-tag',
        'aws:owner',
        '--issuance',
        'sometimes',
        '--only',
        'everything',
        '--unknown',
        'x',
      ]);
    const other = role('studio-gate-issuer', '999988887777');
    expect(attempt).toThrow(
      new Error(
        [
          'unknown argument "--unknown"',
          '--issuance must be tag-bound or direct, got "sometimes"',
          '--only must be one of scp, permissions-boundary, execution-role-policy, got "everything"',
          '--account must be a 12-digit account id, got "12345"',
          '--region must be an AWS region, got "mars-1"',
          '--domain must be a Studio domain id (d-...), got "domain"',
          '--owner-tag 1–128 of A-Z a-z 0-9 space _ . : / = + - @, not aws:…, no space at either end, got "aws:owner"',
          '--provisioning-role-arn must name the role that creates profiles and sets their owner tag',
          '--deployer-role-arn must name the role that deploys the issuer roles',
          `--issuer-role-arns: "${other}" is not an exact role ARN of the domain account 12345`,
          `--issuer-role-arns: "arn:aws:iam::${A}:role/studio-gate-*" is not an exact role ARN of the domain account 12345`,
          `--break-glass-role-arn: "${other}" is not an exact role ARN of the domain account 12345`,
          `"${other}" is given as --issuer-role-arns and as --break-glass-role-arn (role names ignore case and path): one role, one job`,
        ].join('\n'),
      ),
    );
  });

  it('refuses roles of other accounts, wildcards, one role in two jobs, and a missing provisioning role', () => {
    const problems = (args: string[]) => {
      try {
        guardrailOutput(args);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const base = [...ARGS.slice(0, 8), ...ARGS.slice(10)];
    expect(problems([...base, '--provisioning-role-arn', role('x', '999988887777')])).toContain(
      `--provisioning-role-arn: "${role('x', '999988887777')}" is not an exact role ARN of the domain account ${A}`,
    );
    expect(problems([...base, '--provisioning-role-arn', `arn:aws:iam::${A}:role/prov*`])).toContain('is not an exact role ARN');
    expect(problems([...base, '--provisioning-role-arn', role('studio-gate-issuer')])).toContain(
      'is given as --issuer-role-arns and as --provisioning-role-arn (role names ignore case and path): one role, one job',
    );
    // One role by another spelling: IAM role names ignore case, and a path is not part of the name.
    expect(problems([...base, '--provisioning-role-arn', role('path/Studio-Gate-ISSUER')])).toContain('one role, one job');
    expect(problems(base)).toContain('--provisioning-role-arn must name the role that creates profiles');
    expect(problems([...ARGS, '--account'])).toContain('--account needs a value');
    // A key with a space at either end looks like the owner tag and is another one.
    expect(problems([...ARGS, '--owner-tag', 'studio-gate:owner '])).toContain(
      'no space at either end, got "studio-gate:owner "',
    );
    expect(problems([...ARGS, '--owner-tag', ' studio-gate:owner'])).toContain('no space at either end');
    expect(problems([...ARGS, '--owner-tag', 'team owner'])).toBe('');
  });

  it('refuses documents over IAM’s size limits instead of printing one IAM would reject', () => {
    const many = Array.from({ length: 120 }, (_, i) => role(`studio-execution-role-${i}`)).join(',');
    expect(() => guardrailOutput([...ARGS, '--execution-role-arns', many])).toThrow(
      /the scp is \d+ characters, over the 5120 AWS Organizations allows an SCP/,
    );
  });

  it('runs as a command: one document on one line, as AWS counts it; nothing on stdout but JSON', () => {
    const script = join(__dirname, '..', '..', '..', 'scripts', 'guardrails.ts');
    const tsx = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, [script, ...ARGS, '--only', 'execution-role-policy'], { encoding: 'utf8' });
    expect(out).toBe(`${JSON.stringify(guardrailOutput([...ARGS, '--only', 'executionRolePolicy']))}\n`);
    // The whole object is indented, to read.
    const all = execFileSync(tsx, [script, ...ARGS], { encoding: 'utf8' });
    expect(all).toBe(`${JSON.stringify(guardrailOutput(ARGS), null, 2)}\n`);
    const bad = spawnSync(tsx, [script, ...ARGS, '--region', 'mars-1'], { encoding: 'utf8' });
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toContain('--region is given twice');
    // Without arguments: the usage on stderr, so `> scp.json` never captures it.
    const bare = spawnSync(tsx, [script], { encoding: 'utf8' });
    expect([bare.status, bare.stdout]).toEqual([2, '']);
    expect(bare.stderr).toContain('usage: npm run -s guardrails');
  });
});

describe('npm run -s issuer-role', () => {
  it('reads its flags through the same parser: every problem at once', () => {
    expect(() => issuerRoleInput(['--domain', 'd-riskdomain01', '--domain', 'd-other', '--bogus', '1', '--region'])).toThrow(
      /--domain is given twice\nunknown argument "--bogus"\n--region needs a value/,
    );
  });
});
