/**
 * The SAML document guard: what an unauthenticated document may be before any XML library sees it.
 * Each cap is tested at the cap (passes) and one past it (refused), so removing a check turns its
 * test red; the real shapes IdPs send pass with room to spare.
 */

import { demoFields, generateSamlKeyPair, type SamlKeyPair, signedResponse } from '../../../scripts/local/saml-idp';
import {
  assertAllowedAlgorithms,
  assertTreeShape,
  assertXmlShape,
  guardSamlResponse,
  parseStrictXml,
  SAML_DOCUMENT_LIMITS,
  type SamlDocumentLimits,
} from '../../../src/adapters/saml-document-guard';
import { UnauthenticatedError } from '../../../src/domain/errors';

const TINY: SamlDocumentLimits = {
  maxBase64Chars: 4096,
  maxElements: 5,
  maxChildren: 3,
  maxDepth: 3,
  maxAttributes: 2,
  maxAttributesTotal: 4,
};

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthenticatedError);
    return (error as UnauthenticatedError).reason;
  }
}

const shape = (xml: string) => reasonOf(() => assertXmlShape(xml, TINY));

/** Each cap at the cap (passes) and one past it (refused), for both readings of a document. */
const CAPS: [string, string, string][] = [
  ['the element cap', '<r><a/><b/><c><d/></c></r>', '<r><a/><b/><c><d/><e/></c></r>'],
  ['the children cap', '<r><a/><b/><c/></r>', '<r><a/><b/><c/><d/></r>'],
  ['comments and CDATA count as children', '<r><a/><!--x--><![CDATA[y]]></r>', '<r><a/><!--x--><![CDATA[y]]><!--z--></r>'],
  ['the depth cap', '<r><a><b/></a></r>', '<r><a><b><c/></b></a></r>'],
  ['the attributes of one element', '<r a="1" b="2"/>', '<r a="1" b="2" c="3"/>'],
  ['the attributes of the document', '<r a="1" b="2"><x c="3" d="4"/></r>', '<r a="1" b="2"><x c="3" d="4"/><y e="5"/></r>'],
];

describe('the shape pass', () => {
  it.each(CAPS)('holds %s: at the cap it passes, one past it is refused', (_cap, atCap, pastCap) => {
    expect(shape(atCap)).toBeUndefined();
    expect(shape(pastCap)).toBe('saml-xml-too-complex');
  });

  it('counts attributes by their = outside quoted values (a value full of = and > is one attribute)', () => {
    expect(shape(`<r a="=a=b>c=" b='x=y'/>`)).toBeUndefined();
    expect(shape(`<r a="=" b="=" c="="/>`)).toBe('saml-xml-too-complex');
  });

  it('accepts a leading XML declaration, a BOM, comments and CDATA inside the root', () => {
    expect(shape('\uFEFF<?xml version="1.0" encoding="UTF-8"?><r><![CDATA[<x>]]></r>')).toBeUndefined();
  });

  it.each([
    ['a document type declaration', '<!DOCTYPE r><r/>', 'saml-xml-markup-refused'],
    ['an entity declaration inside the document', '<r><!ENTITY a "b"></r>', 'saml-xml-markup-refused'],
    ['a processing instruction', '<r><?php x?></r>', 'saml-xml-markup-refused'],
    ['a stylesheet instruction before the root', '<?xml-stylesheet href="x"?><r/>', 'saml-xml-markup-refused'],
    ['CDATA outside the root', '<![CDATA[x]]><r/>', 'saml-xml-markup-refused'],
    ['an unclosed tag', '<r><a></r', 'saml-malformed'],
    ['an end tag with nothing open', '</r><r/>', 'saml-malformed'],
    ['two roots', '<r/><s/>', 'saml-malformed'],
    ['no root', 'just text', 'saml-malformed'],
    ['an unclosed element', '<r><a>', 'saml-malformed'],
    ['an unterminated attribute value', '<r a="x/>', 'saml-malformed'],
    ['a tag inside a tag', '<r <a/>/>', 'saml-malformed'],
    ['an unterminated comment', '<r><!-- x</r>', 'saml-malformed'],
  ])('refuses %s: %s', (_what, xml, reason) => {
    expect(shape(xml)).toBe(reason);
  });

  it('stops at the cap: nothing past it is read (the malformed tail of a huge document is never reached)', () => {
    const huge = `<r>${'<a/>'.repeat(SAML_DOCUMENT_LIMITS.maxElements * 1000)}<r <broken`;
    expect(reasonOf(() => assertXmlShape(huge))).toBe('saml-xml-too-complex');
  });
});

describe('the strict parse', () => {
  it.each([
    ['an attribute without a value', '<r a/>'],
    ['a repeated attribute', '<r a="1" a="2"/>'],
    ['an unquoted attribute value', '<r a=1/>'],
    ['an undefined entity', '<r>&nope;</r>'],
  ])('refuses what the parser would only warn about: %s', (_what, xml) => {
    expect(reasonOf(() => parseStrictXml(xml))).toBe('saml-malformed');
  });
});

describe('the tree the parser built (what the libraries after it read)', () => {
  const tree = (xml: string) => reasonOf(() => assertTreeShape(parseStrictXml(xml), TINY));
  const XHTML = 'http://www.w3.org/1999/xhtml';

  it.each(CAPS)('holds %s as the text pass does', (_cap, atCap, pastCap) => {
    expect(tree(atCap)).toBeUndefined();
    expect(tree(pastCap)).toBe('saml-xml-too-complex');
  });

  it('counts what a text scan cannot see: elements an XHTML script hides behind a comment it never closes', () => {
    const hidden = `<r><s:script xmlns:s="${XHTML}"><!--</s:script>${'<e/>'.repeat(2000)}<z>--></z></r>`;
    // The text pass reads one comment and passes; the parser reads 2,000 elements.
    expect(reasonOf(() => assertXmlShape(hidden))).toBeUndefined();
    expect(reasonOf(() => assertTreeShape(parseStrictXml(hidden)))).toBe('saml-xml-markup-refused');
  });

  it.each([
    ['an XHTML element', `<r><script xmlns="${XHTML}"/></r>`],
    ['an XHTML namespace written with character references', '<r><textarea xmlns="http&#58;//www.w3.org/1999/xhtml"/></r>'],
    ['a document type behind the XHTML script', `<r><script xmlns="${XHTML}"><!--</script><!DOCTYPE x><z>--></z></r>`],
    ['a processing instruction behind the XHTML script', `<r><script xmlns="${XHTML}"><!--</script><?pi x?><z>--></z></r>`],
  ])('refuses %s', (_what, xml) => {
    expect(tree(xml)).toBe('saml-xml-markup-refused');
  });

  it('accepts the XML declaration as the only processing instruction', () => {
    expect(tree('<?xml version="1.0"?><r/>')).toBeUndefined();
  });

  it('walks a tree far deeper than any stack without recursing', () => {
    const deep = `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`;
    const unbounded = { ...TINY, maxDepth: 100_000, maxElements: 100_000 };
    expect(reasonOf(() => assertTreeShape(parseStrictXml(deep), unbounded))).toBeUndefined();
  });
});

describe('the algorithm allow-list', () => {
  const DS = 'http://www.w3.org/2000/09/xmldsig#';
  const doc = (
    method: string,
    digest: string,
    c14n = 'http://www.w3.org/2001/10/xml-exc-c14n#',
    transform = `${DS}enveloped-signature`,
  ) =>
    parseStrictXml(
      `<r xmlns:ds="${DS}"><ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${c14n}"/><ds:SignatureMethod Algorithm="${method}"/>` +
        `<ds:Reference URI="#r"><ds:Transforms><ds:Transform Algorithm="${transform}"/></ds:Transforms><ds:DigestMethod Algorithm="${digest}"/></ds:Reference></ds:SignedInfo></ds:Signature></r>`,
    );
  const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

  it.each([
    ['RSA-SHA256 / SHA-256', RSA_SHA256, SHA256],
    ['RSA-SHA512 / SHA-512', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'http://www.w3.org/2001/04/xmlenc#sha512'],
    ['RSA-PSS SHA-256', 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1', SHA256],
  ])('accepts %s', (_name, method, digest) => {
    expect(reasonOf(() => assertAllowedAlgorithms(doc(method, digest)))).toBeUndefined();
  });

  it.each([
    ['an RSA-SHA1 signature', `${DS}rsa-sha1`, SHA256],
    ['a SHA-1 digest', RSA_SHA256, `${DS}sha1`],
    ['HMAC-SHA1', `${DS}hmac-sha1`, SHA256],
    ['an unknown signature method', 'urn:made-up', SHA256],
    ['an empty algorithm', '', SHA256],
  ])('refuses %s', (_name, method, digest) => {
    expect(reasonOf(() => assertAllowedAlgorithms(doc(method, digest)))).toBe('saml-algorithm-refused');
  });

  it('refuses a canonicalization or transform outside the list (XPath, XSLT)', () => {
    expect(reasonOf(() => assertAllowedAlgorithms(doc(RSA_SHA256, SHA256, 'http://www.w3.org/TR/1999/REC-xpath-19991116')))).toBe(
      'saml-algorithm-refused',
    );
    expect(
      reasonOf(() => assertAllowedAlgorithms(doc(RSA_SHA256, SHA256, undefined, 'http://www.w3.org/TR/1999/REC-xslt-19991116'))),
    ).toBe('saml-algorithm-refused');
  });
});

describe('the whole guard on what IdPs send', () => {
  let key: SamlKeyPair;
  beforeAll(async () => {
    key = await generateSamlKeyPair();
  });
  const ACS = 'https://gate.example.invalid/sso/saml';

  it('lets a demo person’s response through with room to spare', () => {
    const response = signedResponse(demoFields('alice'), ACS, key);
    expect(response.length).toBeLessThan(SAML_DOCUMENT_LIMITS.maxBase64Chars / 4);
    expect(reasonOf(() => guardSamlResponse(response))).toBeUndefined();
  });

  it('lets an Entra ID-shaped response with its maximum of 150 groups through', () => {
    const groups = Array.from({ length: 150 }, (_, i) => `7f3c2a1e-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const response = signedResponse(
      {
        nameId: 'alice@example.com',
        attributes: {
          'http://schemas.microsoft.com/identity/claims/tenantid': ['0b0b0b0b-0000-4000-8000-000000000000'],
          'http://schemas.microsoft.com/identity/claims/objectidentifier': ['1c1c1c1c-0000-4000-8000-000000000000'],
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['alice@example.com'],
          'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': groups,
        },
      },
      ACS,
      key,
    );
    expect(reasonOf(() => guardSamlResponse(response))).toBeUndefined();
  });

  it('refuses a response over the size cap before decoding it, and a non-base64 one', () => {
    expect(reasonOf(() => guardSamlResponse('A'.repeat(SAML_DOCUMENT_LIMITS.maxBase64Chars + 1)))).toBe('saml-xml-too-large');
    expect(reasonOf(() => guardSamlResponse('not base64!'))).toBe('saml-malformed');
    expect(reasonOf(() => guardSamlResponse(''))).toBe('saml-malformed');
  });
});
