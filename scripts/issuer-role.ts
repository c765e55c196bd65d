/**
 * `npm run -s issuer-role -- --account <domain account> --domain <d-…> --region <region>
 *  --network-account <studio-gate's account> --trusted-role-arns <arn,…> [--health-role-arn <arn>]
 *  [--role-name <name>] [--sagemaker-endpoint <vpce-…>]`
 * prints the domain account's CloudFormation template (the issuer role) as JSON, and nothing else,
 * so it composes: `npm run -s issuer-role -- … > issuer-role.json`. Every problem is reported at once.
 */
import './local/quiet-node-notice';
import { DEFAULT_OWNER_TAG } from '../src/domain/profile-owner';
import { isIssuanceMode } from '../src/domain/studio-domains';
import { type IssuerRoleInput, issuerRoleProblems, issuerRoleTemplate } from '../src/infrastructure/issuer-role';
import { flagHelp, listFlag, namedFlags, printJsonCommand } from './local/flags';

const FLAGS = {
  '--account': 'the domain account (where the role is created)',
  '--domain': 'the Studio domain id (d-…)',
  '--region': "the domain's region",
  '--network-account': "the account studio-gate's functions run in",
  '--trusted-role-arns': 'the issuing function roles that may assume it: the studio-gate stack output IssuerTrustedRoleArns',
  '--health-role-arn':
    'the health check role that may check through it, never issue: the stack output HealthCheckRoleArn (without it, assume-role.<domain> fails)',
  '--role-name': 'the role name (default studio-gate-issuer)',
  '--sagemaker-endpoint':
    'the SageMaker API endpoint id the functions reach this domain by (with --studio-endpoint): calls must come through one of the two',
  '--studio-endpoint':
    "the Studio endpoint id the corporate network opens this domain's Studio through (with --sagemaker-endpoint)",
  '--health-canary-owner':
    "the canary profile's owner (the stage's healthCanaryOwner): the health check may tag its session as them, or as nobody, never as anyone else",
  '--owner-tag':
    "the profiles' owner tag key, which each session carries as the person (default studio-gate:owner; studio-gate's PROFILE_OWNER_TAG)",
  '--issuance':
    'tag-bound (default): sessions act only on profiles whose owner tag names their person; direct: on any profile of the domain (the opt-out)',
} as const;

const USAGE = `usage: npm run -s issuer-role -- --account <id> --domain <d-…> --region <region> --network-account <id> --trusted-role-arns <arn,…> [options]

Prints the domain account's CloudFormation template: the issuer role studio-gate assumes (one session
per person, SourceIdentity required) to issue Studio URLs of that domain. Deploy it in the domain account.

${flagHelp(FLAGS)}
`;

/** The template's input from `args`. @throws Error listing every problem. */
export function issuerRoleInput(args: readonly string[]): IssuerRoleInput {
  const { values, problems } = namedFlags(args, FLAGS);
  const input: IssuerRoleInput = {
    domainId: values['--domain'] ?? '',
    region: values['--region'] ?? '',
    domainAccountId: values['--account'] ?? '',
    networkAccountId: values['--network-account'] ?? '',
    trustedRoleArns: listFlag(values['--trusted-role-arns']),
    ...(values['--health-role-arn'] !== undefined && { healthRoleArn: values['--health-role-arn'] }),
    ...(values['--role-name'] !== undefined && { roleName: values['--role-name'] }),
    ...(values['--sagemaker-endpoint'] !== undefined && { sagemakerApiVpceId: values['--sagemaker-endpoint'] }),
    ...(values['--studio-endpoint'] !== undefined && { studioVpceId: values['--studio-endpoint'] }),
    ...(values['--issuance'] !== 'direct' && { ownerTagKey: values['--owner-tag'] ?? DEFAULT_OWNER_TAG }),
    ...(values['--health-canary-owner'] !== undefined && { healthCanaryOwner: values['--health-canary-owner'] }),
  };
  const issuance = values['--issuance'];
  if (issuance !== undefined && !isIssuanceMode(issuance))
    problems.push(`--issuance must be tag-bound or direct, got "${issuance}"`);
  if (issuance === 'direct' && values['--owner-tag'] !== undefined) problems.push('--owner-tag goes with tag-bound issuance');
  problems.push(...issuerRoleProblems(input));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return input;
}

if (require.main === module) printJsonCommand(USAGE, (args) => issuerRoleTemplate(issuerRoleInput(args)));
