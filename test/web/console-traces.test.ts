import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { systemRoleId } from '../../src/domain/system-policies.js';
import { allocate, type TestApp } from '../support/app.js';
import { consoleSuite, idle, message, openHost, shot, signIn } from './support.js';

// The Traces view (issue 10) in Chromium against a listening server: a DeH allocated by the
// admin, renamed by another user and updated through the API; its details page's "Traces"
// opens its trail newest first with who did what, and after its release through the API
// (a released DeH has no details page any more) a refresh shows the release on top; a refused call shows alone under
// rating=warning; pages of 10 follow the API's marker; a row opens the trace as the API
// returned it; a user without cts:trace:list gets the service's 403 as it came. What the page
// shows is compared with what the API answers for the same query.

interface Trace {
  trace_id: string; trace_name: string; trace_rating: string; resource_id: string; resource_name: string;
  user: { name: string }; code: string; request_id: string; source_ip: string; response: string; time: number;
}

consoleSuite('console: traces', (engine) => {
  let t: TestApp;
  let url: string;
  let page: Page;
  let hostId: string;
  let otherId: string;
  let aliceToken: string;
  const { problems, admin } = engine;
  /** The API's answer to the query the page is expected to send. */
  const apiTraces = async (query: Record<string, string | number>, token = t.admin.token) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const r = await t.call('GET', `/cts/v1.0/${t.admin.projectId}/system/trace?${qs}`, { token });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { traces: Trace[]; meta_data: { marker: string | null } };
  };
  const update = async (token: string, body: Record<string, string>) =>
    (await t.call('PUT', `/v1.0/${t.admin.projectId}/dedicated-hosts/${hostId}`, { token, body: { dedicated_host: body } })).statusCode;
  /** The rows shown: [operation, rating, user, code, resource id] each. */
  const shown = async (p = page) => p.locator('#traces tbody tr.trace').evaluateAll((rows) => rows.map((r) => [
    r.querySelector('td:nth-child(2)')!.textContent, r.querySelector('td:nth-child(3)')!.textContent,
    r.querySelector('td.user')!.textContent, r.querySelector('td.code')!.textContent, r.querySelector('td:nth-child(5) .id')!.textContent,
  ]));
  const expected = (traces: Trace[]) => traces.map((x) => [x.trace_name, x.trace_rating, x.user.name, x.code, x.resource_id]);
  const search = async () => {
    await page.locator('#trace-search').click();
    await idle(page);
  };

  before(async () => {
    ({ t, url } = engine);
    // alice: DeH FullAccess only — she changes DeHs but may not read the trail (cts:trace:list).
    const alice = (await admin('POST', '/v3/users', { user: { name: 'alice', domain_id: 'default', password: 'pw-console' } })).user.id as string;
    const group = (await admin('POST', '/v3/groups', { group: { name: 'deh-admins' } })).group.id as string;
    await admin('PUT', `/v3/projects/${t.admin.projectId}/groups/${group}/roles/${systemRoleId('system_all_57')}`);
    await admin('PUT', `/v3/groups/${group}/users/${alice}`);
    aliceToken = await t.login('alice', 'pw-console', t.admin.projectId);

    [hostId] = await allocate(t, t.admin, { name: 'traced-host' });
    assert.equal(await update(aliceToken, { name: 'traced-renamed' }), 204);
    for (let i = 0; i < 9; i++) assert.equal(await update(t.admin.token, { auto_placement: i % 2 === 0 ? 'off' : 'on' }), 204);
    [otherId] = await allocate(t, t.admin, { name: 'other-host' });
    page = await engine.newPage();
    await signIn(page, url);
  });

  test('a DeH\'s details → Traces: its create, updates and release, newest first, with who made them', async () => {
    await openHost(page, 'traced-renamed');
    await page.locator('#detail-view').getByRole('button', { name: 'Traces', exact: true }).click();
    await page.locator('#traces-view').waitFor();
    await idle(page);
    assert.equal(await page.locator('#trace-filter [name=resource_id]').inputValue(), hostId);
    assert.equal(await page.locator('#nav button[aria-current=true]').textContent(), 'Traces');
    // The first page holds the API's default page size (10) of the 11 traces; 20 shows them all.
    assert.equal(await page.locator('#traces tbody tr.trace').count(), 10);
    assert.equal(await page.locator('#traces tbody tr.trace').first().locator('td:nth-child(2)').textContent(), 'updateDedicatedHosts');
    await page.locator('#trace-page-size').selectOption('20');
    await idle(page);
    assert.equal(await page.locator('#traces tbody tr.trace').count(), 11);
    // Released through the API; Refresh runs the same search again, up to now.
    assert.equal((await t.call('DELETE', `/v1.0/${t.admin.projectId}/dedicated-hosts/${hostId}`, { token: t.admin.token })).statusCode, 204);
    await page.locator('#trace-refresh').click();
    await idle(page);
    const rows = await shown();
    const api = (await apiTraces({ resource_id: hostId, limit: 20 })).traces;
    assert.deepEqual(rows, expected(api));
    assert.deepEqual(rows.map(([name, rating, user, code]) => [name, rating, user, code]), [
      ['releaseDedicatedHosts', 'normal', 'admin', '204'],
      ...Array(9).fill(['updateDedicatedHosts', 'normal', 'admin', '204']),
      ['updateDedicatedHosts', 'normal', 'alice', '204'],
      ['createDedicatedHosts', 'normal', 'admin', '200'],
    ]);
    assert.ok(rows.every((r) => r[4] === hostId), 'only the DeH\'s own traces (not other-host\'s)');
    // Newest first, by the times the page shows (datetime: the trace's time, to the ms).
    const times = await page.locator('#traces tbody tr.trace time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime')!)));
    assert.deepEqual(times, api.map((x) => x.time));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] >= times[i]);
    await shot(page, t, 'traces');
  });

  test('a refused call shows alone under rating=warning; the user filter narrows to one user', async () => {
    // Updating a released DeH is refused (404): a warning trace, written just after the answer.
    assert.equal(await update(t.admin.token, { name: 'too-late' }), 404);
    let warnings: Trace[] = [];
    for (let i = 0; i < 100 && warnings.length === 0; i++) {
      warnings = (await apiTraces({ resource_id: hostId, trace_rating: 'warning' })).traces;
      if (warnings.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(warnings.length, 1);
    await page.locator('#trace-filter [name=trace_rating]').selectOption('warning');
    await search();
    assert.deepEqual(await shown(), [['updateDedicatedHosts', 'warning', 'admin', '404', hostId]]);
    // Its details: the service's refusal as the trace holds it.
    await page.locator('#traces tbody tr.trace').getByRole('button', { name: 'updateDedicatedHosts' }).click();
    const detail = page.locator('#traces tbody tr.trace-detail');
    assert.equal(await detail.locator('dd[data-key=request_id]').textContent(), warnings[0].request_id);
    assert.match((await detail.locator('dd[data-key=message]').textContent())!, /could not be found/);
    assert.match((await detail.locator('dd[data-key=request]').textContent())!, /too-late/);
    await shot(page, t, 'trace-warning');

    await page.locator('#trace-filter [name=trace_rating]').selectOption('');
    await page.locator('#trace-filter [name=user]').fill('alice');
    await search();
    assert.deepEqual(await shown(), [['updateDedicatedHosts', 'normal', 'alice', '204', hostId]]);
    await page.locator('#trace-filter [name=user]').fill('');
    // The service type (any case, as the API takes it) and a custom time window.
    await page.locator('#trace-filter [name=service_type]').fill('ecs');
    await search();
    assert.equal(await page.locator('#traces tbody tr').count(), 0);
    assert.equal(await page.locator('#traces-empty').textContent(), 'No trace matches the search in this time range.');
    await page.locator('#trace-filter [name=service_type]').fill('deh');
    await search();
    assert.equal(await page.locator('#traces tbody tr.trace').count(), 13);
    const local = (ms: number) => { // datetime-local: the browser's (this machine's) local time
      const d = new Date(ms);
      const p2 = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
    };
    await page.locator('#trace-filter [name=period]').selectOption('custom');
    await page.locator('#trace-filter [name=from]').fill(local(Date.now() - 48 * 3_600_000));
    await page.locator('#trace-filter [name=to]').fill(local(Date.now() - 24 * 3_600_000));
    await search();
    assert.equal(await page.locator('#traces tbody tr').count(), 0, 'a window that ended a day ago');
    await page.locator('#trace-filter [name=to]').fill(''); // an open end: up to now, as the API's default
    await search();
    assert.equal(await page.locator('#traces tbody tr.trace').count(), 13);
    await page.locator('#trace-filter [name=period]').selectOption('hour');
    assert.ok(await page.locator('#trace-filter [name=from]').isHidden());
    await page.locator('#trace-filter [name=service_type]').fill('');
  });

  test('pages of 10 follow the API\'s marker: the next page holds the older traces', async () => {
    await page.locator('#trace-page-size').selectOption('10');
    await idle(page);
    const first = await apiTraces({ resource_id: hostId, limit: 10 });
    assert.deepEqual(await shown(), expected(first.traces));
    assert.equal(first.traces[0].trace_rating, 'warning');
    assert.ok(await page.locator('#trace-prev').isDisabled());
    assert.ok(first.meta_data.marker);
    await page.locator('#trace-next').click();
    await idle(page);
    const second = await apiTraces({ resource_id: hostId, limit: 10, next: first.meta_data.marker! });
    assert.equal(second.meta_data.marker, null);
    assert.deepEqual(await shown(), expected(second.traces));
    assert.deepEqual((await shown()).map(([name, , user]) => [name, user]), [
      ['updateDedicatedHosts', 'admin'], ['updateDedicatedHosts', 'alice'], ['createDedicatedHosts', 'admin'],
    ]);
    assert.equal(await page.locator('#trace-page-info').textContent(), '11–13, newest first');
    assert.ok(await page.locator('#trace-next').isDisabled());
    // The oldest: the allocation, its request and the ids it answered, as the API holds them.
    const create = second.traces[2];
    await page.locator(`#traces tbody tr.trace[data-id="${create.trace_id}"]`).click();
    const detail = page.locator(`#traces tbody tr.trace-detail[data-id="${create.trace_id}"]`);
    assert.equal(await detail.locator('dd[data-key=trace_id]').textContent(), create.trace_id);
    assert.equal(await detail.locator('dd[data-key=request_id]').textContent(), create.request_id);
    assert.equal(await detail.locator('dd[data-key="user.name"]').textContent(), 'admin');
    assert.equal(await detail.locator('dd[data-key=source_ip]').textContent(), create.source_ip);
    assert.deepEqual(JSON.parse((await detail.locator('dd[data-key=response] pre').textContent())!), { dedicated_host_ids: [hostId] });
    assert.equal(await detail.locator('dd[data-key=resource_name]').textContent(), 'traced-host');
    // Every field the API returned, and none it did not.
    const keys = await detail.locator('dt').allTextContents();
    assert.deepEqual(keys.filter((k) => !k.startsWith('user.')), Object.keys(create).filter((k) => k !== 'user'));
    assert.deepEqual(keys.filter((k) => k.startsWith('user.')), ['user.id', 'user.name', 'user.domain.id', 'user.domain.name']);
    await page.locator('#trace-prev').click();
    await idle(page);
    assert.deepEqual(await shown(), expected(first.traces));
    assert.ok(await page.locator('#trace-prev').isDisabled());
    assert.deepEqual(problems, []);
  });

  test('a user without cts:trace:list: the service\'s 403 as it came, and the details\' Traces greyed out', async () => {
    const p = await engine.newPage();
    await signIn(p, url, 'alice', 'pw-console');
    await p.locator('#nav').getByRole('button', { name: 'Traces' }).click();
    await p.locator('#message.error').waitFor();
    await idle(p);
    const refused = await t.call('GET', `/cts/v1.0/${t.admin.projectId}/system/trace`, { token: aliceToken });
    assert.equal(refused.statusCode, 403);
    const { code, message: text } = refused.json().error;
    assert.match(text, /cts:trace:list/);
    assert.equal(await message(p).textContent(), `403 ${code} ${text}`);
    assert.equal(await p.locator('#traces tbody tr').count(), 0);
    assert.equal(await p.locator('#traces-empty').textContent(), 'Not permitted: your permissions do not allow cts:trace:list.');
    assert.ok(await p.locator('#trace-search').isDisabled());
    assert.match((await p.locator('#perm-note').textContent())!, /cts:trace:list/);
    await shot(p, t, 'traces-denied');
    await openHost(p, 'other-host');
    assert.equal(await p.locator('#detail-view .id').first().textContent(), otherId);
    const link = p.locator('#detail-view').getByRole('button', { name: 'Traces', exact: true });
    assert.ok(await link.isDisabled());
    assert.equal(await link.getAttribute('title'), 'Not permitted: your permissions do not allow cts:trace:list.');
    assert.deepEqual(problems, []);
  });
});
