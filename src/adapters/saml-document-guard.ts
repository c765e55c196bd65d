/**
 * What an unauthenticated SAMLResponse may cost, decided before any XML library sees it.
 *
 * The ACS accepts a document from anyone on the network, and the work behind it (xmldom's parse,
 * the ID lookup and canonicalization of xml-signature.ts, the SAML checks) is synchronous. A
 * request deadline cannot stop synchronous work, so the work is bounded by bounding the document,
 * as two readers see it, under one set of caps (elements, children of one element, depth,
 * attributes): one linear pass over the text, which bounds what the parser is given, refuses markup
 * declarations (DOCTYPE, ENTITY) and processing instructions; then the tree the strict parse built,
 * which is what everything after it works on, is held to the same caps and rules. The second
 * reading is the one that decides: the text pass cannot know every way a parser reads a document
 * (xmldom takes the content of an XHTML `script` or `textarea` as raw text, so a comment opened there
 * hides thousands of elements from a text scan), so an element in the XHTML namespace is refused
 * and the caps are counted again on the tree. The strict parse refuses anything the parser would
 * only warn about (xmldom prints warnings to stderr with the document's text in them), and only
 * signature, digest and canonicalization algorithms from an allow-list pass: no SHA-1.
 *
 * The caps are far above what IdPs send (see {@link SAML_DOCUMENT_LIMITS}) and far below what
 * makes the stack slow: `npm run bench:saml` measures the most expensive document that passes.
 */
import { DOMParser } from '@xmldom/xmldom';
import { UnauthenticatedError } from '../domain/errors';
import { DIGEST_METHODS, DSIG_NS, ENVELOPED_SIGNATURE, EXC_C14N, SIGNATURE_METHODS } from './xml-signature';

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

/**
 * The allow-lists of XML Signature algorithms, the verifier's own (xml-signature.ts): RSA with
 * SHA-256 or SHA-512 (PKCS#1 v1.5 or PSS), SHA-256/512 digests, exclusive C14N without comments,
 * the enveloped-signature transform. No SHA-1, no inclusive C14N, no comments in what is signed.
 */
const ALLOWED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set(Object.keys(SIGNATURE_METHODS));
const ALLOWED_DIGEST_ALGORITHMS: ReadonlySet<string> = new Set(Object.keys(DIGEST_METHODS));
const ALLOWED_CANONICALIZATION: ReadonlySet<string> = new Set([EXC_C14N]);
const ALLOWED_TRANSFORMS: ReadonlySet<string> = new Set([EXC_C14N, ENVELOPED_SIGNATURE]);

/** Which algorithm attribute each XML Signature element may carry. */
const ALGORITHM_RULES: Readonly<Record<string, ReadonlySet<string>>> = {
  SignatureMethod: ALLOWED_SIGNATURE_ALGORITHMS,
  DigestMethod: ALLOWED_DIGEST_ALGORITHMS,
  CanonicalizationMethod: ALLOWED_CANONICALIZATION,
  Transform: ALLOWED_TRANSFORMS,
};

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

const tooComplex = () => new UnauthenticatedError('saml-xml-too-complex');
const malformed = () => new UnauthenticatedError('saml-malformed');
const markupRefused = () => new UnauthenticatedError('saml-xml-markup-refused');

/** The caps, counted as one reading of a document goes (the text pass, or the walk of the tree). */
class ShapeBudget {
  private elements = 0;
  private attributes = 0;

  constructor(private readonly limits: SamlDocumentLimits) {}

  /** One more element, at `depth` (the root is 1), with `attributes` attributes. */
  element(depth: number, attributes: number): void {
    const l = this.limits;
    this.attributes += attributes;
    if (++this.elements > l.maxElements || depth > l.maxDepth || attributes > l.maxAttributes) throw tooComplex();
    if (this.attributes > l.maxAttributesTotal) throw tooComplex();
  }

  /** The `count`th child node (element, comment, CDATA) of one element. */
  child(count: number): void {
    if (count > this.limits.maxChildren) throw tooComplex();
  }
}

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
  const budget = new ShapeBudget(limits);
  let rootSeen = false;
  // children[d]: child nodes counted so far of the open element at depth d (children[0]: the document).
  const children: number[] = [0];
  const addChild = () => {
    const depth = children.length - 1;
    const count = (children[depth] as number) + 1;
    budget.child(count);
    children[depth] = count;
  };
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) i = pastNext(xml, '-->', lt + 4);
      else if (xml.startsWith('<![CDATA[', lt) && children.length > 1) i = pastNext(xml, ']]>', lt + 9);
      else throw markupRefused();
      addChild();
      continue;
    }
    if (next === 0x3f /* ? */) throw markupRefused();
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
      if (c === 0x3d /* = */) attributes++;
      if (c === 0x3c /* < */) throw malformed();
      if (c === 0x3e /* > */) {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0) throw malformed();
    if (children.length === 1) {
      if (rootSeen) throw malformed();
      rootSeen = true;
    }
    addChild();
    budget.element(children.length, attributes);
    if (xml.charCodeAt(end - 1) !== 0x2f /* / */) children.push(0);
    i = end + 1;
  }
  if (!rootSeen || children.length !== 1) throw malformed();
}

/**
 * The tree the parser built, held to the caps and rules of the text pass: what everything after
 * the parse works on. Iterative (no recursion, whatever the depth), linear in the nodes. Only the
 * XML declaration may be a processing instruction, no document type, and no element in the XHTML
 * namespace (whose content xmldom reads as raw text, unlike a text scan).
 * @throws UnauthenticatedError `saml-xml-markup-refused` or `saml-xml-too-complex`.
 */
export function assertTreeShape(doc: Document, limits: SamlDocumentLimits = SAML_DOCUMENT_LIMITS): void {
  const budget = new ShapeBudget(limits);
  const open: [Node, number][] = [[doc, 0]];
  for (let item = open.pop(); item !== undefined; item = open.pop()) {
    const [node, depth] = item;
    let children = 0;
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (child.nodeType === child.TEXT_NODE) continue;
      if (child.nodeType === child.DOCUMENT_TYPE_NODE) throw markupRefused();
      if (child.nodeType === child.PROCESSING_INSTRUCTION_NODE) {
        if (node === doc && child === doc.firstChild && (child as ProcessingInstruction).target === 'xml') continue;
        throw markupRefused();
      }
      budget.child(++children);
      if (child.nodeType !== child.ELEMENT_NODE) continue;
      const element = child as Element;
      if (element.namespaceURI === XHTML_NS) throw markupRefused();
      budget.element(depth + 1, element.attributes.length);
      open.push([element, depth + 1]);
    }
  }
}

const xml10LineEnds = (text: string) => text.replace(/\r\n?/g, '\n');

/**
 * Parses with every parser complaint (warnings too) refused: a document xmldom would warn about
 * (and, with its default handler, print to stderr with the document's text) goes no further.
 * @throws UnauthenticatedError `saml-malformed`.
 */
export function parseStrictXml(xml: string): Document {
  let failed = false;
  const options: ConstructorParameters<typeof DOMParser>[0] & { normalizeLineEndings: (text: string) => string } = {
    errorHandler: () => {
      failed = true;
    },
    // XML 1.0's line ends only (§2.11). xmldom's default also turns U+0085 and U+2028 into a line
    // feed, as XML 1.1 does: a signer that wrote one raw (libxml2 keeps it) would never verify.
    // (xmldom 0.8 takes the option; its type declarations leave it out.)
    normalizeLineEndings: xml10LineEnds,
  };
  const doc = new DOMParser(options).parseFromString(xml, 'text/xml');
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
 * The whole gate: size, alphabet, the text's shape, strict parse, the tree's shape, algorithms. @returns the parsed response,
 * for the checks after the signature's (so the response is parsed once here, not again later).
 * @throws UnauthenticatedError with a reason naming the first refusal.
 */
export function guardSamlResponse(samlResponse: string, limits: SamlDocumentLimits = SAML_DOCUMENT_LIMITS): Document {
  if (samlResponse.length > limits.maxBase64Chars) throw new UnauthenticatedError('saml-xml-too-large');
  if (samlResponse.length === 0 || !/^[A-Za-z0-9+/=\r\n]+$/.test(samlResponse)) throw malformed();
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  assertXmlShape(xml, limits);
  const doc = parseStrictXml(xml);
  assertTreeShape(doc, limits);
  assertAllowedAlgorithms(doc);
  return doc;
}
