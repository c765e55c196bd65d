/**
 * IAM policy document shapes and the facts every policy builder takes. Builders are pure: the same
 * facts give the same document, so the IAM simulator tests evaluate exactly what gets deployed.
 * Facts are plain strings; when rendering into CloudFormation they may be placeholders such as
 * `${AWS::AccountId}` (see src/infrastructure/cloudformation.ts).
 */
import type { IssuanceMode } from '../domain/studio-domains';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

/** One IAM statement. Identity statements have no Principal; resource and endpoint statements do. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** What the policies are about: where the domain lives and which network pieces are ours. */
export interface DeploymentFacts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The domain (with several: the first in this account and region, else the first listed). */
  readonly domainId: string;
  /**
   * With several domains (studioDomains): each, with its account (this stack's as `accountId`) and
   * the issuer role it is issued through, if any. Undefined: the one domain above.
   */
  readonly domains?: readonly DomainFacts[];
  /** The one domain's issuance (undefined: direct) and, tag-bound, its issuer role. */
  readonly issuance?: IssuanceMode;
  readonly issuerRoleArn?: string;
  /** The owner tag's key: tag-bound sessions carry the person under it. */
  readonly ownerTagKey?: string;
  readonly vpcId: string;
  /** The SageMaker API interface endpoint (com.amazonaws.REGION.sagemaker.api). */
  readonly sagemakerApiVpceId: string;
  /** The Studio interface endpoint (aws.sagemaker.REGION.studio). */
  readonly studioVpceId: string;
  /** The execute-api interface endpoints the private API accepts. */
  readonly executeApiVpceIds: readonly string[];
  /** How callers of the private API authenticate: `iam` requests are all signed, `jwt` ones are not. */
  readonly authMode: 'jwt' | 'iam';
  /** Client ranges inside the VPC (aws:VpcSourceIp), or empty for no narrowing. */
  readonly vpcSourceCidrs: readonly string[];
  /** Public egress ranges of the corporate network (aws:SourceIp), for the source-IP user policy only. */
  readonly publicSourceCidrs: readonly string[];
}

/** One domain of several, as the policies name it. */
export interface DomainFacts {
  readonly id: string;
  /** Its region (this stack's as `${AWS::Region}`). */
  readonly region: string;
  readonly accountId: string;
  readonly issuerRoleArn?: string;
  /** Undefined: direct. */
  readonly issuance?: IssuanceMode;
}

/** The domains of a deployment: several, or the one of `f.domainId` in this account and region. */
export function domainsOf(f: DeploymentFacts): readonly DomainFacts[] {
  return (
    f.domains ?? [
      {
        id: f.domainId,
        region: f.region,
        accountId: f.accountId,
        ...(f.issuerRoleArn !== undefined && { issuerRoleArn: f.issuerRoleArn }),
        ...(f.issuance !== undefined && { issuance: f.issuance }),
      },
    ]
  );
}

/** The policy document for a list of statements. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}
