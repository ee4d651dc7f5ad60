import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { listeningApp } from '../cli/support.js';
import { launch, skipBrowser as skip } from './support.js';

// The API reference page (/console/api.html) in a real browser: it renders every operation
// of /openapi.json from this server alone (the console's CSP: nothing from elsewhere), with
// no script error or CSP violation, and its filter narrows the list.

if (skip) {
  test('API reference page in Chromium', { skip }, () => {});
} else {
  describe('API reference page in Chromium', () => {
    let t: TestApp;
    let url: string;
    let browser: Browser;

    before(async () => {
      ({ t, url } = await listeningApp('sqlite'));
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await t?.close();
    });

    test('renders every operation of /openapi.json, and filters', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      const elsewhere: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('request', (r) => { if (!r.url().startsWith(url)) elsewhere.push(r.url()); });
      await page.goto(`${url}/console/api.html`);
      const doc = (await t.call('GET', '/openapi.json')).json();
      const ops = Object.values(doc.paths as Record<string, object>).reduce((n: number, item) => n + Object.keys(item).length, 0);
      await page.locator('#count').filter({ hasText: /operations/ }).waitFor();
      assert.equal(await page.locator('details.api-op').count(), ops);
      assert.equal(await page.locator('#count').textContent(), `${ops} operations`);
      assert.match(await page.locator('#title').textContent() ?? '', /^OpenDeH API /);

      // Open one operation: its parameters, body schema and answers are shown.
      const allocate = page.locator('details.api-op', { hasText: 'Allocate DeHs' });
      await allocate.locator('summary').click();
      const text = await allocate.textContent() ?? '';
      for (const s of ['project_id', 'availability_zone', 'dedicated_host_ids', 'deh:dedicatedHosts:create', 'X-Auth-Token required']) assert.ok(text.includes(s), `${s} missing`);

      await page.locator('#filter').fill('os-role');
      const shown = await page.locator('details.api-op:not([hidden])').count();
      assert.ok(shown > 0 && shown < ops, `filter shows ${shown} of ${ops}`);
      assert.deepEqual(problems, []);
      assert.deepEqual(elsewhere, []);
      await page.close();
    });
  });
}
