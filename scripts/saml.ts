/**
 * `npm run -s saml -- <person>`: asks the running local SAML IdP (`npm start`; STUDIO_GATE_ISSUER_PORT, default 4600) for a
 * signed response for a demo person, posts it to the ACS as a browser would (IdP-initiated), and
 * prints the resulting Location: alice's Studio for alice, nothing for mallory (the status and
 * error code go to stderr, exit 1).
 */
import './local/quiet-node-notice';
import { localIssuerUrl } from './local/stack-ports';

const person = process.argv[2];
const issuer = localIssuerUrl(process.env);

async function main(): Promise<number> {
  if (!person) {
    process.stderr.write('usage: npm run -s saml -- <person>   (alice, erin, bob, carol, dave, mallory)\n');
    return 2;
  }
  let signed: { samlResponse?: string; acsUrl?: string; error?: string };
  try {
    const answer = await fetch(`${issuer}/__local/saml?person=${encodeURIComponent(person)}`, {
      signal: AbortSignal.timeout(5000),
    });
    signed = (await answer.json()) as typeof signed;
  } catch {
    process.stderr.write(`saml: the local IdP at ${issuer} does not answer; is \`npm start\` running?\n`);
    return 1;
  }
  if (!signed.samlResponse || !signed.acsUrl) {
    process.stderr.write(`saml: ${signed.error ?? 'the local IdP gave no response'}\n`);
    return 1;
  }
  const posted = await fetch(signed.acsUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/problem+json' },
    body: new URLSearchParams({ SAMLResponse: signed.samlResponse }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const location = posted.headers.get('location');
  if (posted.status === 302 && location) {
    process.stdout.write(`${location}\n`);
    return 0;
  }
  const body = await posted.text();
  let code = '';
  try {
    code = String((JSON.parse(body) as { code?: unknown }).code ?? '');
  } catch {
    // not JSON
  }
  process.stderr.write(`saml: the ACS answered ${posted.status}${code ? ` ${code}` : ''}\n`);
  return 1;
}

main().then((code) => {
  process.exitCode = code;
});
