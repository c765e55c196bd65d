/**
 * The guardrails that close the ways into a domain's Studio other than studio-gate
 * (docs/iam-guardrails.md, "Guardrails"). `npm run -s guardrails -- …` prints them for one domain:
 *
 * - **Only studio-gate presigns**: `CreatePresignedDomainUrl` on the domain's profiles is denied to
 *   every principal but the issuer roles, the break-glass role (if named) and the execution roles. A
 *   tag-bound issuer role's session may presign only the profile whose owner tag equals its own; an
 *   untagged one, or the health run's, nothing; so the binding holds even if someone widens the
 *   issuer role. An execution role may presign only the profile its session names (SourceIdentity),
 *   is assumed by no principal of the account, and is passed to SageMaker only by the provisioning
 *   role. Every role named here is changed (trust, policies, boundary, deleted and re-created) and
 *   passed to a service only by the deployer.
 * - **Ownership cannot be rewritten**: adding, changing or removing the owner tag of a profile or a
 *   space (any case of its key), creating one that carries it, and changing a profile's or the
 *   domain's settings, only by the provisioning role; no profile is created without the tag.
 * - **Execution roles stay in their own profile**: the policy for Studio execution roles, which
 *   Studio's UI expects to presign its own profile, and nothing else of the kind.
 *
 * The first two are one document, attached either as an SCP to the domain account (beside
 * FullAWSAccess) or as a permissions boundary of its principals (which then carries an Allow of
 * everything, since a boundary only narrows, and keeps itself on). The third is attached to the
 * execution roles.
 */
import { domainArn, partitionOf, spaceArn, userProfileArn } from '../domain/arns';
import { isTagKey, TAG_KEY_RULE } from '../domain/profile-owner';
import { HEALTH_SOURCE_IDENTITY } from '../domain/role-session';
import { AWS_REGIONS, DOMAIN_ID_PATTERN, type IssuanceMode, isRoleOf } from '../domain/studio-domains';
import type { ConditionBlock, PolicyStatement } from './policy-types';

/** A statement that names its resources, or everything but some (the guardrails need `NotResource`). */
export type GuardrailStatement = Omit<PolicyStatement, 'Resource' | 'Principal'> &
  ({ Resource: string | string[] } | { NotResource: string | string[] });

export interface GuardrailDocument {
  Version: '2012-10-17';
  Statement: GuardrailStatement[];
}

export interface GuardrailInput {
  /** The domain's account: the profiles live there, and so must every principal that presigns them. */
  readonly accountId: string;
  readonly region: string;
  readonly domainId: string;
  /** The roles studio-gate issues this domain's URLs through (tag-bound: the issuer role). */
  readonly issuerRoleArns: readonly string[];
  /** How those roles issue: tag-bound sessions carry the owner tag; direct ones do not. */
  readonly issuance: IssuanceMode;
  /** The profiles' owner tag key (PROFILE_OWNER_TAG). */
  readonly ownerTagKey: string;
  /** The only role that may create profiles and set or change their owner tag. */
  readonly provisioningRoleArn: string;
  /** The only role that may change the issuer roles (the one that deploys their stacks). */
  readonly deployerRoleArn: string;
  /** The platform's break-glass role, which may presign any profile of the domain; none if undefined. */
  readonly breakGlassRoleArn?: string;
  /** Studio execution roles, which may presign the profile their session names (SourceIdentity) only. */
  readonly executionRoleArns?: readonly string[];
  /** The name the permissions boundary is created under (a managed policy of the domain account). */
  readonly boundaryName?: string;
  /** The name the execution-role policy is created under (a managed policy of the domain account). */
  readonly executionPolicyName?: string;
}

/** The execution-role policy's default name. */
export const DEFAULT_EXECUTION_POLICY_NAME = 'studio-gate-execution-role';

/** A managed policy of the domain account, by name. */
const managedPolicyArn = (input: GuardrailInput, name: string) =>
  `arn:${partitionOf(input.region)}:iam::${input.accountId}:policy/${name}`;

/** Only the deployer rewrites or deletes the managed policy `name` (its versions are what it grants). */
function staysAsWritten(input: GuardrailInput, Sid: string, name: string): GuardrailStatement {
  return {
    Sid,
    Effect: 'Deny',
    Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
    Resource: managedPolicyArn(input, name),
    Condition: principalNotIn([input.deployerRoleArn]),
  };
}

/** The permissions boundary's default name. */
export const DEFAULT_BOUNDARY_NAME = 'studio-gate-guardrails';

/**
 * What AWS lets each kind of document hold, in characters, counted as `--only` prints them (without
 * white space): an SCP (AWS Organizations), a managed policy (IAM), an inline role policy is 10,240.
 */
export const POLICY_SIZE_LIMITS = { scp: 5120, permissionsBoundary: 6144, executionRolePolicy: 6144 } as const;
const LIMIT_OWNER = {
  scp: 'AWS Organizations allows an SCP',
  permissionsBoundary: 'IAM allows a managed policy',
  executionRolePolicy: 'IAM allows a managed policy',
} as const;

const PRESIGN = 'sagemaker:CreatePresignedDomainUrl';
/** Written into the policy as IAM's policy variable, resolved per request. */
const SOURCE_IDENTITY = '${aws:SourceIdentity}';

/** Every problem with the input, at once. */
export function guardrailProblems(input: GuardrailInput): string[] {
  const problems: string[] = [];
  if (!/^\d{12}$/.test(input.accountId)) problems.push(`--account must be a 12-digit account id, got "${input.accountId}"`);
  if (!AWS_REGIONS.includes(input.region)) problems.push(`--region must be an AWS region, got "${input.region}"`);
  if (!DOMAIN_ID_PATTERN.test(input.domainId))
    problems.push(`--domain must be a Studio domain id (d-...), got "${input.domainId}"`);
  if (!isTagKey(input.ownerTagKey)) problems.push(`--owner-tag ${TAG_KEY_RULE}, got "${input.ownerTagKey}"`);
  if (input.issuerRoleArns.length === 0) problems.push('--issuer-role-arns must name the roles studio-gate issues through');
  if (input.provisioningRoleArn === '')
    problems.push('--provisioning-role-arn must name the role that creates profiles and sets their owner tag');
  if (input.deployerRoleArn === '') problems.push('--deployer-role-arn must name the role that deploys the issuer roles');
  for (const [flag, name] of [
    ['--boundary-name', input.boundaryName],
    ['--execution-policy-name', input.executionPolicyName],
  ] as const) {
    if (name !== undefined && !/^[\w+=,.@-]{1,128}$/.test(name))
      problems.push(`${flag} must be an IAM policy name, got "${name}"`);
  }
  const named: [string, string][] = [
    ...input.issuerRoleArns.map((arn) => ['--issuer-role-arns', arn] as [string, string]),
    ...(input.provisioningRoleArn === '' ? [] : [['--provisioning-role-arn', input.provisioningRoleArn] as [string, string]]),
    ...(input.deployerRoleArn === '' ? [] : [['--deployer-role-arn', input.deployerRoleArn] as [string, string]]),
    ...(input.breakGlassRoleArn === undefined ? [] : [['--break-glass-role-arn', input.breakGlassRoleArn] as [string, string]]),
    ...(input.executionRoleArns ?? []).map((arn) => ['--execution-role-arns', arn] as [string, string]),
  ];
  for (const [flag, arn] of named) {
    // Roles of the domain account: SCPs and boundaries govern that account's principals.
    if (!isRoleOf(arn, input.accountId, partitionOf(input.region))) {
      problems.push(`${flag}: "${arn}" is not an exact role ARN of the domain account ${input.accountId}`);
    }
  }
  // IAM role names are unique whatever their case and path: `Role`, `role` and `/path/role` are one role.
  const seen = new Map<string, string>();
  for (const [flag, arn] of named) {
    const name = arn.slice(arn.lastIndexOf('/') + 1).toLowerCase();
    const earlier = seen.get(name);
    if (earlier !== undefined && earlier !== flag)
      problems.push(`"${arn}" is given as ${earlier} and as ${flag} (role names ignore case and path): one role, one job`);
    seen.set(name, flag);
  }
  return problems;
}

const where = (input: GuardrailInput) => ({
  partition: partitionOf(input.region),
  region: input.region,
  accountId: input.accountId,
  domainId: input.domainId,
});

const principalIn = (arns: readonly string[]): ConditionBlock => ({ ArnLike: { 'aws:PrincipalArn': [...arns] } });
const principalNotIn = (arns: readonly string[]): ConditionBlock => ({ ArnNotLike: { 'aws:PrincipalArn': [...arns] } });

/** The execution roles' rule: their own profile (the session's SourceIdentity), and only with one. */
function ownProfileOnly(input: GuardrailInput, sid: string, extra: ConditionBlock = {}): GuardrailStatement[] {
  const own = userProfileArn(where(input), SOURCE_IDENTITY);
  const when = (block: ConditionBlock) => ({ ...(Object.keys(block).length > 0 && { Condition: block }) });
  return [
    { Sid: `${sid}OtherProfilesNever`, Effect: 'Deny', Action: PRESIGN, NotResource: own, ...when(extra) },
    {
      // Without a SourceIdentity the variable above names nothing and the Deny would not apply.
      Sid: `${sid}NeverWithoutAProfileName`,
      Effect: 'Deny',
      Action: PRESIGN,
      Resource: '*',
      Condition: { ...extra, Null: { 'aws:SourceIdentity': 'true' } },
    },
  ];
}

/** Only studio-gate's issuer roles (and the break-glass role) presign the domain's profiles; see the file's doc. */
export function onlyStudioGatePresigns(input: GuardrailInput): GuardrailStatement[] {
  const profiles = userProfileArn(where(input));
  const key = input.ownerTagKey;
  const executionRoles = input.executionRoleArns ?? [];
  const exempt = [
    ...input.issuerRoleArns,
    ...(input.breakGlassRoleArn === undefined ? [] : [input.breakGlassRoleArn]),
    ...executionRoles,
  ];
  return [
    { Sid: 'OnlyStudioGatePresigns', Effect: 'Deny', Action: PRESIGN, Resource: profiles, Condition: principalNotIn(exempt) },
    ...(input.issuance === 'tag-bound'
      ? ([
          {
            Sid: 'IssuerSessionsPresignOnlyTheirOwnersProfile',
            Effect: 'Deny',
            Action: PRESIGN,
            Resource: profiles,
            Condition: {
              ...principalIn(input.issuerRoleArns),
              StringNotEquals: { [`sagemaker:ResourceTag/${key}`]: `\${aws:PrincipalTag/${key}}` },
            },
          },
          {
            Sid: 'UntaggedIssuerSessionsPresignNothing',
            Effect: 'Deny',
            Action: PRESIGN,
            Resource: profiles,
            Condition: { ...principalIn(input.issuerRoleArns), Null: { [`aws:PrincipalTag/${key}`]: 'true' } },
          },
          {
            // The health run's sessions may carry any owner's tag to read a canary: they never presign.
            Sid: 'HealthCheckSessionsPresignNothing',
            Effect: 'Deny',
            Action: PRESIGN,
            Resource: profiles,
            Condition: { ...principalIn(input.issuerRoleArns), StringEquals: { 'aws:SourceIdentity': HEALTH_SOURCE_IDENTITY } },
          },
        ] satisfies GuardrailStatement[])
      : []),
    ...(executionRoles.length === 0
      ? []
      : [
          ...ownProfileOnly(input, 'ExecutionRoles', principalIn(executionRoles)),
          {
            // SageMaker (a service principal, which no SCP governs) opens their sessions and names the
            // profile; a principal of the account that could assume one could name any profile.
            Sid: 'OnlySageMakerAssumesExecutionRoles',
            Effect: 'Deny' as const,
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            Resource: [...executionRoles],
          },
          {
            // The profile name is all their session carries: an execution role handed to a profile of
            // another domain (a new one, or dev) would name "bob" there and presign bob here.
            Sid: 'OnlyProvisioningPassesExecutionRoles',
            Effect: 'Deny' as const,
            Action: 'iam:PassRole',
            Resource: [...executionRoles],
            Condition: principalNotIn([input.provisioningRoleArn, input.deployerRoleArn]),
          },
          {
            // The other kind of presigned workspace URL (the execution-role policy's rule, held here too).
            Sid: 'ExecutionRolesNoNotebookInstanceUrls',
            Effect: 'Deny' as const,
            Action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
            Resource: '*',
            Condition: principalIn(executionRoles),
          },
        ]),
    {
      // The roles that act for studio-gate, the provisioning and the break-glass are assumed, never
      // handed to a service (or an instance profile) where other code would run as them.
      // (Only the deployer may, when it sets up the pipeline the provisioning role runs in.)
      Sid: 'NamedRolesAreNotPassed',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: [
        ...input.issuerRoleArns,
        input.provisioningRoleArn,
        ...(input.breakGlassRoleArn === undefined ? [] : [input.breakGlassRoleArn]),
      ],
      Condition: principalNotIn([input.deployerRoleArn]),
    },
    // The execution-role policy is a managed policy of the account: its versions are the deployer's.
    staysAsWritten(input, 'ExecutionRolePolicyStaysAsWritten', input.executionPolicyName ?? DEFAULT_EXECUTION_POLICY_NAME),
    {
      // Every exemption here is by role name: whoever could rewrite a named role's trust or policies
      // (or delete it and create one by the same name) would hold what it holds. The deployer included:
      // only the deployer changes the deployer.
      Sid: 'NamedRolesStayAsDeployed',
      Effect: 'Deny',
      Action: ROLE_CHANGES,
      Resource: namedRoles(input),
      Condition: principalNotIn([input.deployerRoleArn]),
    },
  ];
}

/** Every role the guardrails name, each once. */
function namedRoles(input: GuardrailInput): string[] {
  return [
    ...new Set([
      ...input.issuerRoleArns,
      input.provisioningRoleArn,
      input.deployerRoleArn,
      ...(input.breakGlassRoleArn === undefined ? [] : [input.breakGlassRoleArn]),
      ...(input.executionRoleArns ?? []),
    ]),
  ];
}

/** Every IAM action that creates, deletes or changes what a role may do or who may assume it. */
const ROLE_CHANGES = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
];

/** Ownership cannot be rewritten; see the file's doc. */
export function ownerTagIsFixed(input: GuardrailInput): GuardrailStatement[] {
  const profiles = userProfileArn(where(input));
  const key = input.ownerTagKey;
  return [
    {
      // IgnoreCase: IAM's tag condition keys (aws:RequestTag/…, sagemaker:ResourceTag/…) match a tag key
      // in any case, so "Studio-Gate:Owner" would be a second owner tag to the issuer role's conditions.
      Sid: 'OwnerTagOnlyByProvisioning',
      Effect: 'Deny',
      Action: ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:CreateUserProfile', 'sagemaker:CreateSpace'],
      // Spaces too: the issuer role opens a space only untagged or tagged with the person.
      Resource: [profiles, spaceArn(where(input))],
      Condition: {
        'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [key] },
        ...principalNotIn([input.provisioningRoleArn]),
      },
    },
    {
      // A person's workspace settings (execution role, lifecycle configurations that run code in their
      // apps) and the domain's defaults are the provisioning role's to change: otherwise anyone could
      // plant code that runs as a colleague.
      Sid: 'ProfilesAndDomainOnlyByProvisioning',
      Effect: 'Deny',
      Action: ['sagemaker:UpdateUserProfile', 'sagemaker:DeleteUserProfile', 'sagemaker:UpdateDomain', 'sagemaker:DeleteDomain'],
      Resource: [profiles, domainArn(where(input))],
      // The deployer too: a domain defined in a stack is updated by its stack.
      Condition: principalNotIn([input.provisioningRoleArn, input.deployerRoleArn]),
    },
    {
      Sid: 'ProfilesAreBornWithAnOwner',
      Effect: 'Deny',
      Action: 'sagemaker:CreateUserProfile',
      Resource: profiles,
      Condition: { Null: { [`aws:RequestTag/${key}`]: 'true' } },
    },
  ];
}

/** The Studio execution roles' policy: their own profile only; see the file's doc. */
export function executionRolePolicy(input: GuardrailInput): GuardrailDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'PresignTheOwnProfile', Effect: 'Allow', Action: PRESIGN, Resource: userProfileArn(where(input), SOURCE_IDENTITY) },
      ...ownProfileOnly(input, ''),
      {
        // The other kind of presigned workspace URL: a notebook instance is nobody's own profile.
        Sid: 'NoNotebookInstanceUrls',
        Effect: 'Deny',
        Action: 'sagemaker:CreatePresignedNotebookInstanceUrl',
        Resource: '*',
      },
    ],
  };
}

/**
 * A boundary binds only the principals it is on, and only while it stays on: nobody but the deployer
 * removes it, creates a role or user without it, or rewrites it.
 */
export function boundaryStaysOn(input: GuardrailInput): GuardrailStatement[] {
  const boundary = managedPolicyArn(input, input.boundaryName ?? DEFAULT_BOUNDARY_NAME);
  const unlessDeployer = principalNotIn([input.deployerRoleArn]);
  return [
    {
      Sid: 'BoundaryStaysOn',
      Effect: 'Deny',
      Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      Resource: '*',
      Condition: unlessDeployer,
    },
    {
      Sid: 'NewPrincipalsCarryTheBoundary',
      Effect: 'Deny',
      Action: ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      Resource: '*',
      Condition: { ...unlessDeployer, StringNotEquals: { 'iam:PermissionsBoundary': boundary } },
    },
    staysAsWritten(input, 'BoundaryStaysAsWritten', input.boundaryName ?? DEFAULT_BOUNDARY_NAME),
  ];
}

/** The three documents `npm run -s guardrails` prints. */
export interface Guardrails {
  /** Both closing guardrails, as an SCP for the domain account (attach beside FullAWSAccess). */
  readonly scp: GuardrailDocument;
  /** The same, as a permissions boundary for the account's principals where SCPs are not used. */
  readonly permissionsBoundary: GuardrailDocument;
  readonly executionRolePolicy: GuardrailDocument;
}

export function guardrails(input: GuardrailInput): Guardrails {
  const closing = [...onlyStudioGatePresigns(input), ...ownerTagIsFixed(input)];
  return {
    scp: { Version: '2012-10-17', Statement: closing },
    permissionsBoundary: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'BoundaryAllowsWhatIdentityPoliciesGrant', Effect: 'Allow', Action: '*', Resource: '*' },
        ...closing,
        ...boundaryStaysOn(input),
      ],
    },
    executionRolePolicy: executionRolePolicy(input),
  };
}

/** The documents over AWS's size limits, as problems (counted without white space, as `--only` prints them). */
export function guardrailSizeProblems(documents: Guardrails): string[] {
  return (Object.keys(POLICY_SIZE_LIMITS) as (keyof Guardrails)[]).flatMap((name) => {
    const size = JSON.stringify(documents[name]).length;
    const limit = POLICY_SIZE_LIMITS[name];
    return size > limit ? [`the ${name} is ${size} characters, over the ${limit} ${LIMIT_OWNER[name]}: name fewer roles`] : [];
  });
}
