/**
 * The issuance wiring every function that issues a URL builds alike (GET/POST /studio-url, the
 * OIDC and SAML functions): the SageMaker clients per domain (the function's own credentials, or a
 * person's session of the domain's issuer role, through one STS client), the grant cache, the clock.
 */

import { type KeepAlivePool, keepAlivePool } from '../adapters/bounded-request';
import { createStsClient, IssuerRoleSessions } from '../adapters/issuer-sessions';
import { createSageMakerClient } from '../adapters/sagemaker-studio';
import { type SageMakerClientFactory, SageMakerStudioDirectory } from '../adapters/studio-directory';
import type { StudioGateConfig } from '../config/studio-url';
import type { UpstreamPolicy } from '../domain/time-budget';
import type { IssueStudioUrlDeps } from '../use-cases/issue-studio-url';
import { NO_GRANT_CACHE, TtlGrantCache } from '../use-cases/profile-grant-cache';
import type { Overrides } from './lambda-function';

/**
 * The SageMaker client of a domain, with a session's credentials or the function's own: the
 * override's client (tests) stands in for the function's own only, never for a session's. Every
 * client the factory makes shares one pool of connections (`pool`, the function's, when it has
 * other SageMaker clients): a new person's session adds a client, not sockets (at most 50 per
 * endpoint for all of them).
 */
export function domainClients(
  upstream: UpstreamPolicy,
  overrides: Overrides,
  pool: KeepAlivePool = keepAlivePool(),
): SageMakerClientFactory {
  return (domain, credentials) =>
    (credentials === undefined ? overrides.sagemakerClient : undefined) ??
    createSageMakerClient(
      {
        region: domain.region,
        upstream,
        ...(domain.sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl: domain.sagemakerEndpointUrl }),
      },
      credentials ?? overrides.credentials,
      pool,
    );
}

export function issuanceFor(config: StudioGateConfig, overrides: Overrides = {}): IssueStudioUrlDeps {
  const clock = overrides.clock ?? Date.now;
  const { upstream } = config;
  // Built only when a domain has a role: a single-domain stage has no STS client at all.
  const sessions = config.domains.some((d) => d.issuerRoleArn !== undefined)
    ? new IssuerRoleSessions(overrides.stsClient ?? createStsClient(config, overrides.credentials), {
        sessionSeconds: config.issuerSessionSeconds,
        clock,
      })
    : undefined;
  const studios = new SageMakerStudioDirectory(domainClients(upstream, overrides), sessions, config.owner.tagKey);
  const grants = config.grantCacheTtlSeconds > 0 ? new TtlGrantCache(config.grantCacheTtlSeconds * 1000, clock) : NO_GRANT_CACHE;
  return { config, studios, clock, grants };
}
