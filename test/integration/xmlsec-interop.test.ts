/**
 * Our XML Signature verifier (src/adapters/xml-signature.ts) against xmlsec1, Debian's C
 * implementation of XML-DSig on libxml2's exclusive canonicalization, written apart from ours and
 * from xml-crypto: xmlsec1 signs seeded random documents (namespaces declared, redeclared and
 * undeclared, every character the canonical form escapes, CDATA, comments,
 * InclusiveNamespaces lists on the reference and on SignedInfo) at a random element, the way an
 * IdP signs an assertion, and our verifier must accept every one; the same document with one
 * attribute added to the signed element must be refused. So our canonical form is libxml2's, byte
 * for byte, on shapes well beyond what IdPs send.
 *
 * `.ci/run` installs xmlsec1 when it is missing; without it this test fails, never skips.
 */
import { spawnSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { generateSamlKeyPair, publicKeys, RSA_SHA256 } from '../../scripts/local/saml-idp';
import { seeded } from '../../scripts/local/seeded';
import { parseStrictXml } from '../../src/adapters/saml-document-guard';
import { DSIG_NS, ENVELOPED_SIGNATURE, EXC_C14N, verifyEnvelopedSignature } from '../../src/adapters/xml-signature';
import { elementWithId, randomDocument, signatureVerdict } from '../support/xml-trees';

const DOCUMENTS = 80;
let dir: string;
let keyFiles: string;
let keys: KeyObject[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xmlsec-interop-'));
  const pair = await generateSamlKeyPair('xmlsec interop');
  writeFileSync(join(dir, 'key.pem'), pair.privateKey);
  writeFileSync(join(dir, 'cert.pem'), pair.certificate);
  keyFiles = `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`;
  keys = publicKeys(pair);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;

/** An exclusive C14N element (`CanonicalizationMethod` or `Transform`), with an InclusiveNamespaces list when `prefixes` has names. */
function exclusiveC14n(tag: string, prefixes: readonly string[]): string {
  if (prefixes.length === 0) return `<ds:${tag} Algorithm="${EXC_C14N}"/>`;
  const list = `<ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="${prefixes.join(' ')}"/>`;
  return `<ds:${tag} Algorithm="${EXC_C14N}">${list}</ds:${tag}>`;
}

/** The signature template xmlsec1 fills in: RSA-SHA256, SHA-256, enveloped then exclusive C14N. */
function template(id: string, referencePrefixes: readonly string[], signedInfoPrefixes: readonly string[]): string {
  return (
    `<ds:Signature xmlns:ds="${DSIG_NS}"><ds:SignedInfo>${exclusiveC14n('CanonicalizationMethod', signedInfoPrefixes)}` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256.signature}"/>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"/>${exclusiveC14n('Transform', referencePrefixes)}</ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${RSA_SHA256.digest}"/><ds:DigestValue></ds:DigestValue></ds:Reference>` +
    '</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>'
  );
}

/** xmlsec1's signature of element `id` in `xml` (the template first inside it). */
function signWithXmlsec(
  xml: string,
  id: string,
  referencePrefixes: readonly string[],
  signedInfoPrefixes: readonly string[],
): string {
  const doc = parse(xml);
  const element = elementWithId(doc, id);
  const signature = doc.importNode(parse(template(id, referencePrefixes, signedInfoPrefixes)).documentElement as Element, true);
  element.insertBefore(signature, element.firstChild);
  const input = join(dir, 'in.xml');
  const output = join(dir, 'out.xml');
  // xmlsec1 finds the element by an ID its DTD declares (its --id-attr cannot name every namespace);
  // the DTD goes again before we read the answer, as no IdP sends one.
  const names = new Set<string>();
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) names.add((all[i] as Element).nodeName);
  const dtd = `<!DOCTYPE ${(doc.documentElement as Element).nodeName} [${[...names].map((n) => `<!ATTLIST ${n} ID ID #IMPLIED>`).join('')}]>`;
  writeFileSync(input, `${dtd}${new XMLSerializer().serializeToString(doc as never)}`);
  const run = spawnSync('xmlsec1', ['--sign', '--privkey-pem', keyFiles, '--output', output, input], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (run.error) throw new Error(`xmlsec1 did not run (apt-get install -y xmlsec1; .ci/run does): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`xmlsec1 failed on:\n${xml}\n${run.stderr}`);
  const signed = readFileSync(output, 'utf8');
  const withoutDtd = signed.replace(/<!DOCTYPE[^[]*\[[^\]]*\]>\s*/, '');
  if (withoutDtd === signed) throw new Error(`xmlsec1's answer kept no DTD to take out:\n${signed}`);
  return withoutDtd;
}

/** Our verdict on element `id` of `xml`, parsed as the SAML function parses (saml-document-guard.ts). */
function verdict(xml: string, id: string, bend?: (element: Element) => void): string {
  const doc = parseStrictXml(xml);
  const element = elementWithId(doc, id);
  bend?.(element);
  const signature = element.getElementsByTagNameNS(DSIG_NS, 'Signature')[0] as Element;
  return signatureVerdict(() => verifyEnvelopedSignature(element, signature, keys));
}

it(`verifies what xmlsec1 signs, on ${DOCUMENTS} seeded random documents, and refuses each once altered`, () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= DOCUMENTS; seed++) {
    const random = seeded(10_000 + seed);
    const { xml, ids, prefixes } = randomDocument(random);
    const id = ids[Math.floor(random() * ids.length)] as string;
    const listed = (roll: number) => (random() < roll ? [...prefixes.slice(0, 2), ...(random() < 0.5 ? ['#default'] : [])] : []);
    const referencePrefixes = listed(0.4);
    const signedInfoPrefixes = listed(0.2);
    const signed = signWithXmlsec(xml, id, referencePrefixes, signedInfoPrefixes);
    const ours = verdict(signed, id);
    if (ours !== 'verified')
      failures.push(`seed ${10_000 + seed} (${id}, [${referencePrefixes}], [${signedInfoPrefixes}]): ${ours}\n${signed}`);
    expect(verdict(signed, id, (element) => element.setAttribute('added', '1'))).toBe('signature-digest-mismatch');
  }
  expect(failures).toEqual([]);
});

it('verifies a document whose signer wrote U+2028, U+0085 and CR LF line ends raw (XML 1.0 line ends only)', () => {
  const xml =
    '<r:Root xmlns:r="urn:r" ID="_e0" name="a&#x2028;b&#x85;c"><r:Name>line&#x2028;separator&#x85;next line</r:Name>\n<r:Other/></r:Root>';
  const signed = signWithXmlsec(xml, '_e0', [], []);
  expect(signed).toContain('&#x2028;');
  // The same document as a signer that writes UTF-8 sends it: the characters raw, CR LF between lines.
  const raw = signed.replaceAll('&#x2028;', '\u2028').replaceAll('&#x85;', '\u0085').replaceAll('\n', '\r\n');
  expect(raw).toContain('\u2028');
  expect(verdict(signed, '_e0')).toBe('verified');
  expect(verdict(raw, '_e0')).toBe('verified');
  // A lone CR is a line end too (XML 1.0): read as LF, as libxml2 reads it.
  expect(verdict(signed.replaceAll('\n', '\r'), '_e0')).toBe('verified');
});
