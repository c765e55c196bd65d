/**
 * The SAML bundle's stand-in for xmldom's entity tables (src/adapters/lambda/xml-entities-only.ts):
 * XML's entities exactly as xmldom has them, and the HTML table refusing every look.
 */
import { entityMap, HTML_ENTITIES, XML_ENTITIES } from '../../../src/adapters/lambda/xml-entities-only';

// xmldom's own module, the one the bundle leaves out.
const original = require('@xmldom/xmldom/lib/entities') as { XML_ENTITIES: Record<string, string> };

it('holds the XML entities xmldom holds, frozen', () => {
  expect({ ...XML_ENTITIES }).toEqual({ ...original.XML_ENTITIES });
  expect(Object.isFrozen(XML_ENTITIES)).toBe(true);
});

it('refuses every look into the HTML table, the way xmldom looks', () => {
  const refused = /HTML parsing is not bundled by studio-gate/;
  expect(() => HTML_ENTITIES.nbsp).toThrow(refused);
  expect(() => Object.hasOwn(HTML_ENTITIES, 'amp')).toThrow(refused);
  expect(() => 'amp' in HTML_ENTITIES).toThrow(refused);
  expect(() => Object.keys(entityMap)).toThrow(refused);
});
