/**
 * Secrets from SSM Parameter Store (SecureString, decrypted by SSM), one GetParameters call for all
 * of a function's secrets, through the SSM interface endpoint, sent by studio-gate's own signed JSON
 * call (src/adapters/signed-rpc.ts: the SDK's SSM client was 83 KB of schemas for this one call).
 * Values never reach a log or an error.
 */
import { ConfigurationError, UNAVAILABLE_RETRY_AFTER_SECONDS, UpstreamUnavailableError } from '../domain/errors';
import { AnswerShapeError, jsonCall, type ServiceSettings, SignedRpc } from './signed-rpc';
import type { StaticCredentials } from './static-credentials';

/** What GetParameters answered, in SSM's names: only the fields read here. */
export interface GetParametersAnswer {
  readonly Parameters?: readonly { readonly Name?: string; readonly Value?: string }[];
  readonly InvalidParameters?: readonly string[];
}

/** The SSM call studio-gate makes. */
export interface SsmApi {
  getParameters(input: { Names: readonly string[]; WithDecryption: boolean }, signal?: AbortSignal): Promise<GetParametersAnswer>;
}

/** An answer's field as a string, or absent; anything else is not SSM's answer. */
function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AnswerShapeError('a field that is not a string');
  return value;
}

/** GetParameters' answer, checked field by field. @throws AnswerShapeError when it is not shaped as SSM's. */
export function readGetParameters(answer: unknown): GetParametersAnswer {
  const list = (value: unknown): unknown[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw new AnswerShapeError('a list that is not one');
    return value;
  };
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new AnswerShapeError('not an object');
  const { Parameters, InvalidParameters } = answer as Record<string, unknown>;
  const parameters = list(Parameters)?.map((p) => {
    if (typeof p !== 'object' || p === null) throw new AnswerShapeError('a parameter that is not an object');
    const { Name, Value } = p as Record<string, unknown>;
    const [name, value] = [optionalString(Name), optionalString(Value)];
    return { ...(name !== undefined && { Name: name }), ...(value !== undefined && { Value: value }) };
  });
  const invalid = list(InvalidParameters)?.map((n) => optionalString(n) ?? '');
  return { ...(parameters && { Parameters: parameters }), ...(invalid && { InvalidParameters: invalid }) };
}

/** SSM over one signed endpoint. */
export class SsmClient implements SsmApi {
  private readonly rpc: SignedRpc;

  constructor(settings: ServiceSettings) {
    this.rpc = new SignedRpc({ ...settings, service: 'ssm' });
  }

  getParameters(
    input: { Names: readonly string[]; WithDecryption: boolean },
    signal?: AbortSignal,
  ): Promise<GetParametersAnswer> {
    return jsonCall(this.rpc, '1.1', 'AmazonSSM.GetParameters', input, readGetParameters, { signal });
  }

  destroy(): void {
    this.rpc.destroy();
  }
}

/** A secret: its value (local stack only) or the SSM parameter holding it. */
export type SecretRef = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'ssm'; readonly name: string };

export function createSsmClient(
  region: string,
  options: {
    endpoint?: string;
    credentials?: StaticCredentials;
    maxAttempts: number;
    /** One attempt's deadline, connecting included. */
    timeoutMs: number;
    backoffMs: number;
  },
): SsmClient {
  return new SsmClient({
    region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    connectTimeoutMs: options.timeoutMs,
    attemptTimeoutMs: options.timeoutMs,
    maxResponseBytes: 64 * 1024,
    maxAttempts: options.maxAttempts,
    backoffMs: () => options.backoffMs,
  });
}

/** The values of `refs` (same order). @throws UpstreamUnavailableError when SSM cannot answer, ConfigurationError naming a missing parameter. */
export async function resolveSecrets(refs: readonly SecretRef[], client: () => SsmApi): Promise<string[]> {
  const names = [...new Set(refs.flatMap((r) => (r.kind === 'ssm' ? [r.name] : [])))];
  const values = new Map<string, string>();
  if (names.length > 0) {
    let out: GetParametersAnswer;
    try {
      out = await client().getParameters({ Names: names, WithDecryption: true });
    } catch {
      throw new UpstreamUnavailableError('sso-secrets-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
    }
    if (out.InvalidParameters && out.InvalidParameters.length > 0) {
      // Named from our own list only: SSM's text is never repeated.
      const missing = names.filter((n) => out.InvalidParameters?.includes(n));
      throw new ConfigurationError([
        missing.length > 0
          ? `SSM parameters not found: ${missing.join(', ')}`
          : 'SSM named parameters studio-gate did not ask for',
      ]);
    }
    for (const p of out.Parameters ?? []) if (p.Name && p.Value) values.set(p.Name, p.Value);
  }
  return refs.map((r) => {
    if (r.kind === 'value') return r.value;
    const value = values.get(r.name);
    if (value === undefined) throw new ConfigurationError([`SSM parameter ${r.name} has no value`]);
    return value;
  });
}
