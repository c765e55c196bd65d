/**
 * The SAML way in end to end: the SAML function (in process, as Lambda runs it) verifying responses
 * signed with xml-crypto by the local IdP's key, the SageMaker emulator, and replay records in
 * dynalite through the real client-dynamodb. Every hostile shape below is refused by a check that,
 * removed, lets it through: unsigned, altered, wrapped, foreign-signed, misaddressed, out of time,
 * replayed on another container, unsolicited when that is off, answering another request.
 */
import { inflateRawSync } from 'node:zlib';
import { DEMO_PEOPLE } from '../../scripts/local/demo-data';
import { LOCAL_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../scripts/local/dynamo';
import type { SageMakerEmulator } from '../../scripts/local/sagemaker-emulator';
import {
  type AssertionFields,
  assertionXml,
  demoFields,
  generateSamlKeyPair,
  RSA_SHA256,
  responseXml,
  type SamlKeyPair,
  signElement,
  signedResponse,
} from '../../scripts/local/saml-idp';
import { type LocalSso, localSso, startPeers } from '../../scripts/local/stack';
import type { TokenIssuer } from '../../scripts/local/token-issuer';
import { JsonLineAuditLog, stdoutWriter } from '../../src/adapters/audit-log';
import { buildSamlApp } from '../../src/composition/sso-saml';
import { SAML_COOKIE, samlHandler } from '../../src/http/sso-endpoint';
import type { AuditEntry } from '../../src/use-cases/ports';
import { captureOutput, leaksIn } from '../support/capture';
import { lambdaContext } from '../support/lambda-context';
import { freePorts } from '../support/ports';
import { setCookie, setCookieNames, ssoEnv, ssoEvent } from '../support/sso';

jest.setTimeout(60_000);

const TABLE = 'studio-gate-saml-test';
let peers: { emulator: SageMakerEmulator; issuer: TokenIssuer };
let dynamo: LocalDynamo;
let sso: LocalSso;
let foreignKey: SamlKeyPair;

function env(overrides: Record<string, string | undefined> = {}) {
  return ssoEnv(
    sso,
    { emulatorUrl: peers.emulator.url, issuer: peers.issuer.issuer, dynamoUrl: dynamo.url, table: TABLE },
    overrides,
  );
}

/** A container of the SAML function; `entries` collects its audit lines. */
function container(entries: AuditEntry[], overrides: Record<string, string | undefined> = {}) {
  const app = buildSamlApp(env(overrides), { credentials: LOCAL_CREDENTIALS });
  return samlHandler({ app, auditLog: { record: (e) => void entries.push(e), problem: () => {} } });
}

async function post(
  handler: ReturnType<typeof container>,
  samlResponse: string,
  extra: { relayState?: string; cookie?: string } = {},
) {
  const form: Record<string, string> = {
    SAMLResponse: samlResponse,
    ...(extra.relayState !== undefined && { RelayState: extra.relayState }),
  };
  return handler(ssoEvent('POST', '/sso/saml', { form, ...(extra.cookie && { cookie: extra.cookie }) }), lambdaContext());
}

const b64 = (xml: string) => Buffer.from(xml).toString('base64');
const alice = (more: Partial<AssertionFields> = {}): AssertionFields => ({ ...demoFields('alice'), ...more });

/** A response for `fields`, signed as a real IdP signs (assertion, then response) with `key`. */
const signed = (fields: AssertionFields, key: SamlKeyPair = sso.samlKey) => signedResponse(fields, sso.acsUrl, key);

beforeAll(async () => {
  const [emulator, issuer, dynamoPort] = (await freePorts(3)) as [number, number, number];
  sso = await localSso(3998);
  foreignKey = await generateSamlKeyPair('someone else');
  peers = await startPeers({ emulator, issuer }, 'studio-gate', sso);
  dynamo = await startLocalDynamo({ port: dynamoPort, tableName: TABLE });
});

afterAll(async () => {
  await Promise.all([peers?.emulator.close(), peers?.issuer.close(), dynamo?.close()]);
});

describe('a signed assertion', () => {
  it('lands alice in her own Studio (IdP-initiated), with a landing from RelayState; nothing secret is logged', async () => {
    const entries: AuditEntry[] = [];
    const handler = container(entries);
    const response = signed(alice());
    const { result, output } = await captureOutput(() => post(handler, response, { relayState: 'app:JupyterLab:' }));
    expect(result.statusCode).toBe(302);
    const location = new URL(result.headers?.Location as string);
    expect(location.origin).toBe(peers.emulator.url);
    expect(result.headers?.['Cache-Control']).toBe('no-store');
    expect(setCookie(result, SAML_COOKIE)).toBe(`${SAML_COOKIE}=`);
    const studio = await (await fetch(location, { redirect: 'manual' })).text();
    expect(studio).toContain('alice');
    expect(entries.map((e) => [e.reason, e.userProfileName])).toEqual([['issued', 'alice']]);
    expect(entries[0]?.identity).toBe('alice@example.com');
    expect(leaksIn(output + JSON.stringify(entries))).toEqual([]);
    for (const secret of [response, response.slice(0, 60), location.search]) {
      expect(output).not.toContain(secret);
      expect(JSON.stringify(entries)).not.toContain(secret);
    }
  });

  it('answers mallory with the 403 page', async () => {
    const entries: AuditEntry[] = [];
    const result = await post(container(entries), signed(demoFields('mallory')));
    expect(result.statusCode).toBe(403);
    expect(entries[0]?.reason).toBe('group-missing');
  });

  it.each(Object.entries(DEMO_PEOPLE))(
    'answers %s as GET /studio-url does (the same path, the same status)',
    async (person, who) => {
      const entries: AuditEntry[] = [];
      const html = { Accept: 'text/html' };
      const form = { SAMLResponse: signed(demoFields(person)) };
      const result = await container(entries)(ssoEvent('POST', '/sso/saml', { form, headers: html }), lambdaContext());
      // A person entitled to several domains gets the chooser page (200), the others a redirect or an error page.
      expect(result.statusCode).toBe(who.expectedStatus === 200 ? 302 : who.expectedStatus === 300 ? 200 : who.expectedStatus);
      if (who.expectedStatus === 300) {
        expect(result.body).toContain('Choose a Studio domain');
        expect(result.body).toContain('href="/sso/saml/login?domain=d-localdemo"');
        expect(result.body).toContain('href="/sso/saml/login?domain=d-localrisk"');
      } else if (who.expectedStatus === 200) {
        const studio = await fetch(result.headers?.Location as string, { headers: { Accept: 'application/json' } });
        expect(((await studio.json()) as { userProfileName: string }).userProfileName).toBe(who.opens);
      } else {
        expect(result.headers?.Location).toBeUndefined();
        expect(result.body).toContain('id="error-code"');
      }
      if (person === 'bob') {
        // Pending: a page that says so and comes back to the login route after Retry-After.
        expect(result.body).toContain('being prepared (Pending)');
        expect(result.body).toMatch(/<meta http-equiv="refresh" content="\d+;url=\/sso\/saml\/login">/);
        expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
      }
    },
  );

  it('serves the SP metadata', async () => {
    const result = await container([])(ssoEvent('GET', '/sso/saml/metadata'), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('EntityDescriptor');
    expect(result.body).toContain(`Location="${sso.acsUrl}"`);
    expect(result.body).toContain('urn:studio-gate:local-sp');
  });
});

describe('SAML negatives', () => {
  const refused = async (samlResponse: string, reason: string | RegExp, overrides: Record<string, string | undefined> = {}) => {
    const entries: AuditEntry[] = [];
    const result = await post(container(entries, overrides), samlResponse);
    expect(result.statusCode).toBe(401);
    expect(result.headers?.Location).toBeUndefined();
    expect(entries[0]?.reason).toMatch(reason);
    expect(entries[0]?.userProfileName).toBeUndefined();
  };

  it('refuses an unsigned response', async () => {
    await refused(
      b64(responseXml(alice(), sso.acsUrl, assertionXml(alice(), sso.acsUrl))),
      /^saml-(response-)?signature-invalid$/,
    );
  });

  it('refuses a signed response around an unsigned assertion', async () => {
    const xml = signElement(responseXml(alice(), sso.acsUrl, assertionXml(alice(), sso.acsUrl)), 'Response', sso.samlKey);
    await refused(b64(xml), 'saml-signature-invalid');
  });

  it('accepts that shape only when assertions need no signature of their own (the control)', async () => {
    const entries: AuditEntry[] = [];
    const xml = signElement(responseXml(alice(), sso.acsUrl, assertionXml(alice(), sso.acsUrl)), 'Response', sso.samlKey);
    const result = await post(container(entries, { SAML_WANT_ASSERTIONS_SIGNED: 'false' }), b64(xml));
    expect(result.statusCode).toBe(302);
  });

  it('refuses a signed answer whose status is not Success (the IdP refused the person), saying only that', async () => {
    const success = '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>';
    const failed = (status: string) =>
      signElement(
        responseXml(alice(), sso.acsUrl, signElement(assertionXml(alice(), sso.acsUrl), 'Assertion', sso.samlKey)).replace(
          success,
          status,
        ),
        'Response',
        sso.samlKey,
      );
    const responder = (inner: string) =>
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">${inner}</samlp:StatusCode><samlp:StatusMessage>account locked: alice@example.com</samlp:StatusMessage></samlp:Status>`;
    for (const status of [
      responder('<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/>'),
      responder(''),
      // No Status, or a second one after Success.
      '',
      `${success}${responder('')}`,
    ]) {
      const entries: AuditEntry[] = [];
      const result = await post(container(entries), b64(failed(status)));
      expect(result.statusCode).toBe(401);
      expect(result.headers?.Location).toBeUndefined();
      expect(entries[0]?.reason).toBe('saml-idp-status-error');
      expect(JSON.stringify(entries)).not.toContain('account locked');
      expect(String(result.body)).not.toContain('account locked');
    }
    // The IdP's refusal as IdPs send it: no assertion at all, refused on its Status alone.
    const entries: AuditEntry[] = [];
    const bare = signElement(responseXml(alice(), sso.acsUrl, '').replace(success, responder('')), 'Response', sso.samlKey);
    const result = await post(container(entries), b64(bare));
    expect(result.statusCode).toBe(401);
    expect(entries[0]?.reason).toBe('saml-idp-status-error');
    expect(JSON.stringify(entries)).not.toContain('account locked');
  });

  it('refuses a signed assertion altered after signing (NameID and attributes changed)', async () => {
    const xml = Buffer.from(signed(alice()), 'base64').toString('utf8').replaceAll('alice@example.com', 'bob@example.com');
    await refused(b64(xml), /signature-invalid$/);
  });

  it('refuses a response with a second, injected assertion (signature wrapping)', async () => {
    const good = Buffer.from(signed(alice()), 'base64').toString('utf8');
    const forged = assertionXml(demoFields('bob'), sso.acsUrl);
    await refused(b64(good.replace('</samlp:Response>', `${forged}</samlp:Response>`)), /multiple-assertions|signature-invalid/);
  });

  it('refuses the signed assertion moved aside and a forged one in its place (signature wrapping)', async () => {
    const signedAssertion = signElement(assertionXml(alice(), sso.acsUrl), 'Assertion', sso.samlKey);
    const forged = assertionXml(demoFields('bob'), sso.acsUrl);
    const wrapped = responseXml(alice(), sso.acsUrl, `<samlp:Extensions>${signedAssertion}</samlp:Extensions>${forged}`);
    await refused(b64(wrapped), /signature-invalid|multiple-assertions/, { SAML_WANT_RESPONSE_SIGNED: 'false' });
  });

  it('refuses a forged assertion carrying a copy of a genuine signature (signature wrapping)', async () => {
    const genuine = signElement(assertionXml(alice(), sso.acsUrl), 'Assertion', sso.samlKey);
    const signature = /<(ds:)?Signature[\s\S]*<\/(ds:)?Signature>/.exec(genuine)?.[0] as string;
    const id = /ID="([^"]+)"/.exec(genuine)?.[1] as string;
    const forged = assertionXml(demoFields('bob'), sso.acsUrl).replace(/ID="[^"]+"/, `ID="${id}"`);
    const withSignature = forged.replace('</saml:Issuer>', `</saml:Issuer>${signature}`);
    await refused(b64(responseXml(alice(), sso.acsUrl, withSignature)), 'saml-signature-invalid', {
      SAML_WANT_RESPONSE_SIGNED: 'false',
    });
  });

  it('reads a NameID with a comment in it as the whole value signed, never the part before the comment', async () => {
    // The parser-disagreement trick: a reader that stops at the comment sees alice@example.com.
    const entries: AuditEntry[] = [];
    const result = await post(container(entries), signed(alice({ nameId: 'alice@example.com<!---->.evil.example' })));
    expect(result.statusCode).toBe(403);
    expect(result.headers?.Location).toBeUndefined();
    expect(entries[0]?.subject).toBe('alice@example.com.evil.example');
    expect(entries[0]?.reason).toBe('email-domain-not-allowed');
  });

  it.each([
    ['another audience', alice({ audience: 'urn:someone-else' }), 'saml-audience-mismatch'],
    ['another recipient', alice({ recipient: 'https://evil.example/acs' }), 'saml-recipient-mismatch'],
    ['another destination', alice({ destination: 'https://evil.example/acs' }), 'saml-destination-mismatch'],
    ['another issuer', alice({ issuer: 'urn:another-idp' }), 'saml-issuer-mismatch'],
    [
      'an expired assertion',
      alice({
        notBefore: new Date(Date.now() - 3_600_000),
        notOnOrAfter: new Date(Date.now() - 600_000),
        issueInstant: new Date(Date.now() - 3_600_000),
      }),
      /^saml-expired$/,
    ],
    [
      'an assertion not yet valid',
      alice({ notBefore: new Date(Date.now() + 600_000), notOnOrAfter: new Date(Date.now() + 900_000) }),
      /not-yet-valid/,
    ],
    ['a lifetime of a day', alice({ notOnOrAfter: new Date(Date.now() + 86_400_000) }), /lifetime-too-long|expired/],
  ])('refuses %s', async (_what, fields, reason) => {
    await refused(signed(fields), reason);
  });

  it('refuses a response signed by a certificate that is not configured, and accepts it once it is (rotation)', async () => {
    await refused(signed(alice(), foreignKey), /signature-invalid/);
    const entries: AuditEntry[] = [];
    const both = `${sso.samlKey.certificate}\n${foreignKey.certificate}`;
    const result = await post(container(entries, { SAML_IDP_CERTS: both }), signed(alice(), foreignKey));
    expect(result.statusCode).toBe(302);
  });

  it('tells the audit log which part of a signature failed: the key (not configured) or the digest (content altered)', async () => {
    const foreign: AuditEntry[] = [];
    await post(container(foreign), signed(alice(), foreignKey));
    expect(foreign[0]).toMatchObject({ reason: 'saml-response-signature-invalid', detail: 'signature-value-mismatch' });
    const altered: AuditEntry[] = [];
    const xml = Buffer.from(signed(alice()), 'base64').toString('utf8').replaceAll('alice@example.com', 'bob@example.com');
    await post(container(altered), b64(xml));
    expect(altered[0]).toMatchObject({ reason: 'saml-response-signature-invalid', detail: 'signature-digest-mismatch' });
    // A refusal that is not a signature's carries no detail.
    const late: AuditEntry[] = [];
    await post(container(late), signed(alice({ recipient: 'https://evil.example/acs' })));
    expect(late[0]?.reason).toBe('saml-recipient-mismatch');
    expect(late[0]).not.toHaveProperty('detail');
  });

  it('refuses the same assertion a second time, on another container sharing the table', async () => {
    const response = signed(alice());
    const entries: AuditEntry[] = [];
    expect((await post(container(entries), response)).statusCode).toBe(302);
    expect((await post(container(entries), response)).statusCode).toBe(401);
    expect(entries.map((e) => e.reason)).toEqual(['issued', 'saml-assertion-replayed']);
  });

  it('refuses a document type declaration with entities (no expansion, no hang)', async () => {
    const good = Buffer.from(signed(alice()), 'base64').toString('utf8');
    const laughs = `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`;
    const started = Date.now();
    await refused(b64(laughs + good.replace('alice@example.com</saml:NameID>', '&c;</saml:NameID>')), /^saml-/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses RSA-SHA1 signatures and SHA-1 digests from the trusted IdP, each with its own reason; SHA-256 passes (the control)', async () => {
    const sha1 = { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' };
    const sha1Digest = { ...RSA_SHA256, digest: 'http://www.w3.org/2000/09/xmldsig#sha1' };
    await refused(signedResponse(alice(), sso.acsUrl, sso.samlKey, new Date(), sha1), 'saml-algorithm-refused');
    await refused(signedResponse(alice(), sso.acsUrl, sso.samlKey, new Date(), sha1Digest), 'saml-algorithm-refused');
    // Only the assertion on SHA-1, the response on SHA-256: still refused (every signature in the document counts).
    const weakAssertion = signElement(assertionXml(alice(), sso.acsUrl), 'Assertion', sso.samlKey, sha1);
    await refused(
      b64(signElement(responseXml(alice(), sso.acsUrl, weakAssertion), 'Response', sso.samlKey)),
      'saml-algorithm-refused',
    );
    const entries: AuditEntry[] = [];
    expect((await post(container(entries), signedResponse(alice(), sso.acsUrl, sso.samlKey))).statusCode).toBe(302);
  });

  it('refuses a document over the caps before any XML library parses it (one audit line, no parser output)', async () => {
    const good = Buffer.from(signed(alice()), 'base64').toString('utf8');
    const siblings = good.replace('</saml:Assertion>', `<saml:Advice>${'<saml:X/>'.repeat(2000)}</saml:Advice></saml:Assertion>`);
    await refused(b64(siblings), 'saml-xml-too-complex');
    await refused('A'.repeat(60 * 1024), 'saml-xml-too-large');
  });

  it('refuses elements hidden from the text pass where the parser sees them (an XHTML script holding an open comment)', async () => {
    const good = Buffer.from(signed(alice()), 'base64').toString('utf8');
    const hidden = `<saml:Advice><script xmlns="http://www.w3.org/1999/xhtml"><!--</script>${'<saml:X/>'.repeat(2000)}<saml:Y>--></saml:Y></saml:Advice>`;
    await refused(b64(good.replace('</saml:Assertion>', `${hidden}</saml:Assertion>`)), 'saml-xml-markup-refused');
  });

  it.each([
    ['an attribute without a value', (xml: string) => xml.replace('<saml:Issuer>', '<saml:Issuer attacker-text-1>')],
    ['a repeated attribute', (xml: string) => xml.replace('<saml:Issuer>', '<saml:Issuer x="attacker-text-2" x="y">')],
    ['an unquoted attribute value', (xml: string) => xml.replace('<saml:Issuer>', '<saml:Issuer x=attacker-text-3>')],
    ['an undefined entity', (xml: string) => xml.replace('alice@example.com</saml:NameID>', '&attackertext4;</saml:NameID>')],
    ['a doctype', (xml: string) => `<!DOCTYPE attacker-text-5>${xml}`],
    [
      'an element past the children cap',
      (xml: string) => xml.replace('</saml:Assertion>', `${'<x-attacker-text-6/>'.repeat(300)}</saml:Assertion>`),
    ],
  ])(
    'writes exactly one log line, the audit line, for a document with %s (no parser warning, no attacker text)',
    async (_what, bend) => {
      const handler = samlHandler({
        app: buildSamlApp(env(), { credentials: LOCAL_CREDENTIALS }),
        auditLog: new JsonLineAuditLog(stdoutWriter),
      });
      const xml = bend(Buffer.from(signed(alice()), 'base64').toString('utf8'));
      const { result, output } = await captureOutput(() => post(handler, b64(xml)));
      expect(result.statusCode).toBe(401);
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ audit: { decision: 'deny', status: 401 } });
      expect(output).not.toMatch(/attacker-?text|xmldom/i);
    },
  );

  it('refuses an IdP-initiated assertion when that is off', async () => {
    await refused(signed(alice()), 'saml-idp-initiated-refused', { SAML_ALLOW_IDP_INITIATED: 'false' });
  });

  it('judges the source before reading anything: an outsider gets 403 whatever its form, cookie or route', async () => {
    const entries: AuditEntry[] = [];
    const handler = container(entries, { SAML_IDP_SSO_URL: undefined });
    const outside = { identity: { sourceIp: '203.0.113.9' } };
    const bad = ssoEvent('POST', '/sso/saml', {
      ...outside,
      form: { nonsense: 'x' },
      cookie: 'studio_gate_saml=a; studio_gate_saml=b',
    });
    const calls = [bad, ssoEvent('GET', '/sso/saml/metadata', outside), ssoEvent('GET', '/sso/saml/login', outside)];
    for (const event of calls) expect((await handler(event, lambdaContext())).statusCode).toBe(403);
    expect(entries.map((e) => e.reason)).toEqual(['source-ip-not-allowed', 'source-ip-not-allowed', 'source-ip-not-allowed']);
  });

  it('refuses a form with anything but SAMLResponse and RelayState, or a field twice (400)', async () => {
    const handler = container([]);
    const twice = ssoEvent('POST', '/sso/saml', { form: { SAMLResponse: 'x' } });
    twice.body = 'SAMLResponse=a&SAMLResponse=b';
    expect((await handler(twice, lambdaContext())).statusCode).toBe(400);
    const extra = ssoEvent('POST', '/sso/saml', { form: { SAMLResponse: signed(alice()), return_to: 'https://evil.example' } });
    expect((await handler(extra, lambdaContext())).statusCode).toBe(400);
  });
});

describe('SP-initiated login', () => {
  async function start(handler: ReturnType<typeof container>, query?: Record<string, string[]>) {
    const result = await handler(ssoEvent('GET', '/sso/saml/login', query ? { query } : {}), lambdaContext());
    expect(result.statusCode).toBe(302);
    const location = new URL(result.headers?.Location as string);
    expect(`${location.origin}${location.pathname}`).toBe(`${peers.issuer.issuer}/__local/saml/sso`);
    const request = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest') as string, 'base64')).toString('utf8');
    const requestId = /ID="([^"]+)"/.exec(request)?.[1] as string;
    expect(request).toContain(`AssertionConsumerServiceURL="${sso.acsUrl}"`);
    const name = setCookieNames(result).find((n) => n.endsWith(SAML_COOKIE)) ?? SAML_COOKIE;
    return {
      requestId,
      cookie: setCookie(result, name) as string,
      setCookieLine: ((result.multiValueHeaders?.['Set-Cookie'] ?? []) as string[])[0] as string,
      relayState: location.searchParams.get('RelayState'),
    };
  }

  it('uses a __Host- cookie on a deployed stage (Secure, Path=/, no Domain) and ignores one without the prefix', async () => {
    const entries: AuditEntry[] = [];
    const handler = container(entries, { SAML_ALLOW_IDP_INITIATED: 'false', SSO_COOKIE_SECURE: 'true' });
    const { requestId, cookie, setCookieLine } = await start(handler);
    expect(setCookieLine).toMatch(
      new RegExp(`^__Host-${SAML_COOKIE}=[^;]+; Path=/; Max-Age=300; HttpOnly; SameSite=None; Secure$`),
    );
    expect(setCookieLine).not.toMatch(/Domain=/i);
    const value = cookie.slice(cookie.indexOf('=') + 1);
    // A sibling host can set `studio_gate_saml` for this host, never `__Host-studio_gate_saml`: the plain name is not read.
    const planted = await post(handler, signed(alice({ inResponseTo: requestId })), { cookie: `${SAML_COOKIE}=${value}` });
    expect(planted.statusCode).toBe(401);
    const ok = await post(handler, signed(alice({ inResponseTo: requestId })), { cookie: `__Host-${SAML_COOKIE}=${value}` });
    expect(ok.statusCode).toBe(302);
    expect(ok.multiValueHeaders?.['Set-Cookie']).toEqual([
      `__Host-${SAML_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure`,
    ]);
    expect(entries.map((e) => e.reason)).toEqual(['sso-login-started', 'sso-cookie-missing', 'issued']);
  });

  it('keeps the plain name and the SSO path only on the local stack’s plain http (SSO_COOKIE_SECURE=false)', async () => {
    const { setCookieLine } = await start(container([], { SAML_ALLOW_IDP_INITIATED: 'false' }));
    expect(setCookieLine).toMatch(new RegExp(`^${SAML_COOKIE}=[^;]+; Path=/sso; Max-Age=300; HttpOnly; SameSite=Lax$`));
  });

  it('binds the answer to the request sealed in this browser’s cookie', async () => {
    const entries: AuditEntry[] = [];
    const handler = container(entries, { SAML_ALLOW_IDP_INITIATED: 'false' });
    const { requestId, cookie, relayState } = await start(handler, { landing: ['studio::'] });
    expect(relayState).toBe('studio::');
    const ok = await post(handler, signed(alice({ inResponseTo: requestId })), { cookie });
    expect(ok.statusCode).toBe(302);
    // Another browser's request id, or no cookie at all: refused.
    const other = await start(handler);
    const wrong = await post(handler, signed(alice({ inResponseTo: requestId })), { cookie: other.cookie });
    expect(wrong.statusCode).toBe(401);
    const none = await post(handler, signed(alice({ inResponseTo: other.requestId })));
    expect(none.statusCode).toBe(401);
    expect(entries.map((e) => e.reason)).toEqual([
      'sso-login-started',
      'issued',
      'sso-login-started',
      'saml-in-response-to-invalid',
      'sso-cookie-missing',
    ]);
  });
});

describe('several domains after SAML sign-in', () => {
  const session = (location: string) => peers.emulator.sessions.get(new URL(location).searchParams.get('token') as string);

  it('takes an IdP-initiated RelayState of launch parameters, domain included', async () => {
    const entries: AuditEntry[] = [];
    const handler = container(entries);
    const ok = await post(handler, signed(demoFields('grace')), { relayState: 'domain=d-localrisk&landing=studio::' });
    expect(ok.statusCode).toBe(302);
    expect(session(ok.headers?.Location as string)).toMatchObject({
      domainId: 'd-localrisk',
      userProfileName: 'grace',
      landingUri: 'studio::',
      sourceIdentity: 'grace@example.com',
    });
    const refused = await post(handler, signed(demoFields('alice')), { relayState: 'domain=d-localrisk' });
    expect(refused.statusCode).toBe(403);
    const unknown = await post(handler, signed(demoFields('alice')), { relayState: 'user=bob' });
    expect(unknown.statusCode).toBe(400);
    expect(entries.map((e) => e.reason)).toEqual(['issued', 'domain-not-entitled', 'parameter-unknown']);
  });

  it('carries domain= of an SP-initiated login in the sealed state and the RelayState', async () => {
    const handler = container([], { SAML_ALLOW_IDP_INITIATED: 'false' });
    const result = await handler(
      ssoEvent('GET', '/sso/saml/login', { query: { domain: ['d-localrisk'], landing: ['studio::'] } }),
      lambdaContext(),
    );
    const location = new URL(result.headers?.Location as string);
    expect(location.searchParams.get('RelayState')).toBe('domain=d-localrisk&landing=studio%3A%3A');
    const request = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest') as string, 'base64')).toString('utf8');
    const requestId = /ID="([^"]+)"/.exec(request)?.[1] as string;
    const name = setCookieNames(result).find((n) => n.endsWith(SAML_COOKIE)) ?? SAML_COOKIE;
    const cookie = setCookie(result, name) as string;
    const ok = await post(handler, signed({ ...demoFields('grace'), inResponseTo: requestId }), { cookie });
    expect(ok.statusCode).toBe(302);
    expect(session(ok.headers?.Location as string)).toMatchObject({ domainId: 'd-localrisk', userProfileName: 'grace' });
  });
});
