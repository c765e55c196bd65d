/**
 * Which profiles of each domain carry no owner tag (docs/iam-guardrails.md, "Roll-out"): the list a
 * platform team works through before it turns tag-bound issuance and the guardrails on, since
 * studio-gate refuses such a profile to everyone. Read-only: DescribeDomain, ListUserProfiles and one
 * ListTags per profile, a few at a time.
 */
import { arnPartsOfDomain, userProfileArn } from '../domain/arns';
import { ownerTagsOf, type ProfileTag } from '../domain/profile-owner';
import type { CallOptions } from './ports';

/** The reads the roll-out list needs, with the operator's credentials in the domain's account. */
export interface ProfileInventoryPort {
  /** The domain's ARN; undefined when these credentials do not see the domain (another account). */
  domainArn(domainId: string, options?: CallOptions): Promise<string | undefined>;
  /** Every profile name of the domain, all pages. */
  profileNames(domainId: string, options?: CallOptions): Promise<string[]>;
  listTags(input: { resourceArn: string; userProfileName: string }, options?: CallOptions): Promise<ProfileTag[]>;
}

export interface InventoryDomain {
  readonly domainId: string;
  readonly region: string;
  readonly ownerTagKey: string;
  /** The domain's account, when the plan tells it (its issuer role's): where to read it from. */
  readonly accountId?: string;
}

/** One domain's answer: its untagged profiles, or why it could not be read. */
export type OwnerTagReport = InventoryDomain &
  (
    | {
        readonly readable: true;
        readonly profiles: number;
        readonly untagged: readonly string[];
        /** Profiles that carry the key in another case too (or only): IAM may read either, so studio-gate refuses them. */
        readonly lookAlike: readonly string[];
      }
    | { readonly readable: false; readonly reason: string }
  );

/** ListTags calls in flight at once, per domain: well under SageMaker's request rate. */
export const INVENTORY_CONCURRENCY = 4;

/** Whether `tags` hold the owner tag with a value (the owner check's own rule: an empty value is none). */
const hasOwner = (tags: readonly ProfileTag[], key: string) => tags.some((tag) => tag.key === key && tag.value !== '');
/** Whether `tags` hold the owner key in another case (IAM reads it as the owner tag too). */
const hasLookAlike = (tags: readonly ProfileTag[], key: string) => ownerTagsOf(tags, key).some((tag) => tag.key !== key);

/** A profile's ARN from its domain's: `…:domain/d-x` → `…:user-profile/d-x/name`. */
export function profileArnOf(domainArn: string, profileName: string): string {
  const parts = arnPartsOfDomain(domainArn);
  if (parts === undefined) throw new Error(`not a domain ARN: ${domainArn}`);
  return userProfileArn(parts, profileName);
}

/** Each domain's report, in the order given; a domain that fails is reported, never skipped. */
export async function findUntaggedProfiles(
  domains: readonly InventoryDomain[],
  portFor: (domain: InventoryDomain) => ProfileInventoryPort,
  options: CallOptions = {},
): Promise<OwnerTagReport[]> {
  return Promise.all(
    domains.map(async (domain): Promise<OwnerTagReport> => {
      const port = portFor(domain);
      try {
        const arn = await port.domainArn(domain.domainId, options);
        if (arn === undefined)
          return { ...domain, readable: false, reason: 'not found with these credentials (is it in another account?)' };
        const names = await port.profileNames(domain.domainId, options);
        const untagged: string[] = [];
        const lookAlike: string[] = [];
        let next = 0;
        const worker = async () => {
          while (next < names.length) {
            const name = names[next++] as string;
            const tags = await port.listTags({ resourceArn: profileArnOf(arn, name), userProfileName: name }, options);
            if (!hasOwner(tags, domain.ownerTagKey)) untagged.push(name);
            if (hasLookAlike(tags, domain.ownerTagKey)) lookAlike.push(name);
          }
        };
        await Promise.all(Array.from({ length: Math.min(INVENTORY_CONCURRENCY, names.length) }, worker));
        return { ...domain, readable: true, profiles: names.length, untagged: untagged.sort(), lookAlike: lookAlike.sort() };
      } catch (error) {
        return { ...domain, readable: false, reason: (error as Error).message };
      }
    }),
  );
}
