/**
 * Policies around SageMaker: the function's own permissions, the two SageMaker endpoint policies,
 * and the user-side managed policies a platform team attaches to people's roles.
 */
import { appArn, domainArn, spaceArn, userProfileArn } from './arns';
import { type DeploymentFacts, type PolicyDocument, type PolicyStatement, policyDocument } from './policy-types';

/** The two actions a Studio URL needs. */
export const PRESIGN_ACTIONS = ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:DescribeUserProfile'];

/**
 * Condition: the request came through one of our two SageMaker endpoints. The API endpoint carries
 * the function's own calls; the Studio endpoint carries the Studio session the URL opens, for which
 * SageMaker re-evaluates the URL creator's permissions on every request and WebSocket frame.
 */
function throughOurSageMakerEndpoints(f: DeploymentFacts) {
  return { StringEquals: { 'aws:SourceVpce': [f.sagemakerApiVpceId, f.studioVpceId] } };
}

/**
 * Statements of the studio-url function's role (SageMaker part). Everything is on this domain, in
 * this account and region, and only through our endpoints.
 */
export function studioUrlFunctionStatements(f: DeploymentFacts): PolicyStatement[] {
  return [
    {
      Sid: 'PresignStudioUrlsForDomainProfiles',
      Effect: 'Allow',
      Action: [...PRESIGN_ACTIONS],
      Resource: userProfileArn(f),
      Condition: throughOurSageMakerEndpoints(f),
    },
    {
      Sid: 'DescribeStudioDomain',
      Effect: 'Allow',
      Action: 'sagemaker:DescribeDomain',
      Resource: domainArn(f),
      Condition: throughOurSageMakerEndpoints(f),
    },
  ];
}

const SAME_ACCOUNT = (f: DeploymentFacts) => ({ StringEquals: { 'aws:PrincipalAccount': f.accountId } });

/**
 * Policy of the Studio endpoint (aws.sagemaker.REGION.studio): KernelGateway apps of our domain may
 * be created, by principals of our account. The source design named a user-profile ARN here, which
 * IAM never matches for CreateApp (it authorizes on app/DOMAIN/PROFILE/APPTYPE/APPNAME).
 */
export function studioEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  return policyDocument([
    {
      Sid: 'CreateKernelGatewayAppsOfDomain',
      Effect: 'Allow',
      Principal: '*',
      Action: 'sagemaker:CreateApp',
      Resource: appArn(f, 'KernelGateway'),
      Condition: SAME_ACCOUNT(f),
    },
  ]);
}

/**
 * Policy of the SageMaker API endpoint (com.amazonaws.REGION.sagemaker.api): what studio-gate
 * needs (presign and describe on our domain's profiles, describe the domain) and what Studio itself
 * calls for its apps and spaces, by principals of our account, on our domain only.
 */
export function sagemakerApiEndpointPolicy(f: DeploymentFacts): PolicyDocument {
  return policyDocument([
    {
      Sid: 'StudioGatePresign',
      Effect: 'Allow',
      Principal: '*',
      Action: [...PRESIGN_ACTIONS],
      Resource: userProfileArn(f),
      Condition: SAME_ACCOUNT(f),
    },
    {
      Sid: 'StudioDescribeDomain',
      Effect: 'Allow',
      Principal: '*',
      Action: 'sagemaker:DescribeDomain',
      Resource: domainArn(f),
      Condition: SAME_ACCOUNT(f),
    },
    {
      Sid: 'StudioAppLifecycle',
      Effect: 'Allow',
      Principal: '*',
      Action: ['sagemaker:CreateApp', 'sagemaker:DeleteApp', 'sagemaker:DescribeApp'],
      Resource: appArn(f),
      Condition: SAME_ACCOUNT(f),
    },
    {
      Sid: 'StudioSpaces',
      Effect: 'Allow',
      Principal: '*',
      Action: ['sagemaker:CreateSpace', 'sagemaker:UpdateSpace', 'sagemaker:DeleteSpace', 'sagemaker:DescribeSpace'],
      Resource: spaceArn(f),
      Condition: SAME_ACCOUNT(f),
    },
    {
      // List* actions have no resource-level permissions in IAM: "*" is the narrowest there is.
      Sid: 'StudioListings',
      Effect: 'Allow',
      Principal: '*',
      Action: [
        'sagemaker:ListApps',
        'sagemaker:ListSpaces',
        'sagemaker:ListUserProfiles',
        'sagemaker:ListDomains',
        'sagemaker:ListTags',
      ],
      Resource: '*',
      Condition: SAME_ACCOUNT(f),
    },
  ]);
}

/** The user-side managed policies, one per pattern of the source design, plus the tag-scoped one. */
export interface UserPolicies {
  /** Example 1: only from our VPC (aws:SourceVpc). */
  readonly sourceVpc: PolicyDocument;
  /** Example 2: only through our SageMaker endpoints (aws:SourceVpce). */
  readonly sourceVpce: PolicyDocument;
  /** Example 3: only from the corporate public ranges (aws:SourceIp); absent without ranges. */
  readonly sourceIp?: PolicyDocument;
  /** Example 4: only from client ranges inside our VPC (aws:VpcSourceIp and aws:SourceVpc); absent without ranges. */
  readonly vpcSourceIp?: PolicyDocument;
  /** Only the caller's own profile: the profile's `studiouserid` tag must equal the caller's. */
  readonly ownProfileByTag: PolicyDocument;
}

function userStatement(f: DeploymentFacts, sid: string, condition: PolicyStatement['Condition']): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: [...PRESIGN_ACTIONS],
    Resource: userProfileArn(f),
    ...(condition && { Condition: condition }),
  };
}

/** Builds the user-side policies; the network patterns are narrowed to our domain's profiles. */
export function userPolicies(f: DeploymentFacts): UserPolicies {
  return {
    sourceVpc: policyDocument([userStatement(f, 'StudioFromOurVpc', { StringEquals: { 'aws:SourceVpc': f.vpcId } })]),
    sourceVpce: policyDocument([userStatement(f, 'StudioThroughOurEndpoints', throughOurSageMakerEndpoints(f))]),
    ...(f.publicSourceCidrs.length > 0 && {
      sourceIp: policyDocument([
        userStatement(f, 'StudioFromCorporateRanges', { IpAddress: { 'aws:SourceIp': [...f.publicSourceCidrs] } }),
      ]),
    }),
    ...(f.vpcSourceCidrs.length > 0 && {
      vpcSourceIp: policyDocument([
        userStatement(f, 'StudioFromVpcClientRanges', {
          IpAddress: { 'aws:VpcSourceIp': [...f.vpcSourceCidrs] },
          StringEquals: { 'aws:SourceVpc': f.vpcId },
        }),
      ]),
    }),
    ownProfileByTag: policyDocument([
      {
        Sid: 'OpenOnlyOwnProfile',
        Effect: 'Allow',
        Action: 'sagemaker:CreatePresignedDomainUrl',
        Resource: userProfileArn(f),
        Condition: { StringEquals: { 'sagemaker:ResourceTag/studiouserid': '${aws:PrincipalTag/studiouserid}' } },
      },
      {
        Sid: 'DescribeOnlyOwnProfile',
        Effect: 'Allow',
        Action: 'sagemaker:DescribeUserProfile',
        Resource: userProfileArn(f),
        Condition: { StringEquals: { 'sagemaker:ResourceTag/studiouserid': '${aws:PrincipalTag/studiouserid}' } },
      },
    ]),
  };
}
