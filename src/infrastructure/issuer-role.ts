/**
 * The domain account's side of a hub-and-spoke deployment (docs/deploy.md, "Hub and spoke"): a
 * CloudFormation template with the issuer role studio-gate assumes to issue Studio URLs of one
 * domain. `npm run -s issuer-role -- …` prints it for a given domain, its account and region, and
 * the network account studio-gate runs in.
 *
 * - Trust: only studio-gate's issuing function roles of the network account, by exact ARN (the
 *   stack's `IssuerTrustedRoleArns` output), and only with a `SourceIdentity` naming a person
 *   (sts:SetSourceIdentity, required by a Null condition): a session that does not name its person
 *   cannot be opened. The health check's role (`HealthCheckRoleArn`), when given, only with its own
 *   SourceIdentity, which no issuing function may use and which no person's name can be.
 * - Permissions: exactly what issuing needs, on this domain only: DescribeUserProfile, ListTags and
 *   CreatePresignedDomainUrl on its profiles, DescribeSpace on its spaces, DescribeDomain (the
 *   health checks), ListSpaces (the SSO chooser; it has no resource-level permissions); through the
 *   network account's SageMaker API endpoint when its id is given. A
 *   health check session may presign nothing and open no space (an explicit Deny).
 */
import { domainArn, partitionOf, spaceArn, userProfileArn } from '../domain/arns';
import { isTagKey, TAG_KEY_RULE } from '../domain/profile-owner';
import { HEALTH_SOURCE_IDENTITY } from '../domain/role-session';
import { AWS_REGIONS, DOMAIN_ID_PATTERN, isRoleOf } from '../domain/studio-domains';
import type { PolicyDocument, PolicyStatement } from '../policies/policy-types';

/** What the template is for. */
export interface IssuerRoleInput {
  readonly domainId: string;
  readonly region: string;
  /** The domain's account (where the role is created). */
  readonly domainAccountId: string;
  /** The account studio-gate's functions run in. */
  readonly networkAccountId: string;
  /** studio-gate's issuing function roles: exact ARNs (the stack's `IssuerTrustedRoleArns` output). */
  readonly trustedRoleArns: readonly string[];
  /** The health check's role (the stack's `HealthCheckRoleArn` output): it may check, never issue. */
  readonly healthRoleArn?: string;
  /** The role's name; default `studio-gate-issuer`. */
  readonly roleName?: string;
  /** The network account's SageMaker API endpoint: calls must come through it (aws:SourceVpce). */
  readonly sagemakerApiVpceId?: string;
  /**
   * The Studio endpoint the corporate network opens this domain's Studio through: SageMaker checks
   * the URL creator's permissions again on every request of the Studio session, which comes through
   * it, so with `sagemakerApiVpceId` it must be named too.
   */
  readonly studioVpceId?: string;
  /**
   * Tag-bound (the default of `npm run issuer-role`): the owner tag's key. Sessions must carry exactly
   * this tag (the person's canonical identity) and may act only on profiles whose owner tag equals
   * it; a session without it may do nothing. Undefined: direct, any profile of the domain.
   */
  readonly ownerTagKey?: string;
  /** The partition, when the region is a placeholder (studio-gate's own stack); else the region's. */
  readonly partition?: string;
  /**
   * Tag-bound, with a health role: the canary's owner, the one person besides nobody
   * (`studio-gate-health`) the health check's session may be tagged as. Without it, only nobody: the
   * health role could otherwise read any person's profile.
   */
  readonly healthCanaryOwner?: string;
}

/** The default name of the issuer role in each domain account. */
export const ISSUER_ROLE_NAME = 'studio-gate-issuer';
/** The session length studio-gate asks for (ISSUER_SESSION_SECONDS at most this). */
const MAX_SESSION_SECONDS = 3600;

/** Every problem with the input, at once. */
export function issuerRoleProblems(input: IssuerRoleInput): string[] {
  const problems: string[] = [];
  if (!DOMAIN_ID_PATTERN.test(input.domainId))
    problems.push(`--domain must be a Studio domain id (d-...), got "${input.domainId}"`);
  if (!AWS_REGIONS.includes(input.region)) problems.push(`--region must be an AWS region, got "${input.region}"`);
  for (const [flag, value] of [
    ['--account', input.domainAccountId],
    ['--network-account', input.networkAccountId],
  ] as const) {
    if (!/^\d{12}$/.test(value)) problems.push(`${flag} must be a 12-digit account id, got "${value}"`);
  }
  // Exact role ARNs: no wildcard, which in ArnLike would also match a role someone creates under a path.
  for (const arn of [...input.trustedRoleArns, ...(input.healthRoleArn === undefined ? [] : [input.healthRoleArn])]) {
    if (!isRoleOf(arn, input.networkAccountId, input.partition ?? partitionOf(input.region))) {
      problems.push(`"${arn}" is not a role of the network account ${input.networkAccountId}`);
    }
  }
  if (input.trustedRoleArns.length === 0) {
    problems.push('--trusted-role-arns must name the issuing function roles (the stack output IssuerTrustedRoleArns)');
  }
  if (input.healthRoleArn !== undefined && input.trustedRoleArns.includes(input.healthRoleArn)) {
    problems.push('--health-role-arn must not also be an issuing role');
  }
  if (input.healthCanaryOwner !== undefined && (input.healthRoleArn === undefined || input.ownerTagKey === undefined)) {
    problems.push('--health-canary-owner goes with --health-role-arn and tag-bound issuance');
  }
  if (input.ownerTagKey !== undefined && !isTagKey(input.ownerTagKey)) {
    problems.push(`--owner-tag must be a tag key (${TAG_KEY_RULE}), got "${input.ownerTagKey}"`);
  }
  if (input.roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(input.roleName))
    problems.push('--role-name must be an IAM role name');
  for (const [flag, id] of [
    ['--sagemaker-endpoint', input.sagemakerApiVpceId],
    ['--studio-endpoint', input.studioVpceId],
  ] as const) {
    if (id !== undefined && !/^vpce-[0-9a-f]{8,17}$/.test(id)) problems.push(`${flag} must be a VPC endpoint id, got "${id}"`);
  }
  // Held to the API endpoint alone, every request of the Studio session (through the Studio endpoint) would be refused.
  if ((input.sagemakerApiVpceId === undefined) !== (input.studioVpceId === undefined)) {
    problems.push('--sagemaker-endpoint and --studio-endpoint go together (Studio sessions come through the Studio endpoint)');
  }
  return problems;
}

/** A trust policy: statements with a Principal and no Resource (the role is the resource). */
export interface TrustPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: Omit<PolicyStatement, 'Resource'>[];
}

/**
 * The trust policy: studio-gate's issuing roles, each session naming a person (never the health
 * check's name); the health check's role, only under its own name.
 */
export function issuerTrustPolicy(input: IssuerRoleInput): TrustPolicy {
  const partition = input.partition ?? partitionOf(input.region);
  const network = { AWS: `arn:${partition}:iam::${input.networkAccountId}:root` };
  const key = input.ownerTagKey;
  // Tag-bound: every session carries the owner tag and no other (sts:TagSession, checked on the
  // AssumeRole too, so an untagged session cannot be opened). `ForAllValues` alone would also pass a
  // request without tags: the Null condition is what requires the tag.
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
  const tagged =
    key === undefined
      ? undefined
      : { null: { [`aws:RequestTag/${key}`]: 'false' }, only: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [key] } } };
  const statements: TrustPolicy['Statement'] = [
    {
      Sid: 'StudioGateIssuingFunctionsNamingThePerson',
      Effect: 'Allow',
      Principal: network,
      Action: actions,
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': [...input.trustedRoleArns] },
        // No SourceIdentity, no session: the key is absent from a request that does not set it.
        Null: { 'sts:SourceIdentity': 'false', ...tagged?.null },
        StringNotEquals: { 'sts:SourceIdentity': HEALTH_SOURCE_IDENTITY },
        ...tagged?.only,
      },
    },
  ];
  if (tagged !== undefined && key !== undefined) {
    // The tag itself (its own authorization, without SourceIdentity in its context).
    statements.push({
      Sid: 'StudioGateTagsTheSessionWithTheOwnerOnly',
      Effect: 'Allow',
      Principal: network,
      Action: 'sts:TagSession',
      Condition: { ArnEquals: { 'aws:PrincipalArn': [...input.trustedRoleArns] }, Null: tagged.null, ...tagged.only },
    });
    if (input.healthRoleArn !== undefined) {
      // The health check tags its session as the canary's owner, or as nobody: never as anyone else.
      statements.push({
        Sid: 'HealthCheckTagsItsSessionAsTheCanaryOwnerOrNobody',
        Effect: 'Allow',
        Principal: network,
        Action: 'sts:TagSession',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': input.healthRoleArn },
          StringEquals: {
            [`aws:RequestTag/${key}`]: [
              HEALTH_SOURCE_IDENTITY,
              ...(input.healthCanaryOwner === undefined ? [] : [input.healthCanaryOwner]),
            ],
          },
          ...tagged.only,
        },
      });
    }
  }
  if (input.healthRoleArn !== undefined) {
    statements.push({
      Sid: 'StudioGateHealthCheckAsItself',
      Effect: 'Allow',
      Principal: network,
      Action: actions,
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': input.healthRoleArn },
        StringEquals: { 'sts:SourceIdentity': HEALTH_SOURCE_IDENTITY },
        ...(tagged && { Null: tagged.null }),
        ...tagged?.only,
      },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** What the role does with a person's profile. */
const PROFILE_ACTIONS = ['sagemaker:DescribeUserProfile', 'sagemaker:ListTags', 'sagemaker:CreatePresignedDomainUrl'];

/** The role's permissions: what issuing needs, on this domain only. */
export function issuerPermissions(input: IssuerRoleInput): PolicyDocument {
  const where = {
    partition: input.partition ?? partitionOf(input.region),
    region: input.region,
    accountId: input.domainAccountId,
    domainId: input.domainId,
  };
  const throughEndpoints =
    input.sagemakerApiVpceId === undefined || input.studioVpceId === undefined
      ? undefined
      : { 'aws:SourceVpce': [input.sagemakerApiVpceId, input.studioVpceId] };
  const key = input.ownerTagKey;
  /** Tag-bound: the resource's owner tag must equal the session's (`…IfExists`: or the resource has none). */
  const owned = (operator: 'StringEquals' | 'StringEqualsIfExists'): Record<string, Record<string, string | string[]>> =>
    key === undefined ? {} : { [operator]: { [`sagemaker:ResourceTag/${key}`]: `\${aws:PrincipalTag/${key}}` } };
  const allow = (
    Sid: string,
    Action: string | string[],
    Resource: string,
    ownership: Record<string, Record<string, string | string[]>> = {},
  ): PolicyStatement => {
    const conditions = { ...ownership };
    if (throughEndpoints !== undefined) conditions.StringEquals = { ...conditions.StringEquals, ...throughEndpoints };
    return { Sid, Effect: 'Allow', Action, Resource, ...(Object.keys(conditions).length > 0 && { Condition: conditions }) };
  };
  return {
    Version: '2012-10-17',
    Statement: [
      allow(
        key === undefined ? 'IssueStudioUrlsOfDomainProfiles' : 'IssueStudioUrlsOfProfilesTheSessionOwns',
        PROFILE_ACTIONS,
        userProfileArn(where),
        owned('StringEquals'),
      ),
      // A shared space carries no owner tag (it is the domain's); a private one tagged for someone else is refused.
      allow('DescribeSpacesOfDomain', 'sagemaker:DescribeSpace', spaceArn(where), owned('StringEqualsIfExists')),
      allow('DescribeTheDomain', 'sagemaker:DescribeDomain', domainArn(where)),
      // The SSO chooser lists the person's spaces. ListSpaces has no resource-level permissions.
      allow('ListSpacesForTheChooser', 'sagemaker:ListSpaces', '*'),
      {
        // The health check's sessions read; they never issue.
        Sid: 'HealthCheckSessionsIssueNothing',
        Effect: 'Deny',
        Action: ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeSpace'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceIdentity': HEALTH_SOURCE_IDENTITY } },
      },
      ...(key === undefined
        ? []
        : [
            {
              // The Allow above binds the session only while it is the role's only grant: a policy attached
              // later (AmazonSageMakerFullAccess, a seed pattern) would add every profile back. This Deny
              // holds whatever else is attached; an untagged profile never matches (the key is missing).
              Sid: 'OtherPeoplesProfilesNever',
              Effect: 'Deny' as const,
              Action: PROFILE_ACTIONS,
              Resource: userProfileArn(where),
              Condition: { StringNotEquals: { [`sagemaker:ResourceTag/${key}`]: `\${aws:PrincipalTag/${key}}` } },
            },
            {
              // A session that does not carry the owner tag names nobody: it may do nothing at all.
              Sid: 'UntaggedSessionsDoNothing',
              Effect: 'Deny' as const,
              Action: '*',
              Resource: '*',
              Condition: { Null: { [`aws:PrincipalTag/${key}`]: 'true' } },
            },
          ]),
    ],
  };
}

/** The role itself: its name, trust and inline policy (the domain account's template, or studio-gate's own stack). */
export function issuerRoleResource(input: IssuerRoleInput): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: input.roleName ?? ISSUER_ROLE_NAME,
      Description: `studio-gate issues Studio URLs of ${input.domainId} through this role, one session per person (SourceIdentity${input.ownerTagKey === undefined ? '' : ', and the owner tag it may act on'})`,
      MaxSessionDuration: MAX_SESSION_SECONDS,
      AssumeRolePolicyDocument: issuerTrustPolicy(input),
      Policies: [{ PolicyName: 'issue-studio-urls', PolicyDocument: issuerPermissions(input) }],
    },
  };
}

/** The template: one role, its trust and its inline policy; its ARN as an output. */
export function issuerRoleTemplate(input: IssuerRoleInput): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `studio-gate issuer role for Studio domain ${input.domainId} (${input.region}), trusted by studio-gate in ${input.networkAccountId}`,
    Resources: { IssuerRole: issuerRoleResource(input) },
    Outputs: {
      IssuerRoleArn: {
        Description: `The role of STUDIO_DOMAINS' "role" for ${input.domainId}`,
        Value: { 'Fn::GetAtt': ['IssuerRole', 'Arn'] },
      },
    },
  };
}
