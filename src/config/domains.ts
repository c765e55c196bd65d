/**
 * Which Studio domains this studio-gate serves (docs/configuration.md, "Domains"):
 * - `STUDIO_DOMAIN_ID` alone: one domain in the function's own region (and STUDIO_ACCOUNT_ID's
 *   account, when set), open to every caller the way in admits: existing stages, unchanged;
 * - `STUDIO_DOMAINS`: a JSON list of domains, each with its id, region, account, label, entitled
 *   groups, the issuer role (required outside studio-gate's own account, STUDIO_GATE_ACCOUNT_ID) and
 *   the SageMaker API endpoint to reach it by (required outside the function's region).
 * Every problem of every domain is reported at once, and none is guessed around.
 */
import { ALLOW_ANY, type AllowList, allowOnly } from '../domain/allow-list';
import {
  AWS_REGIONS,
  DOMAIN_ID_PATTERN,
  ISSUANCE_MODES,
  isIssuanceMode,
  ROLE_ARN_PATTERN,
  roleAccount,
  type StudioDomain,
} from '../domain/studio-domains';
import { isPrintableAscii } from '../domain/text';
import { type Env, EnvReader, interfaceEndpointProblem } from './environment';

/** The domains, and what issuing in them needs. */
export interface DomainSettings {
  readonly domains: readonly StudioDomain[];
  /** studio-gate's own account (STUDIO_GATE_ACCOUNT_ID): its domains need no role. */
  readonly homeAccountId?: string;
  /** `AWS_ENDPOINT_URL_STS`: the STS interface endpoint's own DNS name (or the local emulator). */
  readonly stsEndpointUrl?: string;
  /** How long an issuer role session lasts (ISSUER_SESSION_SECONDS); it is reused until shortly before. */
  readonly issuerSessionSeconds: number;
}

const ACCOUNT_PATTERN = /^\d{12}$/;
const FIELDS = new Set(['id', 'region', 'account', 'label', 'groups', 'role', 'issuance', 'endpoint', 'canary']);
const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MAX_DOMAINS = 100;
const MAX_GROUPS = 100;
const LABEL_MAX = 64;
const GROUP_MAX = 256;

function readGroups(value: unknown, where: string, problems: string[]): AllowList<string> {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${where}: groups must list at least one group (or "*" for every caller)`);
    return allowOnly([]);
  }
  if (value.length > MAX_GROUPS) problems.push(`${where}: at most ${MAX_GROUPS} groups`);
  const groups: string[] = [];
  for (const group of value) {
    if (typeof group !== 'string' || group === '' || group.length > GROUP_MAX || group.trim() !== group) {
      problems.push(`${where}: every group must be a non-empty string without surrounding spaces`);
      continue;
    }
    groups.push(group);
  }
  if (groups.includes('*')) {
    if (groups.length > 1) problems.push(`${where}: "*" must stand alone in groups`);
    return ALLOW_ANY;
  }
  return allowOnly(groups);
}

function readDomain(value: unknown, index: number, context: DomainContext, problems: string[]): StudioDomain | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`STUDIO_DOMAINS[${index}] must be an object`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const id = typeof v.id === 'string' ? v.id : '';
  const where = `STUDIO_DOMAINS[${index}]${DOMAIN_ID_PATTERN.test(id) ? ` (${id})` : ''}`;
  for (const key of Object.keys(v)) if (!FIELDS.has(key)) problems.push(`${where}: unknown field "${key.slice(0, 40)}"`);
  if (!DOMAIN_ID_PATTERN.test(id)) problems.push(`${where}: id must be a Studio domain id (d-...)`);
  const region = typeof v.region === 'string' ? v.region : '';
  if (!AWS_REGIONS.includes(region)) problems.push(`${where}: region must be a known AWS region, got "${region.slice(0, 40)}"`);
  const accountId = typeof v.account === 'string' ? v.account : '';
  if (!ACCOUNT_PATTERN.test(accountId)) problems.push(`${where}: account must be a 12-digit account id`);
  const label = v.label;
  if (
    typeof label !== 'string' ||
    label.trim() === '' ||
    label.length > LABEL_MAX ||
    !isPrintableAscii(label.replace(/ /g, '_'))
  ) {
    problems.push(`${where}: label must be 1–${LABEL_MAX} printable characters`);
  }
  const entitled = readGroups(v.groups, where, problems);
  const role = v.role;
  const issuance = v.issuance ?? 'tag-bound';
  if (!isIssuanceMode(issuance)) {
    problems.push(`${where}: issuance must be "tag-bound" (the default) or "direct"`);
  }
  const outside = context.homeAccountId !== undefined && accountId !== context.homeAccountId && ACCOUNT_PATTERN.test(accountId);
  if (role !== undefined) {
    if (typeof role !== 'string' || !ROLE_ARN_PATTERN.test(role)) problems.push(`${where}: role must be an IAM role ARN`);
    else if (roleAccount(role) !== accountId)
      problems.push(`${where}: role is in account ${roleAccount(role)}, not the domain's ${accountId}`);
  } else if (outside) {
    problems.push(`${where}: a domain outside studio-gate's account (${context.homeAccountId}) needs the role to issue through`);
  } else if (issuance === 'tag-bound') {
    problems.push(
      `${where}: a tag-bound domain needs the role to issue through (npm run -s issuer-role), or "issuance": "direct" to opt out`,
    );
  }
  let endpoint = v.endpoint;
  if (endpoint !== undefined) {
    const problem =
      typeof endpoint === 'string' ? interfaceEndpointProblem(endpoint, 'api.sagemaker', region, context.local) : 'must be a URL';
    if (problem) problems.push(`${where}: endpoint ${problem}`);
  } else if (region !== context.functionRegion && AWS_REGIONS.includes(region)) {
    problems.push(
      `${where}: a domain in another region than the functions' (${context.functionRegion}) needs its endpoint: the DNS name of that region's SageMaker API interface endpoint, reached by peering or Transit Gateway`,
    );
  } else {
    endpoint = context.defaultEndpoint;
  }
  const canary = v.canary;
  if (canary !== undefined && (typeof canary !== 'string' || !PROFILE_NAME.test(canary))) {
    problems.push(`${where}: canary must be a user profile name`);
  }
  return {
    id,
    region,
    accountId,
    label: typeof label === 'string' ? label : id,
    ...(typeof canary === 'string' && { canaryProfile: canary }),
    entitled,
    ...(typeof role === 'string' && { issuerRoleArn: role }),
    issuance: issuance === 'direct' ? 'direct' : 'tag-bound',
    ...(typeof endpoint === 'string' && { sagemakerEndpointUrl: endpoint }),
  };
}

interface DomainContext {
  readonly functionRegion: string;
  readonly homeAccountId?: string;
  /** The local stack (LOCAL_STUDIO_ORIGIN set): loopback endpoints are allowed. */
  readonly local: boolean;
  /** AWS_ENDPOINT_URL_SAGEMAKER: the endpoint of domains in the function's region that name none. */
  readonly defaultEndpoint?: string;
}

/**
 * @param functionRegion AWS_REGION, already read.
 * @param sagemakerEndpointUrl AWS_ENDPOINT_URL_SAGEMAKER, already read.
 */
export function readDomains(reader: EnvReader, functionRegion: string, sagemakerEndpointUrl: string | undefined): DomainSettings {
  // The local stack (LOCAL_STUDIO_ORIGIN) takes loopback endpoints; nothing else does.
  const local = reader.localStack() !== undefined;
  const listText = reader.optional('STUDIO_DOMAINS');
  // The issuer roles' AssumeRole (signed, answered with credentials) goes to STS's interface endpoint only.
  const stsEndpointUrl = reader.interfaceEndpoint('AWS_ENDPOINT_URL_STS', 'sts', functionRegion);
  // The function region's SageMaker calls (signed, answered with URLs) likewise: never an unchecked host.
  if (sagemakerEndpointUrl !== undefined) {
    const problem = interfaceEndpointProblem(sagemakerEndpointUrl, 'api.sagemaker', functionRegion, local);
    if (problem) reader.problems.push(`AWS_ENDPOINT_URL_SAGEMAKER ${problem}`);
  }
  const issuerSessionSeconds = reader.integer('ISSUER_SESSION_SECONDS', 3600, 900, 3600);
  const shared = { ...(stsEndpointUrl !== undefined && { stsEndpointUrl }), issuerSessionSeconds };
  if (listText === undefined) {
    const id = reader.matching('STUDIO_DOMAIN_ID', DOMAIN_ID_PATTERN, 'a Studio domain id (d-...)');
    const accountId = reader.optional('STUDIO_ACCOUNT_ID');
    if (accountId !== undefined && !ACCOUNT_PATTERN.test(accountId)) {
      reader.problems.push(`STUDIO_ACCOUNT_ID must be a 12-digit account id, got "${accountId}"`);
    }
    const issuance = reader.choice('STUDIO_ISSUANCE', ISSUANCE_MODES, 'tag-bound');
    const role = reader.optional('STUDIO_ISSUER_ROLE_ARN');
    if (role !== undefined && !ROLE_ARN_PATTERN.test(role)) {
      reader.problems.push(`STUDIO_ISSUER_ROLE_ARN must be an IAM role ARN, got "${role.slice(0, 80)}"`);
    } else if (role !== undefined && accountId !== undefined && roleAccount(role) !== accountId) {
      reader.problems.push(`STUDIO_ISSUER_ROLE_ARN is in account ${roleAccount(role)}, not the domain's ${accountId}`);
    } else if (role === undefined && issuance === 'tag-bound') {
      reader.problems.push(
        'STUDIO_ISSUER_ROLE_ARN must name the issuer role URLs are issued through (tag-bound issuance), or STUDIO_ISSUANCE=direct to opt out',
      );
    }
    const domain: StudioDomain = {
      id,
      region: functionRegion,
      ...(accountId !== undefined && { accountId }),
      label: id,
      entitled: ALLOW_ANY,
      ...(role !== undefined && { issuerRoleArn: role }),
      issuance,
      ...(sagemakerEndpointUrl !== undefined && { sagemakerEndpointUrl }),
    };
    return { domains: [domain], ...shared };
  }
  for (const name of ['STUDIO_DOMAIN_ID', 'STUDIO_ACCOUNT_ID', 'STUDIO_ISSUER_ROLE_ARN', 'STUDIO_ISSUANCE']) {
    if (reader.optional(name) !== undefined)
      reader.problems.push(`${name} must not be set beside STUDIO_DOMAINS (list the domain there)`);
  }
  const homeAccountId = reader.matching('STUDIO_GATE_ACCOUNT_ID', ACCOUNT_PATTERN, "studio-gate's own 12-digit account id");
  const context: DomainContext = {
    functionRegion,
    ...(ACCOUNT_PATTERN.test(homeAccountId) && { homeAccountId }),
    local,
    ...(sagemakerEndpointUrl !== undefined && { defaultEndpoint: sagemakerEndpointUrl }),
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(listText);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_DOMAINS) {
    reader.problems.push(`STUDIO_DOMAINS must be a JSON list of 1 to ${MAX_DOMAINS} domains`);
    return { domains: [], ...(context.homeAccountId !== undefined && { homeAccountId }), ...shared };
  }
  const domains: StudioDomain[] = [];
  parsed.forEach((value, index) => {
    const domain = readDomain(value, index, context, reader.problems);
    if (domain !== undefined) domains.push(domain);
  });
  const seen = new Set<string>();
  for (const { id } of domains) {
    if (seen.has(id) && id !== '') reader.problems.push(`STUDIO_DOMAINS: domain ${id} is listed more than once`);
    seen.add(id);
  }
  return { domains, ...(context.homeAccountId !== undefined && { homeAccountId }), ...shared };
}

/**
 * STUDIO_DOMAINS with the variables beside it, read on their own, as the functions read them (the
 * deployment's stage parameters, the doctor): the domains, and every problem found.
 */
export function readDomainList(
  env: Env,
  functionRegion: string,
  sagemakerEndpointUrl: string | undefined,
): { readonly settings: DomainSettings; readonly problems: readonly string[] } {
  const reader = new EnvReader(env);
  const settings = readDomains(reader, functionRegion, sagemakerEndpointUrl);
  return { settings, problems: reader.problems };
}
