/**
 * One HTTP request over node:http(s), bounded end to end: a connect timeout, one deadline that
 * covers connect, headers and the whole body, a cap on the body's size, and an optional abort
 * signal. It resolves only with a body fully read, so nothing after it can wait on the network.
 * Both upstreams use it: the SageMaker client's HTTP handler and the JWKS fetcher.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The bounds of one request. */
export interface RequestBounds {
  /** Until the TCP (and TLS) connection is up; a socket reused from a keep-alive pool skips it. */
  readonly connectTimeoutMs?: number;
  /** From the start until the last byte of the body, connect included. */
  readonly deadlineMs: number;
  /** Larger bodies are refused. */
  readonly maxBytes: number;
}

/** What to send. */
export interface BoundedRequest {
  readonly https: boolean;
  readonly hostname: string;
  readonly port?: number | string;
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Uint8Array;
  readonly agent?: HttpAgent | HttpsAgent;
}

/** Connections kept alive between requests, at most 50 at once per host. */
const KEEP_ALIVE = { keepAlive: true, maxSockets: 50 } as const;

/** The connection pool of one upstream client. */
export function keepAliveAgent(https: boolean): HttpAgent | HttpsAgent {
  return https ? new HttpsAgent(KEEP_ALIVE) : new HttpAgent(KEEP_ALIVE);
}

/** Keep-alive agents for plain and TLS connections, shared by every client given them. */
export interface KeepAlivePool {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/**
 * One pool for many SDK clients of one upstream: a connection carries no credentials (each request
 * is signed on its own), so the clients of every person's session can share the function's
 * connections. Without it each session's client kept its own sockets open, three per first-time
 * caller in the parallel mode, towards Lambda's limit of 1,024 file descriptors, and paid a TLS
 * handshake per call.
 */
export function keepAlivePool(): KeepAlivePool {
  return { http: new HttpAgent(KEEP_ALIVE), https: new HttpsAgent(KEEP_ALIVE) };
}

/** The request for `url` (http or https, IPv6 brackets dropped, the path with its query). */
export function requestTo(url: URL, method: string, headers: OutgoingHttpHeaders = {}, body?: string): BoundedRequest {
  return {
    https: url.protocol === 'https:',
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.port !== '' && { port: url.port }),
    method,
    path: `${url.pathname}${url.search}`,
    headers,
    ...(body !== undefined && { body }),
  };
}

/** A fully read answer. */
export interface BoundedResponse {
  readonly statusCode: number;
  readonly statusMessage?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The request missed a bound of time (connect, or the whole request). Named as smithy's retry strategy expects. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly phase: 'connect' | 'response') {
    super(`request timed out (${phase})`);
  }
}

/** The answer was larger than the cap. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLarge';
}

/** The connection ended before the whole answer arrived. */
export class ResponseIncompleteError extends Error {
  override readonly name = 'ResponseIncomplete';
  readonly code = 'ECONNRESET';
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** Sends `request` within `bounds`. @throws the errors above, an AbortError, or the socket's own error. */
export function boundedRequest(request: BoundedRequest, bounds: RequestBounds, signal?: AbortSignal): Promise<BoundedResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    let settled = false;
    let headersIn = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: Error | undefined, response?: BoundedResponse) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve(response as BoundedResponse);
      }
    };
    const onAbort = () => finish(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(setTimeout(() => finish(new RequestTimeoutError(headersIn ? 'response' : 'connect')), bounds.deadlineMs));
    const tooLarge = () => new ResponseTooLargeError(`response larger than ${bounds.maxBytes} bytes`);

    const send = request.https ? httpsRequest : httpRequest;
    const req = send({
      protocol: request.https ? 'https:' : 'http:',
      host: request.hostname,
      port: request.port,
      method: request.method,
      path: request.path,
      headers: request.headers,
      ...(request.agent && { agent: request.agent }),
    });
    req.on('socket', (socket) => {
      if (bounds.connectTimeoutMs === undefined || !socket.connecting) return;
      const connectTimer = setTimeout(() => finish(new RequestTimeoutError('connect')), bounds.connectTimeoutMs);
      timers.push(connectTimer);
      socket.once(request.https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (error) => finish(error));
    req.on('response', (res) => {
      headersIn = true;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > bounds.maxBytes) return finish(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > bounds.maxBytes) return finish(tooLarge());
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(new ResponseIncompleteError('response aborted')));
      res.on('end', () => {
        if (!res.complete) return finish(new ResponseIncompleteError('response ended early'));
        finish(undefined, {
          statusCode: res.statusCode ?? 0,
          ...(res.statusMessage !== undefined && { statusMessage: res.statusMessage }),
          headers: res.headers,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(request.body);
  });
}
