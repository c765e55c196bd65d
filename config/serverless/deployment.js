// Glue between serverless.yml and src/infrastructure/deployment.ts (TypeScript, loaded through tsx):
// resolves the stage parameters, builds the deployment once, and hands out its parts, e.g.
// ${file(./config/serverless/deployment.js):resources}. Runs at package time only, never in Lambda.
const tsx = require('tsx/cjs/api');

const PARAMS = [
  'domainId',
  'vpcId',
  'subnetIds',
  'studioSecurityGroupIds',
  'existingSageMakerApiEndpointId',
  'existingStudioEndpointId',
  'existingExecuteApiEndpointId',
  'sagemakerApiPrivateDns',
  'studioPrivateDns',
  'createStsEndpoint',
  'createLogsEndpoint',
  'createMonitoringEndpoint',
  'createEc2Endpoint',
  'allowedSourceCidrs',
  'publicSourceCidrs',
  'lambdaEgressCidrs',
  'authMode',
  'allowedVpceIds',
  'allowedVpcIds',
  'allowBroadCidrs',
  'localStudioOrigin',
  'sagemakerEndpointUrl',
  'region',
  'studioAccountId',
  'jwtJwksUri',
  'profileOwnerTag',
  'healthIntervalMinutes',
  'healthCanaryProfile',
  'healthCanaryOwner',
  'healthAlarmTopicArn',
  'localDynamoEndpointUrl',
  'localDnsServer',
  'ssoOidc',
  'ssoSaml',
];

// The SSO functions' own settings: stage parameter → variable. Secrets default to SSM parameters
// of the stage (README.md, "SSO bridge"); the local stage gives values (SSO_SECRETS_SOURCE=env).
const SSO_VARIABLES = {
  oidc: {
    OIDC_ISSUER: 'oidcIssuer',
    OIDC_CLIENT_ID: 'oidcClientId',
    OIDC_CLIENT_SECRET: 'oidcClientSecret',
    OIDC_PROFILE_CLAIM: 'oidcProfileClaim',
    OIDC_REQUIRE_EMAIL_VERIFIED: 'oidcRequireEmailVerified',
    OIDC_SCOPES: 'oidcScopes',
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
  },
  shared: {
    SSO_COOKIE_KEYS: 'ssoCookieKeys',
    SSO_COOKIE_SECURE: 'ssoCookieSecure',
    SSO_SECRETS_SOURCE: 'ssoSecretsSource',
  },
};

let built;

// The Framework calls these resolvers more than once: `param:` resolves only in its later phase,
// so an early call fails with a "missing dependency" error and is retried. Only success is cached.
async function deployment({ resolveVariable, options }) {
  if (built) return built;
  const { parseDeploymentParams, buildDeployment } = tsx.require('../../src/infrastructure/deployment.ts', __filename);
  const raw = {};
  for (const name of PARAMS) raw[name] = String((await resolveVariable(`param:${name}`)) ?? '');
  const stage = options.stage || (await resolveVariable('self:provider.stage'));
  built = { raw, result: buildDeployment(parseDeploymentParams(raw, 'studio-gate', stage)) };
  return built;
}

module.exports = {
  resources: async (ctx) => (await deployment(ctx)).result.resources,
  apiResourcePolicy: async (ctx) => (await deployment(ctx)).result.apiResourcePolicy,
  executeApiVpceIds: async (ctx) => (await deployment(ctx)).result.executeApiVpceIds,
  lambdaVpc: async (ctx) => (await deployment(ctx)).result.lambdaVpc,
  // An explicit param wins (the local stack says *); otherwise the ids of our execute-api endpoints.
  allowedVpceIds: async (ctx) => {
    const { raw, result } = await deployment(ctx);
    return allowedVpceIdsOf(raw, result);
  },
  allowedVpcIds: async (ctx) => {
    const { raw, result } = await deployment(ctx);
    return allowedVpcIdsOf(raw, result);
  },
  // The domain's account, for ARNs built before SageMaker names them: this stack's unless a param says.
  studioAccountId: async (ctx) => {
    const { raw } = await deployment(ctx);
    return raw.studioAccountId !== '' ? raw.studioAccountId : { Ref: 'AWS::AccountId' };
  },
  // GET and POST /studio-url, GET /health; in iam mode API Gateway authenticates the SigV4 caller (AWS_IAM).
  studioUrlEvents: async ({ resolveVariable }) => httpEvents(resolveVariable, 'studio-url', ['get', 'post']),
  healthEvents: async ({ resolveVariable }) => httpEvents(resolveVariable, 'health', ['get']),
  // The scheduled health run (serverless-offline runs the schedule too; the local stack also runs it once at start).
  healthCheckEvents: async (ctx) => {
    const { raw } = await deployment(ctx);
    const minutes = Number(raw.healthIntervalMinutes || '5');
    return [{ schedule: { rate: [`rate(${minutes} minute${minutes === 1 ? '' : 's'})`], enabled: true } }];
  },
  healthCheckEnvironment: async (ctx) => {
    const { raw, result } = await deployment(ctx);
    return {
      ...result.healthCheckEnvironment,
      ...(raw.sagemakerEndpointUrl !== '' && { AWS_ENDPOINT_URL_SAGEMAKER: raw.sagemakerEndpointUrl }),
    };
  },
  // GET /health applies the same source checks as GET /studio-url.
  healthEnvironment: async (ctx) => {
    const { raw, result } = await deployment(ctx);
    return {
      ...result.healthEnvironment,
      ALLOWED_VPCE_IDS: allowedVpceIdsOf(raw, result),
      ALLOWED_VPC_IDS: allowedVpcIdsOf(raw, result),
      ALLOWED_SOURCE_CIDRS: String((await ctx.resolveVariable('param:allowedSourceCidrs')) ?? ''),
    };
  },
};

// The SSO functions, fully resolved here (only the stages that turn them on get them): the
// studio-url environment (environment.yml, resolved entry by entry) plus their own settings.
async function ssoFunctions(ctx) {
  const { raw, result } = await deployment(ctx);
  const param = async (name) => String((await ctx.resolveVariable(`param:${name}`)) ?? '');
  const base = await studioUrlEnvironment(ctx);
  const functions = {};
  const timeout = Number(await param('functionTimeoutSeconds'));
  for (const which of ['oidc', 'saml']) {
    if ((which === 'oidc' ? raw.ssoOidc : raw.ssoSaml) !== 'true') continue;
    const environment = { ...base, ...result.ssoEnvironment };
    for (const [variable, name] of Object.entries({ ...SSO_VARIABLES[which], ...SSO_VARIABLES.shared })) {
      const value = await param(name);
      if (value !== '') environment[variable] = value;
    }
    for (const [variable, value] of Object.entries(result.ssoSecretDefaults[which])) environment[variable] ??= value;
    const routes =
      which === 'oidc'
        ? [
            ['sso/login', 'get'],
            ['sso/callback', 'get'],
          ]
        : [
            ['sso/saml/login', 'get'],
            ['sso/saml', 'post'],
            ['sso/saml/metadata', 'get'],
          ];
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
      events: routes.map(([path, method]) => ({ http: { path, method } })),
    };
  }
  return functions;
}
module.exports.ssoFunctions = ssoFunctions;

// environment.yml with every entry resolved (its values are whole variables: param: or this file's exports).
async function studioUrlEnvironment(ctx) {
  const text = require('node:fs').readFileSync(require('node:path').join(__dirname, 'environment.yml'), 'utf8');
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+): \$\{(.+)\}$/.exec(line.trim());
    if (!m) continue;
    const [, name, expression] = m;
    const file = /^file\(\.\/config\/serverless\/deployment\.js\):(\w+)$/.exec(expression);
    const value = file ? await module.exports[file[1]](ctx) : await ctx.resolveVariable(expression);
    if (value !== undefined && value !== null && value !== '') out[name] = value;
  }
  return out;
}

// An explicit param wins (the local stack says *); otherwise the ids of our execute-api endpoints, and vpcId.
function allowedVpceIdsOf(raw, result) {
  return raw.allowedVpceIds !== '' ? raw.allowedVpceIds : result.allowedVpceIds;
}
function allowedVpcIdsOf(raw, result) {
  return raw.allowedVpcIds !== '' ? raw.allowedVpcIds : result.allowedVpcIds;
}

async function httpEvents(resolveVariable, path, methods) {
  const iam = (await resolveVariable('param:authMode')) === 'iam';
  return methods.map((method) => ({ http: { path, method, ...(iam && { authorizer: 'aws_iam' }) } }));
}
