/**
 * The functions serverless.yml deploys, built in TypeScript from the stage parameters: one list of
 * parameters (the same as config/params.yml's defaults), one route from a parameter to a variable
 * that configuration reads, and every function's metrics on the dashboard's dimension.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunctions, SSO_VARIABLES, STUDIO_URL_VARIABLES } from '../../../src/infrastructure/functions';
import { serverlessParts } from '../../../src/infrastructure/serverless';
import { STAGE_PARAMETERS } from '../../../src/infrastructure/stage-parameters';

const ROOT = join(__dirname, '..', '..', '..');

const stage = {
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
    const off = serverlessParts({ ...stage, authMode: 'iam', iamAllowedAccounts: '111122223333' }, 'studio-gate', 'prod');
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

  it('is a pure function of the parameters and the deployment', () => {
    expect(typeof buildFunctions).toBe('function');
    expect(serverlessParts(stage, 'studio-gate', 'prod')).toEqual(serverlessParts(stage, 'studio-gate', 'prod'));
  });
});
