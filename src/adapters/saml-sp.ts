/**
 * The SAML 2.0 service provider: @node-saml/node-saml verifies the POST binding response (the XML
 * signatures against the configured IdP certificates, response and/or assertion signed as
 * configured, one assertion only, NotBefore/NotOnOrAfter with the configured skew, the audience).
 * This file then reads the *verified* assertion again, with @xmldom/xmldom, and checks what
 * node-saml leaves to its caller: the issuer, the bearer SubjectConfirmationData's Recipient (the
 * ACS) and NotOnOrAfter, the response's Destination and its Status (Success, which node-saml reads
 * only when no assertion is present), and that NameID is plain text and reads the
 * same both ways. (A comment inside NameID is the classic way to make two parsers disagree; the
 * verified XML is canonical, comments removed, so it reads as the whole value signed.) InResponseTo is the use
 * case's business (bound to the sealed cookie), so node-saml's own cache is off.
 */
import { randomBytes } from 'node:crypto';
import { SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import { UnauthenticatedError } from '../domain/errors';
import type { Clock } from '../use-cases/ports';
import type { SamlPort, VerifiedAssertion } from '../use-cases/sso-ports';
import { guardSamlResponse, parseStrictXml } from './saml-document-guard';
import type { SecretRef } from './ssm-secrets';

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

/** Assertions valid for longer than this are refused: their replay records would be kept as long. */
const MAX_ASSERTION_LIFETIME_MS = 60 * 60 * 1000;

function children(parent: XmlElement, ns: string, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    const el = node as unknown as XmlElement;
    if (node.nodeType === 1 && el.namespaceURI === ns && el.localName === name) out.push(el);
  }
  return out;
}

function only(parent: XmlElement, ns: string, name: string, reason: string): XmlElement {
  const found = children(parent, ns, name);
  if (found.length !== 1) throw new UnauthenticatedError(reason);
  return found[0] as XmlElement;
}

function timeOf(text: string | null, reason: string): number {
  const ms = text === null || text === '' ? Number.NaN : Date.parse(text);
  if (!Number.isFinite(ms)) throw new UnauthenticatedError(reason);
  return ms;
}

/** node-saml's failure text → an audit reason (the text itself may quote the document). */
function reasonOf(error: unknown): string {
  const message = String((error as Error)?.message ?? '');
  const rules: [RegExp, string][] = [
    [/multiple assertions/i, 'saml-multiple-assertions'],
    [/document signature/i, 'saml-response-signature-invalid'],
    [/signature/i, 'saml-signature-invalid'],
    [/audience/i, 'saml-audience-mismatch'],
    [/NotBefore|not yet valid/i, 'saml-not-yet-valid'],
    [/expired|NotOnOrAfter/i, 'saml-expired'],
    [/Missing SAML assertion/i, 'saml-assertion-missing'],
    [/SAML provider returned/i, 'saml-idp-status-error'],
    [/InResponseTo/i, 'saml-in-response-to-invalid'],
  ];
  return rules.find(([pattern]) => pattern.test(message))?.[1] ?? 'saml-response-invalid';
}

export class NodeSamlServiceProvider implements SamlPort {
  private readonly saml: SAML;

  /** @param certs the IdP certificates (PEM), already resolved from `settings.idpCerts`. */
  constructor(
    private readonly settings: SamlSettings,
    private readonly certs: readonly string[],
    private readonly clock: Clock = Date.now,
  ) {
    this.saml = new SAML(this.options());
  }

  private options(generateUniqueId?: () => string): SamlConfig {
    const s = this.settings;
    return {
      idpCert: [...this.certs],
      issuer: s.spEntityId,
      audience: s.spEntityId,
      callbackUrl: s.acsUrl,
      idpIssuer: s.idpEntityId,
      ...(s.idpSsoUrl !== undefined && { entryPoint: s.idpSsoUrl }),
      wantAssertionsSigned: s.wantAssertionsSigned,
      wantAuthnResponseSigned: s.wantResponseSigned,
      acceptedClockSkewMs: s.clockSkewSeconds * 1000,
      maxAssertionAgeMs: MAX_ASSERTION_LIFETIME_MS,
      validateInResponseTo: ValidateInResponseTo.never,
      signatureAlgorithm: 'sha256',
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      ...(generateUniqueId && { generateUniqueId }),
    };
  }

  async verify(samlResponse: string): Promise<VerifiedAssertion> {
    // Bounded, strictly parsed and of allowed algorithms before node-saml sees it (saml-document-guard.ts).
    const doc = guardSamlResponse(samlResponse);
    let profile: Awaited<ReturnType<SAML['validatePostResponseAsync']>>['profile'];
    try {
      ({ profile } = await this.saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (error) {
      throw new UnauthenticatedError(reasonOf(error));
    }
    if (!profile?.getAssertionXml) throw new UnauthenticatedError('saml-assertion-missing');
    const assertion = parseStrictXml(profile.getAssertionXml()).documentElement as unknown as XmlElement;
    const response = doc.documentElement as unknown as XmlElement;
    return this.checkVerified(assertion, response, typeof profile.nameID === 'string' ? profile.nameID : undefined);
  }

  /** The checks node-saml leaves to us, on the assertion it verified (and the response around it). */
  private checkVerified(assertion: XmlElement, response: XmlElement, nodeSamlNameId: string | undefined): VerifiedAssertion {
    const s = this.settings;
    if (assertion.namespaceURI !== ASSERTION_NS || assertion.localName !== 'Assertion')
      throw new UnauthenticatedError('saml-malformed');
    if (response.namespaceURI !== PROTOCOL_NS || response.localName !== 'Response')
      throw new UnauthenticatedError('saml-malformed');
    const assertionId = assertion.getAttribute('ID') ?? '';
    if (!/^[A-Za-z_][\w.-]{0,255}$/.test(assertionId)) throw new UnauthenticatedError('saml-assertion-id-invalid');
    if (only(assertion, ASSERTION_NS, 'Issuer', 'saml-issuer-mismatch').textContent?.trim() !== s.idpEntityId) {
      throw new UnauthenticatedError('saml-issuer-mismatch');
    }
    const responseIssuer = children(response, ASSERTION_NS, 'Issuer')[0];
    if (responseIssuer !== undefined && responseIssuer.textContent?.trim() !== s.idpEntityId) {
      throw new UnauthenticatedError('saml-issuer-mismatch');
    }
    // node-saml reads the Status only when the response holds no assertion: an IdP that answers
    // "Responder" or "AuthnFailed" beside a signed assertion would otherwise sign the person in.
    const status = only(response, PROTOCOL_NS, 'Status', 'saml-idp-status-error');
    if (only(status, PROTOCOL_NS, 'StatusCode', 'saml-idp-status-error').getAttribute('Value') !== SUCCESS) {
      throw new UnauthenticatedError('saml-idp-status-error');
    }
    const destination = response.getAttribute('Destination');
    if (destination !== null && destination !== '' && destination !== s.acsUrl)
      throw new UnauthenticatedError('saml-destination-mismatch');

    const subject = only(assertion, ASSERTION_NS, 'Subject', 'saml-subject-missing');
    const nameIdElement = only(subject, ASSERTION_NS, 'NameID', 'saml-name-id-missing');
    const nameId = (nameIdElement.textContent ?? '').trim();
    // An element inside NameID would make readers disagree: refuse anything but text.
    for (let node = nameIdElement.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType !== 3) throw new UnauthenticatedError('saml-name-id-malformed');
    }
    if (nodeSamlNameId !== undefined && nodeSamlNameId.trim() !== nameId)
      throw new UnauthenticatedError('saml-name-id-malformed');

    const now = this.clock();
    const skew = s.clockSkewSeconds * 1000;
    const confirmations = children(subject, ASSERTION_NS, 'SubjectConfirmation').filter(
      (c) => c.getAttribute('Method') === BEARER,
    );
    if (confirmations.length !== 1) throw new UnauthenticatedError('saml-subject-confirmation-invalid');
    const data = only(
      confirmations[0] as XmlElement,
      ASSERTION_NS,
      'SubjectConfirmationData',
      'saml-subject-confirmation-invalid',
    );
    if (data.getAttribute('Recipient') !== s.acsUrl) throw new UnauthenticatedError('saml-recipient-mismatch');
    const confirmUntil = timeOf(data.getAttribute('NotOnOrAfter'), 'saml-subject-confirmation-invalid');
    const conditions = only(assertion, ASSERTION_NS, 'Conditions', 'saml-conditions-missing');
    const conditionsUntil = timeOf(conditions.getAttribute('NotOnOrAfter'), 'saml-conditions-missing');
    const notBefore = conditions.getAttribute('NotBefore');
    if (notBefore !== null && timeOf(notBefore, 'saml-not-yet-valid') - skew > now)
      throw new UnauthenticatedError('saml-not-yet-valid');
    const notOnOrAfterMs = Math.min(confirmUntil, conditionsUntil);
    if (notOnOrAfterMs + skew <= now) throw new UnauthenticatedError('saml-expired');
    if (notOnOrAfterMs - now > MAX_ASSERTION_LIFETIME_MS) throw new UnauthenticatedError('saml-lifetime-too-long');

    const inResponseTo = data.getAttribute('InResponseTo') || undefined;
    const responseInResponseTo = response.getAttribute('InResponseTo') || undefined;
    if (responseInResponseTo !== inResponseTo) throw new UnauthenticatedError('saml-in-response-to-invalid');

    const attributes: Record<string, string[]> = Object.create(null);
    for (const statement of children(assertion, ASSERTION_NS, 'AttributeStatement')) {
      for (const attribute of children(statement, ASSERTION_NS, 'Attribute')) {
        const name = attribute.getAttribute('Name') ?? '';
        if (name === '' || Object.hasOwn(attributes, name)) throw new UnauthenticatedError('saml-attribute-repeated');
        attributes[name] = children(attribute, ASSERTION_NS, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
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

  async loginUrl(relayState: string): Promise<{ url: string; requestId: string }> {
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const saml = new SAML(this.options(() => requestId));
    const url = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
    return { url, requestId };
  }

  metadata(): string {
    return this.saml.generateServiceProviderMetadata(null, null);
  }
}
