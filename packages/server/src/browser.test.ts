/**
 * The SPA of examples/spa in headless Chromium (Debian's `chromium`, driven by playwright-core):
 * sign-in with code + PKCE by oauth4webapi in the browser, the user's name from the ID token, a
 * protected API called with the access token, a refresh, the grant revoked from the account
 * page, and the next refresh refused. Set PORTCULLIS_SCREENSHOTS=<dir> to keep screenshots of
 * the login, consent and account pages.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type OrdersApi, startOrdersApi } from '../../../examples/spa/orders-api.ts';
import { type SpaServer, startSpaServer } from '../../../examples/spa/spa-server.ts';
import { fixtureClients, people, startTestServer, type TestServer, testApi } from './test-support.ts';

const chromiumPath = process.env.PORTCULLIS_CHROMIUM ?? '/usr/bin/chromium';
const screenshots = process.env.PORTCULLIS_SCREENSHOTS;

let spa: SpaServer;
let server: TestServer;
let api: OrdersApi;
let browser: Browser;

before(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: the browser test needs it. ` +
        'Install it with `apt-get install -y chromium` (as .ci/run does), or point PORTCULLIS_CHROMIUM at a Chromium binary.',
    );
  }
  spa = await startSpaServer();
  // The fixture's SPA client, with the real SPA's redirect URI.
  const clients = fixtureClients().map((c) => (c.client_id === 'spa' ? { ...c, redirect_uris: [spa.redirectUri] } : c));
  server = await startTestServer({ clients });
  api = await startOrdersApi({ issuer: server.issuer, audience: testApi, allowedOrigin: spa.origin });
  spa.configure({
    issuer: server.issuer,
    clientId: 'spa',
    scope: 'openid profile offline_access orders:read',
    resource: testApi,
    apiUrl: api.url,
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await api?.close();
  await server?.close();
  await spa?.close();
});

/** Script errors and failed requests of a page (a missing favicon aside), to check and explain. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/favicon.ico')
      problems.push(`${response.request().method()} ${url.origin}${url.pathname}: ${response.status()}`);
  });
  return problems;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: join(screenshots, `portcullis-${name}.png`), fullPage: true });
}

describe('the example SPA in headless Chromium', () => {
  test('signs in with code + PKCE, shows the name, calls the API, refreshes, and fails to refresh once the grant is revoked', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const app = await context.newPage();
    const problems = watch(app);
    try {
      await app.goto(spa.origin);
      await app.getByRole('button', { name: 'Sign in' }).click();

      // The sign-in page is answered at the authorization endpoint itself (no redirect to /login).
      await app.waitForURL(`${server.issuer}/oauth2/authorize?**`);
      await app.getByLabel('Username').waitFor();
      assert.match((await app.locator('h1').textContent()) ?? '', /Orders SPA/, 'the login page names the application');
      await screenshot(app, 'login');
      await app.getByLabel('Username').fill(people.anne.username);
      await app.getByLabel('Password').fill(people.anne.password);
      await app.getByRole('button', { name: 'Sign in' }).click();

      // The consent page is the sign-in form's answer (no redirect to /consent).
      await app.getByRole('button', { name: 'Allow' }).waitFor();
      assert.equal(new URL(app.url()).pathname, '/login');
      await screenshot(app, 'consent');
      await app.getByRole('button', { name: 'Allow' }).click();

      await app.waitForURL(`${spa.origin}/`);
      await app.locator('#signed-in').waitFor();
      assert.equal(await app.locator('#user-name').textContent(), people.anne.name, 'the name comes from the ID token');
      assert.equal(await app.locator('#error').isVisible(), false, (await app.locator('#error').textContent()) ?? '');

      await app.getByRole('button', { name: 'Call the Orders API' }).click();
      await app.getByText('The Orders API answered (call 1).').waitFor();
      const answer = JSON.parse((await app.locator('#api-result').textContent()) ?? '');
      assert.equal(answer.client, 'spa');
      assert.equal(answer.orders.length, 2);
      await screenshot(app, 'spa');

      await app.getByRole('button', { name: 'Refresh' }).click();
      await app.getByText('Tokens refreshed (1).').waitFor();
      // The refreshed access token works too.
      await app.getByRole('button', { name: 'Call the Orders API' }).click();
      await app.getByText('The Orders API answered (call 2).').waitFor();

      const account = await context.newPage();
      watch(account);
      await account.goto(`${server.issuer}/account`);
      await account.getByRole('cell', { name: 'Orders SPA', exact: true }).waitFor();
      await screenshot(account, 'account');
      await account.getByRole('button', { name: 'Revoke access for Orders SPA' }).click();
      await account.getByText('Access withdrawn.').waitFor();
      assert.equal(
        await account.getByRole('cell', { name: 'Orders SPA', exact: true }).count(),
        0,
        'the application is gone from the list',
      );
      await screenshot(account, 'account-after-revoke');
      await account.close();

      await app.bringToFront();
      await app.getByRole('button', { name: 'Refresh' }).click();
      await app.locator('#error').waitFor();
      assert.match((await app.locator('#error').textContent()) ?? '', /^Refresh failed: invalid_grant/);
      assert.deepEqual(
        problems,
        [`POST ${server.issuer}/oauth2/token: 400`],
        'no script errors, and no failed request but the refused refresh',
      );
    } catch (error) {
      await screenshot(app, 'failure');
      if (problems.length) (error as Error).message += `\nin the browser:\n${problems.join('\n')}`;
      throw error;
    } finally {
      await context.close();
    }
  });
});
