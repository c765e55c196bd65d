/**
 * The XML of an AWS Query-protocol answer (STS, EC2), read strictly: elements, attributes, text and
 * the five predefined entities or character references, nothing else. A DOCTYPE, an entity
 * declaration, CDATA, a processing instruction past the prolog, an unknown entity, a mismatched or
 * unclosed tag, an element name with a namespace prefix (AWS answers use a default namespace only,
 * so `<evil:AccessKeyId>` is never read as `AccessKeyId`), a character XML forbids, `--` in a comment,
 * `]]>` in text, nesting deeper than {@link MAX_DEPTH} or more than {@link MAX_ELEMENTS} elements:
 * each is a malformed answer ({@link XmlAnswerError}), never a partial tree. The caller caps the
 * answer's size before it gets here. Attributes are checked (syntax, one of each name, their
 * references) and dropped: no AWS answer studio-gate reads carries data in one.
 */

/** An element: its local name, its children in order, and its text (entities decoded). */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

/** The answer is not XML this reader takes; the reason is ours, never upstream text. */
export class XmlAnswerError extends Error {
  override readonly name = 'XmlAnswerError';
}

/** Deeper than any AWS answer studio-gate reads (an EC2 security group's rules are six levels). */
export const MAX_DEPTH = 32;
/** More elements than a capped answer of ours holds; a flood of empty tags stops here. */
export const MAX_ELEMENTS = 50_000;

const NAME = /[A-Za-z_][\w.-]*/y;
const SPACE = /[ \t\r\n]*/y;
const ATTRIBUTE = /[ \t\r\n]+([A-Za-z_][\w.:-]*)[ \t\r\n]*=[ \t\r\n]*("[^"<]*"|'[^'<]*')/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Whether `text` holds a character XML 1.0 forbids: a C0 control but tab, LF and CR; U+FFFE, U+FFFF; a surrogate without its pair. */
function hasForbiddenCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** `text` with its entity and character references decoded; any other `&` is malformed. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]{0,10});|&/g, (_whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlAnswerError('a bare ampersand');
    const named = ENTITIES[ref];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (numeric === null) throw new XmlAnswerError('an unknown entity');
    const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    const allowed =
      code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff);
    if (!allowed || (code >= 0xfffe && code <= 0xffff)) throw new XmlAnswerError('a character reference XML forbids');
    return String.fromCodePoint(code);
  });
}

/** Reads `xml` into its root element. @throws XmlAnswerError for anything but the plain XML above. */
export function parseXml(xml: string): XmlElement {
  if (hasForbiddenCharacter(xml)) throw new XmlAnswerError('a character XML forbids');
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let elements = 0;

  const skipSpace = () => {
    SPACE.lastIndex = at;
    SPACE.exec(xml);
    at = SPACE.lastIndex;
  };
  const expect = (token: string, what: string) => {
    if (!xml.startsWith(token, at)) throw new XmlAnswerError(`expected ${what}`);
    at += token.length;
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(xml);
    if (match === null) throw new XmlAnswerError('expected a name');
    at = NAME.lastIndex;
    return match[0];
  };
  /** A comment at `at`: `--` may appear only as its end. */
  const comment = () => {
    const end = xml.indexOf('--', at + 4);
    if (end < 0 || !xml.startsWith('-->', end)) throw new XmlAnswerError('an unclosed or malformed comment');
    at = end + 3;
  };
  /** Comments and whitespace between elements (the prolog, the epilog). */
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (!xml.startsWith('<!--', at)) return;
      comment();
    }
  };

  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) throw new XmlAnswerError('nested too deep');
    if (++elements > MAX_ELEMENTS) throw new XmlAnswerError('too many elements');
    expect('<', 'an element');
    const local = name();
    const seen = new Set<string>();
    for (;;) {
      ATTRIBUTE.lastIndex = at;
      const attribute = ATTRIBUTE.exec(xml);
      if (attribute === null) break;
      const [, attributeName = '', quoted = ''] = attribute;
      if (seen.has(attributeName)) throw new XmlAnswerError('an attribute twice');
      seen.add(attributeName);
      decode(quoted.slice(1, -1));
      at = ATTRIBUTE.lastIndex;
    }
    skipSpace();
    if (xml.startsWith('/>', at)) {
      at += 2;
      return { name: local, children: [], text: '' };
    }
    expect('>', 'the end of a start tag');
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = xml.indexOf('<', at);
      if (next < 0) throw new XmlAnswerError('an unclosed element');
      const raw = xml.slice(at, next);
      if (raw.includes(']]>')) throw new XmlAnswerError('a CDATA end in text');
      text += decode(raw);
      at = next;
      if (xml.startsWith('</', at)) {
        at += 2;
        if (name() !== local) throw new XmlAnswerError('a mismatched end tag');
        skipSpace();
        expect('>', 'the end of an end tag');
        return { name: local, children, text };
      }
      if (xml.startsWith('<!--', at)) {
        comment();
        continue;
      }
      // CDATA, DOCTYPE, entity declarations and processing instructions are not in any answer we read.
      if (xml.startsWith('<!', at) || xml.startsWith('<?', at)) throw new XmlAnswerError('markup this reader refuses');
      children.push(element(depth + 1));
    }
  };

  // The XML declaration, and nothing else of its form: version, UTF-8 (or none), standalone.
  const declaration =
    /^<\?xml(?:[ \t\r\n]+(?:version="1\.[01]"|encoding="(?:UTF|utf)-8"|standalone="(?:yes|no)"))+[ \t\r\n]*\?>/.exec(
      xml.slice(at, at + 200),
    );
  if (declaration !== null) at += declaration[0].length;
  skipMisc();
  if (xml.startsWith('<!', at) || xml.startsWith('<?', at)) throw new XmlAnswerError('markup this reader refuses');
  const root = element(1);
  skipMisc();
  if (at !== xml.length) throw new XmlAnswerError('content after the root element');
  return root;
}

/** The children of `parent` named `name`. */
function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

/** The child named `name`, or undefined; two of them is malformed (a field AWS sends once). */
export function optionalChild(parent: XmlElement, name: string): XmlElement | undefined {
  const found = childrenNamed(parent, name);
  if (found.length > 1) throw new XmlAnswerError(`${name} twice`);
  return found[0];
}

/** The one child named `name`. @throws XmlAnswerError when it is missing or repeated. */
export function onlyChild(parent: XmlElement, name: string): XmlElement {
  const found = optionalChild(parent, name);
  if (found === undefined) throw new XmlAnswerError(`no ${name}`);
  return found;
}

/** The text of the child named `name`, or undefined when it is absent. */
export function childText(parent: XmlElement, name: string): string | undefined {
  return optionalChild(parent, name)?.text;
}
