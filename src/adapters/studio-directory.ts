/**
 * {@link StudioDirectory} over the SDK: which SageMaker client issues a person's URL in a domain.
 * - A domain without an issuer role: the function's own credentials, one client per endpoint,
 *   made on first use and kept for the container.
 * - A domain with one: a client signed with the person's session of that role
 *   ({@link IssuerRoleSessions}), tagged with their identity when the domain is tag-bound (IAM then
 *   refuses every profile they do not own, whatever studio-gate's code decided). The client is kept
 *   beside the session, so a repeat caller costs no STS call and no new client, and is dropped with
 *   it (bounded, like the sessions).
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CallerIdentity } from '../domain/caller';
import type { StudioDomain } from '../domain/studio-domains';
import { TtlMap } from '../domain/ttl-map';
import type { CallOptions, StudioDirectory, StudioPort } from '../use-cases/ports';
import { type IssuerRoleSessions, MAX_SESSIONS, type SessionCredentials } from './issuer-sessions';
import { SageMakerStudioAdapter } from './sagemaker-studio';

/** Makes a SageMaker client for a domain's region and endpoint, with these credentials (undefined: the function's own). */
export type SageMakerClientFactory = (domain: DirectoryDomain, credentials?: SessionCredentials) => SageMakerClient;

/** What a directory needs to know of a domain: where it is, and the role that issues there. */
export type DirectoryDomain = Pick<StudioDomain, 'id' | 'region' | 'issuerRoleArn' | 'sagemakerEndpointUrl' | 'issuance'>;

/** Makes the port of type `P` over a client; `tagBound`: the client is a tag-bound session's. */
export type AdapterFactory<P> = (client: SageMakerClient, tagBound: boolean) => P;

/**
 * Adapters of type `P` per domain and person (the issuance's {@link SageMakerStudioAdapter}, the
 * health checks' adapter), over clients with the right credentials.
 */
export class SageMakerDirectory<P> {
  private readonly ownClients = new Map<string, P>();
  /** Per (domain, person): the client of their current session; bounded as the sessions are, the oldest going first. */
  private readonly sessionClients = new TtlMap<{ credentials: SessionCredentials; studio: P }>(MAX_SESSIONS);

  constructor(
    private readonly clientFor: SageMakerClientFactory,
    private readonly adapterFor: AdapterFactory<P>,
    private readonly sessions?: IssuerRoleSessions,
    /** The owner tag's key: a tag-bound domain's sessions carry the person's identity under it. */
    private readonly ownerTagKey?: string,
  ) {}

  async studioFor(domain: DirectoryDomain, identity: CallerIdentity, options: CallOptions = {}): Promise<P> {
    const role = domain.issuerRoleArn;
    if (role === undefined) {
      const key = `${domain.region}\n${domain.sagemakerEndpointUrl ?? ''}`;
      let studio = this.ownClients.get(key);
      if (studio === undefined) {
        studio = this.adapterFor(this.clientFor(domain), false);
        this.ownClients.set(key, studio);
      }
      return studio;
    }
    if (this.sessions === undefined) throw new Error(`domain ${domain.id} has an issuer role but no STS client was built`);
    const tagBound = domain.issuance === 'tag-bound';
    if (tagBound && this.ownerTagKey === undefined)
      throw new Error(`domain ${domain.id} is tag-bound but no owner tag key was given`);
    const credentials = await this.sessions.credentialsFor(role, identity.canonical, {
      ...options,
      ...(tagBound && { ownerTagKey: this.ownerTagKey }),
    });
    const key = `${domain.id}\n${identity.canonical}`;
    // The same credentials object means the same session: its client is reused. A session's end is
    // the sessions' own to judge (they hand out new credentials in time), so the entry never expires here.
    const kept = this.sessionClients.get(key, 0);
    if (kept !== undefined && kept.credentials === credentials) return kept.studio;
    const studio = this.adapterFor(this.clientFor(domain, credentials), tagBound);
    this.sessionClients.set(key, { credentials, studio }, Number.POSITIVE_INFINITY);
    return studio;
  }
}

/** {@link StudioDirectory} of the issuance: a {@link SageMakerStudioAdapter} per domain and person. */
export class SageMakerStudioDirectory extends SageMakerDirectory<StudioPort> implements StudioDirectory {
  constructor(clientFor: SageMakerClientFactory, sessions?: IssuerRoleSessions, ownerTagKey?: string) {
    super(clientFor, (client, tagBound) => new SageMakerStudioAdapter(client, tagBound), sessions, ownerTagKey);
  }
}
