/**
 * The pieces every function that issues a URL builds alike (GET/POST /studio-url, the OIDC and SAML
 * functions): the SageMaker adapter over its bounded client, the grant cache, the clock.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createSageMakerClient, SageMakerStudioAdapter } from './adapters/sagemaker-studio';
import type { StaticCredentials } from './adapters/static-credentials';
import type { StudioGateConfig } from './config';
import type { IssueStudioUrlDeps } from './use-cases/issue-studio-url';
import type { Clock } from './use-cases/ports';
import { NO_GRANT_CACHE, TtlGrantCache } from './use-cases/profile-grant-cache';

/** Replaceable collaborators (tests); production uses the defaults. */
export interface IssueOverrides {
  readonly clock?: Clock;
  readonly sagemakerClient?: SageMakerClient;
  /** Static credentials for the SDK (local harnesses only; Lambda uses its role). */
  readonly credentials?: StaticCredentials;
}

export function issueDepsFor(config: StudioGateConfig, overrides: IssueOverrides = {}): IssueStudioUrlDeps {
  const clock = overrides.clock ?? Date.now;
  const studio = new SageMakerStudioAdapter(overrides.sagemakerClient ?? createSageMakerClient(config, overrides.credentials));
  const grants = config.grantCacheTtlSeconds > 0 ? new TtlGrantCache(config.grantCacheTtlSeconds * 1000, clock) : NO_GRANT_CACHE;
  return { config, studio, clock, grants };
}
