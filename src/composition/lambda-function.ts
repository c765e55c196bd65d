/**
 * One shape for every function. A function is its composition (a {@link LambdaFunction}: how to
 * build it from its environment, and the handler over what was built); its handler file is
 * `export const handler = lambdaHandler(theFunction)`.
 *
 * The build runs once per container, at Lambda init. A broken configuration is logged once, in
 * full, and then every use throws the same ConfigurationError: the function fails closed (a 500
 * for HTTP functions, a failed run for the scheduled one) instead of half-working. Tests build the
 * same functions with the same {@link Overrides}.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JsonLineAuditLog } from '../adapters/audit-log';
import type { DynamoApi } from '../adapters/dynamo-client';
import type { Ec2Api } from '../adapters/ec2-client';
import type { SsmApi } from '../adapters/ssm-secrets';
import type { StaticCredentials } from '../adapters/static-credentials';
import type { StsApi } from '../adapters/sts-client';
import { type Env, lambdaEnvironment } from '../config/environment';
import { ConfigurationError, plainErrorName } from '../domain/errors';
import type { TlsPort } from '../use-cases/health-ports';
import type { AuditLog, Clock } from '../use-cases/ports';
import type { OidcPort, SamlPort } from '../use-cases/sso-ports';

/** Replaceable collaborators (tests and local harnesses); production passes none. Each function uses what it has. */
export interface Overrides {
  readonly clock?: Clock;
  /** Static credentials for the SDK clients (local harnesses only; Lambda uses its role). */
  readonly credentials?: StaticCredentials;
  /** The client of domains without an issuer role (a role's sessions get clients of their own). */
  readonly sagemakerClient?: SageMakerClient;
  readonly stsClient?: StsApi;
  readonly dynamoClient?: DynamoApi;
  readonly ssmClient?: SsmApi;
  readonly ec2Client?: Ec2Api;
  readonly jwksFetcher?: Fetcher;
  readonly tls?: TlsPort;
  /** The OIDC function's IdP client, given its secret. */
  readonly oidcPort?: (clientSecret: string) => OidcPort;
  readonly samlPort?: SamlPort;
  /** Where the function's own lines go (the scheduled run's result line); default: its container log. */
  readonly log?: JsonLineAuditLog;
}

/** A function: its name in logs, its container log, how it is built, and its handler. */
export interface LambdaFunction<App, Handler> {
  /** How the function names itself in a configuration problem (`studio-gate SSO (OIDC)`). */
  readonly name: string;
  /** The container-wide log (a broken configuration is reported here). */
  readonly log: AuditLog;
  /** @throws ConfigurationError listing every problem of `env`. */
  build(env: Env, overrides?: Overrides): App;
  /** Work worth starting at init once built (reading secrets); a failure is the first request's to retry. */
  warm?(app: App): Promise<unknown>;
  /** The handler over the container's app (`app` throws the ConfigurationError of a broken build). */
  handler(app: () => App): Handler;
}

/** A container's one build: built on first use, then the same value (or the same error) every time. */
export function builtOnce<T>(build: () => T, log: AuditLog, what: string): () => T {
  let built: { value: T } | { error: unknown } | undefined;
  return () => {
    if (built === undefined) {
      try {
        built = { value: build() };
      } catch (error) {
        built = { error };
        const problems = error instanceof ConfigurationError ? error.problems : [plainErrorName(error)];
        log.problem(`${what} configuration is invalid; every request will fail`, { problems });
      }
    }
    if ('error' in built) throw built.error;
    return built.value;
  };
}

/** The Lambda handler of `fn`, built now (at init) from the function's environment. */
export function lambdaHandler<App, Handler>(fn: LambdaFunction<App, Handler>, env: Env = lambdaEnvironment()): Handler {
  const app = builtOnce(() => fn.build(env), fn.log, fn.name);
  let built: App | undefined;
  try {
    built = app();
  } catch {
    // Logged once by builtOnce; every request then fails closed.
  }
  if (built !== undefined) {
    fn.warm?.(built).catch(() => {
      // The first request tries again and answers for it.
    });
  }
  return fn.handler(app);
}
