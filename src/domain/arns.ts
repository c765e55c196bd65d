/**
 * ARNs of the SageMaker resources studio-gate names: in its policies (where the parts may be
 * CloudFormation placeholders such as `${AWS::AccountId}`) and in the request path (the profile
 * ListTags reads before SageMaker has named its ARN).
 */

/** Where a resource lives. */
export interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly domainId: string;
}
type Where = ArnParts;

/** The partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function sagemakerArn(f: Where, resource: string): string {
  return `arn:${f.partition}:sagemaker:${f.region}:${f.accountId}:${resource}`;
}

/** The domain itself. */
export const domainArn = (f: Where) => sagemakerArn(f, `domain/${f.domainId}`);
/** A user profile of the domain (`*`: all of them). CreatePresignedDomainUrl and DescribeUserProfile authorize on this. */
export const userProfileArn = (f: Where, profile = '*') => sagemakerArn(f, `user-profile/${f.domainId}/${profile}`);
/** Apps of the domain: `app/DOMAIN/PROFILE/APPTYPE/APPNAME`. CreateApp authorizes on this, not on the profile. */
export const appArn = (f: Where, appType = '*') => sagemakerArn(f, `app/${f.domainId}/*/${appType}/*`);
/** Spaces of the domain. */
export const spaceArn = (f: Where) => sagemakerArn(f, `space/${f.domainId}/*`);

/** The parts of a domain's ARN (`arn:<partition>:sagemaker:<region>:<account>:domain/<id>`), or undefined. */
export function arnPartsOfDomain(arn: string): ArnParts | undefined {
  const match = /^arn:([a-z-]+):sagemaker:([a-z0-9-]+):(\d{12}):domain\/(d-[a-z0-9-]+)$/.exec(arn);
  if (match === null) return undefined;
  const [, partition, region, accountId, domainId] = match as unknown as [string, string, string, string, string];
  return { partition, region, accountId, domainId };
}
