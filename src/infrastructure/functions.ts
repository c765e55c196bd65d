/**
 * The five functions as serverless.yml deploys them: handler, role, timeout, routes and the
 * environment each reads, built from the stage parameters (./stage-parameters.ts) and the
 * deployment (./deployment.ts). The SSO functions exist only on stages that turn them on.
 *
 * A stage parameter reaches a function one way: through the variable tables below, which name the
 * variable each function's configuration (src/config/) reads.
 */
import type { CfnValue } from './cloudformation';
import type { Deployment } from './deployment';
import type { DeploymentParams } from './params';
import type { StageParameter } from './stage-parameters';

/** One function of `functions:`. */
export interface FunctionDefinition {
  readonly handler: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize?: number;
  readonly provisionedConcurrency?: number;
  readonly reservedConcurrency?: number;
  readonly maximumRetryAttempts?: number;
  /** A role of the deployment's resources (./roles.ts). */
  readonly role: string;
  readonly environment: Record<string, CfnValue>;
  readonly events: readonly unknown[];
}

/** The studio-url function's variables that are stage parameters as written (what src/config/ reads, SSO and health aside). */
export const STUDIO_URL_VARIABLES = {
  STUDIO_DOMAIN_ID: 'domainId',
  STUDIO_ISSUANCE: 'issuance',
  STUDIO_ISSUER_ROLE_ARN: 'issuerRoleArn',
  STUDIO_DOMAINS: 'studioDomains',
  STUDIO_GATE_ACCOUNT_ID: 'networkAccountId',
  AWS_ENDPOINT_URL_STS: 'stsEndpointUrl',
  ISSUER_SESSION_SECONDS: 'issuerSessionSeconds',
  AUTH_MODE: 'authMode',
  JWT_ISSUER: 'jwtIssuer',
  JWT_AUDIENCE: 'jwtAudience',
  JWT_JWKS_URI: 'jwtJwksUri',
  JWT_PROFILE_CLAIM: 'jwtProfileClaim',
  JWT_GROUPS_CLAIM: 'jwtGroupsClaim',
  JWT_GROUPS_DELIMITER: 'jwtGroupsDelimiter',
  JWT_REQUIRE_EMAIL_VERIFIED: 'jwtRequireEmailVerified',
  JWT_CLOCK_SKEW_SECONDS: 'jwtClockSkewSeconds',
  JWT_MAX_LIFETIME_SECONDS: 'jwtMaxLifetimeSeconds',
  JWKS_TIMEOUT_MS: 'jwksTimeoutMs',
  REQUIRED_GROUPS: 'requiredGroups',
  IAM_ALLOWED_ACCOUNTS: 'iamAllowedAccounts',
  IAM_ALLOWED_ROLES: 'iamAllowedRoles',
  IAM_ALLOWED_USERS: 'iamAllowedUsers',
  IAM_SESSION_NAME_ROLES: 'iamSessionNameRoles',
  PROFILE_TRANSFORM: 'profileTransform',
  PROFILE_MAP: 'profileMap',
  ALLOWED_EMAIL_DOMAINS: 'allowedEmailDomains',
  PROFILE_OWNER_TAG: 'profileOwnerTag',
  PROFILE_OWNER_CHECK: 'profileOwnerCheck',
  ALLOWED_SOURCE_CIDRS: 'allowedSourceCidrs',
  URL_EXPIRES_IN_SECONDS: 'urlExpiresInSeconds',
  SESSION_EXPIRES_IN_SECONDS: 'sessionExpiresInSeconds',
  FUNCTION_TIMEOUT_SECONDS: 'functionTimeoutSeconds',
  SAGEMAKER_CONNECT_TIMEOUT_MS: 'sagemakerConnectTimeoutMs',
  SAGEMAKER_REQUEST_TIMEOUT_MS: 'sagemakerRequestTimeoutMs',
  SAGEMAKER_MAX_ATTEMPTS: 'sagemakerMaxAttempts',
  SAGEMAKER_BACKOFF_BASE_MS: 'sagemakerBackoffBaseMs',
  SAGEMAKER_BACKOFF_CAP_MS: 'sagemakerBackoffCapMs',
  SAGEMAKER_CALL_MODE: 'sagemakerCallMode',
  PROFILE_CACHE_TTL_SECONDS: 'profileCacheTtlSeconds',
  AWS_ENDPOINT_URL_SAGEMAKER: 'sagemakerEndpointUrl',
  LOCAL_STUDIO_ORIGIN: 'localStudioOrigin',
} as const satisfies Record<string, StageParameter>;

/**
 * The SSO functions' own variables (src/config/sso.ts), set only when the parameter is. Secrets
 * default to SSM parameters of the stage ({@link Deployment.ssoSecretDefaults}); the local stage
 * gives values (SSO_SECRETS_SOURCE=env).
 */
export const SSO_VARIABLES = {
  oidc: {
    OIDC_ISSUER: 'oidcIssuer',
    OIDC_CLIENT_ID: 'oidcClientId',
    OIDC_CLIENT_SECRET: 'oidcClientSecret',
    OIDC_PROFILE_CLAIM: 'oidcProfileClaim',
    OIDC_REQUIRE_EMAIL_VERIFIED: 'oidcRequireEmailVerified',
    OIDC_SCOPES: 'oidcScopes',
    OIDC_TIMEOUT_MS: 'oidcTimeoutMs',
    SSO_REDIRECT_URI: 'ssoRedirectUri',
  },
  saml: {
    SAML_IDP_CERTS: 'samlIdpCerts',
    SAML_IDP_ENTITY_ID: 'samlIdpEntityId',
    SAML_SP_ENTITY_ID: 'samlSpEntityId',
    SAML_ACS_URL: 'samlAcsUrl',
    SAML_IDP_SSO_URL: 'samlIdpSsoUrl',
    SAML_PROFILE_ATTRIBUTE: 'samlProfileAttribute',
    SAML_GROUPS_ATTRIBUTE: 'samlGroupsAttribute',
    SAML_ALLOW_IDP_INITIATED: 'samlAllowIdpInitiated',
    SAML_WANT_RESPONSE_SIGNED: 'samlWantResponseSigned',
    SAML_WANT_ASSERTIONS_SIGNED: 'samlWantAssertionsSigned',
    SAML_CLOCK_SKEW_SECONDS: 'samlClockSkewSeconds',
  },
  shared: {
    SSO_COOKIE_KEYS: 'ssoCookieKeys',
    SSO_COOKIE_MAX_AGE_SECONDS: 'ssoCookieMaxAgeSeconds',
    SSO_COOKIE_SECURE: 'ssoCookieSecure',
    SSO_SECRETS_SOURCE: 'ssoSecretsSource',
  },
} as const satisfies Record<string, Record<string, StageParameter>>;

/** The SSO functions' routes. */
const SSO_ROUTES = {
  oidc: [
    ['sso/login', 'get'],
    ['sso/callback', 'get'],
  ],
  saml: [
    ['sso/saml/login', 'get'],
    ['sso/saml', 'post'],
    ['sso/saml/metadata', 'get'],
  ],
} as const;

/** Stage parameters as the Framework resolved them (every one of ./stage-parameters.ts). */
export type ResolvedParameters = Readonly<Record<StageParameter, string>>;

/** The functions of a stage. */
export function buildFunctions(
  raw: ResolvedParameters,
  params: DeploymentParams,
  deployment: Deployment,
): Record<string, FunctionDefinition> {
  const iam = params.authMode === 'iam';
  // In iam mode API Gateway authenticates the SigV4 caller (AWS_IAM) on the API's own routes.
  const http = (path: string, methods: readonly string[]) =>
    methods.map((method) => ({ http: { path, method, ...(iam && { authorizer: 'aws_iam' }) } }));
  // An explicit param wins (the local stack says *); otherwise the ids of our execute-api endpoints, and vpcId.
  const allowedVpceIds = raw.allowedVpceIds !== '' ? raw.allowedVpceIds : deployment.allowedVpceIds;
  const allowedVpcIds = raw.allowedVpcIds !== '' ? raw.allowedVpcIds : deployment.allowedVpcIds;
  const sources = {
    ALLOWED_VPCE_IDS: allowedVpceIds,
    ALLOWED_VPC_IDS: allowedVpcIds,
    ALLOWED_SOURCE_CIDRS: raw.allowedSourceCidrs,
  };
  const timeout = params.functionTimeoutSeconds;

  // Several domains (studioDomains) replace the one domain and its account.
  const several = raw.studioDomains !== '';
  const oneDomainOnly = new Set(['STUDIO_DOMAIN_ID', 'STUDIO_ISSUANCE', 'STUDIO_ISSUER_ROLE_ARN']);
  const severalOnly = new Set(['STUDIO_DOMAINS', 'STUDIO_GATE_ACCOUNT_ID', 'AWS_ENDPOINT_URL_STS', 'ISSUER_SESSION_SECONDS']);
  const studioUrlEnvironment: Record<string, CfnValue> = {
    ...Object.fromEntries(
      Object.entries(STUDIO_URL_VARIABLES)
        .filter(([variable]) => !(several ? oneDomainOnly : severalOnly).has(variable))
        .map(([variable, name]) => [variable, raw[name]]),
    ),
    ...sources,
    // With one domain, its account, for ARNs built before SageMaker names them: this stack's unless a param says.
    ...(!several && { STUDIO_ACCOUNT_ID: raw.studioAccountId !== '' ? raw.studioAccountId : { Ref: 'AWS::AccountId' } }),
    // With one tag-bound domain, the issuer role every URL is issued through (the param's, or the stack's own).
    ...(deployment.issuerRoleArn !== undefined && { STUDIO_ISSUER_ROLE_ARN: deployment.issuerRoleArn }),
    METRICS_SERVICE: deployment.metricsService,
  };
  const functions: Record<string, FunctionDefinition> = {
    studioUrl: {
      handler: 'handlers/studio-url.handler',
      description: 'GET /studio-url, a presigned SageMaker Studio URL for the verified caller',
      timeout,
      provisionedConcurrency: params.provisionedConcurrency,
      role: 'StudioUrlRole',
      environment: studioUrlEnvironment,
      events: http('studio-url', ['get', 'post']),
    },
    healthCheck: {
      handler: 'handlers/health-check.handler',
      description: 'Scheduled health checks of the private path (endpoints, security groups, DNS, TLS, domain)',
      timeout: 30,
      memorySize: 256,
      // One run at a time, and no retry of a failed run: the next interval is the retry.
      reservedConcurrency: 1,
      maximumRetryAttempts: 0,
      role: 'HealthCheckRole',
      environment: {
        ...deployment.healthCheckEnvironment,
        ...(raw.sagemakerEndpointUrl !== '' && { AWS_ENDPOINT_URL_SAGEMAKER: raw.sagemakerEndpointUrl }),
      },
      // serverless-offline runs the schedule too; the local stack also runs it once at start.
      events: [{ schedule: { rate: [rateOf(Number(raw.healthIntervalMinutes || '5'))], enabled: true } }],
    },
    health: {
      handler: 'handlers/health.handler',
      description: 'GET /health, the latest health summary behind the source checks',
      timeout: 10,
      memorySize: 256,
      role: 'HealthRole',
      // GET /health applies the same source checks as GET /studio-url.
      environment: { ...deployment.healthEnvironment, ...sources },
      events: http('health', ['get']),
    },
  };

  // The SSO functions: the studio-url environment (its empty values left out) plus their own settings.
  const ssoBase = Object.fromEntries(Object.entries(studioUrlEnvironment).filter(([, value]) => value !== ''));
  for (const which of ['oidc', 'saml'] as const) {
    if ((which === 'oidc' ? raw.ssoOidc : raw.ssoSaml) !== 'true') continue;
    const environment: Record<string, CfnValue> = { ...ssoBase, ...deployment.ssoEnvironment };
    for (const [variable, name] of Object.entries({ ...SSO_VARIABLES[which], ...SSO_VARIABLES.shared })) {
      if (raw[name] !== '') environment[variable] = raw[name];
    }
    for (const [variable, value] of Object.entries(deployment.ssoSecretDefaults[which])) environment[variable] ??= value;
    functions[which === 'oidc' ? 'ssoOidc' : 'ssoSaml'] = {
      handler: `handlers/sso-${which}.handler`,
      description:
        which === 'oidc'
          ? 'SSO bridge, OIDC: GET /sso/login and /sso/callback'
          : 'SSO bridge, SAML 2.0: the ACS, SP-initiated login, metadata',
      timeout,
      role: which === 'oidc' ? 'SsoOidcRole' : 'SsoSamlRole',
      environment,
      // Browsers do not sign requests: no AWS_IAM here, the resource policy and the source checks still apply.
      events: SSO_ROUTES[which].map(([path, method]) => ({ http: { path, method } })),
    };
  }
  return functions;
}

function rateOf(minutes: number): string {
  return `rate(${minutes} minute${minutes === 1 ? '' : 's'})`;
}
