/**
 * The domain account's side of a hub-and-spoke deployment (docs/deploy.md, "Hub and spoke"): a
 * CloudFormation template with the issuer role studio-gate assumes to issue Studio URLs of one
 * domain. `npm run -s issuer-role -- …` prints it for a given domain, its account and region, and
 * the network account studio-gate runs in.
 *
 * - Trust: only studio-gate's function roles of the network account (by ARN: the stack's outputs
 *   name them; by default the roles CloudFormation names after the stack), and only with a
 *   `SourceIdentity` (sts:SetSourceIdentity, required by a Null condition): a session that does not
 *   name its person cannot be opened.
 * - Permissions: exactly what issuing needs, on this domain only: DescribeUserProfile, ListTags and
 *   CreatePresignedDomainUrl on its profiles, DescribeSpace on its spaces, DescribeDomain (the
 *   health checks); through the network account's SageMaker API endpoint when its id is given.
 */
import { domainArn, partitionOf, spaceArn, userProfileArn } from '../domain/arns';
import { DOMAIN_ID_PATTERN } from '../domain/studio-domains';
import type { PolicyDocument, PolicyStatement } from '../policies/policy-types';

/** What the template is for. */
export interface IssuerRoleInput {
  readonly domainId: string;
  readonly region: string;
  /** The domain's account (where the role is created). */
  readonly domainAccountId: string;
  /** The account studio-gate's functions run in. */
  readonly networkAccountId: string;
  /**
   * studio-gate's function roles that may assume the role: exact ARNs (the stack's
   * `IssuerTrustedRoleArns` output), or, by default, the roles CloudFormation names after `stackName`.
   */
  readonly trustedRoleArns?: readonly string[];
  /** studio-gate's stack (`<service>-<stage>`), for the default trusted roles. */
  readonly stackName?: string;
  /** The role's name; default `studio-gate-issuer`. */
  readonly roleName?: string;
  /** The network account's SageMaker API endpoint: calls must come through it (aws:SourceVpce). */
  readonly sagemakerApiVpceId?: string;
}

/** The default name of the issuer role in each domain account. */
export const ISSUER_ROLE_NAME = 'studio-gate-issuer';
/** The roles of the functions that issue URLs, and of the scheduled run that checks the path, as the main stack names them (./deployment.ts). */
export const ISSUING_ROLES = ['StudioUrlRole', 'SsoOidcRole', 'SsoSamlRole', 'HealthCheckRole'] as const;
/** The session length studio-gate asks for (ISSUER_SESSION_SECONDS at most this). */
const MAX_SESSION_SECONDS = 3600;

/** Every problem with the input, at once. */
export function issuerRoleProblems(input: IssuerRoleInput): string[] {
  const problems: string[] = [];
  if (!DOMAIN_ID_PATTERN.test(input.domainId))
    problems.push(`--domain must be a Studio domain id (d-...), got "${input.domainId}"`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(input.region)) problems.push(`--region must be an AWS region, got "${input.region}"`);
  for (const [flag, value] of [
    ['--account', input.domainAccountId],
    ['--network-account', input.networkAccountId],
  ] as const) {
    if (!/^\d{12}$/.test(value)) problems.push(`${flag} must be a 12-digit account id, got "${value}"`);
  }
  const roleArn = new RegExp(`^arn:${partitionOf(input.region)}:iam::${input.networkAccountId}:role/[\\w+=,.@/-]{1,512}$`);
  for (const arn of input.trustedRoleArns ?? []) {
    if (!roleArn.test(arn))
      problems.push(`--trusted-role-arns: "${arn}" is not a role of the network account ${input.networkAccountId}`);
  }
  if ((input.trustedRoleArns ?? []).length === 0 && !/^[A-Za-z][A-Za-z0-9-]{0,100}$/.test(input.stackName ?? '')) {
    problems.push(
      'name the trusted function roles: --trusted-role-arns (the stack output IssuerTrustedRoleArns), or --stack-name',
    );
  }
  if (input.roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(input.roleName))
    problems.push('--role-name must be an IAM role name');
  if (input.sagemakerApiVpceId !== undefined && !/^vpce-[0-9a-f]{8,17}$/.test(input.sagemakerApiVpceId)) {
    problems.push(`--sagemaker-endpoint must be a VPC endpoint id, got "${input.sagemakerApiVpceId}"`);
  }
  return problems;
}

/** A trust policy: statements with a Principal and no Resource (the role is the resource). */
export interface TrustPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: Omit<PolicyStatement, 'Resource'>[];
}

/** The trust policy: studio-gate's function roles only, and only naming the person (SourceIdentity). */
export function issuerTrustPolicy(input: IssuerRoleInput): TrustPolicy {
  const partition = partitionOf(input.region);
  const trusted =
    input.trustedRoleArns !== undefined && input.trustedRoleArns.length > 0
      ? [...input.trustedRoleArns]
      : ISSUING_ROLES.map((role) => `arn:${partition}:iam::${input.networkAccountId}:role/${input.stackName}-${role}-*`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StudioGateFunctionsNamingThePerson',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${input.networkAccountId}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: {
          ArnLike: { 'aws:PrincipalArn': trusted },
          // No SourceIdentity, no session: the key is absent from a request that does not set it.
          Null: { 'sts:SourceIdentity': 'false' },
        },
      },
    ],
  };
}

/** The role's permissions: what issuing needs, on this domain only. */
export function issuerPermissions(input: IssuerRoleInput): PolicyDocument {
  const where = {
    partition: partitionOf(input.region),
    region: input.region,
    accountId: input.domainAccountId,
    domainId: input.domainId,
  };
  const condition =
    input.sagemakerApiVpceId === undefined ? {} : { Condition: { StringEquals: { 'aws:SourceVpce': input.sagemakerApiVpceId } } };
  const allow = (Sid: string, Action: string | string[], Resource: string): PolicyStatement => ({
    Sid,
    Effect: 'Allow',
    Action,
    Resource,
    ...condition,
  });
  return {
    Version: '2012-10-17',
    Statement: [
      allow(
        'IssueStudioUrlsOfDomainProfiles',
        ['sagemaker:DescribeUserProfile', 'sagemaker:ListTags', 'sagemaker:CreatePresignedDomainUrl'],
        userProfileArn(where),
      ),
      allow('DescribeSpacesOfDomain', 'sagemaker:DescribeSpace', spaceArn(where)),
      allow('DescribeTheDomain', 'sagemaker:DescribeDomain', domainArn(where)),
    ],
  };
}

/** The template: one role, its trust and its inline policy; its ARN as an output. */
export function issuerRoleTemplate(input: IssuerRoleInput): Record<string, unknown> {
  const roleName = input.roleName ?? ISSUER_ROLE_NAME;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `studio-gate issuer role for Studio domain ${input.domainId} (${input.region}), trusted by studio-gate in ${input.networkAccountId}`,
    Resources: {
      IssuerRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: roleName,
          Description: `studio-gate issues Studio URLs of ${input.domainId} through this role, one session per person (SourceIdentity)`,
          MaxSessionDuration: MAX_SESSION_SECONDS,
          AssumeRolePolicyDocument: issuerTrustPolicy(input),
          Policies: [{ PolicyName: 'issue-studio-urls', PolicyDocument: issuerPermissions(input) }],
        },
      },
    },
    Outputs: {
      IssuerRoleArn: {
        Description: `The role of STUDIO_DOMAINS' "role" for ${input.domainId}`,
        Value: { 'Fn::GetAtt': ['IssuerRole', 'Arn'] },
      },
    },
  };
}
