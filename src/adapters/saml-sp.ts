/**
 * The SAML 2.0 service provider, on the tree the strict parse built (saml-document-guard.ts):
 * - the signatures: the response's and/or the assertion's, as configured, each an enveloped
 *   signature by one of the configured IdP certificates (xml-signature.ts); a signature present
 *   but not valid refuses the document even where none is required;
 * - the shape: a Response holding exactly one Assertion, as its child, and no other assertion,
 *   encrypted or not, anywhere in the document; so the assertion read is the one whose signature (or
 *   whose response's signature) was checked, on the same nodes;
 * - then what the assertion says: the issuer, the response's Status (Success), Destination and
 *   InResponseTo, the audience, the bearer SubjectConfirmationData's Recipient (the ACS) and
 *   NotOnOrAfter, the Conditions' window with the configured skew and a lifetime cap, a NameID of
 *   plain text, attributes named once.
 * InResponseTo is the use case's business (bound to the sealed cookie). The AuthnRequest of an
 * SP-initiated login (HTTP-Redirect binding, unsigned) and the SP metadata are written here too.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { UnauthenticatedError } from '../domain/errors';
import { escapeHtml } from '../domain/text';
import type { Clock } from '../use-cases/ports';
import type { SamlPort, VerifiedAssertion } from '../use-cases/sso-ports';
import { guardSamlResponse } from './saml-document-guard';
import type { SecretRef } from './ssm-secrets';
import { CDATA_NODE, COMMENT_NODE, childElements, TEXT_NODE } from './xml-dom';
import { DSIG_NS, SignatureRefused, verifyEnvelopedSignature } from './xml-signature';

type XmlElement = Element;

/** The service provider's settings (SAML_* variables). */
export interface SamlSettings {
  /** PEM certificates the IdP may sign with (several during a rotation): the PEM text, or an SSM parameter holding it. */
  readonly idpCerts: SecretRef;
  readonly idpEntityId: string;
  readonly spEntityId: string;
  /** The ACS: must end in /sso/saml. */
  readonly acsUrl: string;
  /** The attribute naming the person; undefined: the NameID. */
  readonly profileAttribute?: string;
  readonly groupsAttribute: string;
  readonly wantResponseSigned: boolean;
  readonly wantAssertionsSigned: boolean;
  readonly clockSkewSeconds: number;
  readonly allowIdpInitiated: boolean;
  /** The IdP's SSO URL (HTTP-Redirect binding), for SP-initiated login; undefined: only IdP-initiated. */
  readonly idpSsoUrl?: string;
}

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const PROTOCOL_VERSION = '2.0';
const HTTP_POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
/** The conditions understood (SAML core §2.5.1); any other refuses the assertion. */
const KNOWN_CONDITIONS: ReadonlySet<string> = new Set(['AudienceRestriction', 'OneTimeUse', 'ProxyRestriction']);

/** Assertions valid for longer than this are refused: their replay records would be kept as long. */
const MAX_ASSERTION_LIFETIME_MS = 60 * 60 * 1000;

function only(parent: XmlElement, ns: string, name: string, reason: string): XmlElement {
  const found = childElements(parent, ns, name);
  if (found.length !== 1) throw new UnauthenticatedError(reason);
  return found[0] as XmlElement;
}

function timeOf(text: string | null, reason: string): number {
  const ms = text === null || text === '' ? Number.NaN : Date.parse(text);
  if (!Number.isFinite(ms)) throw new UnauthenticatedError(reason);
  return ms;
}

export class SamlServiceProvider implements SamlPort {
  /** @param keys the IdP certificates' public keys, read once from `settings.idpCerts` (config/sso.ts `parsePemCertificates`). */
  constructor(
    private readonly settings: SamlSettings,
    private readonly keys: readonly KeyObject[],
    private readonly clock: Clock = Date.now,
  ) {}

  async verify(samlResponse: string): Promise<VerifiedAssertion> {
    // Bounded, strictly parsed and of allowed algorithms before anything reads it (saml-document-guard.ts).
    const doc = guardSamlResponse(samlResponse);
    const response = doc.documentElement as unknown as XmlElement;
    if (response.namespaceURI !== PROTOCOL_NS || response.localName !== 'Response')
      throw new UnauthenticatedError('saml-malformed');
    if (response.getAttribute('Version') !== PROTOCOL_VERSION) throw new UnauthenticatedError('saml-malformed');
    // The IdP's refusal (no assertion, or one beside a failed Status) says only that.
    const status = only(response, PROTOCOL_NS, 'Status', 'saml-idp-status-error');
    if (only(status, PROTOCOL_NS, 'StatusCode', 'saml-idp-status-error').getAttribute('Value') !== SUCCESS) {
      throw new UnauthenticatedError('saml-idp-status-error');
    }
    if (doc.getElementsByTagNameNS(ASSERTION_NS, 'EncryptedAssertion').length > 0)
      throw new UnauthenticatedError('saml-assertion-encrypted');
    const everywhere = doc.getElementsByTagNameNS(ASSERTION_NS, 'Assertion').length;
    if (everywhere === 0) throw new UnauthenticatedError('saml-assertion-missing');
    const assertions = childElements(response, ASSERTION_NS, 'Assertion');
    if (everywhere > 1 || assertions.length !== 1) throw new UnauthenticatedError('saml-multiple-assertions');
    const assertion = assertions[0] as XmlElement;

    const responseSigned = this.signedBy(response, 'saml-response-signature-invalid');
    const assertionSigned = this.signedBy(assertion, 'saml-signature-invalid');
    if (this.settings.wantResponseSigned && !responseSigned) throw new UnauthenticatedError('saml-response-signature-invalid');
    if (this.settings.wantAssertionsSigned && !assertionSigned) throw new UnauthenticatedError('saml-signature-invalid');
    if (!responseSigned && !assertionSigned) throw new UnauthenticatedError('saml-signature-invalid');
    return this.checkVerified(assertion, response);
  }

  /**
   * Whether `element` carries a valid enveloped signature: false when it carries none.
   * @throws UnauthenticatedError `reason` when it carries more than one, or one that does not verify.
   */
  private signedBy(element: XmlElement, reason: string): boolean {
    const signatures = childElements(element, DSIG_NS, 'Signature');
    if (signatures.length === 0) return false;
    if (signatures.length > 1) throw new UnauthenticatedError(reason);
    try {
      verifyEnvelopedSignature(element, signatures[0] as XmlElement, this.keys);
    } catch (error) {
      if (error instanceof SignatureRefused) throw new UnauthenticatedError(reason, undefined, error.message);
      throw error;
    }
    return true;
  }

  /** What the verified assertion (and the response around it) says. */
  private checkVerified(assertion: XmlElement, response: XmlElement): VerifiedAssertion {
    const s = this.settings;
    if (assertion.getAttribute('Version') !== PROTOCOL_VERSION) throw new UnauthenticatedError('saml-malformed');
    const assertionId = assertion.getAttribute('ID') ?? '';
    if (!/^[A-Za-z_][\w.-]{0,255}$/.test(assertionId)) throw new UnauthenticatedError('saml-assertion-id-invalid');
    if (only(assertion, ASSERTION_NS, 'Issuer', 'saml-issuer-mismatch').textContent?.trim() !== s.idpEntityId) {
      throw new UnauthenticatedError('saml-issuer-mismatch');
    }
    const responseIssuer = childElements(response, ASSERTION_NS, 'Issuer')[0];
    if (responseIssuer !== undefined && responseIssuer.textContent?.trim() !== s.idpEntityId) {
      throw new UnauthenticatedError('saml-issuer-mismatch');
    }
    const destination = response.getAttribute('Destination');
    if (destination !== null && destination !== '' && destination !== s.acsUrl)
      throw new UnauthenticatedError('saml-destination-mismatch');

    const subject = only(assertion, ASSERTION_NS, 'Subject', 'saml-subject-missing');
    const nameIdElement = only(subject, ASSERTION_NS, 'NameID', 'saml-name-id-missing');
    const nameId = (nameIdElement.textContent ?? '').trim();
    // An element inside NameID would make readers disagree: refuse anything but text (a comment is
    // no part of the value, here as in the canonical form the signature covers; the classic trick
    // is a reader that stops at it).
    for (let node = nameIdElement.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType !== TEXT_NODE && node.nodeType !== CDATA_NODE && node.nodeType !== COMMENT_NODE)
        throw new UnauthenticatedError('saml-name-id-malformed');
    }

    const now = this.clock();
    const skew = s.clockSkewSeconds * 1000;
    // The assertion's time: issued (required) no later than now, valid for an hour at most from its
    // issue (as IdPs issue them; a longer-lived one would be a replayable capture for longer), its
    // Conditions' window, and one bearer confirmation that holds.
    const issuedMs = timeOf(assertion.getAttribute('IssueInstant'), 'saml-malformed');
    if (issuedMs - skew > now) throw new UnauthenticatedError('saml-not-yet-valid');
    const conditions = only(assertion, ASSERTION_NS, 'Conditions', 'saml-conditions-missing');
    const conditionsUntil = timeOf(conditions.getAttribute('NotOnOrAfter'), 'saml-conditions-missing');
    // (xmldom answers '' for an attribute that is not there: ask whether it is.)
    if (conditions.hasAttribute('NotBefore') && timeOf(conditions.getAttribute('NotBefore'), 'saml-not-yet-valid') - skew > now)
      throw new UnauthenticatedError('saml-not-yet-valid');
    // SAML core §2.5.1: a condition not understood makes the assertion invalid. OneTimeUse holds
    // (each assertion is recorded as used); ProxyRestriction binds only who reissues it, and we do not.
    for (const condition of childElements(conditions)) {
      if (condition.namespaceURI !== ASSERTION_NS || !KNOWN_CONDITIONS.has(condition.localName))
        throw new UnauthenticatedError('saml-condition-unknown');
    }
    // The Web Browser SSO profile: a bearer assertion names its audience; every restriction names us.
    const restrictions = childElements(conditions, ASSERTION_NS, 'AudienceRestriction');
    const namesUs = (r: XmlElement) =>
      childElements(r, ASSERTION_NS, 'Audience').some((a) => a.textContent?.trim() === s.spEntityId);
    if (restrictions.length === 0 || !restrictions.every(namesUs)) throw new UnauthenticatedError('saml-audience-mismatch');

    // Any one bearer confirmation that holds (the profile's rule); the first one's failure otherwise.
    const bearers = childElements(subject, ASSERTION_NS, 'SubjectConfirmation').filter(
      (c) => c.getAttribute('Method') === BEARER,
    );
    let confirmed: { until: number; inResponseTo: string | undefined } | undefined;
    let firstFailure: UnauthenticatedError | undefined;
    for (const bearer of bearers) {
      try {
        confirmed = this.confirmation(bearer, now, skew);
        break;
      } catch (error) {
        firstFailure ??= error as UnauthenticatedError;
      }
    }
    if (confirmed === undefined) throw firstFailure ?? new UnauthenticatedError('saml-subject-confirmation-invalid');

    const notOnOrAfterMs = Math.min(confirmed.until, conditionsUntil);
    if (notOnOrAfterMs + skew <= now) throw new UnauthenticatedError('saml-expired');
    if (notOnOrAfterMs - issuedMs > MAX_ASSERTION_LIFETIME_MS || notOnOrAfterMs - now > MAX_ASSERTION_LIFETIME_MS)
      throw new UnauthenticatedError('saml-lifetime-too-long');

    const inResponseTo = confirmed.inResponseTo;
    const responseInResponseTo = response.getAttribute('InResponseTo') || undefined;
    if (responseInResponseTo !== inResponseTo) throw new UnauthenticatedError('saml-in-response-to-invalid');

    const attributes: Record<string, string[]> = Object.create(null);
    for (const statement of childElements(assertion, ASSERTION_NS, 'AttributeStatement')) {
      for (const attribute of childElements(statement, ASSERTION_NS, 'Attribute')) {
        const name = attribute.getAttribute('Name') ?? '';
        if (name === '' || Object.hasOwn(attributes, name)) throw new UnauthenticatedError('saml-attribute-repeated');
        attributes[name] = childElements(attribute, ASSERTION_NS, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
      }
    }
    return {
      assertionId,
      notOnOrAfterMs: notOnOrAfterMs + skew,
      ...(inResponseTo !== undefined && { inResponseTo }),
      nameId,
      attributes,
    };
  }

  /**
   * One bearer SubjectConfirmation's data: for this ACS, with its NotOnOrAfter, and a NotBefore (the
   * profile says a bearer's has none) not in the future.
   * @throws UnauthenticatedError why it does not hold.
   */
  private confirmation(bearer: XmlElement, now: number, skew: number): { until: number; inResponseTo: string | undefined } {
    const data = only(bearer, ASSERTION_NS, 'SubjectConfirmationData', 'saml-subject-confirmation-invalid');
    if (data.getAttribute('Recipient') !== this.settings.acsUrl) throw new UnauthenticatedError('saml-recipient-mismatch');
    const until = timeOf(data.getAttribute('NotOnOrAfter'), 'saml-subject-confirmation-invalid');
    if (
      data.hasAttribute('NotBefore') &&
      timeOf(data.getAttribute('NotBefore'), 'saml-subject-confirmation-invalid') - skew > now
    )
      throw new UnauthenticatedError('saml-not-yet-valid');
    return { until, inResponseTo: data.getAttribute('InResponseTo') || undefined };
  }

  async loginUrl(relayState: string): Promise<{ url: string; requestId: string }> {
    const s = this.settings;
    if (s.idpSsoUrl === undefined) throw new Error('SP-initiated login needs SAML_IDP_SSO_URL');
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const request =
      `<samlp:AuthnRequest xmlns:samlp="${PROTOCOL_NS}" ID="${requestId}" Version="${PROTOCOL_VERSION}"` +
      ` IssueInstant="${new Date(this.clock()).toISOString()}" ProtocolBinding="${HTTP_POST_BINDING}"` +
      ` AssertionConsumerServiceURL="${escapeHtml(s.acsUrl)}" Destination="${escapeHtml(s.idpSsoUrl)}">` +
      `<saml:Issuer xmlns:saml="${ASSERTION_NS}">${escapeHtml(s.spEntityId)}</saml:Issuer></samlp:AuthnRequest>`;
    const url = new URL(s.idpSsoUrl);
    url.searchParams.append('SAMLRequest', deflateRawSync(request).toString('base64'));
    if (relayState !== '') url.searchParams.append('RelayState', relayState);
    return { url: url.toString(), requestId };
  }

  metadata(): string {
    const s = this.settings;
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<EntityDescriptor xmlns="${METADATA_NS}" entityID="${escapeHtml(s.spEntityId)}">` +
      `<SPSSODescriptor protocolSupportEnumeration="${PROTOCOL_NS}" AuthnRequestsSigned="false" WantAssertionsSigned="${s.wantAssertionsSigned}">` +
      `<AssertionConsumerService index="1" isDefault="true" Binding="${HTTP_POST_BINDING}" Location="${escapeHtml(s.acsUrl)}"/>` +
      '</SPSSODescriptor></EntityDescriptor>\n'
    );
  }
}
