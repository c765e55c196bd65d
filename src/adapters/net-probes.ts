/**
 * TCP and HTTP probes of the local stack and the doctor: a connection that opens, a bounded GET
 * (64 KiB, one deadline), both aborted by the check's signal.
 */
import { connect } from 'node:net';
import type { HttpProbe, TcpProbe } from '../domain/health/probes';
import type { ProbePort } from '../use-cases/health-ports';
import type { CallOptions } from '../use-cases/ports';
import { boundedRequest } from './bounded-request';
import { probeSocket } from './socket-probe';

const MAX_PROBE_BYTES = 64 * 1024;

export class NetProbes implements ProbePort {
  tcp(host: string, port: number, timeoutMs: number, options: CallOptions = {}): Promise<TcpProbe> {
    const started = Date.now();
    const socket = connect({ host, port });
    return probeSocket<TcpProbe>(
      socket,
      { timeoutMs, signal: options.signal },
      (afterMs) => ({ kind: 'timeout', afterMs }),
      (finish) => {
        socket.once('connect', () => finish({ kind: 'open', ms: Date.now() - started }));
        socket.once('error', (error: NodeJS.ErrnoException) =>
          finish(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', code: String(error.code ?? 'EUNKNOWN') }),
        );
      },
    );
  }

  async httpGet(url: string, timeoutMs: number, options: CallOptions = {}): Promise<HttpProbe> {
    const target = new URL(url);
    const started = Date.now();
    try {
      const response = await boundedRequest(
        {
          https: target.protocol === 'https:',
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          ...(target.port !== '' && { port: target.port }),
          method: 'GET',
          path: `${target.pathname}${target.search}`,
          headers: { accept: 'application/json' },
        },
        { connectTimeoutMs: timeoutMs, deadlineMs: timeoutMs, maxBytes: MAX_PROBE_BYTES },
        options.signal,
      );
      return { kind: 'answer', status: response.statusCode, body: response.body.toString('utf8') };
    } catch (error) {
      const e = error as { name?: unknown; code?: unknown };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout', afterMs: Date.now() - started };
      return { kind: 'error', code: typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'EUNKNOWN' };
    }
  }
}
