/**
 * Every function's environment, read at package time by that function's own configuration parser
 * (src/config/), so a stage whose functions would refuse their configuration, and answer 500 to
 * every request once deployed, is refused before it is packaged. What CloudFormation fills in at
 * deploy time (ids, the account, DNS names) is read as a well-formed placeholder.
 */
import type { Env } from '../config/environment';
import { parseHealthCheckConfig, parseHealthEndpointConfig } from '../config/health';
import { parseSsoConfig } from '../config/sso';
import { parseConfig } from '../config/studio-url';
import { ConfigurationError } from '../domain/errors';
import type { CfnValue } from './cloudformation';
import type { FunctionDefinition } from './functions';

/** Each function's configuration parser, by function name. */
const PARSERS: Readonly<Record<string, (env: Env) => unknown>> = {
  studioUrl: parseConfig,
  ssoOidc: (env) => parseSsoConfig(env, 'oidc'),
  ssoSaml: (env) => parseSsoConfig(env, 'saml'),
  health: parseHealthEndpointConfig,
  healthCheck: parseHealthCheckConfig,
};

const PLACEHOLDER_ACCOUNT = '123456789012';

/** The service label in the DNS name of each interface endpoint resource a function's environment names. */
const ENDPOINT_SERVICES: Readonly<Record<string, string>> = {
  DynamoDbEndpoint: 'dynamodb',
  SageMakerApiEndpoint: 'api.sagemaker',
  StsEndpoint: 'sts',
  SsmEndpoint: 'ssm',
};

/** A well-formed stand-in for what CloudFormation names `name` at deploy time. */
function placeholderFor(name: string, region: string): string {
  if (name === 'AWS::AccountId') return PLACEHOLDER_ACCOUNT;
  if (name === 'AWS::Region') return region;
  if (name === 'AWS::Partition') return 'aws';
  if (/VpceId$|Endpoint$/.test(name)) return 'vpce-0123456789abcdef0';
  if (/SecurityGroupId$|SecurityGroup$/.test(name)) return 'sg-0123456789abcdef0';
  if (/TableName$|Table$/.test(name)) return 'studio-gate-placeholder-table';
  return `placeholder-${name.replace(/[^A-Za-z0-9]/g, '-').toLowerCase()}`;
}

/** `value` with every intrinsic function replaced by placeholders. */
function resolved(value: CfnValue | unknown, region: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolved(item, region));
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return placeholderFor(String(object.Ref), region);
  if ('Fn::GetAtt' in object) {
    // An interface endpoint's DnsEntries: "<hosted zone>:<endpoint-specific DNS name>", as EC2 names them.
    const [resource] = object['Fn::GetAtt'] as [string, string];
    const service = ENDPOINT_SERVICES[resource] ?? 'placeholder';
    const domain = region.startsWith('cn-') ? 'vpce.amazonaws.com.cn' : 'vpce.amazonaws.com';
    return [`Z00000000PLACEHOLDER:${placeholderFor(resource, region)}-abcdefgh.${service}.${region}.${domain}`];
  }
  if ('Fn::Sub' in object) {
    const sub = object['Fn::Sub'];
    const [template, variables] = Array.isArray(sub) ? (sub as [string, Record<string, unknown>]) : [sub as string, {}];
    return template.replace(/\$\{([^}!]+)\}/g, (_all, name: string) =>
      name in variables ? String(resolved(variables[name], region)) : placeholderFor(name, region),
    );
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return (resolved(parts, region) as unknown[]).join(separator);
  }
  if ('Fn::Select' in object) {
    const [index, list] = object['Fn::Select'] as [number, unknown];
    const items = resolved(list, region) as unknown[];
    return items[index] ?? items[0];
  }
  if ('Fn::Split' in object) {
    const [separator, text] = object['Fn::Split'] as [string, unknown];
    return String(resolved(text, region)).split(separator);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolved(item, region)]));
}

/**
 * The problems each function's configuration finds in its environment, one line each, prefixed
 * with the function's name; none when every function would start.
 */
export function environmentProblems(functions: Readonly<Record<string, FunctionDefinition>>, region: string): string[] {
  const problems: string[] = [];
  for (const [name, definition] of Object.entries(functions)) {
    const parse = PARSERS[name];
    if (parse === undefined) {
      problems.push(`function ${name}: no configuration parser knows it (src/infrastructure/function-environments.ts)`);
      continue;
    }
    const env = Object.fromEntries(
      Object.entries(definition.environment).map(([variable, value]) => [variable, String(resolved(value, region))]),
    );
    try {
      parse({ ...env, AWS_REGION: region });
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(...error.problems.map((problem) => `function ${name}: ${problem}`));
    }
  }
  return problems;
}
