/**
 * Log hygiene: what in the service's output would be a leaked credential. Used by the tests and
 * by the load script, which scans everything the service printed under load.
 */

/** Patterns that must never appear in anything the service prints. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /token=/i,
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/, // a JWT
  /Bearer\s+\S/i,
  /auth\?/,
  /eyJ[A-Za-z0-9_-]{5,}\.\./, // a sealed cookie (JWE, direct key)
  /studio_gate_(oidc|saml)=[^;\s"]/, // a login cookie's value
  /SAMLResponse=|SAMLRequest=/,
  /PHNhbWxwOlJlc3BvbnNl|PHNhbWw6QXNzZXJ0aW9u|PD94bWwg/, // base64 of <samlp:Response, <saml:Assertion, <?xml
  /<(saml2?p?:)?(Response|Assertion)[\s>]/, // an assertion's XML
  /[?&]code=[\w-]/, // an authorization code in a callback URL
];

/**
 * What in `text` looks like a credential: any of {@link SECRET_PATTERNS}, any of the `secrets`
 * standing as a whole word (found through a set, so thousands of secrets scan in one pass), and
 * any short marker (under 8 characters) anywhere. Reports only a prefix of what it finds.
 */
export function leaksIn(text: string, secrets: Iterable<string> = []): string[] {
  const found = SECRET_PATTERNS.filter((p) => p.test(text)).map(String);
  const words = new Set<string>();
  const markers: string[] = [];
  for (const secret of secrets) {
    if (secret.length >= 8) words.add(secret);
    else if (secret.length > 0) markers.push(secret);
  }
  for (const word of text.match(/[A-Za-z0-9_.~-]{8,}/g) ?? []) {
    if (words.has(word)) found.push(`secret ${word.slice(0, 6)}…`);
  }
  for (const marker of markers) if (text.includes(marker)) found.push(`marker ${marker}`);
  return found;
}
