/**
 * What the SAML bundle uses in place of `xml-encryption` (swapped in by src/infrastructure/bundle.ts).
 * node-saml needs it only to decrypt an encrypted assertion, and only with a decryption key, which
 * studio-gate's service provider never has: node-saml refuses such an assertion before it gets here
 * ("No decryption key for encrypted SAML response"). Should it ever get here, it fails loudly.
 */
const NOT_BUNDLED = 'encrypted SAML is not supported by studio-gate (src/adapters/lambda/no-xml-encryption.ts)';

export function decrypt(_xml: string, _options: unknown, callback: (error: Error) => void): void {
  callback(new Error(NOT_BUNDLED));
}

export function encrypt(_content: string, _options: unknown, callback: (error: Error) => void): void {
  callback(new Error(NOT_BUNDLED));
}
