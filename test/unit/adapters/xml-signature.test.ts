/**
 * The XML Signature verifier and its exclusive canonicalization (src/adapters/xml-signature.ts):
 * the canonical form by the spec's rules (known answers, written out by hand), the same form as
 * xml-crypto's on seeded random documents, signatures xml-crypto made verify, and every way a
 * signature can be bent is refused, each with its own reason. The interop test against xmlsec1
 * (test/integration/xmlsec-interop.test.ts) checks the canonical form against libxml2's.
 */
import { constants, type KeyObject, sign } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import {
  assertionXml,
  demoFields,
  generateSamlKeyPair,
  publicKeys,
  RSA_SHA256,
  type SamlKeyPair,
  signElement,
} from '../../../scripts/local/saml-idp';
import { seeded } from '../../../scripts/local/seeded';
import { DSIG_NS, exclusiveCanonical, SignatureRefused, verifyEnvelopedSignature } from '../../../src/adapters/xml-signature';
import { elementWithId, randomDocument, signatureVerdict } from '../../support/xml-trees';

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
const root = (xml: string) => parse(xml).documentElement as Element;
const first = (doc: Document | Element, ns: string, name: string) => doc.getElementsByTagNameNS(ns, name)[0] as Element;

describe('exclusive canonicalization, known answers', () => {
  it.each([
    [
      'renders only the namespaces an element uses, once, the default first',
      '<a xmlns="urn:d" xmlns:unused="urn:u" xmlns:p="urn:p" z="1" p:y="v"><b/><p:c/></a>',
      '<a xmlns="urn:d" xmlns:p="urn:p" z="1" p:y="v"><b></b><p:c></p:c></a>',
    ],
    [
      'undeclares the default namespace only under an element that declared one',
      '<a xmlns="urn:d"><b xmlns=""><c xmlns=""/></b></a>',
      '<a xmlns="urn:d"><b xmlns=""><c></c></b></a>',
    ],
    [
      'renders a redeclared prefix again, with its new name',
      '<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d xmlns:p="urn:1"/></p:a>',
      '<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c></p:c></p:b><p:d></p:d></p:a>',
    ],
    [
      'orders attributes: no namespace first by name, then by namespace name, then by name',
      '<a xmlns:p="urn:z" xmlns:q="urn:a" p:a="3" b="1" q:b="5" q:a="4" a="2"/>',
      '<a xmlns:p="urn:z" xmlns:q="urn:a" a="2" b="1" q:a="4" q:b="5" p:a="3"></a>',
    ],
    [
      'escapes text and attribute values as the spec says, drops comments, and writes CDATA as text',
      '<a x="&quot;&#9;&#10;&#13;&lt;&amp;&gt;\'">&amp;&lt;&gt;&#13;"\'<![CDATA[<b>&]]><!-- gone --></a>',
      '<a x="&quot;&#x9;&#xA;&#xD;&lt;&amp;>\'">&amp;&lt;&gt;&#xD;"\'&lt;b&gt;&amp;</a>',
    ],
    [
      'keeps xml:lang as an attribute in its namespace and never declares the xml prefix',
      '<a xml:lang="en" z="1"/>',
      '<a z="1" xml:lang="en"></a>',
    ],
  ])('%s', (_title, xml, canonical) => {
    expect(exclusiveCanonical(root(xml))).toBe(canonical);
  });

  it('brings the namespaces an inner element uses from its ancestors, and no others', () => {
    const doc = parse('<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q"><p:x q:y="1"><z/></p:x></r>');
    expect(exclusiveCanonical(first(doc, 'urn:p', 'x'))).toBe(
      '<p:x xmlns:p="urn:p" xmlns:q="urn:q" q:y="1"><z xmlns="urn:d"></z></p:x>',
    );
  });

  it('adds the InclusiveNamespaces prefixes that are in scope (#default for the default), once', () => {
    const doc = parse('<r xmlns="urn:d" xmlns:xs="urn:xs"><a><b>xs:string</b></a></r>');
    const a = first(doc, 'urn:d', 'a');
    expect(exclusiveCanonical(a)).toBe('<a xmlns="urn:d"><b>xs:string</b></a>');
    expect(exclusiveCanonical(a, null, ['xs', 'absent'])).toBe('<a xmlns="urn:d" xmlns:xs="urn:xs"><b>xs:string</b></a>');
    const bare = parse('<r xmlns:xs="urn:xs"><a/></r>');
    expect(exclusiveCanonical(bare.getElementsByTagName('a')[0] as Element, null, ['#default', 'xs'])).toBe(
      '<a xmlns:xs="urn:xs"></a>',
    );
  });

  it('leaves out the omitted subtree and nothing around it', () => {
    const doc = parse('<a>\n  <s><t/></s>\n  <b/></a>');
    const a = doc.documentElement as Element;
    expect(exclusiveCanonical(a, doc.getElementsByTagName('s')[0] as Element)).toBe('<a>\n  \n  <b></b></a>');
  });

  it('refuses a namespace name the implementations write differently (&, <, ", whitespace), where it is rendered', () => {
    // The spec escapes it as an attribute value; libxml2 and xml-crypto do not. No IdP uses one.
    for (const name of ['urn:a&amp;b', 'urn:a&lt;b', 'urn:a&quot;b', 'urn:a&#9;b', 'urn:a&#10;b', 'urn:a&#13;b']) {
      expect(() => exclusiveCanonical(root(`<p:a xmlns:p="${name}"/>`))).toThrow('c14n-namespace-name-refused');
      expect(exclusiveCanonical(root(`<a xmlns:p="${name}"/>`))).toBe('<a></a>');
    }
  });

  it('refuses a node the canonical form has no place for (a processing instruction)', () => {
    expect(() => exclusiveCanonical(root('<a><?pi data?></a>'))).toThrow(SignatureRefused);
  });
});

describe('exclusive canonicalization against xml-crypto', () => {
  // Without an InclusiveNamespaces list: xml-crypto's (6.x) renders an attribute whose local name is
  // a listed prefix as a namespace declaration (`a="v"` with PrefixList "a" → `xmlns:a="v"`), so
  // lists are checked against libxml2 instead (xmlsec-interop.test.ts) and by the known answers.
  it('writes what xml-crypto writes for 1,500 seeded random documents, at a random element', () => {
    let compared = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const random = seeded(seed);
      const { xml, ids } = randomDocument(random);
      const doc = parse(xml);
      const id = ids[Math.floor(random() * ids.length)] as string;
      const apex = elementWithId(doc, id);
      const ours = exclusiveCanonical(apex);
      const theirs = new ExclusiveCanonicalization().process(apex, {}).toString();
      if (ours !== theirs) throw new Error(`seed ${seed}, ${id}:\n${xml}\nours:   ${ours}\ntheirs: ${theirs}`);
      compared++;
    }
    expect(compared).toBe(1500);
  });
});

describe('verifying an enveloped signature', () => {
  let idp: SamlKeyPair;
  let other: SamlKeyPair;
  let keys: KeyObject[];
  const acs = 'https://studio.example.com/sso/saml';
  beforeAll(async () => {
    [idp, other] = await Promise.all([generateSamlKeyPair(), generateSamlKeyPair('someone else')]);
    keys = publicKeys(idp);
  });

  /** A signed assertion as xml-crypto signs it, parsed; `bend` changes its text first. */
  const signedAssertion = (bend: (xml: string) => string = (x) => x, key = idp, algorithms = RSA_SHA256) => {
    const doc = parse(bend(signElement(assertionXml(demoFields('alice'), acs), 'Assertion', key, algorithms)));
    const assertion = doc.documentElement as Element;
    return { doc, assertion, signature: first(assertion, DSIG_NS, 'Signature') };
  };
  const verdict = (bend: (xml: string) => string) => {
    const { assertion, signature } = signedAssertion(bend);
    return signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys));
  };

  it('verifies what xml-crypto signs: RSA-SHA256 and RSA-SHA512 with their digests', () => {
    expect(verdict((x) => x)).toBe('verified');
    const sha512 = {
      signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
      digest: 'http://www.w3.org/2001/04/xmlenc#sha512',
    };
    const { assertion, signature } = signedAssertion((x) => x, idp, sha512);
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('verified');
  });

  it('verifies with any configured key (rotation), and not with another key alone', () => {
    const { assertion, signature } = signedAssertion();
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, publicKeys(other, idp)))).toBe('verified');
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, publicKeys(other)))).toBe(
      'signature-value-mismatch',
    );
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, []))).toBe('signature-value-mismatch');
  });

  it('verifies RSA-PSS with SHA-256 (salt as long as the hash), and refuses PKCS#1 v1.5 bytes under that name', () => {
    const pss = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';
    const { assertion, signature } = signedAssertion((x) => x.replace(RSA_SHA256.signature, pss));
    const signedInfo = first(signature, DSIG_NS, 'SignedInfo');
    const value = first(signature, DSIG_NS, 'SignatureValue');
    const old = value.textContent as string;
    value.textContent = sign('sha256', Buffer.from(exclusiveCanonical(signedInfo)), {
      key: idp.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }).toString('base64');
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('verified');
    value.textContent = old;
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('signature-value-mismatch');
  });

  it.each<[string, (xml: string) => string, string]>([
    [
      'a NameID changed',
      (x) => x.replace('alice@example.com</saml:NameID>', 'bob@example.com</saml:NameID>'),
      'signature-digest-mismatch',
    ],
    [
      'an attribute added to the assertion',
      (x) => x.replace('Version="2.0"', 'Version="2.0" Extra="1"'),
      'signature-digest-mismatch',
    ],
    ['an element added', (x) => x.replace('</saml:Subject>', '</saml:Subject><saml:Advice/>'), 'signature-digest-mismatch'],
    [
      'a namespace changed',
      (x) => x.replace('xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', 'xmlns:saml="urn:evil"'),
      'signature-digest-mismatch',
    ],
    [
      'SignedInfo changed (a space added in Transforms)',
      (x) => x.replace(/<Transforms>/, '<Transforms> '),
      'signature-value-mismatch',
    ],
    ['the reference to another ID', (x) => x.replace(/URI="#[^"]+"/, 'URI="#_other"'), 'signature-reference-mismatch'],
    ['the reference to the whole document', (x) => x.replace(/URI="#[^"]+"/, 'URI=""'), 'signature-reference-mismatch'],
    ['a second Reference', (x) => x.replace(/(<Reference[\s\S]*<\/Reference>)/, '$1$1'), 'signature-references'],
    [
      'the transforms reversed',
      (x) => x.replace(/<Transforms>([\s\S]*?)(<Transform [^>]*\/>)(<Transform [^>]*\/>)/, '<Transforms>$1$3$2'),
      'signature-transforms-refused',
    ],
    [
      'the C14N transform missing',
      (x) => x.replace(/<Transform Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#"\/>/, ''),
      'signature-transforms-refused',
    ],
    [
      'C14N with comments',
      (x) => x.replace(/(<CanonicalizationMethod Algorithm="[^"]+)#"/, '$1#WithComments"'),
      'signature-c14n-refused',
    ],
    [
      'an unknown signature algorithm',
      (x) => x.replace(RSA_SHA256.signature, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'),
      'signature-algorithm-refused',
    ],
    [
      'an unknown digest algorithm',
      (x) => x.replace(RSA_SHA256.digest, 'http://www.w3.org/2000/09/xmldsig#sha1'),
      'signature-digest-refused',
    ],
    ['an Object in the signature', (x) => x.replace('</Signature>', '<Object/></Signature>'), 'signature-shape'],
    ['text in the signature', (x) => x.replace('</SignedInfo>', '</SignedInfo>text'), 'signature-shape'],
    ['junk in the digest', (x) => x.replace(/<DigestValue>/, '<DigestValue>*'), 'signature-base64-DigestValue'],
    [
      'an element in the signature value',
      (x) => x.replace(/<SignatureValue>/, '<SignatureValue><b/>'),
      'signature-shape-SignatureValue',
    ],
    [
      'parameters under the signature method',
      (x) => x.replace(/(<SignatureMethod [^>]*)\/>/, '$1><HMACOutputLength>8</HMACOutputLength></SignatureMethod>'),
      'signature-shape-SignatureMethod',
    ],
    ['the assertion without its ID', (x) => x.replace(/ ID="[^"]+"/, ''), 'signature-reference-mismatch'],
  ])('refuses %s', (_title, bend, reason) => {
    expect(verdict(bend)).toBe(reason);
  });

  it('verifies a document with a comment added: comments are no part of the canonical form, or of the text read', () => {
    expect(verdict((x) => x.replace('</saml:Subject>', '<!-- c --></saml:Subject>'))).toBe('verified');
  });

  it('refuses an InclusiveNamespaces list of more than 8 names, or of anything but names (each costs a walk at every element)', () => {
    const list = (prefixes: string) =>
      verdict((x) =>
        x.replace(
          '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
          `<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="${prefixes}"/></Transform>`,
        ),
      );
    // The SignedInfo changed, so the signature fails: the list is judged before.
    expect(list('a b c d e f g h')).toBe('signature-value-mismatch');
    expect(list('a b c d e f g h i')).toBe('signature-prefix-list-refused');
    expect(list(Array.from({ length: 5000 }, (_, i) => `p${i}`).join(' '))).toBe('signature-prefix-list-refused');
    expect(list('xs 1bad')).toBe('signature-prefix-list-refused');
    expect(list('#default xs')).toBe('signature-value-mismatch');
  });

  it('refuses a document no configured key signed before it canonicalizes the signed element', () => {
    const { assertion, signature } = signedAssertion(
      (x) => x.replace('alice@example.com</saml:NameID>', 'bob@example.com</saml:NameID>'),
      other,
    );
    // Content altered and signed by another key: the key is what fails, not the digest.
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('signature-value-mismatch');
  });

  it('refuses an ID another element carries too (as ID, Id or id), wherever it is', () => {
    for (const attribute of ['ID', 'Id', 'id']) {
      const { doc, assertion, signature } = signedAssertion();
      const twin = doc.createElementNS(ASSERTION_NS, 'saml:Advice');
      twin.setAttribute(attribute, assertion.getAttribute('ID') as string);
      first(assertion, ASSERTION_NS, 'Subject').appendChild(twin);
      expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('signature-id-not-unique');
    }
  });

  it('refuses a signature that is not a child of the element it is said to sign', () => {
    const { assertion, signature } = signedAssertion();
    const subject = first(assertion, ASSERTION_NS, 'Subject');
    expect(signatureVerdict(() => verifyEnvelopedSignature(subject, signature, keys))).toBe('signature-not-enveloped');
    const moved = signedAssertion();
    first(moved.assertion, ASSERTION_NS, 'Subject').appendChild(moved.signature);
    expect(signatureVerdict(() => verifyEnvelopedSignature(moved.assertion, moved.signature, keys))).toBe(
      'signature-not-enveloped',
    );
  });

  it('never reads KeyInfo: a signature by another key with that key in KeyInfo is refused', () => {
    const { assertion, signature } = signedAssertion((x) => x, other);
    expect(signatureVerdict(() => verifyEnvelopedSignature(assertion, signature, keys))).toBe('signature-value-mismatch');
  });
});
