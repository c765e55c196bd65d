/**
 * The configuration of GET and POST /studio-url (and the core the SSO functions build on): which
 * domains and who is entitled to each (./domains.ts), who may call (./auth.ts), from where (./source.ts), how a caller maps to a profile and who
 * owns it (./profiles.ts), and how SageMaker is called within the time budget (./sagemaker.ts).
 * Read once per container, every problem reported at once, frozen. The variables are listed in docs/configuration.md.
 */
import type { SageMakerClientSettings } from '../adapters/sagemaker-studio';
import type { SourcePolicy } from '../domain/network-source';
import type { ProfileMapping } from '../domain/profile-mapping';
import type { IssuanceSettings } from '../use-cases/issue-studio-url';
import { type IamAuthConfig, type JwtAuthConfig, readAuth } from './auth';
import { type DomainSettings, readDomains } from './domains';
import { type Env, EnvReader, finish, REGION_PATTERN, readMetricsService, refuseUncheckedAwsVariables } from './environment';
import { readOwner, readProfileMap, readTransform } from './profiles';
import { readSageMakerCalls, readTimeBudget, type SageMakerCallSettings, type TimeBudget } from './sagemaker';
import { readSourcePolicy } from './source';

/** The whole validated configuration of the studio-url function. */
export interface StudioGateConfig
  extends IssuanceSettings,
    SageMakerClientSettings,
    SageMakerCallSettings,
    DomainSettings,
    TimeBudget {
  readonly auth: JwtAuthConfig | IamAuthConfig;
  readonly source: SourcePolicy;
  /** The metrics' `service` dimension (METRICS_SERVICE). */
  readonly metricsService: string;
}

/**
 * Validates the environment.
 * @throws ConfigurationError listing every problem found.
 */
export function parseConfig(env: Env): StudioGateConfig {
  const reader = new EnvReader(env);
  const region = reader.matching('AWS_REGION', REGION_PATTERN, 'an AWS region such as eu-west-1');
  refuseUncheckedAwsVariables(reader);
  const transform = readTransform(reader);
  const auth = readAuth(reader, transform);
  const profile: ProfileMapping = { transform, map: readProfileMap(reader, auth) };
  const owner = readOwner(reader);
  const source = readSourcePolicy(reader);
  const calls = readSageMakerCalls(reader);
  const localStudioOrigin = reader.localStack();
  const domains = readDomains(reader, region, calls.sagemakerEndpointUrl);
  const budget = readTimeBudget(reader, calls, owner.check === 'on', auth.mode === 'jwt' ? auth.jwksTimeoutMs : 0, {
    accountsKnown: domains.domains.every((d) => d.accountId !== undefined),
    assumesRoles: domains.domains.some((d) => d.issuerRoleArn !== undefined),
  });
  const config: StudioGateConfig = {
    region,
    ...domains,
    auth,
    profile,
    owner,
    source,
    urlExpiresInSeconds: reader.integer('URL_EXPIRES_IN_SECONDS', 60, 5, 300),
    sessionExpiresInSeconds: reader.integer('SESSION_EXPIRES_IN_SECONDS', 43200, 1800, 43200),
    ...calls,
    ...budget,
    ...(localStudioOrigin !== undefined && { localStudioOrigin }),
    metricsService: readMetricsService(reader),
  };
  return finish(reader, config);
}
