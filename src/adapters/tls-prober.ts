/**
 * TLS handshakes of the health checks: connect to one resolved address on 443, send the service's
 * name as SNI, and require a trusted certificate valid for that name (Node's own verification).
 * Nothing is sent after the handshake; the connection is closed at once.
 */
import { connect } from 'node:tls';
import type { TlsHandshake } from '../domain/health/tls';
import type { TlsPort } from '../use-cases/health-ports';
import type { CallOptions } from '../use-cases/ports';
import { probeSocket } from './socket-probe';

const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|CHAIN|SIGNATURE/;

export class NodeTlsProber implements TlsPort {
  /** @param ca extra trusted certificates (tests); none in production: the runtime's store only. */
  constructor(private readonly ca?: string | readonly string[]) {}

  handshake(
    target: { address: string; port: number; servername: string; timeoutMs: number },
    options: CallOptions = {},
  ): Promise<TlsHandshake> {
    const { address, port, servername, timeoutMs } = target;
    const started = Date.now();
    const socket = connect({
      host: address,
      port,
      servername,
      rejectUnauthorized: true,
      ...(this.ca !== undefined && { ca: typeof this.ca === 'string' ? this.ca : [...this.ca] }),
    });
    return probeSocket<TlsHandshake>(
      socket,
      { timeoutMs, signal: options.signal },
      (afterMs) => ({ kind: 'timeout', address, afterMs }),
      (finish) => {
        socket.once('secureConnect', () => finish({ kind: 'ok', address, ms: Date.now() - started }));
        socket.once('error', (error: NodeJS.ErrnoException) => {
          const code = typeof error.code === 'string' ? error.code : 'EUNKNOWN';
          if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') finish({ kind: 'name-mismatch', address });
          else if (code === 'ECONNREFUSED') finish({ kind: 'refused', address });
          else if (UNTRUSTED.test(code)) finish({ kind: 'untrusted', address, code });
          else finish({ kind: 'error', address, code });
        });
      },
    );
  }
}
