/**
 * The health plan: what one stage's private path consists of, so the checks know what to look
 * for. The deployment writes it (HEALTH_PLAN, JSON) from the stage parameters; the doctor builds
 * the same plan for a stage or for the local stack. Parsed strictly: a plan that does not say
 * exactly what to check is a configuration error, never a silently shorter run.
 */
import { TAG_KEY_PATTERN } from '../profile-owner';
import { ROLE_ARN_PATTERN } from '../studio-domains';
import type { EndpointExpectation } from './endpoints';

export interface EndpointPlan extends EndpointExpectation {
  /** Who must reach the endpoint on 443: security groups (by id, with a label) and client ranges. */
  readonly ingressFromGroups: readonly { readonly id: string; readonly label: string }[];
  readonly ingressFromCidrs: readonly string[];
}

export interface HealthPlan {
  readonly region: string;
  /** Each check's own time limit. */
  readonly checkTimeoutMs: number;
  readonly network?: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly endpoints: readonly EndpointPlan[];
  };
  readonly dns: {
    /** `host[:port]` of the resolvers to ask; empty: the system's (in a VPC, the VPC resolver). */
    readonly servers: readonly string[];
    /** The ranges private answers must lie in; empty: the VPC's own CIDR blocks (DescribeVpcs). */
    readonly privateRanges: readonly string[];
    /** Names that must resolve privately; `tls`: also complete a handshake with each address. */
    readonly names: readonly { readonly name: string; readonly host: string; readonly tls: boolean }[];
  };
  readonly tlsPort: number;
  readonly studio?: {
    readonly domainId: string;
    readonly canary?: CanaryPlan;
    /**
     * Tag-bound through an issuer role: the negative probe's session (a second one, tagged as
     * nobody, must be refused the canary). Needs a canary with an owner.
     */
    readonly binding?: { readonly issuerRoleArn: string; readonly ownerTagKey: string };
  };
  /**
   * Several domains (hub and spoke), instead of `studio`: each checked through the credentials that
   * issue its URLs (the function's own, or a session of its issuer role, which is a check of its own).
   */
  readonly domains?: readonly DomainPlan[];
  readonly probes?: {
    readonly ports: readonly { readonly name: string; readonly label: string; readonly host: string; readonly port: number }[];
    readonly jwksUrl?: string;
    readonly apiHealthUrl?: string;
  };
}

/** A canary profile, and the owner its tag must name. */
export interface CanaryPlan {
  readonly profileName: string;
  readonly owner?: { readonly identity: string; readonly tagKey: string };
}

/** One of several domains, as the health checks reach it. */
export interface DomainPlan {
  readonly domainId: string;
  readonly region: string;
  readonly issuerRoleArn?: string;
  /** The SageMaker API endpoint it is reached by; undefined: private DNS of its region. */
  readonly endpointUrl?: string;
  /**
   * Tag-bound issuance: the owner tag's key. The checks' session carries the canary's owner (or
   * `studio-gate-health`, which owns nothing) under it, as a person's session would.
   */
  readonly ownerTagKey?: string;
  readonly canary?: CanaryPlan;
}

/** Who may have to reach an endpoint: the functions' group, Studio's groups, the client ranges. */
export const PEER_SETS = ['function', 'studio', 'clients'] as const;
export type PeerSet = (typeof PEER_SETS)[number];

/** The plan as written in HEALTH_PLAN: peers named once, endpoints naming the sets that must reach them. */
export interface WrittenPlan extends Omit<HealthPlan, 'network'> {
  readonly network?: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly functionSecurityGroupId?: string;
    readonly studioSecurityGroupIds: readonly string[];
    readonly clientCidrs: readonly string[];
    readonly endpoints: readonly {
      readonly name: string;
      readonly serviceName: string;
      readonly privateDns: boolean;
      readonly ingressFrom: readonly PeerSet[];
    }[];
  };
}

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

type Json = Record<string, unknown>;

/** Reads a plan; @returns the plan, or the list of problems. */
export function parsePlan(text: string): HealthPlan | string[] {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return ['HEALTH_PLAN is not JSON'];
  }
  const obj = (value: unknown, where: string): Json => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where} must be an object`);
      return {};
    }
    return value as Json;
  };
  const str = (o: Json, key: string, where: string, pattern?: RegExp): string => {
    const v = o[key];
    if (typeof v !== 'string' || v === '' || (pattern && !pattern.test(v)))
      problems.push(`${where}.${key} is missing or malformed`);
    return typeof v === 'string' ? v : '';
  };
  const int = (o: Json, key: string, where: string, min: number, max: number): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      problems.push(`${where}.${key} must be an integer ${min}–${max}`);
    return typeof v === 'number' ? v : min;
  };
  const arr = (o: Json, key: string, where: string): unknown[] => {
    const v = o[key] ?? [];
    if (!Array.isArray(v)) problems.push(`${where}.${key} must be a list`);
    return Array.isArray(v) ? v : [];
  };
  const strings = (o: Json, key: string, where: string): string[] =>
    arr(o, key, where).filter((v, i): v is string => {
      if (typeof v === 'string' && v !== '') return true;
      problems.push(`${where}.${key}[${i}] must be a string`);
      return false;
    });
  const known = (o: Json, keys: string[], where: string) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) problems.push(`${where}.${k} is not a plan field`);
  };

  const root = obj(raw, 'plan');
  known(root, ['region', 'checkTimeoutMs', 'network', 'dns', 'tlsPort', 'studio', 'domains', 'probes'], 'plan');
  const seen = new Set<string>();
  const unique = (name: string, where: string) => {
    if (seen.has(name)) problems.push(`${where}: check name ${name} is used twice`);
    seen.add(name);
  };

  let network: HealthPlan['network'];
  if (root.network !== undefined) {
    const n = obj(root.network, 'plan.network');
    known(
      n,
      ['vpcId', 'subnetIds', 'functionSecurityGroupId', 'studioSecurityGroupIds', 'clientCidrs', 'endpoints'],
      'plan.network',
    );
    const subnetIds = strings(n, 'subnetIds', 'plan.network');
    const sg = /^sg-[0-9a-f]+$/;
    const functionGroup =
      n.functionSecurityGroupId === undefined ? undefined : str(n, 'functionSecurityGroupId', 'plan.network', sg);
    const studioGroups = strings(n, 'studioSecurityGroupIds', 'plan.network');
    for (const id of studioGroups)
      if (!sg.test(id)) problems.push(`plan.network.studioSecurityGroupIds: ${id} is not a security group id`);
    const clientCidrs = strings(n, 'clientCidrs', 'plan.network');
    const peers: Record<PeerSet, Pick<EndpointPlan, 'ingressFromGroups' | 'ingressFromCidrs'>> = {
      function: {
        ingressFromGroups: functionGroup ? [{ id: functionGroup, label: 'the studio-gate functions' }] : [],
        ingressFromCidrs: [],
      },
      studio: { ingressFromGroups: studioGroups.map((id) => ({ id, label: 'Studio' })), ingressFromCidrs: [] },
      clients: { ingressFromGroups: [], ingressFromCidrs: clientCidrs },
    };
    network = {
      vpcId: str(n, 'vpcId', 'plan.network', /^vpc-[0-9a-f]+$/),
      subnetIds,
      endpoints: arr(n, 'endpoints', 'plan.network').map((e, i) => {
        const where = `plan.network.endpoints[${i}]`;
        const o = obj(e, where);
        known(o, ['name', 'serviceName', 'privateDns', 'ingressFrom'], where);
        const name = str(o, 'name', where, NAME);
        unique(`endpoint.${name}`, where);
        if (typeof o.privateDns !== 'boolean') problems.push(`${where}.privateDns must be true or false`);
        const from = strings(o, 'ingressFrom', where).filter((set): set is PeerSet => {
          if (PEER_SETS.includes(set as PeerSet)) return true;
          problems.push(`${where}.ingressFrom: ${set} is not one of ${PEER_SETS.join(', ')}`);
          return false;
        });
        if (from.includes('function') && functionGroup === undefined) {
          problems.push(`${where}.ingressFrom names function, but plan.network.functionSecurityGroupId is not set`);
        }
        return {
          name,
          serviceName: str(o, 'serviceName', where),
          privateDns: o.privateDns === true,
          subnetIds,
          ingressFromGroups: from.flatMap((set) => peers[set].ingressFromGroups),
          ingressFromCidrs: from.flatMap((set) => peers[set].ingressFromCidrs),
        };
      }),
    };
  }

  const d = obj(root.dns ?? {}, 'plan.dns');
  known(d, ['servers', 'privateRanges', 'names'], 'plan.dns');
  const dns: HealthPlan['dns'] = {
    servers: strings(d, 'servers', 'plan.dns'),
    privateRanges: strings(d, 'privateRanges', 'plan.dns'),
    names: arr(d, 'names', 'plan.dns').map((e, i) => {
      const where = `plan.dns.names[${i}]`;
      const o = obj(e, where);
      known(o, ['name', 'host', 'tls'], where);
      const name = str(o, 'name', where, NAME);
      unique(`dns.${name}`, where);
      return { name, host: str(o, 'host', where, HOST), tls: o.tls === true };
    }),
  };
  if (dns.names.length > 0 && dns.privateRanges.length === 0 && network === undefined) {
    problems.push('plan.dns.privateRanges is required without plan.network (the VPC whose ranges answers must lie in)');
  }

  const canaryOf = (value: unknown, where: string): CanaryPlan | undefined => {
    if (value === undefined) return undefined;
    const c = obj(value, where);
    known(c, ['profileName', 'owner'], where);
    const owner = c.owner === undefined ? undefined : obj(c.owner, `${where}.owner`);
    return {
      profileName: str(c, 'profileName', where, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/),
      ...(owner && {
        owner: { identity: str(owner, 'identity', `${where}.owner`), tagKey: str(owner, 'tagKey', `${where}.owner`) },
      }),
    };
  };
  let studio: HealthPlan['studio'];
  if (root.studio !== undefined) {
    const s = obj(root.studio, 'plan.studio');
    known(s, ['domainId', 'canary', 'binding'], 'plan.studio');
    const canary = canaryOf(s.canary, 'plan.studio.canary');
    let binding: { issuerRoleArn: string; ownerTagKey: string } | undefined;
    if (s.binding !== undefined) {
      const b = obj(s.binding, 'plan.studio.binding');
      known(b, ['issuerRoleArn', 'ownerTagKey'], 'plan.studio.binding');
      binding = {
        issuerRoleArn: str(b, 'issuerRoleArn', 'plan.studio.binding', ROLE_ARN_PATTERN),
        ownerTagKey: str(b, 'ownerTagKey', 'plan.studio.binding', TAG_KEY_PATTERN),
      };
      if (canary?.owner === undefined) problems.push('plan.studio.binding needs a canary with an owner (the profile it probes)');
    }
    studio = {
      domainId: str(s, 'domainId', 'plan.studio', /^d-(-*[a-z0-9]){1,61}$/),
      ...(canary && { canary }),
      ...(binding && { binding }),
    };
  }
  let domains: HealthPlan['domains'];
  if (root.domains !== undefined) {
    if (studio !== undefined) problems.push('plan.studio and plan.domains exclude each other');
    domains = arr(root, 'domains', 'plan').map((e, i) => {
      const where = `plan.domains[${i}]`;
      const d = obj(e, where);
      known(d, ['domainId', 'region', 'issuerRoleArn', 'endpointUrl', 'ownerTagKey', 'canary'], where);
      const domainId = str(d, 'domainId', where, /^d-(-*[a-z0-9]){1,61}$/);
      unique(`domain.${domainId}`, where);
      const optional = (key: string, pattern: RegExp) => (d[key] === undefined ? undefined : str(d, key, where, pattern));
      const issuerRoleArn = optional('issuerRoleArn', ROLE_ARN_PATTERN);
      const endpointUrl = optional('endpointUrl', /^https?:\/\/[^\s]+$/);
      const ownerTagKey = optional('ownerTagKey', TAG_KEY_PATTERN);
      if (ownerTagKey !== undefined && issuerRoleArn === undefined) problems.push(`${where}.ownerTagKey needs issuerRoleArn`);
      const canary = canaryOf(d.canary, `${where}.canary`);
      return {
        domainId,
        region: str(d, 'region', where, /^[a-z]{2}(-[a-z]+)+-\d$/),
        ...(issuerRoleArn !== undefined && { issuerRoleArn }),
        ...(endpointUrl !== undefined && { endpointUrl }),
        ...(ownerTagKey !== undefined && { ownerTagKey }),
        ...(canary && { canary }),
      };
    });
    // The functions have one owner tag (PROFILE_OWNER_TAG): every tag-bound domain's sessions carry it.
    if (new Set(domains.flatMap((d) => (d.ownerTagKey === undefined ? [] : [d.ownerTagKey]))).size > 1) {
      problems.push('plan.domains must all name the same ownerTagKey');
    }
  }

  let probes: HealthPlan['probes'];
  if (root.probes !== undefined) {
    const p = obj(root.probes, 'plan.probes');
    known(p, ['ports', 'jwksUrl', 'apiHealthUrl'], 'plan.probes');
    const url = (key: string) => {
      if (p[key] === undefined) return undefined;
      const v = str(p, key, 'plan.probes');
      if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) problems.push(`plan.probes.${key} must be an http(s) URL`);
      return v;
    };
    const jwksUrl = url('jwksUrl');
    const apiHealthUrl = url('apiHealthUrl');
    probes = {
      ports: arr(p, 'ports', 'plan.probes').map((e, i) => {
        const where = `plan.probes.ports[${i}]`;
        const o = obj(e, where);
        const name = str(o, 'name', where, NAME);
        unique(`port.${name}`, where);
        return { name, label: str(o, 'label', where), host: str(o, 'host', where), port: int(o, 'port', where, 1, 65535) };
      }),
      ...(jwksUrl !== undefined && { jwksUrl }),
      ...(apiHealthUrl !== undefined && { apiHealthUrl }),
    };
  }

  const plan: HealthPlan = {
    region: str(root, 'region', 'plan', /^[a-z]{2}(-[a-z]+)+-\d$/),
    checkTimeoutMs: int(root, 'checkTimeoutMs', 'plan', 100, 60000),
    ...(network && { network }),
    dns,
    tlsPort: root.tlsPort === undefined ? 443 : int(root, 'tlsPort', 'plan', 1, 65535),
    ...(studio && { studio }),
    ...(domains && { domains }),
    ...(probes && { probes }),
  };
  return problems.length > 0 ? problems : plan;
}
