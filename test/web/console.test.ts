import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { consoleSuite, hostRow, idle, message, shot, signIn } from './support.js';

// The console's basics in a real browser (Debian's Chromium driven by playwright-core) against
// a real listening server: sign in, a wrong password, allocating, an API error shown verbatim,
// a reload keeping the session. The browser must never report a script error or a CSP
// violation. The manual's procedures are in console-deh, console-ecs and console-access.

consoleSuite('web console in Chromium', (engine) => {
  let t: TestApp;
  let url: string;
  let page: Page;
  const { problems } = engine;

  before(async () => {
    ({ t, url } = engine);
    page = await engine.newPage();
  });

  test('sign in with the form', async () => {
    await page.goto(`${url}/console`);
    await shot(page, t, 'sign-in');
    await signIn(page, url);
    assert.equal(await page.locator('#who-text').textContent(), 'admin · project eu-de');
    await page.getByText('No dedicated hosts yet.').waitFor();
    // The quota is loaded with the page, one row per host type.
    assert.equal(await page.locator('#quota tbody tr').count(), 10);
    // The admin sees no permission note and the operator section.
    assert.ok(await page.locator('#perm-note').isHidden());
    assert.ok(await page.locator('#nav-operator').isVisible());
  });

  test('a wrong password shows the identity service\'s answer verbatim', async () => {
    const p = await engine.newPage();
    await p.goto(`${url}/console`);
    await p.getByLabel('Password').fill('wrong');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('#message.error').waitFor();
    assert.equal(await p.locator('#message-text').textContent(), '401 Unauthorized The request you have made requires authentication.');
    assert.ok(await p.locator('#login-view').isVisible());
    await p.context().close();
  });

  test('an API error is shown verbatim in the message area', async () => {
    const api = await t.deh(t.admin, 'POST', '/dedicated-hosts', { name: 'x', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1000 });
    const { code, message: text } = api.json().error;
    await page.getByRole('button', { name: 'Allocate DeH' }).click();
    const form = page.locator('#allocate-form');
    await form.getByLabel('Name').fill('too-many');
    await form.locator('select[name=host_type] option[value=c4]').waitFor({ state: 'attached' });
    await form.getByLabel('Host type').selectOption('c4');
    await form.getByLabel('Quantity').fill('1000');
    await form.getByRole('button', { name: 'Allocate', exact: true }).click();
    await page.locator('#message.error').waitFor();
    assert.equal(await message(page).textContent(), `${api.statusCode} ${code} ${text}`);
    await form.getByRole('button', { name: 'Cancel' }).click();
    // Nothing was allocated.
    assert.equal((await t.deh(t.admin, 'GET', '/dedicated-hosts')).json().total, 0);
  });

  test('a reload keeps the session', async () => {
    await t.deh(t.admin, 'POST', '/dedicated-hosts', { name: 'kept', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 });
    await page.reload();
    await hostRow(page, 'kept').waitFor();
    await idle(page);
    assert.equal(await page.locator('#who-text').textContent(), 'admin · project eu-de');
  });

  test('log out revokes the token', async () => {
    const token = await page.evaluate(() => sessionStorage.getItem('opendeh.console.session'));
    const revoked = page.waitForResponse((r) => r.url().endsWith('/auth/tokens') && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login-view').waitFor();
    assert.equal((await revoked).status(), 204);
    const r = await t.call('GET', '/identity/v3/auth/tokens', { token: t.admin.token, headers: { 'x-subject-token': token! } });
    assert.equal(r.statusCode, 404);
    assert.deepEqual(problems, []);
  });
});
