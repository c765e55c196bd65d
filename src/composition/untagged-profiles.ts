/**
 * The doctor's roll-out list (`npm run doctor -- --untagged`): which domains a health plan names,
 * with which owner tag key, and a SageMaker reader for each, with the operator's credentials.
 */
import { SageMakerInventoryAdapter } from '../adapters/sagemaker-inventory';
import { createSageMakerClient } from '../adapters/sagemaker-studio';
import type { HealthPlan } from '../domain/health/plan';
import { DEFAULT_OWNER_TAG } from '../domain/profile-owner';
import { roleAccount } from '../domain/studio-domains';
import type { InventoryDomain, ProfileInventoryPort } from '../use-cases/untagged-profiles';
import type { Overrides } from './lambda-function';

/** A listing is a few hundred small calls: each bounded, a throttled one retried. */
const INVENTORY_UPSTREAM = {
  connectTimeoutMs: 1000,
  requestTimeoutMs: 5000,
  maxAttempts: 3,
  backoffBaseMs: 100,
  backoffCapMs: 2000,
};

/**
 * The plan's domains, each with the owner tag key its profiles carry: `ownerTagKey` when given (the
 * deployment's PROFILE_OWNER_TAG), else the plan's own (a tag-bound domain's, or the canary's), else
 * the default.
 */
export function inventoryDomains(plan: HealthPlan, ownerTagKey?: string): (InventoryDomain & { endpointUrl?: string })[] {
  const planKey =
    plan.domains?.find((d) => d.ownerTagKey !== undefined)?.ownerTagKey ??
    plan.domains?.find((d) => d.canary?.owner !== undefined)?.canary?.owner?.tagKey ??
    plan.studio?.canary?.owner?.tagKey;
  const key = ownerTagKey ?? planKey ?? DEFAULT_OWNER_TAG;
  if (plan.domains !== undefined) {
    return plan.domains.map((d) => ({
      domainId: d.domainId,
      region: d.region,
      ownerTagKey: key,
      ...(d.issuerRoleArn !== undefined && { accountId: roleAccount(d.issuerRoleArn) }),
      ...(d.endpointUrl !== undefined && { endpointUrl: d.endpointUrl }),
    }));
  }
  return plan.studio === undefined ? [] : [{ domainId: plan.studio.domainId, region: plan.region, ownerTagKey: key }];
}

/** A reader per domain: its region, its endpoint (else `sagemakerEndpointUrl`), the caller's credentials. */
export function inventoryPortFor(
  config: { sagemakerEndpointUrl?: string },
  overrides: Pick<Overrides, 'credentials' | 'sagemakerClient'> = {},
): (domain: InventoryDomain & { endpointUrl?: string }) => ProfileInventoryPort {
  return (domain) => {
    const endpoint = domain.endpointUrl ?? config.sagemakerEndpointUrl;
    return new SageMakerInventoryAdapter(
      overrides.sagemakerClient ??
        createSageMakerClient(
          {
            region: domain.region,
            upstream: INVENTORY_UPSTREAM,
            ...(endpoint !== undefined && { sagemakerEndpointUrl: endpoint }),
          },
          overrides.credentials,
        ),
    );
  };
}
