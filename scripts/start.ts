/**
 * `npm start`: the whole service on loopback with its embedded local defaults (config/local.yml),
 * no AWS account needed. One Ctrl-C stops everything it started.
 */
import { DEFAULT_PORTS, startLocalStack } from './local/stack';

async function main(): Promise<void> {
  process.stdout.write('studio-gate: starting the local stack (bundling takes a few seconds)...\n');
  const stack = await startLocalStack(DEFAULT_PORTS, { inheritOutput: true });
  process.stdout.write(
    [
      '',
      'studio-gate local stack is up:',
      `  API               ${stack.apiUrl}/studio-url`,
      `  SageMaker (emu)   ${stack.emulator.url}`,
      `  token issuer/IdPs ${stack.issuer.url}  (OpenID provider and SAML signer; every demo password is "demo")`,
      '',
      'Try:',
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
