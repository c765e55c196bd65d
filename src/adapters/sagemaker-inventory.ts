/**
 * The reads of the doctor's roll-out list (`npm run doctor -- --untagged`): the domain's ARN, every
 * profile name, and each profile's tags. A module of its own: no function bundles it.
 */
import { ListUserProfilesCommand, type ListUserProfilesCommandOutput } from '@aws-sdk/client-sagemaker';
import { UpstreamInvalidResponseError } from '../domain/errors';
import type { CallOptions } from '../use-cases/ports';
import type { ProfileInventoryPort } from '../use-cases/untagged-profiles';
import { SageMakerHealthAdapter } from './sagemaker-health';
import { toDomainError } from './sagemaker-studio';

/** Profiles read at most per domain: a bound on a listing that would otherwise follow any NextToken. */
export const MAX_INVENTORY_PROFILES = 100_000;

/** The health checks' reads (DescribeDomain, ListTags), and every profile name of a domain. */
export class SageMakerInventoryAdapter extends SageMakerHealthAdapter implements ProfileInventoryPort {
  async domainArn(domainId: string, options: CallOptions = {}): Promise<string | undefined> {
    return (await this.describeDomain(domainId, options))?.arn;
  }

  async profileNames(domainId: string, options: CallOptions = {}): Promise<string[]> {
    const names: string[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      let out: ListUserProfilesCommandOutput;
      try {
        out = await this.client.send(
          new ListUserProfilesCommand({
            DomainIdEquals: domainId,
            MaxResults: 100,
            ...(token !== undefined && { NextToken: token }),
          }),
          { abortSignal: options.signal },
        );
      } catch (error) {
        throw toDomainError(error, { operation: 'ListUserProfiles', userProfileName: '' });
      }
      for (const profile of out.UserProfiles ?? []) {
        // A listing that mixes in other domains' profiles (its filter not honoured) must not add them.
        if (typeof profile.UserProfileName === 'string' && profile.DomainId === domainId) names.push(profile.UserProfileName);
      }
      token = out.NextToken;
      // A token seen before would list forever; so would a listing without end.
      if (token !== undefined && (seen.has(token) || names.length > MAX_INVENTORY_PROFILES)) {
        throw new UpstreamInvalidResponseError('sagemaker-listing-without-end');
      }
      if (token !== undefined) seen.add(token);
    } while (token !== undefined);
    return names;
  }
}
