/**
 * `npm run bench:saml`: the CPU one unauthenticated POST to the SAML ACS can cost (docs/faults-and-load.md).
 *
 * The ACS verifies documents from anyone on the network with a synchronous XML stack, so the
 * most expensive document that passes the caps of src/adapters/saml-document-guard.ts is what one
 * request can cost. Each hostile shape below grows, part after part, to the largest size the caps
 * let through, and rides on a genuine signature: a response the trusted IdP signed, with the shape
 * put into its assertion afterwards, as an attacker who captured one response would. That is the
 * dearest path: the signature over SignedInfo holds (for every configured certificate, the signer's
 * is listed last), so the whole response is canonicalized and hashed before its digest fails. (A
 * document signed by a key the service does not trust is refused before that, at SignedInfo.) Each
 * goes through the real SAML handler (buildSamlApp + samlHandler, as Lambda runs them) with one, two
 * and three IdP certificates configured (a rotation), and the CPU time of each request is measured
 * with process.cpuUsage. A document over a cap is measured too: refused before any parser.
 *
 * Bounded: a fixed number of requests per shape (--runs N, default 15), everything in process, no
 * network at all (the refused requests never reach SageMaker or the replay table). --json prints one
 * JSON object on the last line of stdout. Exits 1 when a shape costs more than the budget
 * (--budget-ms N, default 250) or is not refused.
 */
import './local/quiet-node-notice';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { guardSamlResponse, SAML_DOCUMENT_LIMITS } from '../src/adapters/saml-document-guard';
import { buildSamlApp } from '../src/composition/sso-saml';
import { samlHandler } from '../src/http/sso-endpoint';
import type { AuditEntry } from '../src/use-cases/ports';
import { LOCAL_CREDENTIALS } from './local/credentials';
import { wholeNumberFlag } from './local/flags';
import { inProcessEnv, studioUrlEvent } from './local/in-process';
import { invocationContext } from './local/lambda-context';
import {
  assertionXml,
  demoFields,
  generateSamlKeyPair,
  LOCAL_SAML_IDP_ENTITY_ID,
  LOCAL_SAML_SP_ENTITY_ID,
  responseXml,
  type SamlKeyPair,
  signElement,
} from './local/saml-idp';
import { percentile } from './local/stats';

const RUNS = wholeNumberFlag('--runs', 15, 1, 10_000);
const BUDGET_MS = wholeNumberFlag('--budget-ms', 250, 1, 10_000);
const JSON_OUT = process.argv.includes('--json');
const ACS = 'https://studio-gate.example.invalid/sso/saml';
const L = SAML_DOCUMENT_LIMITS;

/** `count` empty siblings, in groups so no element holds more than the children cap. */
function siblings(count: number, tag: string, attrs = ''): string {
  const per = L.maxChildren - 10;
  const groups: string[] = [];
  for (let left = count; left > 0; left -= per + 1) {
    const n = Math.min(per, left - 1);
    groups.push(`<x:g>${`<x:${tag}${attrs}/>`.repeat(Math.max(0, n))}</x:g>`);
  }
  return groups.join('');
}

/** `count` nested chains as deep as the cap allows, each level declaring namespaces (canonicalization's work). */
function chains(count: number): string {
  const depth = L.maxDepth - 8;
  const attrs = (d: number) =>
    Array.from({ length: L.maxAttributes - 1 }, (_, k) => ` xmlns:n${d}_${k}="urn:n:${d}:${k}"`).join('');
  let one = '';
  for (let d = depth - 1; d >= 0; d--) one = `<x:c${attrs(d)}>${one}</x:c>`;
  return one.repeat(count);
}

const withAttributes = (n: number) => Array.from({ length: n }, (_, k) => ` a${k}="v${k}"`).join('');

/**
 * Every hostile shape, as a list of growing parts: the bench takes the largest size of each part, in
 * order, that the guard still lets through, so each document sits just under its caps. Filler goes
 * inside the assertion, so both signed elements cover it.
 */
const SHAPES: Record<string, ((n: number) => string)[]> = {
  'empty siblings (element cap)': [(n) => siblings(n, 'e')],
  'siblings with an ID, then empty ones': [(n) => siblings(n, 'e', ' ID="_x"'), (n) => siblings(n, 'f')],
  'attributes at the per-element cap, then empty siblings': [
    (n) => siblings(n, 'e', withAttributes(L.maxAttributes)),
    (n) => siblings(n, 'f'),
  ],
  'deep chains of namespace declarations': [(n) => chains(n)],
  'padded to the size cap, then IDs and siblings': [
    (n) => `<x:t>${'p'.repeat(n * 64)}</x:t>`,
    (n) => siblings(n, 'e', ' ID="_x"'),
    (n) => siblings(n, 'f'),
  ],
};

/** The document with each part as large as the guard allows, part after part (binary search; n ≤ 4096). */
function largestPassing(parts: readonly ((n: number) => string)[], key: SamlKeyPair): string {
  let fixed = '';
  let best = hostileResponse('', key);
  for (const part of parts) {
    let lo = 0;
    let hi = 4096;
    let bestPart = '';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const doc = hostileResponse(fixed + part(mid), key);
      let passes = true;
      try {
        guardSamlResponse(doc);
      } catch {
        passes = false;
      }
      if (passes) {
        best = doc;
        bestPart = part(mid);
        lo = mid + 1;
      } else hi = mid - 1;
    }
    fixed += bestPart;
  }
  return best;
}

/** A response signed (assertion, then response) by `key`, with `filler` put into its assertion after signing. */
function hostileResponse(filler: string, key: SamlKeyPair): string {
  const fields = demoFields('alice');
  const xml = signElement(
    responseXml(fields, ACS, signElement(assertionXml(fields, ACS), 'Assertion', key), new Date()),
    'Response',
    key,
  );
  return Buffer.from(
    xml.replace('</saml:Assertion>', `<saml:Advice xmlns:x="urn:x">${filler}</saml:Advice></saml:Assertion>`),
  ).toString('base64');
}

/**
 * The in-process pipeline's settings (scripts/local/in-process.ts) plus the SAML function's. Nothing
 * listens at the upstream addresses: every request measured is refused before it would call one.
 */
function env(certs: string): Record<string, string> {
  const nowhere = 'http://127.0.0.1:9';
  return inProcessEnv(
    { emulator: { url: nowhere }, issuer: { issuer: nowhere, jwksUri: `${nowhere}/jwks.json` } },
    {
      AWS_ENDPOINT_URL_DYNAMODB: nowhere,
      SSO_SECRETS_SOURCE: 'env',
      SSO_COOKIE_KEYS: Buffer.alloc(32, 7).toString('base64url'),
      SSO_REPLAY_TABLE: 'bench',
      SAML_IDP_CERTS: certs,
      SAML_IDP_ENTITY_ID: LOCAL_SAML_IDP_ENTITY_ID,
      SAML_SP_ENTITY_ID: LOCAL_SAML_SP_ENTITY_ID,
      SAML_ACS_URL: ACS,
      SAML_ALLOW_IDP_INITIATED: 'true',
    },
  );
}

/** A POST to the ACS from an allowed network, as API Gateway sends it. */
function event(samlResponse: string): APIGatewayProxyEvent {
  const contentType = 'application/x-www-form-urlencoded';
  return {
    ...studioUrlEvent(undefined),
    resource: '/sso/saml',
    path: '/sso/saml',
    httpMethod: 'POST',
    headers: { 'Content-Type': contentType },
    multiValueHeaders: { 'Content-Type': [contentType] },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
  };
}

interface Row {
  shape: string;
  certs: number;
  elements: number;
  base64Chars: number;
  status: number;
  reason: string;
  p50Ms: number;
  maxMs: number;
}

async function main(): Promise<void> {
  const trusted = await Promise.all([1, 2, 3].map((i) => generateSamlKeyPair(`bench IdP ${i}`)));
  const signer = trusted[0] as SamlKeyPair;
  const attacker = await generateSamlKeyPair('attacker');
  const documents: Record<string, string> = {};
  for (const [name, parts] of Object.entries(SHAPES)) documents[name] = largestPassing(parts, signer);
  documents['the largest shape, signed by a key not trusted'] = largestPassing(
    SHAPES['empty siblings (element cap)'] ?? [],
    attacker,
  );
  documents['one element over the cap (refused by the guard)'] = hostileResponse(siblings(L.maxElements, 'e'), signer);
  // Elements a text scan cannot see (an XHTML script's unclosed comment), up to the size cap: the
  // parser reads them all before the tree pass refuses the document. Put in after signing, as an
  // attacker would (signing would re-serialize the script's content).
  const hiddenCount = Math.floor(((L.maxBase64Chars * 3) / 4 - 7000) / 4);
  const hidden = `<script xmlns="http://www.w3.org/1999/xhtml"><!--</script>${'<e/>'.repeat(hiddenCount)}<e>--></e>`;
  const signedXml = Buffer.from(hostileResponse('', attacker), 'base64').toString('utf8');
  documents['~7,000 elements hidden from the text pass (refused)'] = Buffer.from(
    signedXml.replace('</saml:Assertion>', `${hidden}</saml:Assertion>`),
  ).toString('base64');
  const rows: Row[] = [];
  for (const certs of [1, 2, 3]) {
    // The signer's certificate last: every other one is tried first.
    const pems = [...trusted.slice(1, certs), signer].map((k) => k.certificate).join('\n');
    const entries: AuditEntry[] = [];
    const handler = samlHandler({
      app: buildSamlApp(env(pems), { credentials: LOCAL_CREDENTIALS }),
      auditLog: { record: (e) => void entries.push(e), problem: () => {} },
    });
    await handler(event(documents['empty siblings (element cap)'] as string), invocationContext()); // warm-up
    for (const [shape, doc] of Object.entries(documents)) {
      const xml = Buffer.from(doc, 'base64').toString('utf8');
      const ms: number[] = [];
      let result: APIGatewayProxyResult | undefined;
      for (let r = 0; r < RUNS; r++) {
        entries.length = 0;
        const before = process.cpuUsage();
        result = (await handler(event(doc), invocationContext())) as APIGatewayProxyResult;
        const used = process.cpuUsage(before);
        ms.push((used.user + used.system) / 1000);
      }
      ms.sort((a, b) => a - b);
      rows.push({
        shape,
        certs,
        elements: (xml.match(/<[A-Za-z_]/g) ?? []).length,
        base64Chars: doc.length,
        status: result?.statusCode ?? 0,
        reason: entries[0]?.reason ?? '(none)',
        p50Ms: Math.round(percentile(ms, 50) * 10) / 10,
        maxMs: Math.round(percentile(ms, 100) * 10) / 10,
      });
    }
  }
  const worst = rows.reduce((a, b) => (b.maxMs > a.maxMs ? b : a));
  for (const row of rows) {
    process.stderr.write(
      `${row.certs} cert(s)  ${row.shape.padEnd(50)} ${String(row.elements).padStart(5)} elements ${String(row.base64Chars).padStart(6)} chars  ${row.status} ${row.reason.padEnd(32)} p50 ${row.p50Ms} ms  max ${row.maxMs} ms CPU\n`,
    );
  }
  process.stderr.write(
    `worst: ${worst.maxMs} ms CPU (${worst.shape}, ${worst.certs} cert(s)); budget ${BUDGET_MS} ms; caps ${JSON.stringify(L)}\n`,
  );
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ budgetMs: BUDGET_MS, limits: L, worstMs: worst.maxMs, rows })}\n`);
  const broken = rows.filter((r) => r.status !== 401 || r.maxMs > BUDGET_MS);
  if (broken.length > 0) {
    process.stderr.write(`over budget or not refused: ${broken.map((r) => `${r.shape} (${r.certs})`).join('; ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`bench:saml failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
