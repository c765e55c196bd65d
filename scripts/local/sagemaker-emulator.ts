/**
 * A local SageMaker API emulator for the operations studio-gate uses, speaking the real wire
 * protocol (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`), so the real SDK can be pointed at it with
 * AWS_ENDPOINT_URL_SAGEMAKER. Errors come typed as SageMaker sends them (`{"__type":...}` + HTTP 400).
 *
 * It also hands out one-time presigned URLs (`/auth?token=…`) that expire, and takes injected
 * faults through `POST /__emulator/faults` or {@link SageMakerEmulator.injectFault}: errors,
 * latency, resets, and hostile bodies (headers then silence, a byte at a time, endless, huge).
 * Every hostile answer stops by itself (at the latest after {@link HOSTILE_LIMIT_MS}).
 *
 * It may hold several domains in several accounts. Given a {@link LocalIam}, it also answers STS's
 * AssumeRole on the same origin (a form-encoded POST: the Query protocol) and answers each SageMaker
 * call as IAM would for whoever signed it: the local functions' own key acts in the home account,
 * an issuer role session in its role's account, and a call on a domain of another account is an
 * AccessDeniedException. Loopback only; never exposed elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { domainArn, userProfileArn } from '../../src/domain/arns';
import { DEFAULT_OWNER_TAG } from '../../src/domain/profile-owner';
import { escapeHtml } from '../../src/domain/text';
import { DEMO_ACCOUNT } from './demo-data';
import { accessKeyIdOf, type LocalIam, type LocalPrincipal, StsError, stsErrorXml } from './sts-emulator';

/** Operations the emulator answers. */
export const EMULATED_OPERATIONS = [
  'DescribeDomain',
  'DescribeUserProfile',
  'CreatePresignedDomainUrl',
  'ListUserProfiles',
  'ListTags',
  'DescribeSpace',
  'ListSpaces',
  // STS, when the emulator has a LocalIam: faults apply to it as to any operation.
  'AssumeRole',
] as const;
export type EmulatedOperation = (typeof EMULATED_OPERATIONS)[number];

/** Kinds of injected faults. */
export const FAULT_KINDS = [
  'throttle',
  'error',
  'latency',
  'reset',
  'malformed',
  // Hostile answers after the headers (issue 7): the client's bounds must hold past them.
  'stall-body',
  'drip',
  'endless',
  'huge',
  // A 200 whose AuthorizedUrl carries a control character (a header-splitting URL).
  'crlf-url',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault applied to the next `times` calls of `operation` (`*`: any operation). */
export interface FaultSpec {
  readonly operation: EmulatedOperation | '*';
  readonly fault: FaultKind;
  readonly times?: number;
  readonly latencyMs?: number;
}

/** What a presigned token opens. */
export interface IssuedSession {
  readonly domainId: string;
  readonly userProfileName: string;
  readonly spaceName?: string;
  readonly landingUri?: string;
  /** The person the issuing session named (SourceIdentity), when an issuer role session presigned it. */
  readonly sourceIdentity?: string;
  readonly expiresAt: number;
  used: boolean;
}

/** A further domain the emulator holds (the first is the one of {@link EmulatorOptions}). */
export interface EmulatedDomain {
  readonly domainId: string;
  readonly region: string;
  readonly accountId: string;
  readonly profiles: ReadonlyMap<string, { readonly status: string; readonly owner?: string }>;
  readonly spaces?: ReadonlyMap<string, { readonly sharingType: string; readonly owner: string }>;
}

/** Options for {@link startSageMakerEmulator}. */
export interface EmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly domainId: string;
  readonly region: string;
  /** Profiles by name: status and owner tag (the tag key is `ownerTag`). */
  readonly profiles: ReadonlyMap<string, { readonly status: string; readonly owner?: string }>;
  /** Spaces by name: private to their owner profile, or shared; default none. */
  readonly spaces?: ReadonlyMap<string, { readonly sharingType: string; readonly owner: string }>;
  /** The owner tag key; default `studio-gate:owner`. */
  readonly ownerTag?: string;
  /** The account id in ARNs; default 000000000000. */
  readonly accountId?: string;
  /** More domains, in this or other accounts (the local demo's second domain). */
  readonly otherDomains?: readonly EmulatedDomain[];
  /** IAM and STS: who signed each call decides which accounts' domains it may touch; default none (any signer). */
  readonly iam?: LocalIam;
  /** Added to every API answer, like a network round trip (the bench uses it); default 0. */
  readonly addedLatencyMs?: number;
  readonly clock?: () => number;
}

const DOMAIN_ID = /^d-(-*[a-z0-9]){1,61}$/;
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MAX_BODY_BYTES = 64 * 1024;
/** No hostile answer lasts longer than this, whatever the client does. */
export const HOSTILE_LIMIT_MS = 30_000;
/** The size of a `huge` answer: twice the client's 1 MiB cap. */
export const HUGE_BODY_BYTES = 2 * 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A running emulator. */
export interface SageMakerEmulator {
  readonly url: string;
  /** Calls received per operation (faulted ones included). */
  readonly calls: Record<string, number>;
  /** Tokens issued, by token. */
  readonly sessions: ReadonlyMap<string, IssuedSession>;
  /** The local IAM and STS, when it has one (AssumeRole calls are in `iam.calls`). */
  readonly iam?: LocalIam;
  /** TCP connections: open now, and accepted since the start. */
  connections(): { open: number; accepted: number };
  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
  resetCalls(): void;
  close(): Promise<void>;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

function validateFault(value: unknown): FaultSpec {
  const v = (value ?? {}) as Record<string, unknown>;
  const operation = v.operation;
  if (operation !== '*' && !(EMULATED_OPERATIONS as readonly unknown[]).includes(operation)) {
    throw new ApiError('ValidationException', `operation must be * or one of ${EMULATED_OPERATIONS.join(', ')}`);
  }
  if (!(FAULT_KINDS as readonly unknown[]).includes(v.fault)) {
    throw new ApiError('ValidationException', `fault must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const times = v.times ?? 1;
  if (!Number.isInteger(times) || (times as number) < 1 || (times as number) > 100000) {
    throw new ApiError('ValidationException', 'times must be a whole number from 1 to 100000');
  }
  const latencyMs = v.latencyMs ?? 0;
  if (!Number.isInteger(latencyMs) || (latencyMs as number) < 0 || (latencyMs as number) > 60000) {
    throw new ApiError('ValidationException', 'latencyMs must be a whole number from 0 to 60000');
  }
  return {
    operation: operation as FaultSpec['operation'],
    fault: v.fault as FaultKind,
    times: times as number,
    latencyMs: latencyMs as number,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('ValidationException', 'request too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { __type: error.type, Message: error.message }, { 'x-amzn-ErrorType': error.type });
}

/** Starts the emulator; resolves once it listens. */
export async function startSageMakerEmulator(options: EmulatorOptions): Promise<SageMakerEmulator> {
  const clock = options.clock ?? Date.now;
  const ownerTag = options.ownerTag ?? DEFAULT_OWNER_TAG;
  interface DomainState {
    readonly domainId: string;
    readonly region: string;
    readonly accountId: string;
    readonly profiles: Map<string, { readonly status: string; readonly owner?: string }>;
    readonly spaces: Map<string, { readonly sharingType: string; readonly owner: string }>;
  }
  const domains = new Map<string, DomainState>();
  for (const d of [{ ...options, accountId: options.accountId ?? DEMO_ACCOUNT }, ...(options.otherDomains ?? [])]) {
    domains.set(d.domainId, {
      domainId: d.domainId,
      region: d.region,
      accountId: d.accountId,
      profiles: new Map(d.profiles),
      spaces: new Map(d.spaces ?? []),
    });
  }
  const whereOf = (d: DomainState) => ({ partition: 'aws', region: d.region, accountId: d.accountId, domainId: d.domainId });
  const sessions = new Map<string, IssuedSession>();
  const calls: Record<string, number> = {};
  let faults: ActiveFault[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  /** The domain a call names, when the signer may touch it (as IAM: only domains of its own account). */
  function requireDomain(input: Record<string, unknown>, principal: LocalPrincipal | undefined): DomainState {
    const domainId = input.DomainId;
    if (typeof domainId !== 'string' || !DOMAIN_ID.test(domainId)) {
      throw new ApiError('ValidationException', "1 validation error detected: Value at 'domainId' failed to satisfy constraint");
    }
    const domain = domains.get(domainId);
    if (domain !== undefined && principal !== undefined && principal.accountId !== domain.accountId) {
      throw new ApiError('AccessDeniedException', `User is not authorized to access domain ${domainId}`);
    }
    if (domain === undefined) throw new ApiError('ResourceNotFound', `Domain ${domainId} not found`);
    return domain;
  }

  /**
   * As a tag-bound issuer role's policy: its session may act on a profile only when the profile's
   * owner tag equals the session's (sagemaker:ResourceTag/<key> = aws:PrincipalTag/<key>).
   */
  function requireOwnedBySession(domain: DomainState, name: string, principal: LocalPrincipal | undefined, action: string): void {
    const tag = principal?.session?.ownerTag;
    if (tag === undefined) return;
    const owner = domain.profiles.get(name)?.owner;
    if (tag.key !== ownerTag || owner === undefined || owner !== tag.value) {
      throw new ApiError('AccessDeniedException', `User is not authorized to perform: sagemaker:${action} on this resource`);
    }
  }

  function requireProfile(input: Record<string, unknown>, principal: LocalPrincipal | undefined): [DomainState, string] {
    const domain = requireDomain(input, principal);
    const name = input.UserProfileName;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: Value at 'userProfileName' failed to satisfy constraint",
      );
    }
    if (!domain.profiles.has(name))
      throw new ApiError('ResourceNotFound', `User profile ${name} not found in domain ${domain.domainId}`);
    return [domain, name];
  }

  function intInRange(input: Record<string, unknown>, field: string, min: number, max: number, fallback: number): number {
    const value = input[field] ?? fallback;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      throw new ApiError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint`);
    }
    return value as number;
  }

  /** The domains a listing may show the signer: those of its account (all of them without IAM). */
  function visibleDomains(principal: LocalPrincipal | undefined, filter: unknown): DomainState[] {
    if (filter !== undefined && (typeof filter !== 'string' || !DOMAIN_ID.test(filter))) {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: Value at 'domainIdEquals' failed to satisfy constraint",
      );
    }
    return [...domains.values()].filter(
      (d) => (filter === undefined || d.domainId === filter) && (principal === undefined || principal.accountId === d.accountId),
    );
  }

  type Operation = (input: Record<string, unknown>, principal: LocalPrincipal | undefined) => unknown;
  const operations: Record<Exclude<EmulatedOperation, 'AssumeRole'>, Operation> = {
    DescribeDomain(input, principal) {
      const domain = requireDomain(input, principal);
      return {
        DomainId: domain.domainId,
        DomainArn: domainArn(whereOf(domain)),
        DomainName: domain.domainId === options.domainId ? 'local-demo' : `local-${domain.domainId.slice(2)}`,
        Status: 'InService',
        AuthMode: 'IAM',
        AppNetworkAccessType: 'VpcOnly',
        Url: `https://${domain.domainId}.studio.${domain.region}.sagemaker.aws`,
      };
    },
    DescribeUserProfile(input, principal) {
      const [domain, name] = requireProfile(input, principal);
      requireOwnedBySession(domain, name, principal, 'DescribeUserProfile');
      return {
        DomainId: domain.domainId,
        UserProfileName: name,
        UserProfileArn: userProfileArn(whereOf(domain), name),
        Status: domain.profiles.get(name)?.status,
      };
    },
    ListTags(input, principal) {
      const arn = input.ResourceArn;
      if (typeof arn !== 'string' || arn.length > 256) {
        throw new ApiError(
          'ValidationException',
          "1 validation error detected: Value at 'resourceArn' failed to satisfy constraint",
        );
      }
      for (const domain of domains.values()) {
        const prefix = userProfileArn(whereOf(domain), '');
        if (!arn.startsWith(prefix)) continue;
        if (principal !== undefined && principal.accountId !== domain.accountId) {
          throw new ApiError('AccessDeniedException', 'User is not authorized to perform: sagemaker:ListTags');
        }
        const profile = domain.profiles.get(arn.slice(prefix.length));
        if (profile === undefined) break;
        requireOwnedBySession(domain, arn.slice(prefix.length), principal, 'ListTags');
        return { Tags: profile.owner === undefined ? [] : [{ Key: ownerTag, Value: profile.owner }] };
      }
      throw new ApiError('ResourceNotFound', 'Resource not found');
    },
    CreatePresignedDomainUrl(input, principal) {
      const [domain, name] = requireProfile(input, principal);
      requireOwnedBySession(domain, name, principal, 'CreatePresignedDomainUrl');
      const expiresIn = intInRange(input, 'ExpiresInSeconds', 5, 300, 300);
      intInRange(input, 'SessionExpirationDurationInSeconds', 1800, 43200, 43200);
      const space = input.SpaceName;
      if (space !== undefined && (typeof space !== 'string' || !NAME.test(space))) {
        throw new ApiError('ValidationException', "Value at 'spaceName' failed to satisfy constraint");
      }
      if (space !== undefined && !domain.spaces.has(space as string)) throw new ApiError('ResourceNotFound', 'Space not found');
      const landing = input.LandingUri;
      if (landing !== undefined && (typeof landing !== 'string' || landing.length > 1023)) {
        throw new ApiError('ValidationException', "Value at 'landingUri' failed to satisfy constraint");
      }
      const token = randomBytes(32).toString('base64url');
      sessions.set(token, {
        domainId: domain.domainId,
        userProfileName: name,
        ...(space !== undefined && { spaceName: space as string }),
        ...(landing !== undefined && { landingUri: landing as string }),
        ...(principal?.session !== undefined && { sourceIdentity: principal.session.sourceIdentity }),
        expiresAt: clock() + expiresIn * 1000,
        used: false,
      });
      return { AuthorizedUrl: `${origin}/auth?token=${token}` };
    },
    DescribeSpace(input, principal) {
      const domain = requireDomain(input, principal);
      const name = input.SpaceName;
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new ApiError(
          'ValidationException',
          "1 validation error detected: Value at 'spaceName' failed to satisfy constraint",
        );
      }
      const space = domain.spaces.get(name);
      if (space === undefined) throw new ApiError('ResourceNotFound', `Space ${name} not found in domain ${domain.domainId}`);
      return {
        DomainId: domain.domainId,
        SpaceName: name,
        SpaceArn: `arn:aws:sagemaker:${domain.region}:${domain.accountId}:space/${domain.domainId}/${name}`,
        Status: 'InService',
        SpaceSharingSettings: { SharingType: space.sharingType },
        OwnershipSettings: { OwnerUserProfileName: space.owner },
      };
    },
    ListSpaces(input, principal) {
      // As SageMaker: an optional DomainIdEquals filter, summaries (…Summary) rather than the full settings.
      return {
        Spaces: visibleDomains(principal, input.DomainIdEquals).flatMap((domain) =>
          [...domain.spaces].map(([name, space]) => ({
            DomainId: domain.domainId,
            SpaceName: name,
            Status: 'InService',
            SpaceSharingSettingsSummary: { SharingType: space.sharingType },
            OwnershipSettingsSummary: { OwnerUserProfileName: space.owner },
          })),
        ),
      };
    },
    ListUserProfiles(input, principal) {
      const all = visibleDomains(principal, input.DomainIdEquals).flatMap((domain) =>
        [...domain.profiles].map(([name, profile]) => ({
          DomainId: domain.domainId,
          UserProfileName: name,
          Status: profile.status,
        })),
      );
      return page(all, input, 'UserProfiles');
    },
  };

  /**
   * One page of a listing, as SageMaker pages: MaxResults 1–100 (default 10, so a client that reads
   * one page without asking for more misses the rest), NextToken an opaque offset.
   */
  function page<T>(items: T[], input: Record<string, unknown>, field: string): Record<string, unknown> {
    const max = input.MaxResults ?? 10;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint",
      );
    }
    const start =
      input.NextToken === undefined ? 0 : Number.parseInt(Buffer.from(String(input.NextToken), 'base64url').toString(), 10);
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new ApiError('ValidationException', 'Invalid NextToken');
    const end = start + max;
    return {
      [field]: items.slice(start, end),
      ...(end < items.length && { NextToken: Buffer.from(String(end)).toString('base64url') }),
    };
  }

  function takeFault(operation: string): FaultSpec | undefined {
    const active = faults.find((f) => f.spec.operation === '*' || f.spec.operation === operation);
    if (!active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) faults = faults.filter((f) => f !== active);
    return active.spec;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** Who signed, as the local IAM knows them (undefined without one: any signer may do anything). */
  function principalOf(req: IncomingMessage): LocalPrincipal | undefined {
    if (options.iam === undefined) return undefined;
    const token = req.headers['x-amz-security-token'];
    return options.iam.principalOf(accessKeyIdOf(req.headers.authorization), typeof token === 'string' ? token : undefined);
  }

  function isStsRequest(req: IncomingMessage): boolean {
    return options.iam !== undefined && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  }

  function sendStsError(res: ServerResponse, error: StsError): void {
    if (res.destroyed) return;
    res.writeHead(error.status, { 'Content-Type': 'text/xml' });
    res.end(stsErrorXml(error));
  }

  /** Counts a call received (faulted ones included). */
  function count(operation: string): void {
    calls[operation || '(none)'] = (calls[operation || '(none)'] ?? 0) + 1;
  }

  /** How a protocol answers the faults that are answers: its throttle, its server error, its truncated body. */
  interface FaultAnswers {
    throttle(): void;
    error(): void;
    malformed: { readonly contentType: string; readonly body: string };
  }

  /**
   * Adds the configured latency, and applies the next fault of `operation`.
   * @returns 'answered' when the fault answered (or cut) the request, else the fault left to apply to
   *   the answer (`crlf-url`), if any.
   */
  async function faulted(
    operation: string,
    req: IncomingMessage,
    res: ServerResponse,
    answers: FaultAnswers,
  ): Promise<'answered' | FaultSpec | undefined> {
    if (options.addedLatencyMs) await delay(options.addedLatencyMs);
    const fault = takeFault(operation);
    if (fault?.fault === 'reset') {
      req.socket.destroy();
      return 'answered';
    }
    if (fault?.fault === 'latency') await delay(fault.latencyMs ?? 0);
    if (fault?.fault === 'throttle') answers.throttle();
    else if (fault?.fault === 'error') answers.error();
    else if (fault?.fault === 'malformed') {
      if (!res.destroyed) {
        res.writeHead(200, { 'Content-Type': answers.malformed.contentType });
        res.end(answers.malformed.body);
      }
    } else if (fault && ['stall-body', 'drip', 'endless', 'huge'].includes(fault.fault)) hostileBody(res, fault.fault);
    else return fault;
    return 'answered';
  }

  /** STS's AssumeRole, with the faults any operation takes. */
  async function handleSts(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    count('AssumeRole');
    const fault = await faulted('AssumeRole', req, res, {
      throttle: () => sendStsError(res, new StsError('Throttling', 'Rate exceeded', 400)),
      error: () => sendStsError(res, new StsError('InternalFailure', 'An internal error occurred', 500)),
      malformed: { contentType: 'text/xml', body: '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>' },
    });
    if (fault === 'answered') return;
    try {
      const xml = (options.iam as LocalIam).assumeRole(new URLSearchParams(body), accessKeyIdOf(req.headers.authorization));
      if (res.destroyed) return;
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(xml);
    } catch (error) {
      sendStsError(res, error instanceof StsError ? error : new StsError('InternalFailure', 'emulator error', 500));
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (isStsRequest(req)) return handleSts(req, res);
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : '';
    count(operation);
    const body = await readBody(req);
    const fault = await faulted(operation, req, res, {
      throttle: () => sendError(res, new ApiError('ThrottlingException', 'Rate exceeded')),
      error: () => sendError(res, new ApiError('InternalFailure', 'An internal error occurred', 500)),
      malformed: { contentType: 'application/x-amz-json-1.1', body: '{"AuthorizedUrl": "http' },
    });
    if (fault === 'answered') return;
    const handler = (operations as Record<string, Operation | undefined>)[operation];
    if (!handler) return sendError(res, new ApiError('UnknownOperationException', `Unknown operation ${operation}`));
    let principal: LocalPrincipal | undefined;
    try {
      principal = principalOf(req);
    } catch (error) {
      const e = error as StsError;
      return sendError(res, new ApiError(e.code, e.message, 400));
    }
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch {
      return sendError(res, new ApiError('SerializationException', 'Could not parse request body'));
    }
    const answer = handler((input ?? {}) as Record<string, unknown>, principal) as Record<string, unknown>;
    if (fault?.fault === 'crlf-url' && typeof answer.AuthorizedUrl === 'string') {
      answer.AuthorizedUrl = `${answer.AuthorizedUrl}\r\nSet-Cookie: injected=1`;
    }
    sendJson(res, 200, answer);
  }

  /** Headers at once, then a body that never completes in time: each kind ends by itself. */
  function hostileBody(res: ServerResponse, kind: string): void {
    if (res.destroyed) return;
    const started = clock();
    const stop = () => {
      for (const t of own) {
        clearTimeout(t);
        clearInterval(t);
        timers.delete(t);
      }
      if (!res.destroyed) res.destroy();
    };
    const own: NodeJS.Timeout[] = [];
    const track = (t: NodeJS.Timeout) => {
      own.push(t);
      timers.add(t);
    };
    res.on('close', stop);
    track(setTimeout(stop, HOSTILE_LIMIT_MS));
    if (kind === 'huge') {
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.write('{"AuthorizedUrl":"');
      for (let sent = 0; sent < HUGE_BODY_BYTES; sent += chunk.length) res.write(chunk);
      res.end('"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
    res.flushHeaders();
    if (kind === 'stall-body') {
      res.write('{');
      return;
    }
    if (kind === 'drip') {
      const text = `{"Status":"InService"${' '.repeat(4096)}`;
      let i = 0;
      track(
        setInterval(() => {
          if (i < text.length && clock() - started < HOSTILE_LIMIT_MS) res.write(text[i++] as string);
        }, 50),
      );
      return;
    }
    // endless: 64 KiB chunks as fast as the client reads them, until it goes away or the limit
    // passes. Paced by the reader, not by a timer: any response cap is reached within one attempt's
    // deadline however busy the machine is, so the answer is the cap's, never a timeout's.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pour = () => {
      while (!res.destroyed && clock() - started < HOSTILE_LIMIT_MS) if (!res.write(chunk)) return;
    };
    res.on('drain', pour);
    pour();
  }

  function handleAuth(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const token = url.searchParams.get('token') ?? '';
    const session = sessions.get(token);
    const json = (req.headers.accept ?? '').includes('application/json');
    const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
    if (!session || session.used || clock() > session.expiresAt) {
      res.writeHead(403, { ...headers, 'Content-Type': json ? 'application/json' : 'text/html; charset=utf-8' });
      res.end(json ? JSON.stringify({ message: 'Invalid or expired token' }) : '<h1>403: invalid or expired token</h1>');
      return;
    }
    session.used = true;
    const view = {
      domainId: session.domainId,
      userProfileName: session.userProfileName,
      spaceName: session.spaceName ?? null,
      landingUri: session.landingUri ?? null,
      ...(session.sourceIdentity !== undefined && { sourceIdentity: session.sourceIdentity }),
    };
    if (json) {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(view));
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Studio (emulated)</title><h1>SageMaker Studio (local emulator)</h1>` +
        `<p>Domain <b id="domain">${escapeHtml(view.domainId)}</b>, profile <b id="profile">${escapeHtml(view.userProfileName)}</b></p>` +
        `<p>Space: ${escapeHtml(view.spaceName ?? '(default)')}; landing: ${escapeHtml(view.landingUri ?? '(default)')}</p>`,
    );
  }

  async function handleAdmin(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (url.pathname === '/__emulator/faults' && req.method === 'POST') {
      const text = await readBody(req);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError('SerializationException', 'body must be JSON');
      }
      emulator.injectFault(validateFault(parsed));
      return sendJson(res, 200, { faults: faults.map((f) => ({ ...f.spec, remaining: f.remaining })) });
    }
    if (url.pathname === '/__emulator/faults' && req.method === 'DELETE') {
      emulator.clearFaults();
      return sendJson(res, 200, { faults: [] });
    }
    if (url.pathname === '/__emulator/calls' && req.method === 'GET') return sendJson(res, 200, { calls });
    if (url.pathname === '/__emulator/calls' && req.method === 'DELETE') {
      emulator.resetCalls();
      return sendJson(res, 200, { calls });
    }
    throw new ApiError('UnknownOperationException', 'unknown admin route', 404);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const route =
      req.method === 'POST' && url.pathname === '/'
        ? handleApi(req, res)
        : req.method === 'GET' && url.pathname === '/auth'
          ? Promise.resolve(handleAuth(url, req, res))
          : url.pathname.startsWith('/__emulator/')
            ? handleAdmin(url, req, res)
            : Promise.reject(new ApiError('UnknownOperationException', 'not found', 404));
    route.catch((error: unknown) => {
      sendError(res, error instanceof ApiError ? error : new ApiError('InternalFailure', 'emulator error', 500));
    });
  });
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const emulator: SageMakerEmulator = {
    url: origin,
    calls,
    sessions,
    connections: () => ({ open: sockets.size, accepted }),
    ...(options.iam && { iam: options.iam }),
    injectFault(spec) {
      const valid = validateFault(spec);
      faults.push({ spec: valid, remaining: valid.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    resetCalls() {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return emulator;
}
