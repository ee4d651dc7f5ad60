import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { listeningApp } from '../cli/support.js';

// The console in a real browser (Debian's Chromium driven by playwright-core) against a real
// listening server: sign in, allocate, see the host and the servers placed on it, rename it,
// tag it, release it. The browser must never report a script error or a CSP violation.

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``;
export const SCREENSHOT = '/tmp/console.png';

for (const dialect of DIALECTS) {
  if (skip) {
    // A skipped test (counted in the runner's "skipped" line), never a silent pass.
    test(`web console in Chromium [${dialect}]`, { skip }, () => {});
    continue;
  }
  describe(`web console in Chromium [${dialect}]`, () => {
    let t: TestApp;
    let url: string;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const servers: string[] = [];

    before(async () => {
      ({ t, url } = await listeningApp(dialect));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      // Network failures are judged by URL below (API errors are part of the test); any other
      // console error, such as a CSP violation, is a problem.
      page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
      page.on('response', (r) => { if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/console')) problems.push(`asset: ${r.status()} ${r.url()}`); });
      page.setDefaultTimeout(10_000);
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    const row = (name: string) => page.locator('#hosts tbody tr', { has: page.getByRole('button', { name, exact: true }) });
    const message = () => page.locator('#message-text');
    /** Every action of the page has finished (the page keeps aria-busy while one runs). */
    const idle = () => page.locator('body:not([aria-busy="true"])').waitFor({ state: 'attached' });

    test('sign in with the form', async () => {
      await page.goto(`${url}/console`);
      await page.getByLabel('User').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByLabel('Project').fill('eu-de');
      await page.getByLabel('Domain').fill('Default');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#app-view').waitFor();
      await idle(); // hosts and quota are loaded
      assert.equal(await page.locator('#who-text').textContent(), 'admin · project eu-de');
      await page.getByText('No dedicated hosts yet.').waitFor();
      // The quota table is there from the start, one row per host type.
      assert.equal(await page.locator('#quota tbody tr').count(), 10);
    });

    test('a wrong password shows the identity service\'s answer verbatim', async () => {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await p.goto(`${url}/console`);
      await p.getByLabel('Password').fill('wrong');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.locator('#message.error').waitFor();
      assert.equal(await p.locator('#message-text').textContent(), '401 Unauthorized The request you have made requires authentication.');
      assert.ok(await p.locator('#login-view').isVisible());
      await ctx.close();
    });

    test('allocate a host and see it in the table', async () => {
      await page.getByRole('button', { name: 'Allocate hosts' }).click();
      const form = page.locator('#allocate-form');
      await form.getByLabel('Name').fill('web-console');
      await form.getByLabel('Availability zone').fill('eu-de-01');
      await form.locator('select[name=host_type] option[value=c4]').waitFor({ state: 'attached' });
      await form.getByLabel('Host type').selectOption('c4');
      await form.getByLabel('Tags').fill('env=test, team=web');
      await form.getByRole('button', { name: 'Allocate', exact: true }).click();
      await row('web-console').waitFor();
      await idle();
      const text = await message().textContent();
      const id = /^Allocated 1 host: (\S+)$/.exec(text ?? '')?.[1];
      assert.ok(id, text ?? '');
      const r = row('web-console');
      assert.equal(await r.getAttribute('data-id'), id);
      assert.equal(await r.locator('.badge').textContent(), 'available');
      assert.equal(await r.locator('.capacity-text').first().textContent(), '74 / 74');
      assert.deepEqual(await r.locator('.chip').allTextContents(), ['env=test', 'team=web']);
      assert.equal(await r.getByRole('switch').textContent(), 'on');
      assert.equal(await page.locator('#host-count').textContent(), '1');
      assert.equal(await page.locator('#quota tbody tr', { hasText: 'c4' }).locator('td').nth(1).textContent(), '1');
    });

    test('an API error is shown verbatim in the message area', async () => {
      const api = await t.deh(t.admin, 'POST', '/dedicated-hosts', { name: 'x', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1000 });
      const { code, message: text } = api.json().error;
      await page.getByRole('button', { name: 'Allocate hosts' }).click();
      const form = page.locator('#allocate-form');
      await form.getByLabel('Name').fill('too-many');
      await form.locator('select[name=host_type] option[value=c4]').waitFor({ state: 'attached' });
      await form.getByLabel('Host type').selectOption('c4');
      await form.getByLabel('Quantity').fill('1000');
      await form.getByRole('button', { name: 'Allocate', exact: true }).click();
      await page.locator('#message.error').waitFor();
      assert.equal(await message().textContent(), `${api.statusCode} ${code} ${text}`);
      await form.getByRole('button', { name: 'Cancel' }).click();
    });

    test('servers placed through the compute API show in the capacity bars and the detail', async () => {
      const id = (await row('web-console').getAttribute('data-id'))!;
      for (const [name, flavor] of [['vm-small', 'c4.xlarge.4'], ['vm-big', 'c4.4xlarge.4']]) {
        const r = await t.call('POST', `/compute/v2.1/${t.admin.projectId}/servers`, {
          token: t.admin.token,
          body: { server: { name, flavorRef: flavor, imageRef: '', availability_zone: 'eu-de-01' }, 'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: id } },
        });
        assert.equal(r.statusCode, 202, r.body);
        servers.push(r.json().server.id);
      }
      await page.getByRole('button', { name: 'Refresh' }).click();
      const h = (await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;
      await row('web-console').locator('.capacity-text', { hasText: `${h.available_vcpus} / 74` }).waitFor();
      await idle();
      assert.equal(await row('web-console').locator('td.num').textContent(), '2');

      await row('web-console').getByRole('button', { name: 'web-console' }).click();
      const detail = page.locator('#detail');
      await detail.locator('table.servers').waitFor();
      await idle();
      assert.deepEqual((await detail.locator('table.servers tbody tr td:first-child').allTextContents()).sort(), ['vm-big', 'vm-small']);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    test('rename, switch auto placement, edit tags in the detail', async () => {
      const detail = page.locator('#detail');

      await detail.getByLabel('Name').fill('web-renamed');
      await detail.getByRole('button', { name: 'Save' }).click();
      await row('web-renamed').waitFor();
      await idle();
      assert.equal(await detail.locator('h3').textContent(), 'web-renamed');

      await row('web-renamed').getByRole('switch').click();
      await row('web-renamed').locator('button.toggle.off').waitFor();
      await idle(); // the detail re-renders after the row

      await detail.getByLabel('New tag (key=value)').fill('tier=1');
      await detail.getByRole('button', { name: 'Add tag' }).click();
      await row('web-renamed').locator('.chip', { hasText: 'tier=1' }).waitFor();
      await idle();
      await detail.getByRole('button', { name: 'Remove tag env' }).click();
      await page.waitForFunction(() => ![...document.querySelectorAll('#hosts .chip')].some((c) => c.textContent === 'env=test'));
      await idle();
      assert.deepEqual(await row('web-renamed').locator('.chip').allTextContents(), ['team=web', 'tier=1']);

      // What the console shows is what the API holds.
      const id = await row('web-renamed').getAttribute('data-id');
      const h = (await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;
      assert.equal(h.name, 'web-renamed');
      assert.equal(h.auto_placement, 'off');
      assert.deepEqual(h.tags, [{ key: 'team', value: 'web' }, { key: 'tier', value: '1' }]);
    });

    test('a reload keeps the session', async () => {
      await page.reload();
      await row('web-renamed').waitFor();
      await idle();
    });

    test('release after confirming; a host with servers is refused by the API', async () => {
      const id = await row('web-renamed').getAttribute('data-id');
      page.once('dialog', (d) => void d.accept());
      await row('web-renamed').getByRole('button', { name: 'Release' }).click();
      await page.locator('#message.error').waitFor();
      const refused = (await t.deh(t.admin, 'DELETE', `/dedicated-hosts/${id}`)).json().error;
      assert.equal(await message().textContent(), `409 ${refused.code} ${refused.message}`);
      for (const s of servers) {
        assert.equal((await t.call('DELETE', `/compute/v2.1/${t.admin.projectId}/servers/${s}`, { token: t.admin.token })).statusCode, 204);
      }

      let asked = '';
      page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
      await row('web-renamed').getByRole('button', { name: 'Release' }).click();
      assert.match(asked, /^Release dedicated host "web-renamed"/);
      assert.ok(await row('web-renamed').isVisible(), 'dismissing the confirm keeps the host');

      page.once('dialog', (d) => void d.accept());
      await row('web-renamed').getByRole('button', { name: 'Release' }).click();
      await page.getByText('No dedicated hosts yet.').waitFor();
      await idle();
      assert.equal(await message().textContent(), `Released web-renamed (${id}).`);
      assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).statusCode, 404);
      assert.deepEqual(problems, []);
    });
  });
}
