import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';

// The CTS query API (CONTRACT §10): what DeH writes (§10.6), the trace object (§10.4), every
// filter of §10.2/§10.3, the time window, newest-first paging with meta_data.marker, the
// tracker (§10.7), and who may read which project's trail.

const TRACE_KEYS = ['api_version', 'code', 'message', 'record_time', 'request', 'request_id', 'resource_id', 'resource_name',
  'resource_type', 'response', 'service_type', 'source_ip', 'time', 'trace_id', 'trace_name', 'trace_rating', 'trace_status',
  'trace_type', 'user'];

for (const dialect of DIALECTS) {
  describe(`CTS traces [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const list = async (p: TestProject, query = '', v = 'v1.0') => {
      const r = await t.call('GET', `/cts/${v}/${p.projectId}/system/trace${query ? `?${query}` : ''}`, { token: p.token });
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { traces: any[]; meta_data: { count: number; marker: string | null } };
    };

    test('allocate (one trace per host), update and release are traced with ids, user, times and codes', async () => {
      const p = await t.newProject();
      const t0 = Date.now();
      const ids = await allocate(t, p, { name: 'web', quantity: 2 });
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${ids[0]}`, { dedicated_host: { name: 'web-renamed' } })).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${ids[0]}`)).statusCode, 204);
      const { traces, meta_data } = await list(p, 'service_type=DEH&resource_type=dedicatedHosts');
      assert.deepEqual(traces.slice(0, 2).map((x) => [x.trace_name, x.resource_id, x.resource_name, x.code]), [
        ['releaseDedicatedHosts', ids[0], 'web-renamed', '204'],
        ['updateDedicatedHosts', ids[0], 'web-renamed', '204'],
      ]);
      assert.deepEqual(traces.slice(2).map((x) => [x.trace_name, x.resource_name, x.code]), [
        ['createDedicatedHosts', 'web', '200'], ['createDedicatedHosts', 'web', '200'],
      ]);
      assert.equal(meta_data.count, 4);
      assert.equal(meta_data.marker, null);
      for (const x of traces) {
        assert.deepEqual(Object.keys(x).sort(), TRACE_KEYS);
        assert.deepEqual(x.user, { id: p.userId, name: `user-${p.name}`, domain: { id: 'default', name: 'Default' } });
        assert.equal(x.service_type, 'DEH');
        assert.equal(x.trace_type, 'ApiCall');
        assert.equal(x.trace_rating, 'normal');
        assert.equal(x.trace_status, 'normal');
        assert.equal(x.api_version, '1.0');
        assert.equal(typeof x.code, 'string');
        assert.equal(typeof x.request, 'string');
        assert.equal(typeof x.response, 'string');
        assert.ok(Number.isInteger(x.time) && String(x.time).length === 13 && x.time >= t0 - 1000);
        assert.ok(Number.isInteger(x.record_time) && x.record_time >= x.time);
        assert.match(x.request_id, /^req-/);
      }
      const creates = traces.filter((x) => x.trace_name === 'createDedicatedHosts');
      assert.deepEqual(new Set(creates.map((x) => x.resource_id)), new Set(ids));
      assert.deepEqual(JSON.parse(creates[0].response), { dedicated_host_ids: ids });
      assert.equal(JSON.parse(creates[0].request).quantity, 2);
      // newest first
      for (let i = 1; i < traces.length; i++) assert.ok(traces[i - 1].time >= traces[i].time);
    });

    test('every filter narrows: trace_name, resource_id/name, user, rating (either name, any case), service_type any case, trace_id', async () => {
      const p = await t.newProject();
      const [a, b] = await allocate(t, p, { name: 'alpha', quantity: 2 });
      await t.deh(p, 'PUT', `/dedicated-hosts/${b}`, { dedicated_host: { name: 'beta' } });
      await t.deh(p, 'PUT', `/dedicated-hosts/${a}`, { dedicated_host: { name: 'x'.repeat(300) } }); // 400: a warning
      const names = async (q: string) => (await list(p, q)).traces.map((x) => `${x.trace_name}:${x.resource_id === a ? 'a' : x.resource_id === b ? 'b' : x.resource_id}`);
      assert.deepEqual(await names('trace_name=updateDedicatedHosts'), ['updateDedicatedHosts:a', 'updateDedicatedHosts:b']);
      assert.deepEqual(await names(`resource_id=${b}`), ['updateDedicatedHosts:b', 'createDedicatedHosts:b']);
      assert.deepEqual(await names('resource_name=beta'), ['updateDedicatedHosts:b']);
      assert.deepEqual(await names('trace_rating=warning'), ['updateDedicatedHosts:a']);
      assert.deepEqual(await names('trace_status=WARNING'), ['updateDedicatedHosts:a']);
      assert.deepEqual(await names('trace_rating=Normal&trace_name=updateDedicatedHosts'), ['updateDedicatedHosts:b']);
      assert.deepEqual(await names('trace_rating=incident'), []);
      assert.equal((await list(p, 'service_type=deh')).traces.length, 4);
      assert.equal((await list(p, 'service_type=DEH&resource_type=servers')).traces.length, 0);
      assert.equal((await list(p, `user=user-${p.name}&service_type=DEH`)).traces.length, 4);
      assert.equal((await list(p, 'user=someone-else')).traces.length, 0);
      const warning = (await list(p, 'trace_rating=warning')).traces[0];
      assert.equal(warning.code, '400');
      assert.match(warning.message, /name/);
      const one = await list(p, `trace_id=${warning.trace_id}&trace_name=createDedicatedHosts&from=1&to=2`);
      assert.deepEqual(one.traces.map((x) => x.trace_id), [warning.trace_id], 'trace_id overrides the other filters');
      // the v2.0 path of the Go SDK answers the same
      assert.deepEqual((await list(p, `resource_id=${b}`, 'v2.0')).traces.map((x) => x.trace_id), (await list(p, `resource_id=${b}`)).traces.map((x) => x.trace_id));
    });

    test('time window: from/to in ms, default the last hour', async () => {
      const p = await t.newProject();
      await allocate(t, p, { name: 'old' });
      t.clock.advance(2 * 3600 * 1000);
      try {
        await allocate(t, p, { name: 'new' });
        const names = async (q: string) => (await list(p, `trace_name=createDedicatedHosts&${q}`)).traces.map((x) => x.resource_name);
        assert.deepEqual(await names(''), ['new'], 'the default window is the last hour');
        const now = Date.now() + 2 * 3600 * 1000;
        assert.deepEqual(await names(`from=${now - 3 * 3600 * 1000}&to=${now + 1000}`), ['new', 'old']);
        assert.deepEqual(await names(`from=${now - 3 * 3600 * 1000}&to=${now - 3600 * 1000}`), ['old']);
        const bad = await t.call('GET', `/cts/v1.0/${p.projectId}/system/trace?from=${now}&to=${now - 1}`, { token: p.token });
        assert.equal(bad.statusCode, 400);
      } finally {
        t.clock.advance(-2 * 3600 * 1000);
      }
    });

    test('paging: limit, meta_data.marker, next (a trace_id or an integer ms bound)', async () => {
      const p = await t.newProject();
      await allocate(t, p, { quantity: 7 });
      const all = (await list(p, 'trace_name=createDedicatedHosts&limit=200')).traces.map((x) => x.trace_id);
      assert.equal(all.length, 7);
      const seen: string[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const page = await list(p, `trace_name=createDedicatedHosts&limit=3${next ? `&next=${next}` : ''}`);
        seen.push(...page.traces.map((x) => x.trace_id));
        assert.equal(page.meta_data.count, page.traces.length);
        next = page.meta_data.marker;
        pages++;
      } while (next);
      assert.deepEqual(seen, all);
      assert.equal(pages, 3);
      const first = (await list(p, 'trace_name=createDedicatedHosts&limit=1')).traces[0];
      assert.equal((await list(p, `trace_name=createDedicatedHosts&next=${first.time}`)).traces.length, 0, 'integer next: older than that ms');
      assert.equal((await list(p, `trace_name=createDedicatedHosts&next=${first.time + 1}`)).traces.length, 7);
      for (const q of ['limit=0', 'limit=201', 'limit=x', 'next=not-a-trace', 'trace_rating=bad', 'from=abc', 'trace_rating=normal&trace_status=warning']) {
        const r = await t.call('GET', `/cts/v1.0/${p.projectId}/system/trace?${q}`, { token: p.token });
        assert.equal(r.statusCode, 400, q);
      }
      assert.equal((await list(p, 'trace_rating=normal&trace_status=NORMAL&limit=1')).traces.length, 1);
    });

    test('catalog: a cts entry at /cts/v1.0/<project id> in a project token', async () => {
      const p = await t.newProject();
      const tok = await t.call('GET', '/identity/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': p.token } });
      const cts = tok.json().token.catalog.find((s: { type: string }) => s.type === 'cts');
      assert.equal(cts.name, 'cts');
      assert.deepEqual(cts.endpoints.map((e: any) => [e.interface, e.region, e.region_id, e.url]),
        [['public', 'eu-de', 'eu-de', `http://127.0.0.1:8080/cts/v1.0/${p.projectId}`]]);
    });

    test('tracker: the system tracker as an object; other trackers 404', async () => {
      const p = await t.newProject();
      for (const url of [`/cts/v1.0/${p.projectId}/tracker`, `/cts/v1.0/${p.projectId}/tracker?tracker_name=system`, `/cts/v2.0/${p.projectId}/tracker`]) {
        const r = await t.call('GET', url, { token: p.token });
        assert.equal(r.statusCode, 200, url);
        const j = r.json();
        assert.equal(j.tracker_name, 'system');
        assert.equal(j.status, 'enabled');
        assert.equal(typeof j.bucket_name, 'string');
        assert.deepEqual(j.lts, { is_lts_enabled: false, log_group_name: '', log_topic_name: '' });
      }
      assert.equal((await t.call('GET', `/cts/v1.0/${p.projectId}/tracker?tracker_name=other`, { token: p.token })).statusCode, 404);
      assert.equal((await t.call('GET', `/cts/v1.0/${p.projectId}/other/trace`, { token: p.token })).statusCode, 404);
    });

    test('a project never sees another project\'s traces: through any filter or marker; admins may read any project', async () => {
      const a = await t.newProject();
      const b = await t.newProject();
      const [ha] = await allocate(t, a, { name: 'secret-a' });
      await t.deh(a, 'PUT', `/dedicated-hosts/${ha}`, { dedicated_host: { name: 'x'.repeat(300) } }); // warning in a
      await allocate(t, b, { name: 'b-host' });
      const aTraces = (await list(a, 'limit=200')).traces;
      assert.ok(aTraces.length >= 3);
      const own = (await list(b, 'limit=200')).traces;
      assert.ok(own.every((x) => x.user.id === b.userId), 'b sees only its own');
      // every filter with a's values, from b: nothing
      const leaks: string[] = [];
      for (const x of aTraces) {
        const qs = [`trace_id=${x.trace_id}`, `user=${encodeURIComponent(x.user.name)}`, `trace_rating=${x.trace_rating}&user=${x.user.name}`];
        if (x.resource_id) qs.push(`resource_id=${x.resource_id}`, `trace_name=${x.trace_name}&resource_id=${x.resource_id}`);
        if (x.resource_name) qs.push(`resource_name=${encodeURIComponent(x.resource_name)}`);
        for (const q of qs) {
          if ((await list(b, `${q}&limit=200`)).traces.length > 0) leaks.push(q);
        }
        // a's trace as b's marker: the same 400 as for a marker that does not exist
        const m = await t.call('GET', `/cts/v1.0/${b.projectId}/system/trace?next=${x.trace_id}`, { token: b.token });
        assert.equal(m.statusCode, 400);
        assert.doesNotMatch(m.body, /secret-a/);
      }
      assert.deepEqual(leaks, []);
      // b cannot name a's project in the path
      for (const v of ['v1.0', 'v2.0']) {
        assert.equal((await t.call('GET', `/cts/${v}/${a.projectId}/system/trace`, { token: b.token })).statusCode, 403);
        assert.equal((await t.call('GET', `/cts/${v}/${a.projectId}/tracker`, { token: b.token })).statusCode, 403);
      }
      assert.equal((await t.call('GET', `/cts/v1.0/${a.projectId}/system/trace`)).statusCode, 401);
      // the admin reads a's trail
      const r = await t.call('GET', `/cts/v1.0/${a.projectId}/system/trace?limit=200`, { token: t.admin.token });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json().traces.map((x: any) => x.trace_id), aTraces.map((x) => x.trace_id));
      // the operator view spans projects
      const op = await t.call('GET', `/opendeh/v1/traces?limit=200&resource_id=${ha}`, { token: t.admin.token });
      assert.equal(op.statusCode, 200, op.body);
      assert.ok(op.json().traces.every((x: any) => x.project_id === a.projectId));
      assert.equal((await t.call('GET', '/opendeh/v1/traces', { token: a.token })).statusCode, 403);
    });

    test('reading traces is a permission (cts:trace:list): a user without it is refused', async () => {
      const p = await t.newProject();
      // a user holding only DeH FullAccess (deh:*:*) on the project: no cts:* action
      const u = await t.call('POST', '/identity/v3/users', { token: t.admin.token, body: { user: { name: `deh-only-${p.name}`, domain_id: 'default', password: 'pw-deh-only' } } });
      assert.equal(u.statusCode, 201, u.body);
      const roles = (await t.call('GET', '/identity/v3/roles?name=system_all_57', { token: t.admin.token })).json().roles;
      assert.equal((await t.call('PUT', `/identity/v3/projects/${p.projectId}/users/${u.json().user.id}/roles/${roles[0].id}`, { token: t.admin.token })).statusCode, 204);
      const token = await t.login(`deh-only-${p.name}`, 'pw-deh-only', p.projectId);
      const r = await t.call('GET', `/cts/v1.0/${p.projectId}/system/trace`, { token });
      assert.equal(r.statusCode, 403);
      assert.match(r.body, /cts:trace:list/);
    });
  });
}
