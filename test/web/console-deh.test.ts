import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { allocate, type TestApp } from '../support/app.js';
import { consoleSuite, hostRow, idle, message, openHost, serverOn, shot, signIn } from './support.js';

// The manual's DeH procedures (deh_management/*, getting_started/allocating_dehs, tag
// management, the quota page) in the console, each ending in what the API then holds.

consoleSuite('console: DeH procedures', (engine) => {
  let t: TestApp;
  let page: Page;
  const { problems } = engine;
  const get = async (id: string) => (await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;

  before(async () => {
    t = engine.t;
    page = await engine.newPage();
    await signIn(page, engine.url);
  });

  test('allocating DeHs (getting_started/allocating_dehs)', async () => {
    await page.getByRole('button', { name: 'Allocate DeH' }).click();
    const form = page.locator('#allocate-form');
    await form.getByLabel('Name').fill('web-a');
    await form.locator('select[name=host_type] option[value=c4]').waitFor({ state: 'attached' });
    await form.getByLabel('Host type').selectOption('c4');
    await form.getByLabel('Quantity').fill('2');
    await form.getByLabel('Tags').fill('env=test, team=web');
    await shot(page, t, 'allocate');
    await form.getByRole('button', { name: 'Allocate', exact: true }).click();
    await page.locator('#message.info').waitFor();
    await idle(page);
    const ids = /^Allocated 2 hosts: (\S+), (\S+)$/.exec((await message(page).textContent()) ?? '')?.slice(1);
    assert.ok(ids, await message(page).textContent() ?? '');
    assert.equal(await page.locator('#hosts tbody tr').count(), 2);
    assert.deepEqual(await page.locator(`#hosts tbody tr[data-id="${ids[0]}"] .chip`).allTextContents(), ['env=test', 'team=web']);
    for (const id of ids) {
      const h = await get(id);
      assert.equal(h.name, 'web-a');
      assert.equal(h.host_properties.host_type, 'c4');
      assert.equal(h.auto_placement, 'on');
      assert.deepEqual(h.tags, [{ key: 'env', value: 'test' }, { key: 'team', value: 'web' }]);
    }
    assert.equal(await page.locator('#quota tr[data-resource=c4] td').nth(1).textContent(), '2');
    await shot(page, t, 'hosts');
  });

  test('changing the name of a DeH', async () => {
    const [id] = await allocate(t, t.admin, { name: 'to-rename' });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await openHost(page, 'to-rename');
    await page.locator('#detail-view').getByLabel('Name').fill('renamed');
    await page.locator('#detail-view').getByRole('button', { name: 'Save' }).click();
    await page.locator('#detail-view h2', { hasText: 'renamed' }).waitFor();
    await idle(page);
    assert.equal((await get(id)).name, 'renamed');
  });

  test('configuring auto placement (details page and list switch)', async () => {
    await openHost(page, 'renamed');
    const id = (await page.locator('#detail-view .detail-head .id').textContent())!;
    await page.locator('#detail-view').getByLabel('Auto placement').selectOption('off');
    await page.locator('#detail-view').getByRole('button', { name: 'Save' }).click();
    await page.locator('#detail-view dd', { hasText: /^off$/ }).waitFor();
    await idle(page);
    assert.equal((await get(id)).auto_placement, 'off');
    // The list's switch turns it back on.
    await page.getByRole('button', { name: '‹ Dedicated hosts' }).click();
    await idle(page);
    await hostRow(page, 'renamed').getByRole('switch').click();
    await hostRow(page, 'renamed').locator('button.toggle.on').waitFor();
    await idle(page);
    assert.equal((await get(id)).auto_placement, 'on');
  });

  test('tags: add and delete on the details page', async () => {
    await openHost(page, 'renamed');
    const id = (await page.locator('#detail-view .detail-head .id').textContent())!;
    const detail = page.locator('#detail-view');
    for (const tag of ['tier=1', 'owner=ops']) {
      await detail.getByLabel('New tag (key=value)').fill(tag);
      await detail.getByRole('button', { name: 'Add tag' }).click();
      await detail.locator('.chip', { hasText: tag }).waitFor();
      await idle(page);
    }
    await detail.getByRole('button', { name: 'Remove tag tier' }).click();
    await page.waitForFunction(() => ![...document.querySelectorAll('#detail-view .chip')].some((c) => c.textContent?.startsWith('tier=1')));
    await idle(page);
    assert.deepEqual((await get(id)).tags, [{ key: 'owner', value: 'ops' }]);
  });

  test('viewing the details of a DeH and its available resources', async () => {
    const hostId = (await t.deh(t.admin, 'GET', '/dedicated-hosts?name=web-a')).json().dedicated_hosts[0].dedicated_host_id;
    await serverOn(t, hostId, 'fit-1', 'c4.2xlarge.4');
    await page.locator('#nav').getByRole('button', { name: 'Dedicated hosts' }).click();
    await idle(page);
    await page.locator(`#hosts tbody tr[data-id="${hostId}"] button.name`).click();
    await page.locator('#detail-view table.fits').waitFor();
    await idle(page);
    const h = await get(hostId);
    const dd = async (k: string) => (await page.locator('#detail-view dt', { hasText: new RegExp(`^${k.replace(/[()]/g, '\\$&')}$`) }).locator('xpath=following-sibling::dd[1]').textContent())?.trim();
    assert.equal(await dd('Sockets'), String(h.host_properties.sockets));
    assert.equal(await dd('Cores'), String(h.host_properties.cores));
    assert.equal(await dd('vCPUs (available / total)'), `${h.available_vcpus} / ${h.host_properties.vcpus}`);
    assert.equal(await dd('ECSs'), '1');
    // Per flavor, how many more fit: exactly what the API says.
    const shown = await page.locator('#detail-view table.fits tbody tr').evaluateAll((rows) => rows.map((r) => ({ flavor: r.children[0].textContent, count: Number(r.children[1].textContent) })));
    assert.deepEqual(shown, h.available_instance_counts);
    assert.ok(h.available_instance_counts.some((c: { count: number }) => c.count > 0));
    await shot(page, t, 'details');
  });

  test('search and filter by name, type, state, AZ and tag', async () => {
    await allocate(t, t.admin, { name: 'other-az', availability_zone: 'eu-de-02', host_type: 's3', tags: [{ key: 'env', value: 'prod' }] });
    await page.locator('#nav').getByRole('button', { name: 'Dedicated hosts' }).click();
    await idle(page);
    const names = () => page.locator('#hosts tbody tr button.name').allTextContents();
    const search = async (fields: Record<string, string>) => {
      const form = page.locator('#filter-form');
      await form.getByRole('button', { name: 'Reset' }).click();
      await idle(page);
      for (const [field, v] of Object.entries(fields)) {
        const el = form.locator(`[name=${field}]`);
        if (await el.evaluate((e) => e.tagName) === 'SELECT') await el.selectOption(v); else await el.fill(v);
      }
      await form.getByRole('button', { name: 'Search' }).click();
      await idle(page);
      return (await names()).sort();
    };
    const api = async (q: string) => ((await t.deh(t.admin, 'GET', `/dedicated-hosts?${q}`)).json().dedicated_hosts as { name: string }[]).map((x) => x.name).sort();
    assert.deepEqual(await search({ name: 'other-az' }), await api('name=other-az'));
    assert.deepEqual(await search({ host_type: 's3' }), ['other-az']);
    assert.deepEqual(await search({ availability_zone: 'eu-de-01' }), await api('availability_zone=eu-de-01'));
    assert.deepEqual(await search({ tags: 'env=prod' }), ['other-az']);
    assert.deepEqual(await search({ tags: 'env=test' }), ['web-a', 'web-a']);
    assert.deepEqual(await search({ state: 'fault' }), []);
    assert.ok(await page.getByText('No dedicated host matches the search.').isVisible());
    await search({ host_type: 'c4', tags: 'env=test' });
    await shot(page, t, 'search');
    await page.locator('#filter-form').getByRole('button', { name: 'Reset' }).click();
    await idle(page);
  });

  test('paging: one page per request (limit and marker), never the whole list', async () => {
    // 45 more DeHs: the quota of m3 is lifted by the operator API first.
    assert.equal((await t.call('PUT', `/opendeh/v1/quotas/${t.admin.projectId}/m3`, { token: t.admin.token, body: { hard_limit: -1 } })).statusCode, 204);
    await allocate(t, t.admin, { name: 'bulk', host_type: 'm3', quantity: 45 });
    const listCalls: URL[] = [];
    const onRequest = (r: { url: () => string }) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('/dedicated-hosts')) listCalls.push(u);
    };
    page.on('request', onRequest);
    await page.locator('#page-size').selectOption('10');
    await idle(page);
    const total = (await t.deh(t.admin, 'GET', '/dedicated-hosts')).json().total;
    assert.equal(await page.locator('#page-info').textContent(), `1–10 of ${total}`);
    const seen: string[] = [];
    for (let p = 0; ; p++) {
      seen.push(...(await page.locator('#hosts tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id!))));
      if (await page.locator('#page-next').isDisabled()) break;
      await page.locator('#page-next').click();
      await idle(page);
      assert.ok(p < 10, 'paging ends');
    }
    page.off('request', onRequest);
    // Every DeH exactly once, in the API's order; every request asked for one page.
    const all = (await t.deh(t.admin, 'GET', '/dedicated-hosts?limit=1000')).json().dedicated_hosts.map((x: { dedicated_host_id: string }) => x.dedicated_host_id);
    assert.deepEqual(seen, all);
    assert.ok(listCalls.length >= Math.ceil(total / 10));
    for (const u of listCalls) assert.equal(u.searchParams.get('limit'), '10', u.toString());
    assert.ok(listCalls.slice(1).every((u) => u.searchParams.get('marker')), 'pages after the first use a marker');
    await page.locator('#page-prev').click();
    await idle(page);
    assert.equal(await page.locator('#page-info').textContent(), `${Math.floor((total - 1) / 10) * 10 - 9}–${Math.floor((total - 1) / 10) * 10} of ${total}`);
    await page.locator('#page-size').selectOption('20');
    await idle(page);
  });

  test('releasing a DeH (confirm dialog; cancel keeps it)', async () => {
    const [id] = await allocate(t, t.admin, { name: 'to-release', host_type: 's3' });
    await page.locator('#filter-form [name=name]').fill('to-release');
    await page.locator('#filter-form').getByRole('button', { name: 'Search' }).click();
    await idle(page);
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await hostRow(page, 'to-release').getByRole('button', { name: 'Release', exact: true }).click();
    assert.match(asked, /^Release dedicated host "to-release"/);
    assert.equal((await get(id)).state, 'available');
    page.once('dialog', (d) => void d.accept());
    await hostRow(page, 'to-release').getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByText('No dedicated host matches the search.').waitFor();
    await idle(page);
    assert.equal(await message(page).textContent(), `Released to-release (${id}).`);
    assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).statusCode, 404);
    await page.locator('#filter-form').getByRole('button', { name: 'Reset' }).click();
    await idle(page);
  });

  test('releasing DeHs in batches: per-host results, a DeH with ECSs is refused', async () => {
    const ids = await allocate(t, t.admin, { name: 'batch', host_type: 's3', quantity: 3 });
    await serverOn(t, ids[1], 'keeps-it', 's3.large.2');
    await page.locator('#filter-form [name=name]').fill('batch');
    await page.locator('#filter-form').getByRole('button', { name: 'Search' }).click();
    await idle(page);
    assert.ok(await page.locator('#release-selected').isDisabled());
    await page.getByLabel('Select all DeHs on this page').check();
    assert.equal(await page.locator('#release-selected').textContent(), 'Release (3)');
    page.once('dialog', (d) => void d.accept());
    await page.locator('#release-selected').click();
    await page.locator('#results').waitFor();
    await idle(page);
    assert.equal(await page.locator('#results h4').textContent(), 'Release: 2 of 3 succeeded');
    const refused = (await t.deh(t.admin, 'DELETE', `/dedicated-hosts/${ids[1]}`)).json().error;
    assert.equal(await page.locator(`#results tr[data-id="${ids[1]}"] td.bad`).textContent(), `409 ${refused.code} ${refused.message}`);
    for (const id of [ids[0], ids[2]]) assert.equal(await page.locator(`#results tr[data-id="${id}"] td.ok`).textContent(), 'released');
    await shot(page, t, 'release-batch');
    // The API: the two empty ones are gone, the one with an ECS stays.
    for (const id of [ids[0], ids[2]]) assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${id}`)).statusCode, 404);
    assert.equal((await get(ids[1])).state, 'available');
    assert.deepEqual(await page.locator('#hosts tbody tr button.name').allTextContents(), ['batch']);
    await page.locator('#filter-form').getByRole('button', { name: 'Reset' }).click();
    await idle(page);
  });

  test('viewing quotas (DeHs per type and the ECS quota)', async () => {
    await page.locator('#nav').getByRole('button', { name: 'Quotas' }).click();
    await idle(page);
    const deh = (await t.deh(t.admin, 'GET', `/quota-sets/${t.admin.projectId}`)).json().quota_set as { resource: string; used: number; hard_limit: number }[];
    const shown = await page.locator('#quota tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].slice(0, 3).map((c) => c.textContent)));
    assert.deepEqual(shown, deh.map((q) => [q.resource, String(q.used), q.hard_limit === -1 ? 'unlimited' : String(q.hard_limit)]));
    const limits = (await t.call('GET', `/compute/v2.1/${t.admin.projectId}/limits`, { token: t.admin.token })).json().limits.absolute;
    assert.equal(await page.locator('#ecs-quota tr[data-resource=ECSs] td').nth(1).textContent(), String(limits.totalInstancesUsed));
    assert.equal(await page.locator('#ecs-quota tr[data-resource=vCPUs] td').nth(2).textContent(), String(limits.maxTotalCores));
    assert.ok(limits.totalInstancesUsed >= 2);
    await shot(page, t, 'quotas');
    assert.deepEqual(problems, []);
  });
});
