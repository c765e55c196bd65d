/**
 * Secrets from SSM Parameter Store (SecureString, decrypted by SSM), one GetParameters call for all
 * of a function's secrets, through the SSM interface endpoint. Values never reach a log or an error.
 */
import { GetParametersCommand, type GetParametersCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { ConfigurationError, UNAVAILABLE_RETRY_AFTER_SECONDS, UpstreamUnavailableError } from '../domain/errors';
import { BoundedHttpHandler } from './bounded-http-handler';
import type { StaticCredentials } from './static-credentials';

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
): SSMClient {
  return new SSMClient({
    region,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.credentials && { credentials: options.credentials }),
    maxAttempts: options.maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, () => options.backoffMs),
    requestHandler: new BoundedHttpHandler({
      connectTimeoutMs: options.timeoutMs,
      attemptTimeoutMs: options.timeoutMs,
      maxResponseBytes: 64 * 1024,
    }),
  });
}

/** The values of `refs` (same order). @throws UpstreamUnavailableError when SSM cannot answer, ConfigurationError naming a missing parameter. */
export async function resolveSecrets(refs: readonly SecretRef[], client: () => SSMClient): Promise<string[]> {
  const names = [...new Set(refs.flatMap((r) => (r.kind === 'ssm' ? [r.name] : [])))];
  const values = new Map<string, string>();
  if (names.length > 0) {
    let out: GetParametersCommandOutput;
    try {
      out = await client().send(new GetParametersCommand({ Names: names, WithDecryption: true }));
    } catch {
      throw new UpstreamUnavailableError('sso-secrets-unavailable', UNAVAILABLE_RETRY_AFTER_SECONDS);
    }
    if (out.InvalidParameters && out.InvalidParameters.length > 0) {
      throw new ConfigurationError([`SSM parameters not found: ${out.InvalidParameters.join(', ')}`]);
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
