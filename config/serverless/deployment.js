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
];

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
