/**
 * What a caller may choose about its own Studio session: redirect or JSON, the domain (among those
 * it is entitled to: src/domain/studio-domains.ts decides), the landing page and the space. Nothing
 * here can change whose profile the URL is for. Unknown or repeated parameters are
 * refused rather than ignored, so a typo (or `?user=bob`) gets a clear 400 instead of silence.
 */
import { InvalidParameterError } from './errors';
import { PROFILE_NAME_PATTERN } from './profile-mapping';
import { DOMAIN_ID_PATTERN } from './studio-domains';

/** Validated launch options. */
export interface LaunchOptions {
  readonly redirect: boolean;
  /** The domain asked for (a request, not a grant: it is checked against the caller's entitlements). */
  readonly domainId?: string;
  readonly landingUri?: string;
  readonly spaceName?: string;
}

/** Query parameters as API Gateway delivers them (multi-value form). */
export type QueryParameters = Readonly<Record<string, readonly string[] | undefined>>;

const KNOWN = new Set(['redirect', 'domain', 'landing', 'space']);

/** LandingUri forms from the CreatePresignedDomainUrl reference. The path is a plain relative path. */
const LANDING_URI = /^(?:studio::|app:(?:JupyterServer|JupyterLab|RStudioServerPro|CodeEditor|Canvas):)([A-Za-z0-9._~\-/]*)$/;
const LANDING_URI_MAX_LENGTH = 1023;

function validLanding(value: string): boolean {
  if (value.length > LANDING_URI_MAX_LENGTH) return false;
  const path = LANDING_URI.exec(value)?.[1];
  if (path === undefined) return false;
  return !path.split('/').some((segment) => segment === '..' || segment === '.') && !path.includes('//');
}

/**
 * @throws InvalidParameterError naming the first parameter that is unknown, repeated or malformed.
 */
export function parseLaunchOptions(query: QueryParameters): LaunchOptions {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(query)) {
    if (values === undefined) continue;
    if (!KNOWN.has(name)) throw new InvalidParameterError(name, 'parameter-unknown');
    if (values.length !== 1) throw new InvalidParameterError(name, 'parameter-repeated');
    single[name] = values[0] as string;
  }
  const { redirect, domain, landing, space } = single;
  if (redirect !== undefined && redirect !== 'true' && redirect !== 'false') {
    throw new InvalidParameterError('redirect');
  }
  if (domain !== undefined && !DOMAIN_ID_PATTERN.test(domain)) throw new InvalidParameterError('domain');
  if (landing !== undefined && !validLanding(landing)) throw new InvalidParameterError('landing');
  if (space !== undefined && !PROFILE_NAME_PATTERN.test(space)) throw new InvalidParameterError('space');
  return {
    redirect: redirect === 'true',
    ...(domain !== undefined && { domainId: domain }),
    ...(landing !== undefined && { landingUri: landing }),
    ...(space !== undefined && { spaceName: space }),
  };
}
