/**
 * The SAML service provider's own checks (src/adapters/saml-sp.ts), one signed document each: every
 * document here carries valid signatures (assertion, then response, by the configured key), so each
 * refusal is its check's and no other's, with its own audit reason. The signature itself is
 * xml-signature.test.ts's; the whole handler, the Status and the wrapping shapes are
 * test/integration/sso-saml.test.ts's.
 */
import {
  type AssertionFields,
  assertionXml,
  demoFields,
  generateSamlKeyPair,
  LOCAL_SAML_IDP_ENTITY_ID,
  LOCAL_SAML_SP_ENTITY_ID,
  publicKeys,
  responseXml,
  type SamlKeyPair,
  signElement,
} from '../../../scripts/local/saml-idp';
import { SamlServiceProvider, type SamlSettings } from '../../../src/adapters/saml-sp';

const ACS = 'https://studio-gate.example.com/sso/saml';
const NOW = Date.parse('2026-12-03T12:00:00Z');
const settings: SamlSettings = {
  idpCerts: { kind: 'value', value: '' },
  idpEntityId: LOCAL_SAML_IDP_ENTITY_ID,
  spEntityId: LOCAL_SAML_SP_ENTITY_ID,
  acsUrl: ACS,
  groupsAttribute: 'groups',
  wantResponseSigned: true,
  wantAssertionsSigned: true,
  clockSkewSeconds: 60,
  allowIdpInitiated: true,
  idpSsoUrl: 'https://idp.example.com/sso?tenant=1',
};

let key: SamlKeyPair;
beforeAll(async () => {
  key = await generateSamlKeyPair();
});

type Bend = (xml: string) => string;
const same: Bend = (xml) => xml;

/**
 * alice's response, issued at NOW: `assertion` bends the assertion before it is signed, `response`
 * the response around the signed assertion before that is signed, `after` the whole signed text.
 */
function document(bends: { fields?: Partial<AssertionFields>; assertion?: Bend; response?: Bend; after?: Bend } = {}): string {
  const fields = { ...demoFields('alice'), ...bends.fields };
  const now = new Date(NOW);
  const assertion = signElement((bends.assertion ?? same)(assertionXml(fields, ACS, now)), 'Assertion', key);
  const response = signElement((bends.response ?? same)(responseXml(fields, ACS, assertion, now)), 'Response', key);
  return Buffer.from((bends.after ?? same)(response)).toString('base64');
}

const provider = (overrides: Partial<SamlSettings> = {}) =>
  new SamlServiceProvider({ ...settings, ...overrides }, publicKeys(key), () => NOW);

async function verdict(samlResponse: string, overrides: Partial<SamlSettings> = {}): Promise<string> {
  try {
    const assertion = await provider(overrides).verify(samlResponse);
    return `accepted ${assertion.nameId}`;
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}

const at = (minutes: number) => new Date(NOW + minutes * 60_000);

it('accepts alice’s response as the local IdP sends it (the control)', async () => {
  expect(await verdict(document())).toBe('accepted alice@example.com');
});

it.each<[string, Parameters<typeof document>[0], string]>([
  ['a Response of another version', { response: (x) => x.replace('Version="2.0"', 'Version="1.1"') }, 'saml-malformed'],
  ['an Assertion of another version', { assertion: (x) => x.replace('Version="2.0"', 'Version="1.1"') }, 'saml-malformed'],
  ['an assertion without IssueInstant', { assertion: (x) => x.replace(/ IssueInstant="[^"]+"/, '') }, 'saml-malformed'],
  ['an assertion issued in the future', { fields: { issueInstant: at(10) } }, 'saml-not-yet-valid'],
  [
    'an assertion valid for more than an hour from its issue, late in its life',
    { fields: { issueInstant: at(-450), notBefore: at(-450), notOnOrAfter: at(30) } },
    'saml-lifetime-too-long',
  ],
  ['an assertion valid for a day, fresh', { fields: { notOnOrAfter: at(24 * 60) } }, 'saml-lifetime-too-long'],
  ['Conditions not valid before the future', { fields: { notBefore: at(10), notOnOrAfter: at(20) } }, 'saml-not-yet-valid'],
  ['an expired assertion', { fields: { issueInstant: at(-20), notBefore: at(-20), notOnOrAfter: at(-5) } }, 'saml-expired'],
  [
    'an EncryptedAssertion beside the assertion',
    { response: (x) => x.replace('</samlp:Response>', '<saml:EncryptedAssertion/></samlp:Response>') },
    'saml-assertion-encrypted',
  ],
  [
    'a second assertion inside the signed one (its Advice)',
    {
      assertion: (x) =>
        x.replace(
          '</saml:Assertion>',
          `<saml:Advice>${assertionXml(demoFields('bob'), ACS, new Date(NOW))}</saml:Advice></saml:Assertion>`,
        ),
    },
    'saml-multiple-assertions',
  ],
  [
    'the only assertion in Extensions, not the response’s child',
    { response: (x) => x.replace(/(<saml:Assertion[\s\S]*<\/saml:Assertion>)/, '<samlp:Extensions>$1</samlp:Extensions>') },
    'saml-multiple-assertions',
  ],
  [
    'an element inside NameID',
    { assertion: (x) => x.replace('alice@example.com</saml:NameID>', 'alice@example.com<saml:X/></saml:NameID>') },
    'saml-name-id-malformed',
  ],
  [
    'an attribute named twice',
    {
      assertion: (x) =>
        x.replace(
          '</saml:AttributeStatement>',
          '<saml:Attribute Name="email"><saml:AttributeValue>bob@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>',
        ),
    },
    'saml-attribute-repeated',
  ],
  ['no Conditions', { assertion: (x) => x.replace(/<saml:Conditions[\s\S]*<\/saml:Conditions>/, '') }, 'saml-conditions-missing'],
  [
    'a condition not understood',
    {
      assertion: (x) =>
        x.replace(
          '</saml:Conditions>',
          '<saml:Condition xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="saml:Delegation"/></saml:Conditions>',
        ),
    },
    'saml-condition-unknown',
  ],
  [
    'no AudienceRestriction',
    { assertion: (x) => x.replace(/<saml:AudienceRestriction>[\s\S]*<\/saml:AudienceRestriction>/, '') },
    'saml-audience-mismatch',
  ],
  [
    'a second AudienceRestriction that does not name us',
    {
      assertion: (x) =>
        x.replace(
          '</saml:Conditions>',
          '<saml:AudienceRestriction><saml:Audience>urn:other</saml:Audience></saml:AudienceRestriction></saml:Conditions>',
        ),
    },
    'saml-audience-mismatch',
  ],
  [
    'no bearer confirmation (holder-of-key only)',
    { assertion: (x) => x.replace('urn:oasis:names:tc:SAML:2.0:cm:bearer', 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key') },
    'saml-subject-confirmation-invalid',
  ],
  [
    'a bearer confirmation without NotOnOrAfter',
    { assertion: (x) => x.replace(/(<saml:SubjectConfirmationData) NotOnOrAfter="[^"]+"/, '$1') },
    'saml-subject-confirmation-invalid',
  ],
  [
    'a bearer confirmation not valid before the future',
    {
      assertion: (x) =>
        x.replace('<saml:SubjectConfirmationData ', `<saml:SubjectConfirmationData NotBefore="${at(10).toISOString()}" `),
    },
    'saml-not-yet-valid',
  ],
  ['an assertion ID that is not an NCName', { fields: { assertionId: '1-not-a-name' } }, 'saml-assertion-id-invalid'],
  [
    'an assertion whose own signature broke, inside a validly signed response',
    { response: (x) => x.replace('alice@example.com</saml:NameID>', 'bob@example.com</saml:NameID>') },
    'saml-signature-invalid',
  ],
  [
    'two signatures on the response',
    { after: (x) => x.replace(/(<Signature[\s\S]*?<\/Signature>)(<samlp:Status>)/, '$1$1$2') },
    'saml-response-signature-invalid',
  ],
])('refuses %s', async (_title, bends, reason) => {
  expect(await verdict(document(bends))).toBe(reason);
});

it('refuses an assertion whose own signature broke even where assertions need none', async () => {
  const broken = document({ response: (x) => x.replace('alice@example.com</saml:NameID>', 'bob@example.com</saml:NameID>') });
  expect(await verdict(broken, { wantAssertionsSigned: false })).toBe('saml-signature-invalid');
});

it('accepts what the profile allows: Conditions without NotBefore, OneTimeUse, and any one bearer confirmation that holds', async () => {
  expect(await verdict(document({ assertion: (x) => x.replace(/(<saml:Conditions) NotBefore="[^"]+"/, '$1') }))).toBe(
    'accepted alice@example.com',
  );
  expect(
    await verdict(document({ assertion: (x) => x.replace('</saml:Conditions>', '<saml:OneTimeUse/></saml:Conditions>') })),
  ).toBe('accepted alice@example.com');
  const another = (recipient: string) =>
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${at(5).toISOString()}" Recipient="${recipient}"/></saml:SubjectConfirmation>`;
  const firstElsewhere = document({
    assertion: (x) =>
      x.replace('<saml:SubjectConfirmation ', `${another('https://other.example/acs')}<saml:SubjectConfirmation `),
  });
  expect(await verdict(firstElsewhere)).toBe('accepted alice@example.com');
  // None holds: the first one's reason (here one without NotOnOrAfter, then one for another ACS).
  const undated = `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="${ACS}"/></saml:SubjectConfirmation>`;
  const noneHolds = document({
    fields: { recipient: 'https://evil.example/acs' },
    assertion: (x) => x.replace('<saml:SubjectConfirmation ', `${undated}<saml:SubjectConfirmation `),
  });
  expect(await verdict(noneHolds)).toBe('saml-subject-confirmation-invalid');
});

it('writes an AuthnRequest for the ACS, deflated, after the IdP URL’s own query, and metadata naming the ACS', async () => {
  const { inflateRawSync } = await import('node:zlib');
  const { url, requestId } = await provider().loginUrl('studio::');
  const parsed = new URL(url);
  expect(parsed.searchParams.get('tenant')).toBe('1');
  expect(parsed.searchParams.get('RelayState')).toBe('studio::');
  const request = inflateRawSync(Buffer.from(parsed.searchParams.get('SAMLRequest') as string, 'base64')).toString('utf8');
  expect(request).toContain(`ID="${requestId}"`);
  expect(request).toContain(`AssertionConsumerServiceURL="${ACS}"`);
  expect(request).toContain(`IssueInstant="${new Date(NOW).toISOString()}"`);
  expect(request).toContain(`>${LOCAL_SAML_SP_ENTITY_ID}</saml:Issuer>`);
  const quoting = await provider({ spEntityId: 'urn:a"<b>&c' }).loginUrl('');
  const quoted = inflateRawSync(Buffer.from(new URL(quoting.url).searchParams.get('SAMLRequest') as string, 'base64')).toString(
    'utf8',
  );
  expect(quoted).toContain('urn:a&#34;&#60;b&#62;&#38;c</saml:Issuer>');
  expect(new URL(quoting.url).searchParams.has('RelayState')).toBe(false);
  expect(provider().metadata()).toContain(`Location="${ACS}"`);
});
