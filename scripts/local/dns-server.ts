/**
 * A small DNS server on 127.0.0.1 (UDP), for the local stack and the DNS tests: it answers A and
 * AAAA for the names it is given, the way the VPC resolver answers the private names of the
 * endpoints. Each name has a behaviour: addresses, NXDOMAIN, SERVFAIL, REFUSED, or silence (a server
 * that never answers). Unknown names are NXDOMAIN. Loopback only; it never forwards a query.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import * as packet from 'dns-packet';

/** RFC 1035 response codes, the low four bits of the header's flags. */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export type DnsBehaviour =
  | { readonly addresses: readonly string[] }
  | { readonly rcode: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' }
  | { readonly silent: true };

export interface LocalDnsServer {
  /** `127.0.0.1:PORT`, as a resolver's server. */
  readonly server: string;
  readonly port: number;
  set(host: string, behaviour: DnsBehaviour): void;
  /** Queries answered or ignored so far. */
  queries(): number;
  close(): Promise<void>;
}

/** The names the local stack's VPC "resolves privately": the SageMaker API and the domain's Studio host. */
export function localPrivateNames(region: string, domainId: string): Record<string, DnsBehaviour> {
  return {
    [`api.sagemaker.${region}.amazonaws.com`]: { addresses: ['127.0.0.1'] },
    [`${domainId}.studio.${region}.sagemaker.aws`]: { addresses: ['127.0.0.1'] },
  };
}

export async function startDnsServer(options: { port: number; names?: Record<string, DnsBehaviour> }): Promise<LocalDnsServer> {
  const names = new Map<string, DnsBehaviour>(Object.entries(options.names ?? {}).map(([h, b]) => [h.toLowerCase(), b]));
  const socket = createSocket('udp4');
  let count = 0;

  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    count++;
    let query: packet.Packet;
    try {
      query = packet.decode(message);
    } catch {
      return; // Not DNS: no answer.
    }
    const question = query.questions?.[0];
    if (question === undefined) return;
    const behaviour = names.get(question.name.toLowerCase()) ?? { rcode: 'NXDOMAIN' as const };
    if ('silent' in behaviour) return;
    const flags = packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | packet.AUTHORITATIVE_ANSWER;
    const rcode = 'rcode' in behaviour ? behaviour.rcode : 'NOERROR';
    const family = question.type === 'A' ? '.' : question.type === 'AAAA' ? ':' : undefined;
    const answers =
      'addresses' in behaviour && family !== undefined
        ? behaviour.addresses
            .filter((a) => (family === ':' ? a.includes(':') : !a.includes(':')))
            .map((data) => ({ type: question.type as 'A' | 'AAAA', class: 'IN' as const, name: question.name, ttl: 5, data }))
        : [];
    const response = packet.encode({
      id: query.id ?? 0,
      type: 'response',
      flags: flags | RCODE[rcode],
      questions: [question],
      answers,
    });
    socket.send(response, from.port, from.address);
  });

  socket.bind(options.port, '127.0.0.1');
  await once(socket, 'listening');
  const port = socket.address().port;
  return {
    server: `127.0.0.1:${port}`,
    port,
    set: (host, behaviour) => names.set(host.toLowerCase(), behaviour),
    queries: () => count,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
