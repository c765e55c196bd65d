/**
 * `npm run -s guardrails -- --account <domain account> --region <region> --domain <d-…>
 *  --issuer-role-arns <arn,…> --provisioning-role-arn <arn> --deployer-role-arn <arn> [--break-glass-role-arn <arn>]
 *  [--execution-role-arns <arn,…>] [--owner-tag <key>] [--issuance tag-bound|direct] [--only <document>]`
 * prints the guardrail policies of one domain (docs/iam-guardrails.md, "Guardrails") as JSON and
 * nothing else, so it composes: `npm run -s guardrails -- … --only scp > scp.json`. Every problem is
 * reported at once.
 */
import './local/quiet-node-notice';
import { DEFAULT_OWNER_TAG } from '../src/domain/profile-owner';
import { isIssuanceMode } from '../src/domain/studio-domains';
import {
  DEFAULT_BOUNDARY_NAME,
  DEFAULT_EXECUTION_POLICY_NAME,
  type GuardrailInput,
  type Guardrails,
  guardrailProblems,
  guardrailSizeProblems,
  guardrails,
} from '../src/policies/guardrail-policies';
import { flagHelp, listFlag, namedFlags, printJsonCommand } from './local/flags';

/** `--only`'s names for the documents (each also by its key in the full output). */
const DOCUMENTS: Readonly<Record<string, keyof Guardrails>> = {
  scp: 'scp',
  'permissions-boundary': 'permissionsBoundary',
  permissionsBoundary: 'permissionsBoundary',
  'execution-role-policy': 'executionRolePolicy',
  executionRolePolicy: 'executionRolePolicy',
};
const DOCUMENT_NAMES = ['scp', 'permissions-boundary', 'execution-role-policy'];

const FLAGS = {
  '--account': 'the domain account (where its profiles, and every principal that may presign them, live)',
  '--region': "the domain's region",
  '--domain': 'the Studio domain id (d-…)',
  '--issuer-role-arns':
    "the roles studio-gate issues this domain's URLs through: its issuer role (tag-bound), or studio-gate's function roles (direct, in their own account)",
  '--provisioning-role-arn': 'the only role that creates profiles and sets or changes their owner tag',
  '--deployer-role-arn': 'the only role that may change the issuer roles (the one that deploys their stacks)',
  '--break-glass-role-arn': "the platform's break-glass role, which may presign any profile (default: none)",
  '--execution-role-arns':
    'Studio execution roles: each may presign only the profile its session names (the domain needs ExecutionRoleIdentityConfig USER_PROFILE_NAME)',
  '--owner-tag': "the profiles' owner tag key (default studio-gate:owner; studio-gate's PROFILE_OWNER_TAG)",
  '--execution-policy-name': `the managed policy name you create the execution-role policy under (default ${DEFAULT_EXECUTION_POLICY_NAME}): only the deployer changes it`,
  '--boundary-name': `the managed policy name you create the permissions boundary under (default ${DEFAULT_BOUNDARY_NAME}): it keeps itself on`,
  '--issuance': "tag-bound (default) or direct: how the issuer roles issue (the domain's issuance in studio-gate)",
  '--only': `print one document, on one line as AWS takes it: ${DOCUMENT_NAMES.join(', ')} (default: all three in one object, indented to read)`,
} as const;

const USAGE = `usage: npm run -s guardrails -- --account <id> --region <region> --domain <d-…> --issuer-role-arns <arn,…>
  --provisioning-role-arn <arn> --deployer-role-arn <arn> [options]

Prints, as JSON, the guardrails that make studio-gate the only door to a domain's Studio:
  scp                    only studio-gate presigns, and owner tags only the provisioning role sets:
                         attach to the domain account as an SCP, beside FullAWSAccess;
  permissionsBoundary    the same as a permissions boundary, where SCPs are not in use;
  executionRolePolicy    attach to Studio execution roles: each presigns only its own profile.

${flagHelp(FLAGS, 24)}
`;

/** The input from `args`. @throws Error listing every problem. */
export function guardrailInput(args: readonly string[]): { input: GuardrailInput; only?: keyof Guardrails } {
  const { values, problems } = namedFlags(args, FLAGS);
  const issuance = values['--issuance'] ?? 'tag-bound';
  if (!isIssuanceMode(issuance)) problems.push(`--issuance must be tag-bound or direct, got "${issuance}"`);
  const only = values['--only'];
  if (only !== undefined && DOCUMENTS[only] === undefined)
    problems.push(`--only must be one of ${DOCUMENT_NAMES.join(', ')}, got "${only}"`);
  const executionRoleArns = listFlag(values['--execution-role-arns']);
  const input: GuardrailInput = {
    accountId: values['--account'] ?? '',
    region: values['--region'] ?? '',
    domainId: values['--domain'] ?? '',
    issuerRoleArns: listFlag(values['--issuer-role-arns']),
    issuance: isIssuanceMode(issuance) ? issuance : 'tag-bound',
    ownerTagKey: values['--owner-tag'] ?? DEFAULT_OWNER_TAG,
    provisioningRoleArn: values['--provisioning-role-arn'] ?? '',
    deployerRoleArn: values['--deployer-role-arn'] ?? '',
    ...(values['--break-glass-role-arn'] !== undefined && { breakGlassRoleArn: values['--break-glass-role-arn'] }),
    ...(executionRoleArns.length > 0 && { executionRoleArns }),
    ...(values['--boundary-name'] !== undefined && { boundaryName: values['--boundary-name'] }),
    ...(values['--execution-policy-name'] !== undefined && { executionPolicyName: values['--execution-policy-name'] }),
  };
  problems.push(...guardrailProblems(input));
  if (problems.length === 0) problems.push(...guardrailSizeProblems(guardrails(input)));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { input, ...(only !== undefined && { only: DOCUMENTS[only] }) };
}

/** What the command prints for `args`. @throws Error listing every problem. */
export function guardrailOutput(args: readonly string[]): unknown {
  const { input, only } = guardrailInput(args);
  const documents = guardrails(input);
  return only === undefined ? documents : documents[only];
}

// One document is printed as AWS counts it (without white space), ready for `create-policy --content file://…`.
if (require.main === module) printJsonCommand(USAGE, guardrailOutput, (args) => args.includes('--only'));
