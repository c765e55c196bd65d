/**
 * The private path studio-gate deploys into an existing VPC, assembled from validated stage
 * parameters (./params.ts): the network (./network.ts: endpoints, security groups, private DNS), the
 * functions' roles (./roles.ts), the health checks' table, alarm and dashboard
 * (./health-resources.ts), the user-side managed policies, and what serverless.yml needs for the
 * private API (endpoint ids, resource policy, VPC config). Pure: ./stage-parameters.ts feeds it the
 * validated parameters, and ./functions.ts builds the functions on it. No account id or region is written
 * here: they stay `${AWS::AccountId}` / `${AWS::Region}` until CloudFormation fills them in.
 */

import type { WrittenPlan } from '../domain/health/plan';
import { SECURITY_HEADERS } from '../http/headers';
import { apiResourcePolicyStatements, executeApiEndpointPolicy } from '../policies/api-policies';
import type { DeploymentFacts, PolicyDocument } from '../policies/policy-types';
import {
  ownerTagKeyOf,
  sagemakerApiEndpointPolicy,
  studioEndpointPolicy,
  studioUrlFunctionStatements,
  userPolicies,
} from '../policies/sagemaker-policies';
import { ssmEndpointPolicy, ssoFunctionStatements, ssoParameterName } from '../policies/sso-policies';
import { type CfnValue, toCloudFormation } from './cloudformation';
import { deployedHealthPlan, localHealthPlan } from './health-plan';
import { DYNAMO_ENDPOINT_URL, healthPart } from './health-resources';
import { issuerRoleResource } from './issuer-role';
import { addNetwork } from './network';
import type { DeploymentParams } from './params';
import { functionRole } from './roles';

/** What serverless.yml takes from the deployment. */
export interface Deployment {
  /** One tag-bound domain: the issuer role its URLs are issued through (STUDIO_ISSUER_ROLE_ARN). */
  readonly issuerRoleArn?: CfnValue;
  /** `resources:` fragment: Resources and Outputs. */
  readonly resources: { Resources: Record<string, unknown>; Outputs: Record<string, unknown> };
  /** `provider.apiGateway.resourcePolicy` statements. */
  readonly apiResourcePolicy: CfnValue;
  /** `provider.vpcEndpointIds`. */
  readonly executeApiVpceIds: CfnValue;
  /** `provider.vpc`. */
  readonly lambdaVpc: CfnValue;
  /** Values for the function environment. */
  readonly allowedVpceIds: CfnValue;
  readonly allowedVpcIds: string;
  /** The metrics' `service` dimension of every function: `<service>-<stage>`. */
  readonly metricsService: string;
  /** Facts with placeholders, for tests and docs. */
  readonly facts: DeploymentFacts;
  /** The stage's health plan (with placeholders outside the local stage). */
  readonly healthPlan: WrittenPlan;
  readonly healthCheckEnvironment: Record<string, CfnValue>;
  readonly healthEnvironment: Record<string, CfnValue>;
  /** What the SSO functions add to the studio-url environment (their table and its endpoint). */
  readonly ssoEnvironment: Record<string, CfnValue>;
  /** The secrets' SSM parameters, unless a stage parameter names others. */
  readonly ssoSecretDefaults: Readonly<Record<'oidc' | 'saml', Record<string, string>>>;
}

/** Builds the deployment from validated parameters. */
export function buildDeployment(params: DeploymentParams): Deployment {
  const vars: Record<string, CfnValue> = {};
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  const endpointId = (name: 'SageMakerApi' | 'Studio' | 'ExecuteApi'): string => {
    const given = params.existing[name];
    if (given) return given;
    vars[`${name}VpceId`] = { Ref: `${name}Endpoint` };
    return `\${${name}VpceId}`;
  };

  // Named, not referenced: the function roles may assume it by ARN while its trust names them (no cycle).
  const ownIssuerRoleName = `${params.service}-${params.stage}-\${AWS::Region}-issuer`;
  const facts: DeploymentFacts = {
    partition: '${AWS::Partition}',
    region: '${AWS::Region}',
    accountId: '${AWS::AccountId}',
    domainId: params.domainId,
    // One domain: tag-bound through its issuer role (the param's, or the one made below), or direct.
    ...(!params.several && {
      issuance: params.issuance,
      ...(params.issuance === 'tag-bound' && {
        issuerRoleArn: params.issuerRoleArn ?? `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${ownIssuerRoleName}`,
      }),
    }),
    ...(params.ownerTagKey !== undefined && { ownerTagKey: params.ownerTagKey }),
    // With several domains: this stack's own account and region as placeholders, the others as written.
    ...(params.several && {
      domains: params.several.domains.map((d) => ({
        id: d.id,
        region: d.region === params.region ? '${AWS::Region}' : d.region,
        accountId: d.accountId === params.several?.networkAccountId ? '${AWS::AccountId}' : (d.accountId as string),
        ...(d.issuerRoleArn !== undefined && { issuerRoleArn: d.issuerRoleArn }),
        issuance: d.issuance,
      })),
    }),
    vpcId: params.vpcId,
    sagemakerApiVpceId: endpointId('SageMakerApi'),
    studioVpceId: endpointId('Studio'),
    executeApiVpceIds: [endpointId('ExecuteApi')],
    authMode: params.authMode,
    vpcSourceCidrs: params.clientCidrs,
    publicSourceCidrs: params.publicSourceCidrs,
  };
  vars.LambdaSecurityGroupId = { Ref: 'LambdaSecurityGroup' };
  vars.ServiceTableName = { Ref: 'ServiceTable' };
  vars.ApiGatewayRestApi = { Ref: 'ApiGatewayRestApi' };
  const render = (value: unknown) => toCloudFormation(value, vars);
  // The function roles that issue URLs (the issuer roles trust exactly these).
  const issuingRoles = [
    'StudioUrlRole',
    ...(params.sso.oidc ? ['SsoOidcRole'] : []),
    ...(params.sso.saml ? ['SsoSamlRole'] : []),
  ];

  addNetwork(
    params,
    {
      SageMakerApi: sagemakerApiEndpointPolicy(facts),
      Studio: studioEndpointPolicy(facts),
      ExecuteApi: executeApiEndpointPolicy(facts),
      Ssm: ssmEndpointPolicy(facts, params.service, params.stage),
    },
    render,
    resources,
    outputs,
  );

  // API Gateway's own answers (resource-policy denials, throttling, integration timeouts) carry
  // the same no-store/no-referrer headers as the function's.
  for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
    resources[`GatewayResponse${type.replace('DEFAULT_', 'Default')}`] = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        ResponseType: type,
        ResponseParameters: Object.fromEntries(
          Object.entries(SECURITY_HEADERS).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`]),
        ),
      },
    };
  }

  // The function's role and the user-side managed policies.
  resources.StudioUrlRole = render(functionRole(params, 'studioUrl', studioUrlFunctionStatements(facts)));
  const users = userPolicies(facts);
  const descriptions: Record<keyof typeof users, string> = {
    sourceVpc: 'Studio URLs only from the studio-gate VPC (aws:SourceVpc)',
    sourceVpce: 'Studio URLs only through the studio-gate SageMaker endpoints (aws:SourceVpce)',
    sourceIp: 'Studio URLs only from the corporate public ranges (aws:SourceIp)',
    vpcSourceIp: 'Studio URLs only from client ranges inside the studio-gate VPC (aws:VpcSourceIp + aws:SourceVpc)',
    ownProfileByTag: 'Studio URLs only for the profile whose studiouserid tag matches the caller',
  };
  for (const [key, document] of Object.entries(users) as [keyof typeof users, PolicyDocument | undefined][]) {
    if (!document) continue;
    const id = `UserPolicy${key[0]?.toUpperCase()}${key.slice(1)}`;
    resources[id] = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { Description: descriptions[key], PolicyDocument: render(document) },
    };
    outputs[`${id}Arn`] = { Description: descriptions[key], Value: { Ref: id } };
  }

  // The health checks: table, DynamoDB endpoint, roles, alarm, dashboard (src/infrastructure/health-resources.ts).
  const planInput = { ...params, ...(params.health.canary && { canary: params.health.canary }) };
  const healthPlan = params.local
    ? localHealthPlan({
        region: params.region,
        domainId: params.domainId,
        emulatorUrl: params.local.sagemakerEndpointUrl,
        jwksUrl: params.local.jwksUrl,
        dnsServer: params.local.dnsServer,
        ...(params.health.canary && { canary: params.health.canary }),
        ...(params.ownerTagKey !== undefined && { ownerTagKey: params.ownerTagKey }),
        ...(params.several && { domains: params.several.domains }),
      })
    : deployedHealthPlan({
        ...planInput,
        // One tag-bound domain: the negative probe goes through its issuer role.
        ...(!params.several && facts.issuerRoleArn !== undefined && { issuerRoleArn: facts.issuerRoleArn }),
        ...(params.several && { domains: params.several.domains }),
        ...(params.several?.stsEndpointUrl !== undefined && { stsEndpointUrl: params.several.stsEndpointUrl }),
      });
  const health = healthPart(params, facts, healthPlan, render);
  Object.assign(resources, health.resources);
  Object.assign(outputs, health.outputs);
  // serverless-offline reads no CloudFormation: the local stage's environments are plain values.
  const localStore = params.local && {
    HEALTH_TABLE_NAME: `${params.service}-${params.stage}`,
    AWS_ENDPOINT_URL_DYNAMODB: params.local.dynamoEndpointUrl,
    METRICS_SERVICE: `${params.service}-${params.stage}`,
    // The local-stack flag: only with it do the health functions take these loopback endpoints.
    LOCAL_STUDIO_ORIGIN: params.local.studioOrigin,
  };
  const healthCheckEnvironment = localStore
    ? {
        ...localStore,
        HEALTH_PLAN: JSON.stringify(healthPlan),
        AWS_ENDPOINT_URL_SAGEMAKER: params.local?.sagemakerEndpointUrl ?? '',
        // The issuer roles are assumed at the emulator's STS, as the issuing functions do.
        ...(params.several && { AWS_ENDPOINT_URL_STS: params.local.sagemakerEndpointUrl }),
      }
    : {
        ...health.healthCheckEnvironment,
        ...(params.several?.stsEndpointUrl && { AWS_ENDPOINT_URL_STS: params.several.stsEndpointUrl }),
      };
  const healthEnvironment = localStore
    ? { ...localStore, HEALTH_INTERVAL_MINUTES: String(params.health.intervalMinutes) }
    : health.healthEnvironment;

  // The function roles that issue: what an issuer role's trust names (npm run issuer-role -- --trusted-role-arns),
  // and, for a direct domain, what the guardrails exempt (npm run guardrails -- --issuer-role-arns).
  outputs.IssuerTrustedRoleArns = {
    Description:
      "studio-gate's function roles that issue Studio URLs: the issuer roles' trust (npm run issuer-role -- --trusted-role-arns), or a direct domain's presigners (npm run guardrails -- --issuer-role-arns)",
    Value: { 'Fn::Join': [',', issuingRoles.map((role) => ({ 'Fn::GetAtt': [role, 'Arn'] }))] },
  };
  if (params.several?.domains.some((d) => d.issuerRoleArn !== undefined) || facts.issuerRoleArn !== undefined) {
    // The scheduled run checks each domain through its issuer role too, under its own name only.
    outputs.HealthCheckRoleArn = {
      Description: 'the health check role the issuer roles let check, never issue (npm run issuer-role -- --health-role-arn)',
      Value: { 'Fn::GetAtt': ['HealthCheckRole', 'Arn'] },
    };
  }

  // One tag-bound domain without an issuerRoleArn param: its issuer role, trusted by exactly the
  // issuing function roles, each session naming and tagged with the person (src/infrastructure/issuer-role.ts).
  if (!params.several && params.issuance === 'tag-bound' && params.issuerRoleArn === undefined && !params.local) {
    const roleVars = Object.fromEntries(
      [...issuingRoles, 'HealthCheckRole'].map((role) => [`${role}Arn`, { 'Fn::GetAtt': [role, 'Arn'] }]),
    );
    resources.IssuerRole = toCloudFormation(
      issuerRoleResource({
        domainId: params.domainId,
        region: '${AWS::Region}',
        partition: '${AWS::Partition}',
        domainAccountId: '${AWS::AccountId}',
        networkAccountId: '${AWS::AccountId}',
        trustedRoleArns: issuingRoles.map((role) => `\${${role}Arn}`),
        // The negative probe (binding): the health run as itself, reading, never issuing, tagged as
        // the canary's owner or as nobody.
        healthRoleArn: '${HealthCheckRoleArn}',
        ...(params.health.canary?.ownerIdentity !== undefined && { healthCanaryOwner: params.health.canary.ownerIdentity }),
        roleName: ownIssuerRoleName,
        sagemakerApiVpceId: facts.sagemakerApiVpceId,
        studioVpceId: facts.studioVpceId,
        ownerTagKey: ownerTagKeyOf(facts),
      }),
      { ...vars, ...roleVars },
    );
    outputs.IssuerRoleArn = {
      Description: 'the issuer role every Studio URL of the domain is issued through, tag-bound to its owner',
      Value: { 'Fn::GetAtt': ['IssuerRole', 'Arn'] },
    };
  }

  // The SSO functions: one role each (src/policies/sso-policies.ts).
  if (params.sso.oidc)
    resources.SsoOidcRole = render(functionRole(params, 'ssoOidc', ssoFunctionStatements(facts, params.service, params.stage)));
  if (params.sso.saml)
    resources.SsoSamlRole = render(functionRole(params, 'ssoSaml', ssoFunctionStatements(facts, params.service, params.stage)));
  const ssoEnvironment: Record<string, CfnValue> = params.local
    ? { SSO_REPLAY_TABLE: `${params.service}-${params.stage}`, AWS_ENDPOINT_URL_DYNAMODB: params.local.dynamoEndpointUrl }
    : { SSO_REPLAY_TABLE: { Ref: 'ServiceTable' }, AWS_ENDPOINT_URL_DYNAMODB: DYNAMO_ENDPOINT_URL };
  const secret = (name: Parameters<typeof ssoParameterName>[2]) => `ssm:${ssoParameterName(params.service, params.stage, name)}`;
  const ssoSecretDefaults = {
    oidc: { OIDC_CLIENT_SECRET: secret('oidc-client-secret'), SSO_COOKIE_KEYS: secret('sso-cookie-keys') },
    saml: { SAML_IDP_CERTS: secret('saml-idp-certs'), SSO_COOKIE_KEYS: secret('sso-cookie-keys') },
  };

  return {
    metricsService: `${params.service}-${params.stage}`,
    ssoEnvironment,
    ssoSecretDefaults,
    healthPlan,
    healthCheckEnvironment,
    healthEnvironment,
    resources: { Resources: resources, Outputs: outputs },
    apiResourcePolicy: render(apiResourcePolicyStatements(facts)),
    executeApiVpceIds: render(facts.executeApiVpceIds),
    lambdaVpc: { securityGroupIds: [{ Ref: 'LambdaSecurityGroup' }], subnetIds: [...params.subnetIds] },
    allowedVpceIds: render(facts.executeApiVpceIds.join(',')),
    allowedVpcIds: params.vpcId,
    ...(!params.several && facts.issuerRoleArn !== undefined && { issuerRoleArn: render(facts.issuerRoleArn) }),
    facts,
  };
}

export { ENDPOINTS } from './network';
export {
  type DeploymentParams,
  DeploymentParamsError,
  LOCAL_STAGE,
  MIN_PREFIX,
  parseDeploymentParams,
  type RawDeploymentParams,
} from './params';
