/**
 * The ports the health checks need, implemented in src/adapters (EC2, DNS, TLS, SageMaker, HTTP)
 * or by fakes in tests. Each call takes the check's abort signal and must stop when it fires.
 */
import type { HealthSummary } from '../domain/health/check';
import type { DnsAnswer } from '../domain/health/dns';
import type { EndpointFacts } from '../domain/health/endpoints';
import type { DomainPlan } from '../domain/health/plan';
import type { HttpProbe, TcpProbe } from '../domain/health/probes';
import type { SecurityGroupFacts } from '../domain/health/security-groups';
import type { DomainFacts } from '../domain/health/studio';
import type { TlsHandshake } from '../domain/health/tls';
import type { CallOptions, StudioPort } from './ports';

export interface NetworkPort {
  /** The VPC's endpoints of these services (any state). */
  describeVpcEndpoints(
    input: { vpcId: string; serviceNames: readonly string[] },
    options?: CallOptions,
  ): Promise<EndpointFacts[]>;
  describeSecurityGroups(groupIds: readonly string[], options?: CallOptions): Promise<SecurityGroupFacts[]>;
  /** The VPC's IPv4 and IPv6 CIDR blocks. */
  describeVpcCidrs(vpcId: string, options?: CallOptions): Promise<string[]>;
}

export interface DnsPort {
  /** A and AAAA of `host`, asked of `servers` (empty: the system's resolvers). Never throws. */
  resolve(host: string, bounds: { servers: readonly string[]; timeoutMs: number }, options?: CallOptions): Promise<DnsAnswer>;
}

export interface TlsPort {
  /** One handshake with `address:port` for `servername`, certificate checked. Never throws. */
  handshake(
    target: { address: string; port: number; servername: string; timeoutMs: number },
    options?: CallOptions,
  ): Promise<TlsHandshake>;
}

/** The SageMaker reads of the health checks. */
export interface StudioHealthPort extends Pick<StudioPort, 'describeUserProfile' | 'listTags'> {
  /** @returns undefined when the domain does not exist. */
  describeDomain(domainId: string, options?: CallOptions): Promise<DomainFacts | undefined>;
}

/**
 * The SageMaker reads of one of several domains, through the credentials that issue its URLs: the
 * function's own, or a session of the domain's issuer role (opened for the health check itself).
 * @throws a StudioGateError (`sts-*`) when the role cannot be assumed.
 */
export interface DomainHealthPort {
  /**
   * The domain's reads, through its issuer role when it has one. `as`: the identity a tag-bound
   * session is tagged with (default: the canary's owner, else one that owns nothing).
   */
  studioFor(domain: DomainPlan, options?: CallOptions, as?: string): Promise<StudioHealthPort>;
}

export interface ProbePort {
  tcp(host: string, port: number, timeoutMs: number, options?: CallOptions): Promise<TcpProbe>;
  httpGet(url: string, timeoutMs: number, options?: CallOptions): Promise<HttpProbe>;
}

/** Where the latest summary is kept (the service's table). */
export interface HealthStore {
  save(summary: HealthSummary): Promise<void>;
  /**
   * @returns undefined when no run has been stored yet.
   * @throws UpstreamUnavailableError when the table cannot be read (unreachable, throttled, no credentials).
   */
  latest(): Promise<HealthSummary | undefined>;
}

/** Health metrics: one per check and an overall `Healthy`. */
export interface HealthMetrics {
  publishHealth(summary: HealthSummary): void;
}

/** Where the scheduled run writes its one result line (every check, its reason and fix). */
export interface HealthLog {
  healthResult(summary: HealthSummary): void;
}
