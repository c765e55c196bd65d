/**
 * Seeded random XML documents for canonicalization tests: default and prefixed namespaces declared,
 * redeclared and undeclared (`xmlns=""`), attributes in and out of namespaces (`xml:lang` too), and
 * text, CDATA and comments holding every character the canonical form escapes. Each document is
 * well-formed; `ids` lists the ID of each element (`_e0`, `_e1`…), so any element can be the one signed.
 */
import { SignatureRefused } from '../../src/adapters/xml-signature';

const PREFIXES = ['', '', 'a', 'b', 'saml', 'ds', 'xs'];
/** Namespace names, as written: none with a character the canonical form would escape (those are refused). */
const URIS = ['urn:x', 'urn:y', 'urn:z:1', 'http://example.com/ns?a=1', 'urn:oasis:names:tc:SAML:2.0:assertion'];
const NAMES = ['Assertion', 'Subject', 'NameID', 'x', 'Y', 'a1', 'Z'];
const ATTRIBUTE_NAMES = ['x', 'y', 'Z', 'Name', 'a'];
/** Pieces of character data, as written in the document (so `&#13;` keeps a carriage return). */
const TEXT_PIECES = [
  'alice',
  ' ',
  '&amp;',
  '&lt;',
  '&gt;',
  '>',
  '"',
  "'",
  '&#13;',
  '&#9;',
  '\n',
  'é',
  '日本',
  '😀',
  '&#xA;',
  'xs:string',
];

export interface RandomDocument {
  readonly xml: string;
  readonly ids: readonly string[];
  /** Prefixes declared somewhere in the document (for an InclusiveNamespaces list). */
  readonly prefixes: readonly string[];
}

export function randomDocument(random: () => number, maxElements = 14): RandomDocument {
  const uris = URIS;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const ids: string[] = [];
  const declared = new Set<string>();
  const text = () =>
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(TEXT_PIECES))
      .join('')
      .replace(/]]>/g, '');
  const element = (scope: ReadonlyMap<string, string>, depth: number): string => {
    const id = `_e${ids.length}`;
    ids.push(id);
    const local = new Map(scope);
    const declarations: string[] = [];
    const prefix = pick(PREFIXES);
    // Declare the element's prefix when it is not in scope, or at times again (same or other URI).
    if ((prefix !== '' && !local.has(prefix)) || random() < 0.25) {
      const uri = prefix === '' && random() < 0.3 ? '' : pick(uris);
      if (!(prefix !== '' && uri === '')) {
        declarations.push(prefix === '' ? ` xmlns="${uri}"` : ` xmlns:${prefix}="${uri}"`);
        local.set(prefix, uri);
        if (prefix !== '') declared.add(prefix);
      }
    }
    // Now and then a declaration nobody here uses.
    if (random() < 0.3) {
      const extra = pick(PREFIXES.filter((p) => p !== '' && p !== prefix));
      const extraUri = pick(uris);
      declarations.push(` xmlns:${extra}="${extraUri}"`);
      local.set(extra, extraUri);
      declared.add(extra);
    }
    const name = prefix === '' ? pick(NAMES) : `${prefix}:${pick(NAMES)}`;
    const attributes = new Map<string, string>([['ID', id]]);
    for (let k = Math.floor(random() * 4); k > 0; k--) {
      const usable = [...local.keys()].filter((p) => p !== '');
      const roll = random();
      const attributeName =
        roll < 0.15
          ? 'xml:lang'
          : roll < 0.45 && usable.length > 0
            ? `${pick(usable)}:${pick(ATTRIBUTE_NAMES)}`
            : pick(ATTRIBUTE_NAMES);
      attributes.set(attributeName, text().replace(/"/g, '&quot;').replace(/</g, '&lt;'));
    }
    // Two prefixes bound to one URI would make `p:x` and `q:x` the same attribute: keep one of them.
    const seen = new Set<string>();
    const written: string[] = [];
    for (const [attributeName, value] of attributes) {
      const [p, l] = attributeName.includes(':') ? attributeName.split(':') : ['', attributeName];
      const key = p === '' ? `|${l}` : `${p === 'xml' ? 'xml' : local.get(p as string)}|${l}`;
      if (seen.has(key)) continue;
      seen.add(key);
      written.push(` ${attributeName}="${value}"`);
    }
    let content = '';
    if (depth < 5) {
      for (let k = Math.floor(random() * 4); k > 0 && ids.length < maxElements; k--) {
        const roll = random();
        if (roll < 0.45) content += element(local, depth + 1);
        else if (roll < 0.75) content += text();
        else if (roll < 0.87) content += `<![CDATA[${text().replace(/&/g, '&')}]]>`;
        else content += `<!--${text().replace(/-/g, '')}-->`;
      }
    }
    return `<${name}${declarations.join('')}${written.join('')}>${content}</${name}>`;
  };
  const xml = element(new Map(), 0);
  return { xml, ids, prefixes: [...declared] };
}

/** The element of `doc` whose ID is `id` (one of a {@link RandomDocument}'s `ids`). */
export function elementWithId(doc: Document, id: string): Element {
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) if (all[i]?.getAttribute('ID') === id) return all[i] as Element;
  throw new Error(`no element ${id}`);
}

/** `verified`, or the reason the verifier refused (a SignatureRefused's message); any other error is thrown. */
export function signatureVerdict(verify: () => void): string {
  try {
    verify();
  } catch (error) {
    if (error instanceof SignatureRefused) return error.message;
    throw error;
  }
  return 'verified';
}
