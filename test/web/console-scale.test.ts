import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { consoleSuite, idle, signIn } from './support.js';

// The DeH list at 10,000 DeHs: the page asks for one page at a time (limit/marker, filters in
// the API), the tags of that page only, and no response carries more than a page of DeHs.
// (How fast is a matter for `npm run bench`, never for a test.)

const N = 10_000;

consoleSuite('console at 10,000 DeHs', (engine) => {
  let t: TestApp;
  let url: string;
  let page: Page;
  const { problems } = engine;
  /** Every DeH API call of the page, with how many DeHs or tag sets it carried. */
  const calls: { path: string; query: URLSearchParams; hosts: number }[] = [];

  before(async () => {
    ({ t, url } = engine);
    assert.equal((await t.call('PUT', `/opendeh/v1/quotas/${t.admin.projectId}/c4`, { token: t.admin.token, body: { hard_limit: -1 } })).statusCode, 204);
    for (let i = 0; i < N / 100; i++) {
      const r = await t.deh(t.admin, 'POST', '/dedicated-hosts', { name: `bulk-${i}`, availability_zone: 'eu-de-01', host_type: 'c4', quantity: 100 });
      assert.equal(r.statusCode, 200, r.body);
    }
    const r = await t.deh(t.admin, 'POST', '/dedicated-hosts', { name: 'needle', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1, tags: [{ key: 'find', value: 'me' }] });
    assert.equal(r.statusCode, 200, r.body);
    page = await engine.newPage();
    page.on('response', (res: Response) => void record(res));
  });

  async function record(res: Response) {
    const u = new URL(res.url());
    if (!u.pathname.startsWith('/v1.0/')) return;
    let hosts = 0;
    try {
      const body = await res.json();
      hosts = (body.dedicated_hosts ?? body.resources ?? []).length;
    } catch { /* not JSON */ }
    calls.push({ path: u.pathname, query: u.searchParams, hosts });
  }
  const lists = () => calls.filter((c) => c.path.endsWith('/dedicated-hosts'));

  test('the first page: one list request of 20, the tags of those 20', async () => {
    await signIn(page, url);
    await page.waitForFunction(() => document.querySelector('#page-info')?.textContent?.includes('of'));
    assert.equal(await page.locator('#page-info').textContent(), `1–20 of ${(N + 1).toLocaleString('en-US')}`);
    assert.equal((await t.deh(t.admin, 'GET', '/dedicated-hosts?limit=1')).json().total, N + 1);
    assert.equal(await page.locator('#hosts tbody tr').count(), 20);
    assert.equal(lists().length, 1);
    assert.equal(lists()[0].query.get('limit'), '20');
    assert.equal(calls.filter((c) => c.path.includes('/dedicated-host-tags/') && c.path.endsWith('/tags')).length, 20);
    assert.equal(calls.filter((c) => c.path.endsWith('/resource_instances/action')).length, 0, 'no query of every host\'s tags');
  });

  test('bigger pages and the next one, a tag search: never more than a page', async () => {
    await page.locator('#page-size').selectOption('100');
    await idle(page);
    await page.locator('#page-next').click();
    await idle(page);
    assert.equal(await page.locator('#page-info').textContent(), `101–200 of ${(N + 1).toLocaleString('en-US')}`);
    await page.locator('#filter-form [name=tags]').fill('find=me');
    await page.locator('#filter-form').getByRole('button', { name: 'Search' }).click();
    await idle(page);
    assert.deepEqual(await page.locator('#hosts tbody tr button.name').allTextContents(), ['needle']);
    assert.equal(lists().at(-1)!.query.get('tags'), 'find=me');
    for (const c of calls) assert.ok(c.hosts <= 100, `${c.path}?${c.query} carried ${c.hosts} DeHs`);
    for (const c of lists()) assert.ok(Number(c.query.get('limit')) <= 100, `${c.path}?${c.query}`);
    assert.deepEqual(problems, []);
  });
});
