/**
 * The SDK's HTTP handler for SageMaker, bounded end to end. smithy's NodeHttpHandler times the
 * connection and the wait for headers, but once headers arrive the body may hang, drip a byte at a
 * time or never end (issue 7). This handler gives every attempt one deadline that covers connect,
 * headers and the whole body, caps the body's size, and hands the SDK a fully read body, so nothing
 * after it can wait on the network.
 *
 * Errors are shaped for the SDK's retry strategy: a missed deadline is a transient `TimeoutError`
 * (retried, then 504), an oversized answer is not transient (`ResponseTooLarge`, then 502).
 */
import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { buildQueryString, type HttpHandler, type HttpRequest, HttpResponse } from '@smithy/core/protocols';

/** Bounds of one attempt. */
export interface AttemptBounds {
  /** Until the TCP (and TLS) connection is up. */
  readonly connectTimeoutMs: number;
  /** From the start of the attempt until the last byte of the body, connect included. */
  readonly attemptTimeoutMs: number;
  /** Larger bodies are refused. SageMaker's answers to our operations are a few KB. */
  readonly maxResponseBytes: number;
}

/** The default cap on a SageMaker answer. */
export const MAX_SAGEMAKER_RESPONSE_BYTES = 1024 * 1024;

/** An attempt missed its deadline (connect, headers or body). Transient: the SDK retries it. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly phase: 'connect' | 'response') {
    super(`attempt timed out (${phase})`);
  }
}

/** The answer was larger than the cap. Not transient. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLarge';
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** {@link HttpHandler} over node:http(s) with a keep-alive agent and whole-attempt bounds. */
export class BoundedHttpHandler implements HttpHandler<AttemptBounds> {
  private bounds: AttemptBounds;
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });

  constructor(bounds: AttemptBounds) {
    this.bounds = { ...bounds };
  }

  updateHttpClientConfig(key: keyof AttemptBounds, value: AttemptBounds[typeof key]): void {
    this.bounds = { ...this.bounds, [key]: value };
  }

  httpHandlerConfigs(): AttemptBounds {
    return { ...this.bounds };
  }

  destroy(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }

  handle(
    request: HttpRequest,
    options: { abortSignal?: AbortSignal | { aborted: boolean } } = {},
  ): Promise<{ response: HttpResponse }> {
    const { connectTimeoutMs, attemptTimeoutMs, maxResponseBytes } = this.bounds;
    const signal = options.abortSignal as AbortSignal | undefined;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const query = request.query ? buildQueryString(request.query) : '';
      const https = request.protocol !== 'http:';
      let hostname = request.hostname ?? '';
      if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
      let settled = false;
      let req: ClientRequest | undefined;
      let res: IncomingMessage | undefined;
      const timers: NodeJS.Timeout[] = [];
      const finish = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        signal?.removeEventListener?.('abort', onAbort);
        if (error) {
          res?.destroy();
          req?.destroy();
          reject(error);
        } else {
          resolve({ response: response as HttpResponse });
        }
      };
      const onAbort = () => finish(abortError());
      signal?.addEventListener?.('abort', onAbort, { once: true });
      timers.push(setTimeout(() => finish(new AttemptTimeoutError(res ? 'response' : 'connect')), attemptTimeoutMs));

      const send = https ? httpsRequest : httpRequest;
      req = send({
        protocol: https ? 'https:' : 'http:',
        host: hostname,
        port: request.port,
        method: request.method,
        path: query ? `${request.path}?${query}` : request.path,
        headers: request.headers,
        agent: https ? this.httpsAgent : this.httpAgent,
      });
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => finish(new AttemptTimeoutError('connect')), connectTimeoutMs);
        timers.push(connectTimer);
        socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.on('error', (error) => finish(error));
      req.on('response', (incoming) => {
        res = incoming;
        const declared = Number(incoming.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxResponseBytes) {
          finish(new ResponseTooLargeError(`response larger than ${maxResponseBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) {
            finish(new ResponseTooLargeError(`response larger than ${maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        incoming.on('error', (error) => finish(error));
        incoming.on('aborted', () => finish(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        incoming.on('end', () => {
          if (!incoming.complete) {
            finish(Object.assign(new Error('response ended early'), { code: 'ECONNRESET' }));
            return;
          }
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
          }
          finish(
            undefined,
            new HttpResponse({
              statusCode: incoming.statusCode ?? 0,
              reason: incoming.statusMessage,
              headers,
              // A stream of the bytes already read: the SDK's collector takes it without touching the network.
              body: Readable.from([Buffer.concat(chunks)]),
            }),
          );
        });
      });
      const body = request.body as string | Uint8Array | undefined;
      req.end(body === undefined || body === null ? undefined : body);
    });
  }
}
