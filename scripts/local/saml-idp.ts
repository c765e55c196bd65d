/**
 * The local SAML IdP: a key pair and self-signed certificate made at start (in memory only), and
 * signed SAML 2.0 responses for the demo people, signed as IdPs sign them (the assertion, then the
 * response; RSA-SHA256, exclusive C14N) with xml-crypto. The local stack configures the ACS for this
 * certificate; `npm run -s saml -- <person>` and the tests post what it makes. Tests also use the
 * pieces (build, sign) to make every hostile shape: unsigned, altered, wrapped, expired…
 */
import { type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';
import { escapeHtml } from '../../src/domain/text';
import { DEMO_PASSWORD, DEMO_PEOPLE } from './demo-data';

export const LOCAL_SAML_IDP_ENTITY_ID = 'urn:studio-gate:local-idp';
export const LOCAL_SAML_SP_ENTITY_ID = 'urn:studio-gate:local-sp';

export interface SamlKeyPair {
  readonly privateKey: string;
  readonly certificate: string;
}

export async function generateSamlKeyPair(name = 'studio-gate local SAML IdP'): Promise<SamlKeyPair> {
  const pems = await generate([{ name: 'commonName', value: name }], { keySize: 2048 });
  return { privateKey: pems.private, certificate: pems.cert };
}

/** The public keys of `pairs`' certificates, as the SAML function reads its configured ones. */
export function publicKeys(...pairs: readonly SamlKeyPair[]): KeyObject[] {
  return pairs.map((pair) => new X509Certificate(pair.certificate).publicKey);
}

/** What goes into one response; every field can be bent by a test. */
export interface AssertionFields {
  readonly nameId: string;
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
  readonly issuer?: string;
  readonly audience?: string;
  readonly recipient?: string;
  readonly destination?: string | null;
  readonly inResponseTo?: string;
  readonly notBefore?: Date;
  readonly notOnOrAfter?: Date;
  readonly issueInstant?: Date;
  readonly assertionId?: string;
  readonly responseId?: string;
}

const newId = () => `_${randomBytes(16).toString('hex')}`;

/** The assertion element alone (unsigned). */
export function assertionXml(f: AssertionFields, acsUrl: string, now = new Date()): string {
  const issued = (f.issueInstant ?? now).toISOString();
  const notBefore = (f.notBefore ?? new Date(now.getTime() - 30_000)).toISOString();
  const until = (f.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString();
  const irt = f.inResponseTo ? ` InResponseTo="${escapeHtml(f.inResponseTo)}"` : '';
  const attributes = Object.entries(f.attributes ?? {})
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeHtml(name)}">${values.map((v) => `<saml:AttributeValue>${escapeHtml(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
    )
    .join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${f.assertionId ?? newId()}" Version="2.0" IssueInstant="${issued}">` +
    `<saml:Issuer>${escapeHtml(f.issuer ?? LOCAL_SAML_IDP_ENTITY_ID)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${f.nameId}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${escapeHtml(f.recipient ?? acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${escapeHtml(f.audience ?? LOCAL_SAML_SP_ENTITY_ID)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

/** A Response around `assertions` (already signed or not). */
export function responseXml(f: AssertionFields, acsUrl: string, assertions: string, now = new Date()): string {
  const irt = f.inResponseTo ? ` InResponseTo="${escapeHtml(f.inResponseTo)}"` : '';
  const destination = f.destination === null ? '' : ` Destination="${escapeHtml(f.destination ?? acsUrl)}"`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${f.responseId ?? newId()}" Version="2.0" IssueInstant="${(f.issueInstant ?? now).toISOString()}"${destination}${irt}>` +
    `<saml:Issuer>${escapeHtml(f.issuer ?? LOCAL_SAML_IDP_ENTITY_ID)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertions +
    `</samlp:Response>`
  );
}

/** The algorithms a signature is made with (tests bend them: SHA-1 must be refused). */
export interface SignatureAlgorithms {
  readonly signature: string;
  readonly digest: string;
}

export const RSA_SHA256: SignatureAlgorithms = {
  signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
};

/** Signs the element `localName` (the first one) in `xml`, the signature placed after its Issuer. */
export function signElement(
  xml: string,
  localName: 'Assertion' | 'Response',
  key: SamlKeyPair,
  algorithms: SignatureAlgorithms = RSA_SHA256,
): string {
  const sig = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificate,
    signatureAlgorithm: algorithms.signature,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  const element = `//*[local-name(.)='${localName}']`;
  sig.addReference({
    xpath: element,
    digestAlgorithm: algorithms.digest,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sig.computeSignature(xml, { location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

/** A response as a real IdP sends it: assertion signed, then the response signed. @returns base64 XML. */
export function signedResponse(
  f: AssertionFields,
  acsUrl: string,
  key: SamlKeyPair,
  now = new Date(),
  algorithms: SignatureAlgorithms = RSA_SHA256,
): string {
  const assertion = signElement(assertionXml(f, acsUrl, now), 'Assertion', key, algorithms);
  const xml = signElement(responseXml(f, acsUrl, assertion, now), 'Response', key, algorithms);
  return Buffer.from(xml).toString('base64');
}

/** The fields of a demo person: NameID and `email` are the address, `groups` their groups. */
export function demoFields(person: string): AssertionFields {
  const who = DEMO_PEOPLE[person];
  if (!who) throw new Error(`unknown demo person "${person}" (known: ${Object.keys(DEMO_PEOPLE).join(', ')})`);
  return { nameId: who.email, attributes: { email: [who.email], groups: [...who.groups] } };
}

/** The AuthnRequest's id, if it asks for this ACS (HTTP-Redirect binding: deflated, base64). */
function requestIdOf(samlRequest: string, acsUrl: string): string | undefined {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  } catch {
    return undefined;
  }
  const acs = /AssertionConsumerServiceURL="([^"]*)"/.exec(xml)?.[1];
  const id = /\sID="([A-Za-z_][\w.-]*)"/.exec(xml)?.[1];
  return acs === acsUrl ? id : undefined;
}

/**
 * `/__local/saml/sso`, the local IdP's SSO service for SP-initiated login: GET (the AuthnRequest)
 * shows a login form; POST signs the person in (password `demo`) and answers the POST binding: a
 * page that posts the signed response, answering that request, to the ACS.
 */
export async function localSamlSso(
  req: IncomingMessage,
  res: ServerResponse,
  key: SamlKeyPair,
  acsUrl: string,
  now: Date,
): Promise<void> {
  const page = (status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local SAML IdP</title></head><body>${body}</body></html>`,
    );
  };
  let fields: URLSearchParams;
  if (req.method === 'POST') {
    let text = '';
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > 64 * 1024) return page(413, '<p id="error">too large</p>');
    }
    fields = new URLSearchParams(text);
  } else {
    fields = new URL(req.url ?? '/', 'http://idp.invalid').searchParams;
  }
  const samlRequest = fields.get('SAMLRequest') ?? '';
  const relayState = fields.get('RelayState') ?? '';
  const requestId = requestIdOf(samlRequest, acsUrl);
  if (requestId === undefined) return page(400, '<p id="error">not an AuthnRequest for this SP</p>');
  const hidden = `<input type="hidden" name="SAMLRequest" value="${escapeHtml(samlRequest)}"><input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`;
  const login = fields.get('login');
  if (req.method !== 'POST' || login === null || !Object.hasOwn(DEMO_PEOPLE, login) || fields.get('password') !== DEMO_PASSWORD) {
    const message = req.method === 'POST' ? '<p id="error" role="alert">Unknown login or wrong password.</p>' : '';
    return page(
      200,
      `<h1>Local SAML IdP</h1>${message}<form method="post" action="/__local/saml/sso">${hidden}` +
        '<label>Login <input name="login" autofocus></label><label>Password <input name="password" type="password"></label>' +
        '<button type="submit">Sign in</button></form>',
    );
  }
  const response = signedResponse({ ...demoFields(login), inResponseTo: requestId }, acsUrl, key, now);
  return page(
    200,
    `<form id="post" method="post" action="${escapeHtml(acsUrl)}"><input type="hidden" name="SAMLResponse" value="${response}">` +
      `${relayState ? `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">` : ''}<button type="submit">Continue</button></form>` +
      '<script>document.getElementById("post").submit()</script>',
  );
}
