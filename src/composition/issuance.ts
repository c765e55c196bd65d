/**
 * The issuance wiring every function that issues a URL builds alike (GET/POST /studio-url, the
 * OIDC and SAML functions): the SageMaker client and adapter, the grant cache, the clock.
 */
import { createSageMakerClient, SageMakerStudioAdapter } from '../adapters/sagemaker-studio';
import type { StudioGateConfig } from '../config/studio-url';
import type { IssueStudioUrlDeps } from '../use-cases/issue-studio-url';
import { NO_GRANT_CACHE, TtlGrantCache } from '../use-cases/profile-grant-cache';
import type { Overrides } from './lambda-function';

export function issuanceFor(config: StudioGateConfig, overrides: Overrides = {}): IssueStudioUrlDeps {
  const clock = overrides.clock ?? Date.now;
  const studio = new SageMakerStudioAdapter(overrides.sagemakerClient ?? createSageMakerClient(config, overrides.credentials));
  const grants = config.grantCacheTtlSeconds > 0 ? new TtlGrantCache(config.grantCacheTtlSeconds * 1000, clock) : NO_GRANT_CACHE;
  return { config, studio, clock, grants };
}
