/**
 * One enveloped XML Signature (XML-DSig 1.1, the profile SAML 2.0 IdPs sign with), checked against
 * the configured keys over the tree the strict parse built, and Exclusive XML Canonicalization 1.0
 * (without comments) of that tree.
 *
 * The profile accepted is the one IdPs use and nothing around it: one `Reference` to the signature's
 * own parent by its ID (an ID no other element of the document carries), the transforms
 * enveloped-signature then exclusive C14N, exclusive C14N for `SignedInfo`, RSA with SHA-256 or
 * SHA-512 (PKCS#1 v1.5, or PSS with SHA-256) and SHA-256/512 digests. `KeyInfo` is never read: only
 * the configured keys verify. Anything else fails closed.
 *
 * Why the signed element is safe to read afterwards: the digest is taken over this module's own
 * canonical form of the very DOM nodes the caller then reads (not over a second parse), and that
 * form escapes text and attribute values, writes every element, attribute and the namespace each
 * one is bound to, and drops only comments and the signature itself. Two trees a reader can tell
 * apart therefore have different canonical forms, and a signature over one is not one over the
 * other. Where this form differs from the signer's on a document an IdP really signed, the
 * signature fails: the error is on the closed side.
 */
import { constants, createHash, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { CDATA_NODE as CDATA, COMMENT_NODE as COMMENT, ELEMENT_NODE as ELEMENT, TEXT_NODE as TEXT } from './xml-dom';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Signature algorithm → how node:crypto verifies it. */
export const SIGNATURE_METHODS: Readonly<Record<string, { readonly hash: string; readonly pss: boolean }>> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', pss: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', pss: false },
  // RFC 6931 §2.3.10: MGF1 with the same hash, salt as long as the hash, no parameters.
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { hash: 'sha256', pss: true },
};

/** Digest algorithm → node:crypto hash. */
export const DIGEST_METHODS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** InclusiveNamespaces PrefixList: at most this many names (Okta lists one, `xs`). */
const MAX_INCLUSIVE_PREFIXES = 8;
const NC_NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/** Why a signature does not verify: the reason is for the audit log, never the client. */
export class SignatureRefused extends Error {
  override readonly name = 'SignatureRefused';
}

function refuse(why: string): never {
  throw new SignatureRefused(why);
}

/** The canonical form's escapes (C14N 1.0 §2.3): text escapes `& < > CR`, attribute values `& < " TAB LF CR`. */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const escaped = (c: string) => ESCAPES[c] as string;
const escapeText = (text: string) => text.replace(/[&<>\r]/g, escaped);
const escapeAttribute = (value: string) => value.replace(/[&<"\t\n\r]/g, escaped);

/** The namespace `prefix` ('' for the default) is bound to at `element`, from its xmlns attributes and its ancestors'. */
function boundNamespace(element: Element, prefix: string): string | undefined {
  for (let node: Node | null = element; node !== null && node.nodeType === ELEMENT; node = node.parentNode) {
    const attributes = (node as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i) as Attr;
      if (a.namespaceURI !== XMLNS_NS) continue;
      if ((prefix === '' && a.prefix === null && a.localName === 'xmlns') || (a.prefix === 'xmlns' && a.localName === prefix))
        return a.value;
    }
  }
  return undefined;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Exclusive XML Canonicalization 1.0 without comments of `apex` and everything under it, but the
 * subtree `omit` (the enveloped signature). `inclusivePrefixes` is the InclusiveNamespaces
 * PrefixList (`#default` naming the default namespace).
 * @throws SignatureRefused on a node the canonical form has no place for (a processing instruction, an entity reference).
 */
export function exclusiveCanonical(apex: Element, omit: Node | null = null, inclusivePrefixes: readonly string[] = []): string {
  const inclusive = inclusivePrefixes.map((p) => (p === '#default' ? '' : p));
  const out: string[] = [];
  const write = (element: Element, rendered: ReadonlyMap<string, string>) => {
    // The namespaces this element uses visibly: its own, and each prefixed attribute's.
    const used = new Map<string, string>([[element.prefix ?? '', element.namespaceURI ?? '']]);
    const attributes: Attr[] = [];
    for (let i = 0; i < element.attributes.length; i++) {
      const a = element.attributes.item(i) as Attr;
      if (a.namespaceURI === XMLNS_NS) continue;
      attributes.push(a);
      if (a.prefix !== null && a.prefix !== 'xml') used.set(a.prefix, a.namespaceURI ?? '');
    }
    for (const prefix of inclusive) {
      const uri = boundNamespace(element, prefix);
      if (uri !== undefined && !used.has(prefix)) used.set(prefix, uri);
    }
    const scope = new Map(rendered);
    const declarations: [string, string][] = [];
    for (const [prefix, uri] of used) {
      const inEffect = rendered.get(prefix) ?? (prefix === '' ? '' : undefined);
      if (inEffect === uri) continue;
      // The spec escapes a namespace name as an attribute value; libxml2 (xmlsec1) and xml-crypto
      // write it as it is. No IdP uses such a name: refuse it rather than pick one reading.
      if (/[&<"\t\n\r]/.test(uri)) refuse('c14n-namespace-name-refused');
      declarations.push([prefix, uri]);
      scope.set(prefix, uri);
    }
    declarations.sort(([a], [b]) => byCodeUnits(a, b));
    attributes.sort((a, b) => byCodeUnits(a.namespaceURI ?? '', b.namespaceURI ?? '') || byCodeUnits(a.localName, b.localName));
    out.push('<', element.nodeName);
    for (const [prefix, uri] of declarations)
      out.push(prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`, escapeAttribute(uri), '"');
    for (const a of attributes) out.push(' ', a.name, '="', escapeAttribute(a.value), '"');
    out.push('>');
    for (let child = element.firstChild; child !== null; child = child.nextSibling) {
      if (child === omit || child.nodeType === COMMENT) continue;
      if (child.nodeType === ELEMENT) write(child as Element, scope);
      else if (child.nodeType === TEXT || child.nodeType === CDATA) out.push(escapeText((child as CharacterData).data));
      else refuse('c14n-node-refused');
    }
    out.push('</', element.nodeName, '>');
  };
  write(apex, new Map());
  return out.join('');
}

/** The element children of `parent` (whitespace between them allowed; any other text or node refused). */
function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === ELEMENT) out.push(node as Element);
    else if (node.nodeType === TEXT && /^\s*$/.test((node as Text).data)) continue;
    else if (node.nodeType !== COMMENT) refuse('signature-shape');
  }
  return out;
}

function isDsig(element: Element | undefined, localName: string): element is Element {
  return element !== undefined && element.namespaceURI === DSIG_NS && element.localName === localName;
}

/** `Algorithm` of a dsig element with no children but, for C14N, an InclusiveNamespaces; @returns it and that PrefixList. */
function algorithmOf(element: Element | undefined, localName: string): { algorithm: string; prefixes: string[] } {
  if (!isDsig(element, localName)) return refuse(`signature-shape-${localName}`);
  const algorithm = element.getAttribute('Algorithm') ?? '';
  const inner = elementChildren(element);
  if (inner.length === 0) return { algorithm, prefixes: [] };
  const [only] = inner;
  if (inner.length > 1 || algorithm !== EXC_C14N || only?.namespaceURI !== EXC_C14N || only.localName !== 'InclusiveNamespaces')
    return refuse(`signature-shape-${localName}`);
  const prefixes = (only.getAttribute('PrefixList') ?? '').split(/[ \t\r\n]+/).filter((p) => p !== '');
  // Each listed prefix costs a look up the ancestors at every element: a few names, as IdPs list.
  if (prefixes.length > MAX_INCLUSIVE_PREFIXES || !prefixes.every((p) => p === '#default' || NC_NAME.test(p)))
    return refuse('signature-prefix-list-refused');
  return { algorithm, prefixes };
}

/** base64 as xs:base64Binary allows it (whitespace anywhere), strictly: no other character, right padding. */
function base64Value(element: Element | undefined, localName: string): Buffer {
  if (!isDsig(element, localName)) return refuse(`signature-shape-${localName}`);
  for (let node = element.firstChild; node !== null; node = node.nextSibling)
    if (node.nodeType !== TEXT) refuse(`signature-shape-${localName}`);
  const text = (element.textContent ?? '').replace(/[ \t\r\n]/g, '');
  if (text === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    return refuse(`signature-base64-${localName}`);
  return Buffer.from(text, 'base64');
}

/** How many elements of the document carry `id` as an ID, Id or id attribute (in any namespace). */
function elementsWithId(root: Element, id: string): number {
  let count = 0;
  const open: Element[] = [root];
  for (let element = open.pop(); element !== undefined; element = open.pop()) {
    for (let i = 0; i < element.attributes.length; i++) {
      const a = element.attributes.item(i) as Attr;
      if (a.value === id && (a.localName === 'ID' || a.localName === 'Id' || a.localName === 'id')) count++;
    }
    for (let child = element.firstChild; child !== null; child = child.nextSibling)
      if (child.nodeType === ELEMENT) open.push(child as Element);
  }
  return count;
}

/**
 * Verifies `signature`, a `ds:Signature` child of `signed`, as the enveloped signature of `signed`
 * by one of `keys` (RSA public keys). Checks, in order: the signature's shape, the reference
 * naming `signed` and only it in the document, the transforms, the signature over `SignedInfo`'s
 * canonical form, then the digest of `signed`'s.
 * @throws SignatureRefused naming what failed.
 */
export function verifyEnvelopedSignature(signed: Element, signature: Element, keys: readonly KeyObject[]): void {
  if (signature.parentNode !== signed || !isDsig(signature, 'Signature')) refuse('signature-not-enveloped');
  const [signedInfo, signatureValue, keyInfo, ...rest] = elementChildren(signature);
  if (!isDsig(signedInfo, 'SignedInfo') || rest.length > 0 || (keyInfo !== undefined && !isDsig(keyInfo, 'KeyInfo')))
    refuse('signature-shape');
  const [c14nMethod, signatureMethod, reference, ...more] = elementChildren(signedInfo);
  if (more.length > 0) refuse('signature-references');
  const c14n = algorithmOf(c14nMethod, 'CanonicalizationMethod');
  if (c14n.algorithm !== EXC_C14N) refuse('signature-c14n-refused');
  const method = SIGNATURE_METHODS[algorithmOf(signatureMethod, 'SignatureMethod').algorithm];
  if (method === undefined) refuse('signature-algorithm-refused');

  if (!isDsig(reference, 'Reference')) refuse('signature-shape-Reference');
  const id = signed.getAttribute('ID') ?? '';
  if (id === '' || reference.getAttribute('URI') !== `#${id}`) refuse('signature-reference-mismatch');
  const root = signed.ownerDocument.documentElement as Element;
  if (elementsWithId(root, id) !== 1) refuse('signature-id-not-unique');
  const [transforms, digestMethod, digestValue, ...extra] = elementChildren(reference);
  if (!isDsig(transforms, 'Transforms') || extra.length > 0) refuse('signature-shape-Reference');
  const steps = elementChildren(transforms).map((t) => algorithmOf(t, 'Transform'));
  if (
    steps.length !== 2 ||
    steps[0]?.algorithm !== ENVELOPED_SIGNATURE ||
    steps[0].prefixes.length > 0 ||
    steps[1]?.algorithm !== EXC_C14N
  )
    refuse('signature-transforms-refused');
  const digestHash = DIGEST_METHODS[algorithmOf(digestMethod, 'DigestMethod').algorithm];
  if (digestHash === undefined) refuse('signature-digest-refused');
  const expected = base64Value(digestValue, 'DigestValue');
  const value = base64Value(signatureValue, 'SignatureValue');

  // SignedInfo's signature first: it is small, so a document no configured key signed is refused
  // before the whole signed element is canonicalized and hashed.
  const data = Buffer.from(exclusiveCanonical(signedInfo, null, c14n.prefixes), 'utf8');
  const verified = keys.some((key) => signatureHolds(method, data, key, value));
  if (!verified) refuse('signature-value-mismatch');

  const digest = createHash(digestHash)
    .update(exclusiveCanonical(signed, signature, steps[1].prefixes), 'utf8')
    .digest();
  if (digest.length !== expected.length || !timingSafeEqual(digest, expected)) refuse('signature-digest-mismatch');
}

/** Whether `value` is `key`'s signature of `data` by `method`; a key of another type, or a malformed value, is no. */
function signatureHolds(method: { hash: string; pss: boolean }, data: Buffer, key: KeyObject, value: Buffer): boolean {
  if (key.asymmetricKeyType !== 'rsa') return false;
  try {
    return verify(
      method.hash,
      data,
      method.pss
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key, padding: constants.RSA_PKCS1_PADDING },
      value,
    );
  } catch {
    return false;
  }
}
