/**
 * studio-gate's SAML service provider against an IdP written apart from it: Debian's pysaml2
 * (python3-pysaml2, signing through xmlsec1), driven by test/peers/pysaml2_idp.py. pysaml2 loads
 * the SP's metadata, reads its AuthnRequest (HTTP-Redirect binding) and answers it the way that IdP
 * answers: its own namespace prefixes, its own IDs, xsi declared, KeyInfo, attributes in its format.
 * The SP must accept every signing option the configuration allows, and refuse the same answer once
 * altered or signed with SHA-1.
 *
 * `.ci/run` installs python3-pysaml2 when it is missing; without it this test fails, never skips.
 */
import { spawnSync } from 'node:child_process';
import { generateSamlKeyPair, type SamlKeyPair } from '../../scripts/local/saml-idp';
import { SamlServiceProvider, type SamlSettings } from '../../src/adapters/saml-sp';

const PYTHON = '/usr/bin/python3';
const PEER = `${__dirname}/../peers/pysaml2_idp.py`;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

const settings: SamlSettings = {
  idpCerts: { kind: 'value', value: '' },
  idpEntityId: 'urn:pysaml2:idp',
  spEntityId: 'urn:studio-gate:foreign-sp',
  acsUrl: 'https://studio-gate.example.com/sso/saml',
  groupsAttribute: 'groups',
  wantResponseSigned: true,
  wantAssertionsSigned: true,
  clockSkewSeconds: 60,
  allowIdpInitiated: true,
  idpSsoUrl: 'https://idp.example.com/sso',
};

let idp: SamlKeyPair;
beforeAll(async () => {
  idp = await generateSamlKeyPair('pysaml2 interop IdP');
});

interface Answer {
  readonly request_id: string | null;
  readonly request_acs: string | null;
  readonly saml_response: string;
}

/** pysaml2's answer to `authnRequest` (null: IdP-initiated), signed as `options` say. */
function pysaml2(
  sp: SamlServiceProvider,
  authnRequest: string | null,
  options: { signResponse?: boolean; signAssertion?: boolean; signAlg?: string; digestAlg?: string } = {},
): Answer {
  const run = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify({
      sp_metadata: sp.metadata(),
      key: idp.privateKey,
      cert: idp.certificate,
      authn_request: authnRequest,
      acs: settings.acsUrl,
      sp_entity_id: settings.spEntityId,
      email: 'alice@example.com',
      groups: ['studio-users', 'risk'],
      sign_response: options.signResponse ?? true,
      sign_assertion: options.signAssertion ?? true,
      sign_alg: options.signAlg ?? RSA_SHA256,
      digest_alg: options.digestAlg ?? SHA256,
    }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error || run.status !== 0) {
    throw new Error(
      `pysaml2 did not answer (apt-get install -y python3-pysaml2; .ci/run does): ${run.error?.message ?? run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as Answer;
}

const provider = (overrides: Partial<SamlSettings> = {}) =>
  new SamlServiceProvider({ ...settings, ...overrides }, [idp.certificate]);

/** The audit reason of a refusal, or 'accepted'. */
async function reasonOf(sp: SamlServiceProvider, samlResponse: string): Promise<string> {
  try {
    await sp.verify(samlResponse);
    return 'accepted';
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}

it('reads our AuthnRequest and metadata, and its signed answer to that request is accepted', async () => {
  const sp = provider();
  const { url, requestId } = await sp.loginUrl('studio::');
  const answer = pysaml2(sp, new URL(url).searchParams.get('SAMLRequest'));
  expect(answer.request_id).toBe(requestId);
  expect(answer.request_acs).toBe(settings.acsUrl);
  const assertion = await sp.verify(answer.saml_response);
  expect(assertion).toMatchObject({ nameId: 'alice@example.com', inResponseTo: requestId });
  expect(assertion.attributes.groups).toEqual(['studio-users', 'risk']);
  // pysaml2's own prefixes, not the local IdP's: the canonical form followed them.
  expect(Buffer.from(answer.saml_response, 'base64').toString('utf8')).toMatch(/^<\?xml[^>]*>\s*<ns0:Response /);
});

it.each([
  ['the assertion alone signed, where the response need not be', { signResponse: false }, { wantResponseSigned: false }],
  ['the response alone signed, where the assertion need not be', { signAssertion: false }, { wantAssertionsSigned: false }],
  [
    'RSA-SHA512 over SHA-512 digests',
    { signAlg: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', digestAlg: 'http://www.w3.org/2001/04/xmlenc#sha512' },
    {},
  ],
])('accepts an IdP-initiated answer with %s', async (_title, signing, configuration) => {
  const sp = provider(configuration);
  const assertion = await sp.verify(pysaml2(sp, null, signing).saml_response);
  expect(assertion.nameId).toBe('alice@example.com');
  expect(assertion.inResponseTo).toBeUndefined();
});

it('refuses its answer once altered, signed with SHA-1, or unsigned where a signature is needed', async () => {
  const sp = provider();
  const genuine = Buffer.from(pysaml2(sp, null).saml_response, 'base64').toString('utf8');
  const altered = genuine.replaceAll('alice@example.com', 'bob@example.com');
  expect(await reasonOf(sp, Buffer.from(altered).toString('base64'))).toBe('saml-response-signature-invalid');
  const sha1 = pysaml2(sp, null, {
    signAlg: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    digestAlg: 'http://www.w3.org/2000/09/xmldsig#sha1',
  });
  expect(await reasonOf(sp, sha1.saml_response)).toBe('saml-algorithm-refused');
  expect(await reasonOf(sp, pysaml2(sp, null, { signResponse: false }).saml_response)).toBe('saml-response-signature-invalid');
  expect(await reasonOf(sp, pysaml2(sp, null, { signAssertion: false }).saml_response)).toBe('saml-signature-invalid');
});
