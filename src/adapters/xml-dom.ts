/** What the SAML code reads of xmldom's tree: node types, and an element's element children. */

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_NODE = 4;
export const COMMENT_NODE = 8;

/** The element children of `parent`, or only those named `localName` in namespace `ns`. */
export function childElements(parent: Element, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as Element;
    if (ns === undefined || (element.namespaceURI === ns && element.localName === localName)) out.push(element);
  }
  return out;
}
