/**
 * Tests reach loopback only (docs/development.md): any TCP connection a test process starts to a
 * host that is not 127.0.0.0/8, ::1 or localhost is refused before a packet leaves, and the test that
 * caused it fails, naming the host. A client that silently fell back to a real AWS endpoint (a
 * missing endpoint override) is caught here instead of being sent to the internet.
 */
import net from 'node:net';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/i;
const GUARD = Symbol.for('studio-gate.loopback-only');

interface Guarded {
  [GUARD]?: string[];
}

/** Where a `Socket#connect` call goes: its host, or undefined for an IPC path. */
function hostOf(args: unknown[]): string | undefined {
  let first = args[0];
  // net.connect() hands the socket its arguments normalized: [options, callback].
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    // An HTTP request's options reach connect with its URL path in `path`: only a call without a port is IPC.
    const options = first as { host?: string; port?: unknown; path?: string };
    return options.port === undefined && options.path !== undefined ? undefined : (options.host ?? 'localhost');
  }
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  return undefined;
}

/** `connect` guarded: a call to a host off loopback is recorded in `refused` and fails, never made. */
export function guardedConnect(
  connect: (this: net.Socket, ...args: unknown[]) => net.Socket,
  refused: string[],
): (this: net.Socket, ...args: unknown[]) => net.Socket {
  return function (this: net.Socket, ...args: unknown[]) {
    const host = hostOf(args);
    if (host !== undefined && !LOOPBACK.test(host)) {
      refused.push(host);
      const error = Object.assign(new Error(`a test tried to connect to ${host}: tests reach loopback only`), {
        code: 'ECONNREFUSED',
      });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
}

/** Installs the guard once per process; @returns the hosts refused so far (the caller empties it). */
export function loopbackOnly(): string[] {
  const proto = net.Socket.prototype as unknown as Guarded & { connect: (...args: unknown[]) => net.Socket };
  const installed = proto[GUARD];
  if (installed !== undefined) return installed;
  const refused: string[] = [];
  proto[GUARD] = refused;
  proto.connect = guardedConnect(proto.connect, refused);
  return refused;
}
