/**
 * The local stack: SageMaker emulator + token issuer in this process, and the API through
 * serverless-offline as a child process serving the same handlers as Lambda. Used by `npm start`
 * and by the integration tests (on other ports). Everything binds to 127.0.0.1.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_OWNER_TAG } from '../../src/domain/profile-owner';
import { LOCAL_CREDENTIALS } from './credentials';
import {
  DEMO_ACCOUNT,
  DEMO_DOMAIN_ID,
  DEMO_REGION,
  DEMO_ROLE_ARN,
  demoDomains,
  demoProfiles,
  demoSpaces,
  RISK_ACCOUNT,
  RISK_DOMAIN_ID,
  RISK_ROLE_ARN,
  riskProfiles,
  riskSpaces,
} from './demo-data';
import { type LocalDnsServer, localPrivateNames, startDnsServer } from './dns-server';
import { LOCAL_TABLE_NAME, type LocalDynamo, startLocalDynamo } from './dynamo';
import { freePorts } from './ports';
import { type SageMakerEmulator, startSageMakerEmulator } from './sagemaker-emulator';
import { generateSamlKeyPair, type SamlKeyPair } from './saml-idp';
import { DEFAULT_PORTS, type StackPorts } from './stack-ports';
import { LocalIam } from './sts-emulator';
import { startTokenIssuer, type TokenIssuer } from './token-issuer';

export { DEFAULT_PORTS, type StackPorts };

const ROOT = join(__dirname, '..', '..');
const HOST = '127.0.0.1';

/** A running stack. */
export interface LocalStack {
  readonly apiUrl: string;
  readonly sso: LocalSso;
  readonly emulator: SageMakerEmulator;
  readonly issuer: TokenIssuer;
  readonly dynamo: LocalDynamo;
  readonly dns: LocalDnsServer;
  /** Invokes the scheduled health function once through serverless-offline (as the schedule would). */
  runHealthCheck(): Promise<{ healthy: boolean; status: string }>;
  readonly api: ChildProcess;
  /** Everything the API process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** The SSO bridge's local secrets and IdP keys: made per run, in memory only, never written anywhere. */
export interface LocalSso {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly cookieKeys: string;
  readonly redirectUri: string;
  readonly acsUrl: string;
  readonly samlKey: SamlKeyPair;
}

/** Fresh local SSO settings for an API on `apiPort`. */
export async function localSso(apiPort: number): Promise<LocalSso> {
  return {
    clientId: 'studio-gate',
    clientSecret: randomBytes(24).toString('base64url'),
    cookieKeys: randomBytes(32).toString('base64url'),
    redirectUri: `http://${HOST}:${apiPort}/sso/callback`,
    acsUrl: `http://${HOST}:${apiPort}/sso/saml`,
    samlKey: await generateSamlKeyPair(),
  };
}

/** The environment of the SSO functions for these local settings. */
export function localSsoEnv(sso: LocalSso): NodeJS.ProcessEnv {
  return {
    OIDC_CLIENT_ID: sso.clientId,
    OIDC_CLIENT_SECRET: sso.clientSecret,
    SSO_REDIRECT_URI: sso.redirectUri,
    SSO_COOKIE_KEYS: sso.cookieKeys,
    SAML_ACS_URL: sso.acsUrl,
    SAML_IDP_CERTS: sso.samlKey.certificate,
  };
}

/**
 * The local IAM: the functions' own key acts in the demo account, and may assume both domains'
 * issuer roles, each tag-bound to the owner tag.
 */
export function localIam(): LocalIam {
  return new LocalIam(
    DEMO_ACCOUNT,
    [DEMO_ROLE_ARN, RISK_ROLE_ARN].map((arn) => ({
      arn,
      trustedAccessKeyIds: [LOCAL_CREDENTIALS.accessKeyId],
      ownerTagKey: DEFAULT_OWNER_TAG,
    })),
  );
}

/** Starts emulator (both demo domains, STS beside SageMaker) and issuer in-process, without the API. */
export async function startPeers(ports: Pick<StackPorts, 'emulator' | 'issuer'>, audience = 'studio-gate', sso?: LocalSso) {
  const emulator = await startSageMakerEmulator({
    host: HOST,
    port: ports.emulator,
    domainId: DEMO_DOMAIN_ID,
    region: DEMO_REGION,
    profiles: demoProfiles(),
    spaces: demoSpaces(),
    otherDomains: [
      { domainId: RISK_DOMAIN_ID, region: DEMO_REGION, accountId: RISK_ACCOUNT, profiles: riskProfiles(), spaces: riskSpaces() },
    ],
    iam: localIam(),
  });
  try {
    const issuer = await startTokenIssuer({
      host: HOST,
      port: ports.issuer,
      audience,
      ...(sso && {
        oidc: { clientId: sso.clientId, clientSecret: sso.clientSecret, redirectUris: [sso.redirectUri] },
        saml: { key: sso.samlKey, acsUrl: sso.acsUrl },
      }),
    });
    return { emulator, issuer };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** The environment the local API runs with: local.yml's defaults pointed at these peers, shell variables winning. */
export function localApiEnv(
  peers: { emulator: SageMakerEmulator; issuer: TokenIssuer; dynamo?: LocalDynamo; dns?: LocalDnsServer },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    JWT_ISSUER: peers.issuer.issuer,
    JWT_JWKS_URI: peers.issuer.jwksUri,
    OIDC_ISSUER: peers.issuer.issuer,
    SAML_IDP_SSO_URL: `${peers.issuer.url}/__local/saml/sso`,
    AWS_ENDPOINT_URL_SAGEMAKER: peers.emulator.url,
    LOCAL_STUDIO_ORIGIN: peers.emulator.url,
    // Both demo domains; the risk one through its issuer role, assumed at the emulator's STS.
    STUDIO_DOMAINS: demoDomains(peers.emulator.url),
    STUDIO_GATE_ACCOUNT_ID: DEMO_ACCOUNT,
    AWS_ENDPOINT_URL_STS: peers.emulator.url,
    ...(peers.dynamo && { AWS_ENDPOINT_URL_DYNAMODB: peers.dynamo.url }),
    ...(peers.dns && { HEALTH_DNS_SERVER: peers.dns.server }),
    ...base,
    // The SDK signs every request; the emulator ignores the signature. Never real credentials.
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}

/**
 * Resolves when the API port accepts a TCP connection, or rejects after `timeoutMs`. A connection,
 * not a request: a probe request would show up in the audit log as a denied caller.
 */
async function waitForPort(port: number, timeoutMs: number, api: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`serverless offline exited with code ${api.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: HOST, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`API did not listen on ${HOST}:${port} within ${timeoutMs} ms`);
}

/** Starts the whole stack and resolves once the API answers. */
export async function startLocalStack(
  ports: StackPorts = DEFAULT_PORTS,
  options: {
    env?: NodeJS.ProcessEnv;
    inheritOutput?: boolean;
    readyTimeoutMs?: number;
    /** Bundle in a folder of this stack's own (removed on stop), so it can run beside `npm start` or a packaging test. */
    isolatedBuild?: boolean;
    /** Run the health function once as soon as the API is up (default true). */
    scheduleHealth?: boolean;
  } = {},
): Promise<LocalStack> {
  const buildDir = options.isolatedBuild ? `.esbuild-stack-${process.pid}-${ports.api}` : undefined;
  const sso = await localSso(ports.api);
  const peers = await startPeers(ports, 'studio-gate', sso);
  let dynamo: LocalDynamo | undefined;
  let dns: LocalDnsServer | undefined;
  try {
    dynamo = await startLocalDynamo({ port: ports.dynamo, tableName: LOCAL_TABLE_NAME });
    dns = await startDnsServer({ port: ports.dns, names: localPrivateNames(DEMO_REGION, DEMO_DOMAIN_ID) });
  } catch (error) {
    await Promise.all([peers.emulator.close(), peers.issuer.close(), dynamo?.close(), dns?.close()]);
    throw error;
  }
  let output = '';
  const api = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'),
      'offline',
      'start',
      '--stage',
      'local',
      '--httpPort',
      String(ports.api),
      '--lambdaPort',
      String(ports.lambda),
      '--host',
      HOST,
    ],
    {
      cwd: ROOT,
      env: {
        ...localSsoEnv(sso),
        ...localApiEnv({ ...peers, dynamo, dns }, options.env ?? process.env),
        ...(buildDir && { STUDIO_GATE_BUILD_DIR: buildDir }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const collect = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    output += chunk.toString();
    if (options.inheritOutput) stream.write(chunk);
  };
  api.stdout?.on('data', collect(process.stdout));
  api.stderr?.on('data', collect(process.stderr));

  const stop = async () => {
    if (api.exitCode === null && api.signalCode === null) {
      api.kill('SIGTERM');
      const exited = once(api, 'exit');
      const timer = setTimeout(() => api.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all([peers.emulator.close(), peers.issuer.close(), dynamo?.close(), dns?.close()]);
    if (buildDir) rmSync(join(ROOT, buildDir), { recursive: true, force: true });
  };

  const apiUrl = `http://${HOST}:${ports.api}`;
  try {
    await waitForPort(ports.api, options.readyTimeoutMs ?? 90000, api);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const runHealthCheck = () => invokeHealthCheck(ports.lambda);
  // serverless-offline runs the schedule itself (on the interval's boundaries); the first run is
  // now, so GET /health is fresh from the start.
  if (options.scheduleHealth !== false) {
    await runHealthCheck().catch((error: unknown) => {
      output += `health check invocation failed: ${(error as Error).message}\n`;
      if (options.inheritOutput) process.stderr.write(`studio-gate: health check failed to run: ${(error as Error).message}\n`);
    });
  }
  return {
    apiUrl,
    sso,
    ...peers,
    dynamo: dynamo as LocalDynamo,
    dns: dns as LocalDnsServer,
    api,
    output: () => output,
    stop,
    runHealthCheck,
  };
}

/** The health function's name in serverless-offline (service-stage-function). */
const HEALTH_CHECK_FUNCTION = 'studio-gate-local-healthCheck';

/** One invocation of the scheduled function through serverless-offline's Lambda API, bounded to 60 s. */
async function invokeHealthCheck(lambdaPort: number): Promise<{ healthy: boolean; status: string }> {
  const response = await fetch(`http://${HOST}:${lambdaPort}/2015-03-31/functions/${HEALTH_CHECK_FUNCTION}/invocations`, {
    method: 'POST',
    body: '{}',
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`invoke answered ${response.status}`);
  const result = JSON.parse(text) as { healthy?: unknown; status?: unknown; errorMessage?: unknown };
  if (typeof result.healthy !== 'boolean') throw new Error('the health function failed (see its log line)');
  return { healthy: result.healthy, status: String(result.status) };
}

/** A full set of free loopback ports, for a stack beside `npm start` (tests, the load script). */
export async function freeStackPorts(): Promise<StackPorts> {
  const [api, lambda, emulator, issuer, dynamo, dns] = (await freePorts(6)) as [number, number, number, number, number, number];
  return { api, lambda, emulator, issuer, dynamo, dns };
}
