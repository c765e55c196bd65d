/**
 * What the SAML bundle uses in place of @xmldom/xmldom's entity tables (its lib/entities.js, swapped
 * in by src/infrastructure/bundle.ts). xmldom reads its table of some 2,000 HTML entities (36 KB of
 * the bundle) only when it parses HTML (a text/html or xhtml mime type); studio-gate parses XML
 * only, whose five predefined entities are all this module holds. Should
 * anything ever parse HTML here, any look into the HTML table throws rather than reading an entity
 * wrong: out of the parse, or, where xmldom catches it (inside a start tag), as an error to the
 * parser's error handler, on which src/adapters/saml-document-guard.ts refuses the document.
 */
const HTML_REFUSED = 'HTML parsing is not bundled by studio-gate (src/adapters/lambda/xml-entities-only.ts)';

/** The entities predefined in every XML document (XML 1.0 §4.6), as xmldom's own table has them. */
export const XML_ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  amp: '&',
  apos: "'",
  gt: '>',
  lt: '<',
  quot: '"',
});

function refuse(): never {
  throw new Error(HTML_REFUSED);
}

/** xmldom's HTML table: any look into it throws. */
export const HTML_ENTITIES: Readonly<Record<string, string>> = new Proxy(Object.freeze({}), {
  get: refuse,
  has: refuse,
  getOwnPropertyDescriptor: refuse,
  ownKeys: refuse,
});

/** xmldom's deprecated alias of the HTML table. */
export const entityMap = HTML_ENTITIES;
