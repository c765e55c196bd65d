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
import { generateSamlKeyPair, publicKeys, RSA_SHA256, type SamlKeyPair } from '../../scripts/local/saml-idp';
import { SamlServiceProvider, type SamlSettings } from '../../src/adapters/saml-sp';

const PYTHON = '/usr/bin/python3';
const PEER = `${__dirname}/../peers/pysaml2_idp.py`;

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

interface Signing {
  readonly signResponse?: boolean;
  readonly signAssertion?: boolean;
  readonly signAlg?: string;
  readonly digestAlg?: string;
}

interface Answer {
  readonly request_id: string | null;
  readonly request_acs: string | null;
  readonly saml_response: string;
}

/** pysaml2's answers, one process for all: to `authnRequest` (null: IdP-initiated), signed as each says. */
function pysaml2(
  key: SamlKeyPair,
  metadata: string,
  requests: readonly { authnRequest: string | null; signing: Signing }[],
): Answer[] {
  const run = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify(
      requests.map(({ authnRequest, signing }) => ({
        sp_metadata: metadata,
        key: key.privateKey,
        cert: key.certificate,
        authn_request: authnRequest,
        acs: settings.acsUrl,
        sp_entity_id: settings.spEntityId,
        email: 'alice@example.com',
        groups: ['studio-users', 'risk'],
        sign_response: signing.signResponse ?? true,
        sign_assertion: signing.signAssertion ?? true,
        sign_alg: signing.signAlg ?? RSA_SHA256.signature,
        digest_alg: signing.digestAlg ?? RSA_SHA256.digest,
      })),
    ),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error || run.status !== 0) {
    throw new Error(
      `pysaml2 did not answer (apt-get install -y python3-pysaml2; .ci/run does): ${run.error?.message ?? run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as Answer[];
}

const SHA512: Signing = {
  signAlg: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  digestAlg: 'http://www.w3.org/2001/04/xmlenc#sha512',
};
const SHA1: Signing = {
  signAlg: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  digestAlg: 'http://www.w3.org/2000/09/xmldsig#sha1',
};

let idp: SamlKeyPair;
let requestId: string;
/** pysaml2's answers, by what each is. */
let answers: Record<'spInitiated' | 'assertionOnly' | 'responseOnly' | 'sha512' | 'both' | 'sha1', Answer>;

beforeAll(async () => {
  idp = await generateSamlKeyPair('pysaml2 interop IdP');
  const sp = provider();
  const login = await sp.loginUrl('studio::');
  requestId = login.requestId;
  const kinds = ['spInitiated', 'assertionOnly', 'responseOnly', 'sha512', 'both', 'sha1'] as const;
  const signing: Signing[] = [{}, { signResponse: false }, { signAssertion: false }, SHA512, {}, SHA1];
  const got = pysaml2(
    idp,
    sp.metadata(),
    kinds.map((_, i) => ({
      authnRequest: i === 0 ? new URL(login.url).searchParams.get('SAMLRequest') : null,
      signing: signing[i] as Signing,
    })),
  );
  answers = Object.fromEntries(kinds.map((kind, i) => [kind, got[i] as Answer])) as typeof answers;
});

const provider = (overrides: Partial<SamlSettings> = {}) =>
  new SamlServiceProvider({ ...settings, ...overrides }, publicKeys(idp));

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
  const answer = answers.spInitiated;
  expect(answer.request_id).toBe(requestId);
  expect(answer.request_acs).toBe(settings.acsUrl);
  const assertion = await provider().verify(answer.saml_response);
  expect(assertion).toMatchObject({ nameId: 'alice@example.com', inResponseTo: requestId });
  expect(assertion.attributes.groups).toEqual(['studio-users', 'risk']);
  // pysaml2's own prefixes, not the local IdP's: the canonical form followed them.
  expect(Buffer.from(answer.saml_response, 'base64').toString('utf8')).toMatch(/^<\?xml[^>]*>\s*<ns0:Response /);
});

it.each([
  ['the assertion alone signed, where the response need not be', 'assertionOnly', { wantResponseSigned: false }],
  ['the response alone signed, where the assertion need not be', 'responseOnly', { wantAssertionsSigned: false }],
  ['RSA-SHA512 over SHA-512 digests', 'sha512', {}],
] as const)('accepts an IdP-initiated answer with %s', async (_title, kind, configuration) => {
  const assertion = await provider(configuration).verify(answers[kind].saml_response);
  expect(assertion.nameId).toBe('alice@example.com');
  expect(assertion.inResponseTo).toBeUndefined();
});

it('refuses its answer once altered, signed with SHA-1, or unsigned where a signature is needed', async () => {
  const sp = provider();
  const genuine = Buffer.from(answers.both.saml_response, 'base64').toString('utf8');
  expect(await reasonOf(sp, answers.both.saml_response)).toBe('accepted');
  const altered = genuine.replaceAll('alice@example.com', 'bob@example.com');
  expect(await reasonOf(sp, Buffer.from(altered).toString('base64'))).toBe('saml-response-signature-invalid');
  expect(await reasonOf(sp, answers.sha1.saml_response)).toBe('saml-algorithm-refused');
  expect(await reasonOf(sp, answers.assertionOnly.saml_response)).toBe('saml-response-signature-invalid');
  expect(await reasonOf(sp, answers.responseOnly.saml_response)).toBe('saml-signature-invalid');
});
