/**
 * A real browser through the whole local stack: Debian's chromium driven by playwright-core
 * (never a downloaded browser), the API under serverless-offline, the real OpenID provider's login
 * form. alice signs in and lands on her Studio page; mallory sees the error page; grace, entitled to
 * two domains in two accounts, picks each on the chooser page and lands in it. Then the SAML way
 * in through the same stack: `npm run -s saml -- alice` prints alice's Studio.
 * .ci/run installs chromium with apt when it is missing; without it this test fails, never skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';
import { leaksIn } from '../../scripts/local/log-hygiene';
import { freeStackPorts, type LocalStack, startLocalStack } from '../../scripts/local/stack';

jest.setTimeout(180_000);

/** Debian's chromium by default; CHROMIUM_PATH names another Chromium or Chrome (a laptop's). */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const run = promisify(execFile);
let stack: LocalStack;
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH to a Chromium or Chrome`,
    );
  stack = await startLocalStack(await freeStackPorts(), { isolatedBuild: true, scheduleHealth: false });
  profileDir = mkdtempSync(join(tmpdir(), 'studio-gate-chromium-'));
  // A fresh user-data dir of its own (launchPersistentContext is how playwright takes one).
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

async function signIn(person: string) {
  await browser.clearCookies();
  const page = await browser.newPage();
  // Loopback only: any request elsewhere fails the test.
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    const host = new URL(request.url()).hostname;
    if (host !== '127.0.0.1') elsewhere.push(request.url());
  });
  await page.goto(`${stack.apiUrl}/sso/login`);
  await page.waitForSelector('input[name="login"]');
  expect(new URL(page.url()).origin).toBe(stack.issuer.url);
  await page.fill('input[name="login"]', person);
  await page.fill('input[name="password"]', 'demo');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  await page.waitForFunction(() => document.querySelector('#profile, #error-code') !== null, undefined, { timeout: 30_000 });
  const result = { url: page.url(), html: await page.content(), elsewhere };
  await page.close();
  return result;
}

it('signs alice in at the local IdP and lands her on her own Studio page', async () => {
  const { url, html, elsewhere } = await signIn('alice');
  expect(new URL(url).origin).toBe(stack.emulator.url);
  expect(html).toContain('<b id="profile">alice</b>');
  expect(elsewhere).toEqual([]);
});

it('shows mallory the error page: its code, the audit line’s request id and time, a way back, and nothing internal', async () => {
  const { url, html } = await signIn('mallory');
  expect(new URL(url).origin).toBe(stack.apiUrl);
  expect(html).toContain('<code id="error-code">forbidden</code>');
  expect(html).not.toMatch(/group-missing|studio-users|contractors|mallory@/);
  const requestId = /<code id="request-id">([^<]+)<\/code>/.exec(html)?.[1];
  expect(requestId).toBeDefined();
  expect(stack.output()).toMatch(new RegExp(`"requestId":"${requestId}","decision":"deny","reason":"group-missing"`));
  expect(html).toMatch(/<code id="request-time">\d{4}-\d\d-\d\dT/);
  expect(html).toContain('<a id="sign-in-again" href="/sso/login">Sign in again</a>');
});

it('shows grace the chooser after sign-in, and each domain she picks opens her own Studio there', async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).hostname !== '127.0.0.1') elsewhere.push(request.url());
  });
  /** Signs in at the IdP when it asks (its own session may spare the form the second time). */
  const signInIfAsked = async () => {
    await page.waitForFunction(() => document.querySelector('input[name="login"], #domains, #profile, #error-code') !== null);
    if ((await page.$('input[name="login"]')) === null) return;
    await page.fill('input[name="login"]', 'grace');
    await page.fill('input[name="password"]', 'demo');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  };
  const landed: Record<string, string> = {};
  for (const domain of ['d-localrisk', 'd-localdemo']) {
    await page.goto(`${stack.apiUrl}/sso/login`);
    await signInIfAsked();
    await page.waitForSelector('#domains', { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(stack.apiUrl);
    const choices = await page.$$eval('#domains > li > a', (links) => links.map((a) => a.getAttribute('data-domain')));
    expect(choices).toEqual(['d-localdemo', 'd-localrisk']);
    // Her spaces in each: the shared ones, and her own private one in the risk domain.
    const spaces = await page.$$eval('#domains a[data-space]', (links) =>
      links.map((a) => `${a.getAttribute('data-domain')}/${a.getAttribute('data-space')}`),
    );
    expect(spaces).toEqual(['d-localdemo/team-a', 'd-localrisk/grace-models', 'd-localrisk/risk-shared']);
    await Promise.all([page.waitForLoadState('load'), page.click(`#domains > li > a[data-domain="${domain}"]`)]);
    await signInIfAsked();
    await page.waitForSelector('#profile', { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(stack.emulator.url);
    landed[domain] = `${await page.textContent('#domain')}/${await page.textContent('#profile')}`;
  }
  expect(landed).toEqual({ 'd-localrisk': 'd-localrisk/grace', 'd-localdemo': 'd-localdemo/grace' });
  // The risk domain's URL was issued by a session of its issuer role that names grace.
  expect(stack.emulator.iam?.calls.filter((c) => c.outcome === 'issued').map((c) => c.sourceIdentity)).toContain(
    'grace@example.com',
  );
  expect(elsewhere).toEqual([]);
  await page.close();
});

it('signs erin in SP-initiated over SAML (AuthnRequest, the IdP’s form, the POST binding) into her Studio', async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(`${stack.apiUrl}/sso/saml/login?landing=studio::`);
  await page.waitForSelector('input[name="login"]');
  expect(new URL(page.url()).origin).toBe(stack.issuer.url);
  await page.fill('input[name="login"]', 'erin');
  await page.fill('input[name="password"]', 'demo');
  await page.click('button[type="submit"]');
  await page.waitForSelector('#profile', { timeout: 30_000 });
  expect(new URL(page.url()).origin).toBe(stack.emulator.url);
  expect(await page.content()).toContain('<b id="profile">erin</b>');
  await page.close();
});

it('npm run -s saml -- alice prints a Location on alice’s Studio; mallory gets none', async () => {
  const env = { ...process.env, LOCAL_ISSUER_URL: stack.issuer.url };
  const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const script = join(__dirname, '..', '..', 'scripts', 'saml.ts');
  const { stdout } = await run(tsx, [script, 'alice'], { env, timeout: 60_000 });
  const location = new URL(stdout.trim());
  expect(location.origin).toBe(stack.emulator.url);
  const studio = await fetch(location, { headers: { Accept: 'application/json' } });
  expect(((await studio.json()) as { userProfileName?: string }).userProfileName).toBe('alice');
  await expect(run(tsx, [script, 'mallory'], { env, timeout: 60_000 })).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('403 forbidden'),
  });
  // The stack's audit log: the SAML and OIDC decisions, and no secret of any kind.
  const output = stack.output();
  expect(output).toContain('"reason":"issued"');
  expect(output).not.toContain(location.search.slice(1));
  const auditLines = output.split('\n').filter((line) => line.startsWith('{'));
  expect(auditLines.length).toBeGreaterThan(3);
  expect(leaksIn(auditLines.join('\n'))).toEqual([]);
});
