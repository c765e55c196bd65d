/** ARNs of the SageMaker resources studio-gate's policies name. */
import type { DeploymentFacts } from './policy-types';

type Where = Pick<DeploymentFacts, 'partition' | 'region' | 'accountId' | 'domainId'>;

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
