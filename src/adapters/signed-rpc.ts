/**
 * A signed call to an AWS service that speaks the Query protocol (STS, EC2) or JSON (SSM,
 * DynamoDB), for the few operations studio-gate sends there: one POST, signed with the SDK's own
 * SigV4 signer, sent over {@link boundedRequest} (one deadline per attempt end to end, a size cap,
 * the caller's abort signal), retried with backoff only when the failure is transient. A full SDK
 * client for one of these services weighs 35 to 543 KB of protocol and schema code that a Lambda
 * loads on every cold start, for one to three operations (issue 19); SageMaker keeps its SDK client.
 *
 * Failures are thrown in the shape the SDK's errors have (`name` is AWS's error code, and
 * `$metadata.httpStatusCode`), so {@link classifySdkError} reads them as it reads the SDK's. The
 * error's message is never upstream text, and credentials never reach an error or a log.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { partitionOf } from '../domain/arns';
import { AWS_REGIONS } from '../domain/studio-domains';
import type { AttemptBounds } from './bounded-http-handler';
import { boundedRequest, keepAliveAgent, requestTo } from './bounded-request';
import { classifySdkError, type SdkFailureKind } from './sdk-errors';
import type { StaticCredentials } from './static-credentials';
import { childText, onlyChild, optionalChild, parseXml, XmlAnswerError, type XmlElement } from './xml-answer';

/** What a client of one service is built with: the settings but the service, which it names itself. */
export type ServiceSettings = Omit<SignedRpcSettings, 'service'>;

/** Credentials as the signer takes them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Where and how one service is called: each attempt within its bounds (connect, whole answer, size). */
export interface SignedRpcSettings extends AttemptBounds {
  /** SigV4's name of the service (`sts`, `ec2`, `ssm`, `dynamodb`), also the first label of its regional host. */
  readonly service: string;
  readonly region: string;
  /** The interface endpoint's own DNS name or a local peer; else `https://<service>.<region>.<AWS domain>`. */
  readonly endpoint?: string;
  /**
   * Local harnesses only: fixed credentials, or a lookup of them. Unset: in the bundles (Lambda, the
   * local stack) the function role's from the environment or a local credentials endpoint
   * (src/adapters/lambda/environment-credentials.ts); unbundled (tests, `npm run doctor`) the SDK's
   * whole default chain, profiles and `credential_process` included, as for any engineer's tool.
   */
  readonly credentials?: StaticCredentials | (() => Promise<SigningCredentials>);
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** The wait before retry number `retry` (1-based). */
  readonly backoffMs: (retry: number) => number;
  /**
   * An integrity check of an answer's bytes (DynamoDB's CRC32). An answer that fails it is refused
   * (`ResponseChecksumMismatch`) and not retried: the request it answers was received, and sending a
   * conditional write again would read as its own second use.
   */
  readonly checkAnswer?: (body: Buffer, headers: IncomingHttpHeaders) => boolean;
}

/** An AWS error answer, or an answer that is not what the operation returns. */
export class AwsRpcError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(code: string, status: number) {
    super(`AWS answered ${status}`);
    // The SDK's errors carry AWS's code as their name; classifySdkError reads it there.
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** A JSON answer is not shaped as the operation's (thrown by a `read` of {@link jsonCall}). */
export class AnswerShapeError extends Error {
  override readonly name = 'AnswerShapeError';
}

/** Credentials are renewed this long before they expire, as the SDK does. */
const CREDENTIALS_REFRESH_MS = 5 * 60 * 1000;
/** The failures another attempt may get past (classified as every adapter classifies them, src/adapters/sdk-errors.ts). */
const RETRIED: ReadonlySet<SdkFailureKind> = new Set(['throttled', 'unreachable', 'timeout']);
/** Of the server errors, those the SDK retries too (503 is `unreachable`). */
const RETRIED_STATUS: ReadonlySet<number> = new Set([500, 502, 504]);

/**
 * The regional host of `service` in `region`: the commercial, China and GovCloud partitions, where
 * studio-gate runs (AWS_REGIONS). Elsewhere (the ISO and sovereign partitions, with their own DNS
 * domains) there is no name to guess: the endpoint must be given, and without one this refuses to
 * build rather than send credentials-signed requests to the wrong domain.
 */
export function regionalUrl(service: string, region: string): string {
  if (!AWS_REGIONS.includes(region)) {
    throw new TypeError(`no ${service} endpoint is known for region ${region.slice(0, 40)}: give its endpoint URL`);
  }
  return `https://${service}.${region}.${partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** Whether another attempt may succeed where this one failed. */
function transient(error: unknown): boolean {
  const { kind, status } = classifySdkError(error);
  return RETRIED.has(kind) || (kind === 'server-error' && status !== undefined && RETRIED_STATUS.has(status));
}

/** A fully read answer of one call. */
export interface RpcAnswer {
  readonly status: number;
  /** `x-amzn-errortype`, where the JSON protocols name an error. */
  readonly errorType?: string;
  readonly body: string;
}

/** Signed POSTs to one service's endpoint. */
export class SignedRpc {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly credentials: () => Promise<SigningCredentials>;
  private cached: SigningCredentials | undefined;
  private looking: Promise<SigningCredentials> | undefined;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(private readonly settings: SignedRpcSettings) {
    this.url = new URL(settings.endpoint ?? regionalUrl(settings.service, settings.region));
    const { protocol, username, password, search, hash } = this.url;
    // What would be dropped or sent unsigned is refused: an endpoint is an origin, with a path at most.
    if ((protocol !== 'https:' && protocol !== 'http:') || username || password || search || hash) {
      throw new TypeError(`the ${settings.service} endpoint must be an http(s) URL without credentials, query or fragment`);
    }
    const fixed = settings.credentials;
    // In the bundles the default provider is the environment's credentials only (src/infrastructure/bundle.ts).
    this.credentials = typeof fixed === 'function' ? fixed : fixed ? async () => fixed : defaultProvider();
    this.signer = new SignatureV4({
      service: settings.service,
      region: settings.region,
      sha256: Sha256,
      credentials: () => this.currentCredentials(),
    });
    this.agent = keepAliveAgent(this.url.protocol === 'https:');
  }

  /** The credentials to sign with, kept until five minutes before they expire; a failure is not kept. */
  private async currentCredentials(): Promise<SigningCredentials> {
    const kept = this.cached;
    if (kept && (kept.expiration === undefined || kept.expiration.getTime() - Date.now() > CREDENTIALS_REFRESH_MS)) return kept;
    // Calls that start together share one lookup (a credentials endpoint is asked once, not per call).
    this.looking ??= this.credentials().finally(() => {
      this.looking = undefined;
    });
    const fresh = await this.looking;
    this.cached = fresh;
    return fresh;
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }

  /**
   * POSTs `body` with `headers` (content type and the like), signed anew on each attempt.
   * @param errorOf the error an answer other than 200 stands for (the protocol reads it).
   * @returns the first 200 answer.
   * @throws `errorOf`'s error, the transport's (TimeoutError, ResponseTooLarge, AbortError, socket
   *   errors) or CredentialsProviderError, after the retries a transient failure earns.
   */
  async post(
    headers: Record<string, string>,
    body: string,
    errorOf: (answer: RpcAnswer) => Error,
    signal?: AbortSignal,
  ): Promise<RpcAnswer> {
    const { settings } = this;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.attempt(headers, body, signal);
        if (answer.status !== 200) throw errorOf(answer);
        return answer;
      } catch (error) {
        if (attempt >= settings.maxAttempts || !transient(error) || signal?.aborted) throw error;
        await delay(settings.backoffMs(attempt), undefined, signal ? { signal } : {});
      }
    }
  }

  private async attempt(headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<RpcAnswer> {
    const { url, settings } = this;
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' && { port: Number(url.port) }),
      method: 'POST',
      path: url.pathname,
      headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    const signed = await this.signer.sign(request);
    const answer = await boundedRequest(
      { ...requestTo(url, 'POST', signed.headers, body), agent: this.agent },
      { connectTimeoutMs: settings.connectTimeoutMs, deadlineMs: settings.attemptTimeoutMs, maxBytes: settings.maxResponseBytes },
      signal,
    );
    if (settings.checkAnswer && !settings.checkAnswer(answer.body, answer.headers)) {
      throw new AwsRpcError('ResponseChecksumMismatch', answer.statusCode);
    }
    const errorType = answer.headers['x-amzn-errortype'];
    return {
      status: answer.statusCode,
      ...(typeof errorType === 'string' && { errorType }),
      body: answer.body.toString('utf8'),
    };
  }
}

/** RFC 3986 percent-encoding, as the SDK's Query serializer writes it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The form body of a Query-protocol call: the action, the API version, then each parameter. */
export function queryBody(action: string, version: string, params: ReadonlyArray<readonly [string, string]>): string {
  return [['Action', action] as const, ['Version', version] as const, ...params]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
}

/** The code of a Query-protocol error answer (`<ErrorResponse><Error><Code>`, EC2's `<Response><Errors><Error><Code>`). */
function queryErrorCode(body: string): string | undefined {
  try {
    const root = parseXml(body);
    const error =
      root.name === 'Response' ? optionalChild(optionalChild(root, 'Errors') ?? root, 'Error') : optionalChild(root, 'Error');
    const code = error && childText(error, 'Code');
    return code !== undefined && /^[A-Za-z][\w.]{0,99}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One Query-protocol call: `action` with `params`, its answer's `<Action>Result` element (the root,
 * with `resultElement: false`: EC2's answers hold their fields there) given to `read`.
 * @throws {@link AwsRpcError} with AWS's code for an error answer; `MalformedAnswer` (with the
 *   answer's status) for one that is not XML, not this operation's, or that `read` finds malformed.
 */
export async function queryCall<T>(
  rpc: SignedRpc,
  action: string,
  version: string,
  params: ReadonlyArray<readonly [string, string]>,
  read: (result: XmlElement) => T,
  options: { signal?: AbortSignal | undefined; resultElement?: boolean } = {},
): Promise<T> {
  const answer = await rpc.post(
    { 'content-type': 'application/x-www-form-urlencoded' },
    queryBody(action, version, params),
    (error) => new AwsRpcError(queryErrorCode(error.body) ?? 'UnknownError', error.status),
    options.signal,
  );
  try {
    const root = parseXml(answer.body);
    if (root.name !== `${action}Response`) throw new XmlAnswerError('not this operation’s answer');
    return read(options.resultElement === false ? root : onlyChild(root, `${action}Result`));
  } catch (error) {
    if (error instanceof XmlAnswerError) throw new AwsRpcError('MalformedAnswer', answer.status);
    throw error;
  }
}

/** `text` as JSON, or undefined when it is not JSON. */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * AWS's error code as the JSON protocols write it (`x-amzn-errortype`, else the parsed body's
 * `__type` or `code`), without namespace or URL.
 */
function jsonErrorCode(errorType: string | undefined, body: unknown): string | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { __type?: unknown; code?: unknown };
  const raw =
    errorType ?? (typeof fields.__type === 'string' ? fields.__type : typeof fields.code === 'string' ? fields.code : undefined);
  const code = raw?.split(':')[0]?.split('#').pop();
  return code !== undefined && /^[A-Za-z][\w.]{0,99}$/.test(code) ? code : undefined;
}

/** An operation's own reading of an error answer: an error of its own for `code`, or undefined for the usual {@link AwsRpcError}. */
export type JsonErrorReader = (code: string, body: unknown) => Error | undefined;

/**
 * One call in AWS's JSON protocol (`X-Amz-Target: <target>`), its answer's JSON given to `read`.
 * @param readError where an operation reads more of an error answer than its code (DynamoDB's
 *   failed condition carries the item that failed it); the body goes nowhere else.
 * @throws {@link AwsRpcError} with AWS's code for an error answer (or `readError`'s error);
 *   `MalformedAnswer` (with the answer's status) for one that is not JSON or that `read` refuses
 *   (by throwing {@link AnswerShapeError}).
 */
export async function jsonCall<T>(
  rpc: SignedRpc,
  jsonVersion: '1.0' | '1.1',
  target: string,
  input: unknown,
  read: (answer: unknown) => T,
  options: { signal?: AbortSignal | undefined; readError?: JsonErrorReader } = {},
): Promise<T> {
  const answer = await rpc.post(
    { 'content-type': `application/x-amz-json-${jsonVersion}`, 'x-amz-target': target },
    JSON.stringify(input),
    (error) => {
      const body = parsedOrUndefined(error.body);
      const code = jsonErrorCode(error.errorType, body) ?? 'UnknownError';
      return options.readError?.(code, body) ?? new AwsRpcError(code, error.status);
    },
    options.signal,
  );
  try {
    return read(JSON.parse(answer.body));
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof AnswerShapeError)
      throw new AwsRpcError('MalformedAnswer', answer.status);
    throw error;
  }
}
