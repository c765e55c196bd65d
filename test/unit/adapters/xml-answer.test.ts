/**
 * The strict XML reader of Query-protocol answers: what AWS sends is read, anything else (entity
 * declarations, CDATA, processing instructions, mismatched tags, floods, deep nesting) is refused
 * as a whole, never read in part.
 */
import fc from 'fast-check';
import {
  childText,
  MAX_DEPTH,
  MAX_ELEMENTS,
  onlyChild,
  optionalChild,
  parseXml,
  XmlAnswerError,
} from '../../../src/adapters/xml-answer';

const STS_ANSWER = `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>grace@example.com</SourceIdentity>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalr/K7MDENG+bPxRfiCY</SecretAccessKey>
      <SessionToken>a&amp;b&lt;c&#x41;&#66;</SessionToken>
      <Expiration>2026-12-02T11:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize/>
  </AssumeRoleResult>
  <!-- a comment -->
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>
`;

it('reads an AWS answer: local names, text with its entities decoded, empty elements', () => {
  const root = parseXml(STS_ANSWER);
  expect(root.name).toBe('AssumeRoleResponse');
  const credentials = onlyChild(onlyChild(root, 'AssumeRoleResult'), 'Credentials');
  expect(childText(credentials, 'AccessKeyId')).toBe('ASIAEXAMPLE');
  expect(childText(credentials, 'SessionToken')).toBe('a&b<cAB');
  expect(onlyChild(onlyChild(root, 'AssumeRoleResult'), 'PackedPolicySize')).toEqual({
    name: 'PackedPolicySize',
    children: [],
    text: '',
  });
  expect(parseXml('\ufeff<Root xmlns:a="x" a:b=\'1 > 0\'><Item>1</Item></Root>').children[0]?.name).toBe('Item');
});

it('refuses a field AWS sends once when it comes twice, and a missing one', () => {
  const root = parseXml('<R><Code>A</Code><Code>B</Code></R>');
  expect(() => optionalChild(root, 'Code')).toThrow(XmlAnswerError);
  expect(() => onlyChild(root, 'Message')).toThrow(XmlAnswerError);
});

it.each([
  ['a DOCTYPE (the billion laughs)', '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'],
  ['an external entity', '<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>'],
  ['an entity declared inside', '<r><!ENTITY x "y"></r>'],
  ['an unknown entity', '<r>&nbsp;</r>'],
  ['a bare ampersand', '<r>a & b</r>'],
  ['a reference to a forbidden character', '<r>&#0;</r>'],
  ['a reference past Unicode', '<r>&#x110000;</r>'],
  ['CDATA', '<r><![CDATA[<x/>]]></r>'],
  ['a processing instruction', '<r><?php echo 1 ?></r>'],
  ['a mismatched end tag', '<r><a></b></r>'],
  ['an unclosed element', '<r><a>'],
  ['an unclosed comment', '<r><!-- </r>'],
  ['a second root', '<r/><r/>'],
  ['text after the root', '<r/>trailing'],
  ['text before the root', 'leading<r/>'],
  ['no root', '   '],
  ['a broken attribute', '<r a=1/>'],
  ['an attribute value with <', '<r a="<"/>'],
  ['an unclosed start tag', '<r'],
  ['a prefixed element (never read as its local name)', '<r><evil:AccessKeyId>ASIA</evil:AccessKeyId></r>'],
  ['a prefixed root', '<x:r xmlns:x="u"/>'],
  ['an empty prefixed name', '<x:/>'],
  ['a stylesheet instruction posing as the declaration', '<?xml-stylesheet href="x"?><r/>'],
  ['a declaration that is not UTF-8', '<?xml version="1.0" encoding="UTF-16"?><r/>'],
  ['a DOCTYPE inside the declaration', '<?xml version="1.0" <!DOCTYPE r [<!ENTITY e "x">]> ?><r>&e;</r>'],
  [']]> in text', '<r>a]]>b</r>'],
  ['-- inside a comment', '<r><!-- a -- b --></r>'],
  ['attributes with no space between', '<r a="1"b="2"/>'],
  ['an attribute twice', '<r a="1" a="2"/>'],
  ['an unknown entity in an attribute', '<r a="&bogus;"/>'],
  ['a bare & in an attribute', '<r a="x & y"/>'],
  ['a raw NUL', '<r>a\u0000b</r>'],
  ['a raw control character', '<r>a\u0007b</r>'],
  ['a lone surrogate', '<r>a\ud800b</r>'],
  ['HTML from a proxy', '<html><body><h1>502 Bad Gateway</h1><hr></body></html>'],
  ['JSON', '{"Credentials":{}}'],
])('refuses %s', (_what, xml) => {
  expect(() => parseXml(xml)).toThrow(XmlAnswerError);
});

it(`refuses nesting deeper than ${MAX_DEPTH} and more than ${MAX_ELEMENTS} elements`, () => {
  expect(() => parseXml(`${'<a>'.repeat(MAX_DEPTH)}${'</a>'.repeat(MAX_DEPTH)}`)).not.toThrow();
  expect(() => parseXml(`${'<a>'.repeat(MAX_DEPTH + 1)}${'</a>'.repeat(MAX_DEPTH + 1)}`)).toThrow(/nested too deep/);
  // Deep enough to overflow a naive recursive reader's stack: refused, not a RangeError.
  expect(() => parseXml('<a>'.repeat(100_000))).toThrow(XmlAnswerError);
  expect(() => parseXml(`<r>${'<i/>'.repeat(MAX_ELEMENTS)}</r>`)).toThrow(/too many elements/);
});

it('throws nothing but XmlAnswerError, whatever it is given', () => {
  const alphabet = fc.constantFrom('<', '>', '/', '?', '!', '&', ';', '#', 'x', '"', "'", '=', ' ', 'a', 'b', '-', '[', ']', ':');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
      try {
        parseXml(chars.join(''));
      } catch (error) {
        expect(error).toBeInstanceOf(XmlAnswerError);
      }
    }),
    { numRuns: 3000 },
  );
});

it('reads back any tree it is given as XML, text escaped', () => {
  type Tree = { name: string; text: string; children: Tree[] };
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,5}$/);
  const text = fc.string({ maxLength: 8 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
  const leaf: fc.Arbitrary<Tree> = fc.record({ name, text, children: fc.constant([]) });
  const level = (below: fc.Arbitrary<Tree>): fc.Arbitrary<Tree> =>
    fc.record({ name, text, children: fc.array(below, { maxLength: 3 }) });
  const tree = level(level(level(leaf)));
  const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const write = (t: Tree): string => `<${t.name}>${escaped(t.text)}${t.children.map(write).join('')}</${t.name}>`;
  const read = (t: { name: string; text: string; children: readonly unknown[] }): Tree => ({
    name: t.name,
    text: t.text,
    children: t.children.map((c) => read(c as Tree)),
  });
  fc.assert(
    fc.property(tree, (t) => {
      expect(read(parseXml(write(t)))).toEqual(t);
    }),
    { numRuns: 300 },
  );
});
