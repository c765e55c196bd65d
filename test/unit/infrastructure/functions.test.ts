/**
 * The functions serverless.yml deploys, built in TypeScript from the stage parameters: one list of
 * parameters (the same as config/params.yml's defaults), one route from a parameter to a variable
 * that configuration reads, and every function's metrics on the dashboard's dimension.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunctions, SSO_VARIABLES, STUDIO_URL_VARIABLES } from '../../../src/infrastructure/functions';
import { serverlessParts } from '../../../src/infrastructure/serverless';
import { STAGE_PARAMETERS, unknownParameters } from '../../../src/infrastructure/stage-parameters';

const ROOT = join(__dirname, '..', '..', '..');

/** A complete stage, as config/params.yml's defaults and the ci stage give it. */
const stage = {
  region: 'eu-west-1',
  jwtIssuer: 'https://idp.example.com/oauth2/default',
  jwtAudience: 'studio-gate',
  jwtJwksUri: 'https://idp.example.com/oauth2/default/v1/keys',
  requiredGroups: 'studio-users',
  allowedEmailDomains: 'example.com',
  profileTransform: 'email-local-part,lowercase,dots-to-dashes',
  jwtProfileClaim: 'email',
  ssoRedirectUri: 'https://studio-gate.example.com/sso/callback',
  oidcClientId: 'studio-gate-sso',
  oidcIssuer: 'https://idp.example.com/oauth2/default',
  samlIdpEntityId: 'https://idp.example.com/saml/metadata',
  samlSpEntityId: 'urn:studio-gate:prod',
  samlAcsUrl: 'https://studio-gate.example.com/sso/saml',
  samlAllowIdpInitiated: 'true',
  domainId: 'd-exampledomain',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  studioSecurityGroupIds: 'sg-0ccccccccccccccc3',
  allowedSourceCidrs: '192.0.2.0/24',
  authMode: 'jwt',
  functionTimeoutSeconds: '20',
  healthIntervalMinutes: '5',
};

function configurationSource(): string {
  return readdirSync(join(ROOT, 'src', 'config'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(ROOT, 'src', 'config', file), 'utf8'))
    .join('\n');
}

describe('stage parameters', () => {
  it('are exactly the parameters config/params.yml gives defaults for', () => {
    const params = readFileSync(join(ROOT, 'config', 'params.yml'), 'utf8');
    const defaults = params.slice(params.indexOf('default:'), params.indexOf('\nlocal:'));
    const names = [...defaults.matchAll(/^ {2}([a-zA-Z][a-zA-Z0-9]*):/gm)].map((m) => m[1]);
    expect([...STAGE_PARAMETERS].sort()).toEqual(names.sort());
  });

  it('refuse a name that is not one of them, wherever it is written', () => {
    expect(
      unknownParameters({
        sections: { default: { region: 'x' }, prod: { requiredGroup: 'admins' } },
        commandLine: ['regoin=eu-west-1', 'region=x'],
      }),
    ).toEqual([
      'param requiredGroup (config/params.yml, prod) is not a stage parameter',
      'param regoin (--param) is not a stage parameter',
    ]);
    expect(() => serverlessParts(stage, 'studio-gate', 'prod', { sections: {}, commandLine: ['requiredGroup=admins'] })).toThrow(
      'param requiredGroup (--param) is not a stage parameter',
    );
  });

  it('set every variable configuration reads, or leave it to its default for a stated reason', () => {
    const read = new Set(
      [...configurationSource().matchAll(/\(\s*(?:reader,\s*)?'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string),
    );
    const everything = { ...stage, ssoOidc: 'true', ssoSaml: 'true', healthCanaryProfile: 'canary' };
    const set = new Set(
      Object.values(serverlessParts(everything, 'studio-gate', 'prod').functions).flatMap((f) => Object.keys(f.environment)),
    );
    const mapped = [...Object.keys(STUDIO_URL_VARIABLES), ...Object.values(SSO_VARIABLES).flatMap((v) => Object.keys(v))];
    const leftToDefault: Record<string, string> = {
      AWS_REGION: 'Lambda sets it',
      AWS_ENDPOINT_URL_SSM: 'the SSM endpoint of the stage answers at the private DNS name',
    };
    expect([...read].filter((name) => !set.has(name) && !mapped.includes(name) && !(name in leftToDefault))).toEqual([]);
  });

  it('reach each function as a variable its configuration reads', () => {
    const source = configurationSource();
    const variables = [...Object.keys(STUDIO_URL_VARIABLES), ...Object.values(SSO_VARIABLES).flatMap((v) => Object.keys(v))];
    expect(variables.filter((name) => !source.includes(`'${name}'`))).toEqual([]);
  });
});

describe('buildFunctions', () => {
  it('gives every function the metrics dimension the dashboard and alarms read', () => {
    const parts = serverlessParts(
      { ...stage, ssoOidc: 'true', ssoSaml: 'true', oidcIssuer: 'https://idp.example.com' },
      'studio-gate',
      'prod',
    );
    const names = Object.keys(parts.functions);
    expect(names.sort()).toEqual(['health', 'healthCheck', 'ssoOidc', 'ssoSaml', 'studioUrl']);
    const alarm = parts.resources.Resources.HealthAlarm as { Properties: { Dimensions: unknown } };
    expect(alarm.Properties.Dimensions).toEqual([{ Name: 'service', Value: 'studio-gate-prod' }]);
    for (const name of names)
      expect([name, parts.functions[name]?.environment.METRICS_SERVICE]).toEqual([name, 'studio-gate-prod']);
  });

  it('deploys the SSO functions only on stages that turn them on, never behind AWS_IAM', () => {
    const off = serverlessParts(
      { ...stage, authMode: 'iam', iamAllowedAccounts: '111122223333', iamAllowedRoles: '*', iamAllowedUsers: '' },
      'studio-gate',
      'prod',
    );
    expect(Object.keys(off.functions).sort()).toEqual(['health', 'healthCheck', 'studioUrl']);
    expect(off.functions.studioUrl?.events).toEqual([
      { http: { path: 'studio-url', method: 'get', authorizer: 'aws_iam' } },
      { http: { path: 'studio-url', method: 'post', authorizer: 'aws_iam' } },
    ]);
    const on = serverlessParts({ ...stage, ssoSaml: 'true' }, 'studio-gate', 'prod');
    expect(Object.keys(on.functions)).toContain('ssoSaml');
    expect(JSON.stringify(on.functions.ssoSaml?.events)).not.toContain('authorizer');
    expect(on.functions.ssoSaml?.environment.SAML_IDP_CERTS).toBe('ssm:/studio-gate/prod/saml-idp-certs');
  });

  it('takes the source checks from the deployment unless a parameter names them', () => {
    const parts = serverlessParts(stage, 'studio-gate', 'prod');
    const env = parts.functions.studioUrl?.environment ?? {};
    expect(env.ALLOWED_VPC_IDS).toBe('vpc-0123456789abcdef0');
    expect(env.ALLOWED_VPCE_IDS).toEqual({
      'Fn::Sub': ['${ExecuteApiVpceId}', { ExecuteApiVpceId: { Ref: 'ExecuteApiEndpoint' } }],
    });
    expect(env.STUDIO_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
    expect(parts.functions.health?.environment.ALLOWED_VPC_IDS).toBe('vpc-0123456789abcdef0');
    const named = serverlessParts({ ...stage, allowedVpceIds: '*', allowedVpcIds: '*' }, 'studio-gate', 'prod');
    expect(named.functions.health?.environment.ALLOWED_VPCE_IDS).toBe('*');
  });

  it.each([
    ['a timeout that is not a number', { functionTimeoutSeconds: 'abc' }, /functionTimeoutSeconds must be a whole number/],
    [
      'no email domains for the local-part transform',
      { allowedEmailDomains: '' },
      /function studioUrl: Environment variable ALLOWED_EMAIL_DOMAINS is required/,
    ],
    [
      'SageMaker attempts that are not a number',
      { sagemakerMaxAttempts: 'abc' },
      /function studioUrl: SAGEMAKER_MAX_ATTEMPTS must be/,
    ],
    ['a URL lifetime SageMaker refuses', { urlExpiresInSeconds: '99999' }, /function studioUrl: URL_EXPIRES_IN_SECONDS must be/],
    [
      'a flag that is not true or false',
      { jwtRequireEmailVerified: 'maybe' },
      /function studioUrl: JWT_REQUIRE_EMAIL_VERIFIED must be/,
    ],
    [
      'SAML that signs nothing',
      { ssoSaml: 'true', samlWantResponseSigned: 'false', samlWantAssertionsSigned: 'false' },
      /function ssoSaml: .*cannot both be false/,
    ],
    [
      'a client secret as a value',
      { ssoOidc: 'true', oidcClientSecret: 'plain-secret-123' },
      /oidcClientSecret must name an SSM parameter/,
    ],
    [
      'secrets from the environment',
      { ssoOidc: 'true', ssoSecretsSource: 'env' },
      /ssoSecretsSource is for the local stack only/,
    ],
    ['a budget that does not fit', { functionTimeoutSeconds: '2' }, /function studioUrl: worst-case upstream time/],
  ])('refuses to package %s, which the function would refuse once deployed', (_what, change, message) => {
    expect(() => serverlessParts({ ...stage, ...change }, 'studio-gate', 'prod')).toThrow(message);
  });

  it('never puts a secret value into a deployed function', () => {
    const parts = serverlessParts({ ...stage, ssoOidc: 'true', ssoSaml: 'true' }, 'studio-gate', 'prod');
    for (const name of ['ssoOidc', 'ssoSaml']) {
      const env = parts.functions[name]?.environment ?? {};
      expect(env.SSO_COOKIE_KEYS).toBe('ssm:/studio-gate/prod/sso-cookie-keys');
      expect(env.SSO_SECRETS_SOURCE).toBeUndefined();
    }
    expect(parts.functions.ssoOidc?.environment.OIDC_CLIENT_SECRET).toBe('ssm:/studio-gate/prod/oidc-client-secret');
  });

  it('is a pure function of the parameters and the deployment', () => {
    expect(typeof buildFunctions).toBe('function');
    expect(serverlessParts(stage, 'studio-gate', 'prod')).toEqual(serverlessParts(stage, 'studio-gate', 'prod'));
  });
});
