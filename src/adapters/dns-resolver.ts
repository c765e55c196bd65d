/**
 * DNS as the VPC sees it: A and AAAA through a `dns.promises.Resolver` (the system's servers, which
 * in a VPC are the VPC resolver, or the servers the plan names). `dns.lookup` is not used: it asks
 * the operating system, which ignores configured servers and consults /etc/hosts.
 */
import { Resolver } from 'node:dns/promises';
import type { DnsAnswer } from '../domain/health/dns';
import type { DnsPort } from '../use-cases/health-ports';
import type { CallOptions } from '../use-cases/ports';

type One = { addresses: string[] } | { code: string };

const KIND_OF: Record<string, DnsAnswer['kind']> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'no-data',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
  ECANCELLED: 'timeout',
};

export class ResolverDns implements DnsPort {
  async resolve(
    host: string,
    bounds: { servers: readonly string[]; timeoutMs: number },
    options: CallOptions = {},
  ): Promise<DnsAnswer> {
    const resolver = new Resolver({ timeout: bounds.timeoutMs, tries: 1 });
    if (bounds.servers.length > 0) resolver.setServers([...bounds.servers]);
    const cancel = () => resolver.cancel();
    options.signal?.addEventListener('abort', cancel, { once: true });
    // c-ares may wait longer than its own timeout (it backs off between attempts): ours is the bound.
    const timer = setTimeout(cancel, bounds.timeoutMs);
    const started = Date.now();
    const ask = (query: Promise<string[]>): Promise<One> =>
      query.then(
        (addresses) => ({ addresses }),
        (error: { code?: unknown }) => ({ code: typeof error?.code === 'string' ? error.code : 'EUNKNOWN' }),
      );
    try {
      const [a, aaaa] = await Promise.all([ask(resolver.resolve4(host)), ask(resolver.resolve6(host))]);
      const addresses = [...('addresses' in a ? a.addresses : []), ...('addresses' in aaaa ? aaaa.addresses : [])];
      if (addresses.length > 0) return { kind: 'addresses', addresses };
      // Both failed or are empty: the A answer speaks for the name (NXDOMAIN, SERVFAIL, a timeout).
      const code = 'code' in a ? a.code : 'code' in aaaa ? aaaa.code : 'ENODATA';
      const kind = KIND_OF[code];
      if (kind === 'timeout') return { kind, afterMs: Date.now() - started };
      if (kind !== undefined) return { kind } as DnsAnswer;
      return { kind: 'error', code };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', cancel);
    }
  }
}
