/**
 * The local stack's ports: the defaults `npm start` uses, and how to move each (a flag, or a
 * variable that `npm run token`, `saml` and `doctor` read as well). Every port is checked before
 * anything starts, so a busy one is named instead of failing halfway.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export interface StackPorts {
  readonly api: number;
  /** serverless-offline's Lambda invoke endpoint (it needs a port of its own). */
  readonly lambda: number;
  readonly emulator: number;
  readonly issuer: number;
  /** dynalite, the local DynamoDB (the service's table). */
  readonly dynamo: number;
  /** The loopback DNS server (UDP) answering the private names. */
  readonly dns: number;
}

export const DEFAULT_PORTS: StackPorts = { api: 3000, lambda: 3002, emulator: 4599, issuer: 4600, dynamo: 4601, dns: 4653 };

/** What each port serves, its flag and its variable. */
export const PORT_SETTINGS: Readonly<Record<keyof StackPorts, { what: string; flag: string; variable: string }>> = {
  api: { what: 'the API', flag: '--api-port', variable: 'STUDIO_GATE_API_PORT' },
  lambda: { what: "serverless-offline's Lambda endpoint", flag: '--lambda-port', variable: 'STUDIO_GATE_LAMBDA_PORT' },
  emulator: { what: 'the SageMaker emulator', flag: '--emulator-port', variable: 'STUDIO_GATE_EMULATOR_PORT' },
  issuer: { what: 'the token issuer and IdPs', flag: '--issuer-port', variable: 'STUDIO_GATE_ISSUER_PORT' },
  dynamo: { what: 'the local DynamoDB', flag: '--dynamo-port', variable: 'STUDIO_GATE_DYNAMO_PORT' },
  dns: { what: 'the DNS server (UDP)', flag: '--dns-port', variable: 'STUDIO_GATE_DNS_PORT' },
};

const NAMES = Object.keys(PORT_SETTINGS) as (keyof StackPorts)[];

/** The local issuer's origin, as the tools that ask it for tokens and SAML responses find it. */
export function localIssuerUrl(env: NodeJS.ProcessEnv): string {
  return env.LOCAL_ISSUER_URL ?? `http://127.0.0.1:${stackPortsFrom([], env).issuer}`;
}

/** The flags and variables, one line each, for `--help`. */
export function portHelp(): string {
  return NAMES.map((name) => {
    const { what, flag, variable } = PORT_SETTINGS[name];
    return `  ${`${flag} N`.padEnd(20)} ${variable.padEnd(26)} ${what} (default ${DEFAULT_PORTS[name]})`;
  }).join('\n');
}

/**
 * The ports of `args` (flags win) and `env`, over the defaults.
 * @throws Error naming an argument that is not a port flag, the flag or variable whose value is not a
 *   port, or two services given one port.
 */
export function stackPortsFrom(args: readonly string[], env: NodeJS.ProcessEnv): StackPorts {
  const flags = NAMES.map((name) => PORT_SETTINGS[name].flag);
  const unknown = args.find((arg, i) => (i % 2 === 0 ? !flags.includes(arg) : false));
  if (unknown !== undefined) throw new Error(`unknown argument ${unknown} (the flags: npm start -- --help)`);
  const ports = { ...DEFAULT_PORTS };
  for (const name of NAMES) {
    const { flag, variable } = PORT_SETTINGS[name];
    const i = args.indexOf(flag);
    const [source, text] = i >= 0 ? [flag, args[i + 1]] : [variable, env[variable]];
    if (i >= 0 && (text === undefined || text.startsWith('--'))) throw new Error(`${flag} takes a port from 1024 to 65535`);
    if (text === undefined || text === '') continue;
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1024 || port > 65535)
      throw new Error(`${source} takes a port from 1024 to 65535, got "${text}"`);
    ports[name] = port;
  }
  const tcp = NAMES.filter((name) => name !== 'dns');
  for (const [i, a] of tcp.entries()) {
    for (const b of tcp.slice(i + 1)) {
      if (ports[a] === ports[b])
        throw new Error(`${PORT_SETTINGS[a].what} and ${PORT_SETTINGS[b].what} cannot share port ${ports[a]}`);
    }
  }
  return ports;
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** One sentence per port something else already holds on 127.0.0.1, saying how to move it. */
export async function busyPorts(ports: StackPorts): Promise<string[]> {
  const busy: string[] = [];
  for (const name of NAMES) {
    const free = name === 'dns' ? await udpFree(ports.dns) : await tcpFree(ports[name]);
    if (free) continue;
    const { what, flag, variable } = PORT_SETTINGS[name];
    busy.push(
      `port ${ports[name]} is in use by another program (studio-gate wants it for ${what}): stop that program, or move ${what} with ${flag} N (or ${variable}=N)`,
    );
  }
  return busy;
}
