/**
 * `npm run -s token -- <person> [flags]`: prints a bearer JWT from the running local issuer
 * (`npm start`) and nothing else, so it composes: curl -H "Authorization: Bearer $(npm run -s token -- alice)".
 * The flags mint the tokens the configuration refuses, to try those refusals (`--help` lists them).
 */
import './local/quiet-node-notice';
import { DEMO_PEOPLE } from './local/demo-data';
import { localIssuerUrl } from './local/stack-ports';

const FLAGS: Readonly<Record<string, { query: string; help: string }>> = {
  '--email': { query: 'email', help: 'the email claim (alone: a person who is not in the demo, in studio-users)' },
  '--groups': { query: 'groups', help: 'comma-separated groups ("" for none)' },
  '--email-verified': { query: 'email_verified', help: 'true, false, or absent (no claim)' },
  '--lifetime': { query: 'lifetime', help: 'seconds until it expires (1-86400; default 3600)' },
};

const USAGE = `usage: npm run -s token -- <person> [flags]
       npm run -s token -- --email <address> [flags]

Prints a bearer token from the local issuer (npm start). The demo people:
${Object.entries(DEMO_PEOPLE)
  .map(([name, p]) => `  ${name.padEnd(11)} ${p.email.padEnd(25)} expect ${p.expectedStatus}`)
  .join('\n')}

Flags:
${Object.entries(FLAGS)
  .map(([flag, { help }]) => `  ${flag.padEnd(17)} ${help}`)
  .join('\n')}

Examples (each refused with 403; the audit line says why):
  npm run -s token -- --email alice@evil.example      a domain not in ALLOWED_EMAIL_DOMAINS
  npm run -s token -- --email alice                   a bare name where an address is required
  npm run -s token -- alice --email-verified false    an address the IdP has not verified

The issuer is found at STUDIO_GATE_ISSUER_PORT (default 4600), or LOCAL_ISSUER_URL.
`;

/** The issuer's query for `args`. @throws Error on an unknown flag or a flag without a value. */
export function tokenQuery(args: readonly string[]): URLSearchParams {
  const query = new URLSearchParams();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const flag = FLAGS[arg];
    if (flag) {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      query.set(flag.query, value);
      i++;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown flag ${arg}`);
    } else if (!query.has('person')) {
      query.set('person', arg);
    } else {
      throw new Error(`unexpected ${arg}`);
    }
  }
  if (!query.has('person') && !query.has('email')) throw new Error('name a person, or give --email');
  return query;
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let query: URLSearchParams;
  let issuer: string;
  try {
    query = tokenQuery(args);
    issuer = localIssuerUrl(process.env);
  } catch (error) {
    process.stderr.write(`token: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${issuer}/__local/token?${query}`, { signal: AbortSignal.timeout(5000) });
  } catch {
    process.stderr.write(`token: the local issuer at ${issuer} does not answer; is \`npm start\` running?\n`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) {
    process.stderr.write(`token: ${body.error ?? `issuer answered ${response.status}`}\n`);
    return 1;
  }
  process.stdout.write(`${body.token}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
