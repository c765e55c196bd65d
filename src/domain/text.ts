/**
 * Text rules shared by the domain: identity keys, email addresses and presigned URLs are all
 * printable ASCII only (no spaces, no control characters, nothing that case-folds into ASCII).
 */

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** True for non-empty text made of printable ASCII only. */
export function isPrintableAscii(value: string): boolean {
  return PRINTABLE_ASCII.test(value);
}

/** `text` safe inside HTML (and XML) text and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
