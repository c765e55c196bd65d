/**
 * What an unauthenticated SAMLResponse may cost, decided before any XML library sees it.
 *
 * The ACS accepts a document from anyone on the network, and the XML stack behind it (xmldom,
 * xpath, xml-crypto, node-saml) is synchronous and, in places, quadratic in the element count
 * (node-saml looks the signed element up with `//*[@ID=…]` once per configured certificate). A
 * request deadline cannot stop synchronous work, so the work is bounded by bounding the document:
 * one linear pass over the text refuses markup declarations (DOCTYPE, ENTITY) and processing
 * instructions, and caps the elements, the children of one element, the depth and the attributes
 * of one element. Then a strict parse refuses anything the parser would only warn about (xmldom
 * prints warnings to stderr with the document's text in them), and only signature, digest and
 * canonicalization algorithms from an allow-list pass: no SHA-1.
 *
 * The caps are far above what IdPs send (see {@link SAML_DOCUMENT_LIMITS}) and far below what
 * makes the stack slow: `npm run bench:saml` measures the most expensive document that passes.
 */
import { DOMParser } from '@xmldom/xmldom';
import { UnauthenticatedError } from '../domain/errors';

/** The caps of one SAMLResponse. */
export interface SamlDocumentLimits {
  /** base64 characters of the SAMLResponse form field. */
  readonly maxBase64Chars: number;
  readonly maxElements: number;
  /** Child nodes (elements, comments, CDATA sections) of one element. */
  readonly maxChildren: number;
  readonly maxDepth: number;
  /** Attributes (namespace declarations included) of one element. */
  readonly maxAttributes: number;
  /** Attributes of the whole document: each costs the verifier as an element does. */
  readonly maxAttributesTotal: number;
}

/**
 * The caps in force. What IdPs send, measured on responses of their documented shapes: the local
 * IdP's response for a demo person (signed response and assertion, 3 attributes) is 49 elements,
 * depth 7, 8,140 base64 characters; an Entra ID response with its maximum of 150 groups in the
 * token (beyond that Entra sends a link to Graph instead) is 204 elements, 151 children of one
 * Attribute, 24,532 characters. Okta and IAM Identity Center responses are of the local IdP's size.
 */
export const SAML_DOCUMENT_LIMITS: SamlDocumentLimits = {
  maxBase64Chars: 48 * 1024,
  maxElements: 500,
  maxChildren: 256,
  maxDepth: 24,
  maxAttributes: 16,
  maxAttributesTotal: 400,
};

/** The allow-lists of XML Signature algorithms: RSA with SHA-256 or SHA-512 (PKCS#1 v1.5 or PSS), no SHA-1. */
const ALLOWED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
]);
const ALLOWED_DIGEST_ALGORITHMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);
const CANONICALIZATION = [
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
];
const ALLOWED_CANONICALIZATION: ReadonlySet<string> = new Set(CANONICALIZATION);
const ALLOWED_TRANSFORMS: ReadonlySet<string> = new Set([
  ...CANONICALIZATION,
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
]);
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Which algorithm attribute each XML Signature element may carry. */
const ALGORITHM_RULES: Readonly<Record<string, ReadonlySet<string>>> = {
  SignatureMethod: ALLOWED_SIGNATURE_ALGORITHMS,
  DigestMethod: ALLOWED_DIGEST_ALGORITHMS,
  CanonicalizationMethod: ALLOWED_CANONICALIZATION,
  Transform: ALLOWED_TRANSFORMS,
};

const tooComplex = () => new UnauthenticatedError('saml-xml-too-complex');
const malformed = () => new UnauthenticatedError('saml-malformed');

/** The index just past `token` from `from`, or a malformed-document error. */
function pastNext(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw malformed();
  return at + token.length;
}

/**
 * One pass over the text, linear in its length: refuses DOCTYPE and every other markup declaration,
 * processing instructions (but a leading XML declaration), and documents over the caps.
 * @throws UnauthenticatedError `saml-xml-markup-refused`, `saml-xml-too-complex` or `saml-malformed`.
 */
export function assertXmlShape(xml: string, limits: SamlDocumentLimits = SAML_DOCUMENT_LIMITS): void {
  let i = 0;
  const declaration = /^\uFEFF?\s*<\?xml[\s?]/.exec(xml);
  if (declaration) i = pastNext(xml, '?>', declaration[0].length);
  let elements = 0;
  let attributesTotal = 0;
  let rootSeen = false;
  // children[d]: child nodes counted so far of the open element at depth d (children[0]: the document).
  const children: number[] = [0];
  const addChild = () => {
    const depth = children.length - 1;
    const count = (children[depth] as number) + 1;
    if (count > limits.maxChildren) throw tooComplex();
    children[depth] = count;
  };
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) i = pastNext(xml, '-->', lt + 4);
      else if (xml.startsWith('<![CDATA[', lt) && children.length > 1) i = pastNext(xml, ']]>', lt + 9);
      else throw new UnauthenticatedError('saml-xml-markup-refused');
      addChild();
      continue;
    }
    if (next === 0x3f /* ? */) throw new UnauthenticatedError('saml-xml-markup-refused');
    if (next === 0x2f /* / */) {
      if (children.length <= 1) throw malformed();
      children.pop();
      i = pastNext(xml, '>', lt + 2);
      continue;
    }
    // A start tag: find its end outside quoted attribute values, counting attributes by their `=`.
    let j = lt + 1;
    let attributes = 0;
    let end = -1;
    while (j < xml.length) {
      const c = xml.charCodeAt(j);
      if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        j = pastNext(xml, c === 0x22 ? '"' : "'", j + 1);
        continue;
      }
      if (c === 0x3d /* = */ && (++attributes > limits.maxAttributes || ++attributesTotal > limits.maxAttributesTotal))
        throw tooComplex();
      if (c === 0x3c /* < */) throw malformed();
      if (c === 0x3e /* > */) {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0) throw malformed();
    if (++elements > limits.maxElements) throw tooComplex();
    if (children.length === 1) {
      if (rootSeen) throw malformed();
      rootSeen = true;
    }
    addChild();
    if (children.length > limits.maxDepth) throw tooComplex();
    if (xml.charCodeAt(end - 1) !== 0x2f /* / */) children.push(0);
    i = end + 1;
  }
  if (!rootSeen || children.length !== 1) throw malformed();
}

/**
 * Parses with every parser complaint (warnings too) refused, so no document that makes xmldom
 * write to stderr reaches the libraries that would parse it again with their own handlers.
 * @throws UnauthenticatedError `saml-malformed`.
 */
export function parseStrictXml(xml: string): Document {
  let failed = false;
  const doc = new DOMParser({
    errorHandler: () => {
      failed = true;
    },
  }).parseFromString(xml, 'text/xml');
  if (failed || !doc.documentElement) throw malformed();
  return doc as unknown as Document;
}

/**
 * Every XML Signature algorithm in the document is on its allow-list; an algorithm element without
 * its attribute is refused too.
 * @throws UnauthenticatedError `saml-algorithm-refused`.
 */
export function assertAllowedAlgorithms(doc: Document): void {
  for (const [localName, allowed] of Object.entries(ALGORITHM_RULES)) {
    const found = doc.getElementsByTagNameNS(DSIG_NS, localName);
    for (let k = 0; k < found.length; k++) {
      const algorithm = found.item(k)?.getAttribute('Algorithm') ?? '';
      if (!allowed.has(algorithm)) throw new UnauthenticatedError('saml-algorithm-refused');
    }
  }
}

/**
 * The whole gate: size, alphabet, shape, strict parse, algorithms. @returns the parsed response,
 * for the checks after the signature's (so the response is parsed once here, not again later).
 * @throws UnauthenticatedError with a reason naming the first refusal.
 */
export function guardSamlResponse(samlResponse: string, limits: SamlDocumentLimits = SAML_DOCUMENT_LIMITS): Document {
  if (samlResponse.length > limits.maxBase64Chars) throw new UnauthenticatedError('saml-xml-too-large');
  if (samlResponse.length === 0 || !/^[A-Za-z0-9+/=\r\n]+$/.test(samlResponse)) throw malformed();
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  assertXmlShape(xml, limits);
  const doc = parseStrictXml(xml);
  assertAllowedAlgorithms(doc);
  return doc;
}
