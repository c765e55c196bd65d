/**
 * The local stack: SageMaker emulator + token issuer in this process, and the API through
 * serverless-offline as a child process serving the same handlers as Lambda. Used by `npm start`
 * and by the integration tests (on other ports). Everything binds to 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEMO_DOMAIN_ID, DEMO_REGION, demoProfiles } from './demo-data';
import { type SageMakerEmulator, startSageMakerEmulator } from './sagemaker-emulator';
import { startTokenIssuer, type TokenIssuer } from './token-issuer';

/** Ports of the three local services; `npm start` uses the defaults of ARCHITECTURE.md. */
export interface StackPorts {
  readonly api: number;
  /** serverless-offline's Lambda invoke endpoint (it needs a port of its own). */
  readonly lambda: number;
  readonly emulator: number;
  readonly issuer: number;
}

export const DEFAULT_PORTS: StackPorts = { api: 3000, lambda: 3002, emulator: 4599, issuer: 4600 };
const ROOT = join(__dirname, '..', '..');
const HOST = '127.0.0.1';

/** A running stack. */
export interface LocalStack {
  readonly apiUrl: string;
  readonly emulator: SageMakerEmulator;
  readonly issuer: TokenIssuer;
  readonly api: ChildProcess;
  /** Everything the API process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts emulator and issuer in-process, without the API (for in-process handler tests). */
export async function startPeers(ports: Pick<StackPorts, 'emulator' | 'issuer'>, audience = 'studio-gate') {
  const emulator = await startSageMakerEmulator({
    host: HOST,
    port: ports.emulator,
    domainId: DEMO_DOMAIN_ID,
    region: DEMO_REGION,
    profiles: demoProfiles(),
  });
  try {
    const issuer = await startTokenIssuer({ host: HOST, port: ports.issuer, audience });
    return { emulator, issuer };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** The environment the local API runs with: local.yml's defaults pointed at these peers, shell variables winning. */
export function localApiEnv(
  peers: { emulator: SageMakerEmulator; issuer: TokenIssuer },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    JWT_ISSUER: peers.issuer.issuer,
    JWT_JWKS_URI: peers.issuer.jwksUri,
    AWS_ENDPOINT_URL_SAGEMAKER: peers.emulator.url,
    LOCAL_STUDIO_ORIGIN: peers.emulator.url,
    ...base,
    // The SDK signs every request; the emulator ignores the signature. Never real credentials.
    AWS_ACCESS_KEY_ID: 'local-stack-only',
    AWS_SECRET_ACCESS_KEY: 'local-stack-only',
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
  } = {},
): Promise<LocalStack> {
  const buildDir = options.isolatedBuild ? `.esbuild-stack-${process.pid}-${ports.api}` : undefined;
  const peers = await startPeers(ports);
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
        ...localApiEnv(peers, options.env ?? process.env),
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
    await Promise.all([peers.emulator.close(), peers.issuer.close()]);
    if (buildDir) rmSync(join(ROOT, buildDir), { recursive: true, force: true });
  };

  const apiUrl = `http://${HOST}:${ports.api}`;
  try {
    await waitForPort(ports.api, options.readyTimeoutMs ?? 90000, api);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { apiUrl, ...peers, api, output: () => output, stop };
}
