/**
 * Email addresses as identity keys. A key taken from an email must be exactly one well-formed
 * address; its canonical form is lower-cased (the domain is case-insensitive, and every IdP we know
 * treats the local part so too). Quoted local parts, comments, IP-literal domains and anything
 * outside ASCII are refused: they are where look-alikes and parser disagreements live.
 */
import { isPrintableAscii } from './text';

/** A parsed, canonical email address. */
export interface EmailAddress {
  /** Lower-cased `local@domain`. */
  readonly address: string;
  readonly local: string;
  readonly domain: string;
}

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** @returns the canonical address, or undefined when `text` is not exactly one well-formed address. */
export function parseEmail(text: string): EmailAddress | undefined {
  if (text.length > 254 || !isPrintableAscii(text)) return undefined;
  const lower = text.toLowerCase();
  const at = lower.indexOf('@');
  if (at <= 0 || at !== lower.lastIndexOf('@')) return undefined;
  const local = lower.slice(0, at);
  const domain = lower.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return undefined;
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return undefined;
  return { address: `${local}@${domain}`, local, domain };
}

/** A domain as ALLOWED_EMAIL_DOMAINS lists it: lower-cased, exact, no wildcard. Undefined if malformed. */
export function parseEmailDomain(text: string): string | undefined {
  return parseEmail(`x@${text}`)?.domain;
}
