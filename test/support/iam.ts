/**
 * Policy evaluation with @cloud-copilot/iam-simulate (AGPL, dev-only, never bundled), and a tiny
 * resolver of the CloudFormation intrinsics our templates use, so the policies as deployed can be
 * evaluated with concrete account, region and endpoint ids.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';

export interface SimulationInput {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** An ARN, or `anonymous` for an unsigned request (jwt mode callers of the private API). */
  principal?: string;
  identityPolicies?: unknown[];
  resourcePolicy?: unknown;
  endpointPolicies?: unknown[];
  /** SCPs of the request's account (each level of the organization also carries FullAWSAccess). */
  scps?: readonly unknown[];
  /** The principal's permissions boundary. */
  permissionsBoundary?: unknown;
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The simulator's overall decision; throws on validation errors so a typo never passes as "denied". */
export async function simulate(input: SimulationInput): Promise<Decision> {
  const accountId = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(input.resource)?.[1] ?? ACCOUNT;
  const anonymous = input.principal === 'anonymous';
  const response = await runSimulation(
    {
      request: {
        principal: anonymous ? anonymousPrincipal : (input.principal ?? `arn:aws:iam::${ACCOUNT}:role/StudioUser`),
        action: input.action,
        resource: { resource: input.resource, accountId },
        contextVariables: input.context ?? {},
      },
      identityPolicies: (anonymous ? [] : (input.identityPolicies ?? [ALLOW_ALL])).map((policy, i) => ({
        name: `identity-${i}`,
        policy,
      })),
      serviceControlPolicies:
        input.scps === undefined
          ? []
          : [
              { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }] },
              {
                orgIdentifier: accountId,
                policies: [
                  { name: 'FullAWSAccess', policy: ALLOW_ALL },
                  ...input.scps.map((policy, i) => ({ name: `scp-${i}`, policy })),
                ],
              },
            ],
      ...(input.permissionsBoundary !== undefined && {
        permissionBoundaryPolicies: [{ name: 'boundary', policy: input.permissionsBoundary }],
      }),
      resourceControlPolicies: [],
      ...(input.resourcePolicy !== undefined && { resourcePolicy: input.resourcePolicy }),
      ...(input.endpointPolicies && {
        vpcEndpointPolicies: input.endpointPolicies.map((policy, i) => ({ name: `vpce-${i}`, policy })),
      }),
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(response.errors).slice(0, 500)}`);
  return response.overallResult as Decision;
}

/** Resolves Fn::Sub, Fn::Join and Ref with the given values (pseudo parameters included). */
export function resolveIntrinsics(value: unknown, values: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, values));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const resolved = values[object.Ref as string];
    if (resolved === undefined) throw new Error(`no value for Ref ${String(object.Ref)}`);
    return resolved;
  }
  if ('Fn::GetAtt' in object) {
    const [resource, attribute] = object['Fn::GetAtt'] as [string, string];
    const resolved = values[`${resource}.${attribute}`];
    if (resolved === undefined) throw new Error(`no value for Fn::GetAtt ${resource}.${attribute}`);
    // A list attribute (DnsEntries) is given as JSON.
    return resolved.startsWith('[') ? JSON.parse(resolved) : resolved;
  }
  if ('Fn::Select' in object) {
    const [index, list] = object['Fn::Select'] as [number, unknown];
    return (resolveIntrinsics(list, values) as unknown[])[index];
  }
  if ('Fn::Split' in object) {
    const [sep, text] = object['Fn::Split'] as [string, unknown];
    return String(resolveIntrinsics(text, values)).split(sep);
  }
  if ('Fn::Join' in object) {
    const [sep, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveIntrinsics(p, values)).join(sep);
  }
  if ('Fn::Sub' in object) {
    const arg = object['Fn::Sub'];
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
    const local: Record<string, string> = { ...values };
    for (const [k, v] of Object.entries(vars)) local[k] = resolveIntrinsics(v, values) as string;
    return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const resolved = local[name];
      if (resolved === undefined) throw new Error(`no value for \${${name}}`);
      return resolved;
    });
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolveIntrinsics(v, values)]));
}
