/**
 * `npm start`: the whole service on loopback with its embedded local defaults (config/local.yml),
 * no AWS account needed. One Ctrl-C stops everything it started.
 */
import './local/quiet-node-notice';
import { startLocalStack } from './local/stack';
import { busyPorts, portHelp, stackPortsFrom } from './local/stack-ports';

const USAGE = `usage: npm start [-- [--api-port N] [--emulator-port N] ...]

The whole service on 127.0.0.1 with its local defaults (config/local.yml). Every port can be moved,
by flag or by variable (npm run token, saml and doctor read the variables too):
${portHelp()}
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const ports = stackPortsFrom(args, process.env);
  const busy = await busyPorts(ports);
  if (busy.length > 0) {
    const running =
      busy.length === Object.keys(ports).length ? '\n(all of them: is studio-gate already running, in another terminal?)' : '';
    throw new Error(`nothing was started:\n  ${busy.join('\n  ')}${running}`);
  }
  process.stdout.write('studio-gate: starting the local stack (bundling takes a few seconds)...\n');
  const stack = await startLocalStack(ports, { inheritOutput: true });
  process.stdout.write(
    [
      '',
      'studio-gate local stack is up:',
      `  API               ${stack.apiUrl}/studio-url`,
      `  SageMaker (emu)   ${stack.emulator.url}`,
      `  token issuer/IdPs ${stack.issuer.url}  (OpenID provider and SAML signer; every demo password is "demo")`,
      '',
      'Try (README.md, "A local demo"):',
      `  curl -s -H "Authorization: Bearer $(npm run -s token -- alice)" ${stack.apiUrl}/studio-url`,
      `  open ${stack.apiUrl}/sso/login in a browser and sign in as alice / demo`,
      '  npm run -s saml -- alice',
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nstudio-gate: ${signal}, stopping...\n`);
    stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  stack.api.on('exit', (code) => {
    if (stopping) return;
    process.stderr.write(`studio-gate: the API process exited (${code}); stopping the rest.\n`);
    stopping = true;
    stack.stop().then(() => process.exit(code ?? 1));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`studio-gate: could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
