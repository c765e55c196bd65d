/**
 * `npm run -s token -- <person>`: prints a bearer JWT for a demo person from the running local
 * issuer (`npm start`), and nothing else, so it composes: curl -H "Authorization: Bearer $(npm run -s token -- alice)".
 */
const person = process.argv[2];
const issuer = process.env.LOCAL_ISSUER_URL ?? 'http://127.0.0.1:4600';

async function main(): Promise<number> {
  if (!person) {
    process.stderr.write('usage: npm run -s token -- <person>   (alice, erin, bob, carol, dave, mallory)\n');
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${issuer}/__local/token?person=${encodeURIComponent(person)}`, { signal: AbortSignal.timeout(5000) });
  } catch {
    process.stderr.write(`token: the local issuer at ${issuer} does not answer; is \`npm start\` running?\n`);
    return 1;
  }
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) {
    process.stderr.write(`token: ${body.error ?? `issuer answered ${response.status}`}\n`);
    return 1;
  }
  process.stdout.write(`${body.token}\n`);
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
