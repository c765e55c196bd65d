/**
 * The SDK's HTTP handler for SageMaker, bounded end to end. smithy's NodeHttpHandler times the
 * connection and the wait for headers, but once headers arrive the body may hang, drip a byte at a
 * time or never end (issue 7). This handler sends every attempt through {@link boundedRequest}:
 * one deadline for connect, headers and the whole body, and a size cap; the SDK gets a body already
 * read. A missed deadline is a transient `TimeoutError` (retried, then 504), an oversized answer is
 * not transient (`ResponseTooLarge`, then 502).
 */
import { buildQueryString, type HttpHandler, type HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { backoffDelayMs, type UpstreamPolicy } from '../domain/time-budget';
import { boundedRequest, type KeepAlivePool, keepAlivePool } from './bounded-request';

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

/**
 * {@link HttpHandler} over {@link boundedRequest}, with keep-alive agents: its own, or a pool shared
 * with other clients (then destroying this handler leaves the pool to its other users).
 */
export class BoundedHttpHandler implements HttpHandler<AttemptBounds> {
  private bounds: AttemptBounds;
  private readonly pool: KeepAlivePool;
  private readonly ownsPool: boolean;

  constructor(bounds: AttemptBounds, pool?: KeepAlivePool) {
    this.bounds = { ...bounds };
    this.pool = pool ?? keepAlivePool();
    this.ownsPool = pool === undefined;
  }

  updateHttpClientConfig(key: keyof AttemptBounds, value: AttemptBounds[typeof key]): void {
    this.bounds = { ...this.bounds, [key]: value };
  }

  httpHandlerConfigs(): AttemptBounds {
    return { ...this.bounds };
  }

  destroy(): void {
    if (!this.ownsPool) return;
    this.pool.https.destroy();
    this.pool.http.destroy();
  }

  async handle(
    request: HttpRequest,
    options: { abortSignal?: AbortSignal | { aborted: boolean } } = {},
  ): Promise<{ response: HttpResponse }> {
    const https = request.protocol !== 'http:';
    const query = request.query ? buildQueryString(request.query) : '';
    const hostname = request.hostname.replace(/^\[(.*)\]$/, '$1');
    const answer = await boundedRequest(
      {
        https,
        hostname,
        ...(request.port !== undefined && { port: request.port }),
        method: request.method,
        path: query ? `${request.path}?${query}` : request.path,
        headers: request.headers,
        ...(request.body !== undefined && request.body !== null && { body: request.body as string | Uint8Array }),
        agent: https ? this.pool.https : this.pool.http,
      },
      {
        connectTimeoutMs: this.bounds.connectTimeoutMs,
        deadlineMs: this.bounds.attemptTimeoutMs,
        maxBytes: this.bounds.maxResponseBytes,
      },
      options.abortSignal as AbortSignal | undefined,
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    return {
      response: new HttpResponse({
        statusCode: answer.statusCode,
        ...(answer.statusMessage !== undefined && { reason: answer.statusMessage }),
        headers,
        // The bytes already read, as bytes: the SDK's deserializers take a Uint8Array as the whole
        // body, with no stream to pipe into a collector.
        body: answer.body,
      }),
    };
  }
}

/** One attempt's bounds under an upstream policy: its connect timeout, then its request timeout on top. */
export function attemptBounds(upstream: UpstreamPolicy, maxResponseBytes: number): AttemptBounds {
  return {
    connectTimeoutMs: upstream.connectTimeoutMs,
    attemptTimeoutMs: upstream.connectTimeoutMs + upstream.requestTimeoutMs,
    maxResponseBytes,
  };
}

/**
 * The transport of an SDK client held to an upstream policy: every attempt bounded end to end and
 * in size, at most `maxAttempts` of them with the policy's backoff between (SageMaker's and STS's
 * clients); its connections from `pool` when given (shared), else its own.
 */
export function boundedTransport(upstream: UpstreamPolicy, maxResponseBytes: number, pool?: KeepAlivePool) {
  return {
    requestHandler: new BoundedHttpHandler(attemptBounds(upstream, maxResponseBytes), pool),
    retryStrategy: new ConfiguredRetryStrategy(upstream.maxAttempts, (retry) => backoffDelayMs(upstream, retry)),
  };
}
