import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompiledQuery, createQueryId, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs,
  type QueryResult, type RootOperationNode, type UnknownRow,
} from 'kysely';
import { HOST_TYPES_BY_NAME } from '../../src/domain/flavors.js';
import { timeOrderedUuid } from '../../src/domain/ids.js';
import { hostRepo } from '../../src/store/host-repo.js';
import type { HostsTable } from '../../src/store/tables.js';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { COMPUTE_MISSING, createServerOn, expectDehError, isoWithOffset, json, listHosts, setHostQuota, UNKNOWN_HOST_ID } from '../support/deh.js';

// /v1.0/{project_id}/dedicated-hosts[/{id}[/servers]]: allocate, list, show, update, release,
// servers on a DeH (REF api/*.rst; CONTRACT §2.1–2.6).

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ALLOC = { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 };
const RETENTION_S = 120;

const ids = (list: { dedicated_hosts: any[] }) => list.dedicated_hosts.map((h) => h.dedicated_host_id);
const sorted = (a: string[]) => [...a].sort();

for (const dialect of DIALECTS) {
  describe(`dedicated hosts: allocate [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('200 with quantity ids, each readable at once, with the documented defaults', async () => {
      const p = await t.newProject();
      const r = await t.deh(p, 'POST', '/dedicated-hosts', { name: 'DEH001', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 3 });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(Object.keys(json(r)), ['dedicated_host_ids']);
      const hostIds: string[] = json(r).dedicated_host_ids;
      assert.equal(hostIds.length, 3);
      assert.equal(new Set(hostIds).size, 3);
      for (const id of hostIds) {
        const g = await t.deh(p, 'GET', `/dedicated-hosts/${id}`);
        assert.equal(g.statusCode, 200, g.body);
        const h = json(g).dedicated_host;
        assert.equal(h.dedicated_host_id, id);
        assert.equal(h.name, 'DEH001');
        assert.equal(h.auto_placement, 'on', 'auto_placement defaults to on');
        assert.equal(h.availability_zone, 'eu-de-01');
        assert.equal(h.project_id, p.projectId);
        assert.equal(h.state, 'available');
        assert.equal(h.host_properties.host_type, 'c4');
        assert.equal(h.host_properties.host_type_name, 'dedicated_general_purpose');
        for (const k of ['vcpus', 'cores', 'sockets', 'memory']) assert.ok(Number.isInteger(h.host_properties[k]) && h.host_properties[k] > 0, k);
        assert.ok(h.host_properties.available_instance_capacities.some((c: { flavor: string }) => c.flavor === 'c4.large.4'));
        assert.equal(h.available_vcpus, h.host_properties.vcpus);
        assert.equal(h.available_memory, h.host_properties.memory);
        assert.equal(h.instance_total, 0);
        assert.deepEqual(h.instance_uuids, []);
        assert.match(h.allocated_at, RFC3339_Z);
        assert.equal(h.released_at, '');
      }
      assert.equal((await listHosts(t, p)).total, 3);
    });

    test('auto_placement off and tags given at allocation are kept', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { auto_placement: 'off', tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: '' }] });
      const h = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      assert.equal(h.auto_placement, 'off');
      const tags = json(await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`)).tags;
      assert.deepEqual(tags, [{ key: 'env', value: 'prod' }, { key: 'team', value: '' }]);
    });

    test('quota exceeded → 403 and nothing is allocated (all or nothing)', async () => {
      const p = await t.newProject();
      await setHostQuota(t, p.projectId, 'c4', 2);
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, quantity: 3 }), 403, 'DEH.0051');
      assert.equal((await listHosts(t, p)).total, 0);
      assert.equal((await allocate(t, p, { quantity: 2 })).length, 2);
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', ALLOC), 403, 'DEH.0051');
      assert.equal((await listHosts(t, p)).total, 2);
      // The limit is per host type: another type still has room.
      assert.equal((await allocate(t, p, { host_type: 'm4' })).length, 1);
    });

    test('unknown host type → 404, unknown AZ → 400', async () => {
      const p = await t.newProject();
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, host_type: 'x9' }), 404, 'DEH.0405');
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, availability_zone: 'eu-nowhere-01' }), 400);
      assert.equal((await listHosts(t, p)).total, 0);
    });

    test('missing, invalid and unknown fields → 400, nothing allocated', async () => {
      const p = await t.newProject();
      const bad: [string, unknown][] = [
        ...(['name', 'availability_zone', 'host_type', 'quantity'] as const).map((k): [string, unknown] => {
          const b: Record<string, unknown> = { ...ALLOC };
          delete b[k];
          return [`missing ${k}`, b];
        }),
        ['quantity 0', { ...ALLOC, quantity: 0 }],
        ['quantity -1', { ...ALLOC, quantity: -1 }],
        ['quantity 1.5', { ...ALLOC, quantity: 1.5 }],
        ['quantity as string', { ...ALLOC, quantity: '2' }],
        ['quantity 101', { ...ALLOC, quantity: 101 }],
        ['auto_placement yes', { ...ALLOC, auto_placement: 'yes' }],
        ['empty name', { ...ALLOC, name: '' }],
        ['name with leading space', { ...ALLOC, name: ' h' }],
        ['name of 256 characters', { ...ALLOC, name: 'n'.repeat(256) }],
        ['name not a string', { ...ALLOC, name: 7 }],
        ['tag key with =', { ...ALLOC, tags: [{ key: 'a=b', value: 'v' }] }],
        ['11 tags', { ...ALLOC, tags: Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }],
        ['tag without value', { ...ALLOC, tags: [{ key: 'k' }] }],
        ['unknown field', { ...ALLOC, flavor: 'c4.large.4' }],
        ['an array', [ALLOC]],
      ];
      for (const [what, body] of bad) {
        const e = expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', body), 400);
        if (what === 'unknown field') assert.match(e.message, /flavor/);
      }
      const notJson = await t.call('POST', `/v1.0/${p.projectId}/dedicated-hosts`, {
        token: p.token, body: '{"name": "h",', headers: { 'content-type': 'application/json' },
      });
      expectDehError(notJson, 400);
      const noBody = await t.call('POST', `/v1.0/${p.projectId}/dedicated-hosts`, { token: p.token, headers: { 'content-type': 'application/json' } });
      expectDehError(noBody, 400);
      assert.equal((await listHosts(t, p)).total, 0);
    });

    test('a name of exactly 255 characters is accepted', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { name: 'n'.repeat(255) });
      assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.name.length, 255);
    });
  });

  describe(`dedicated hosts: list [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_RELEASED_RETENTION: String(RETENTION_S) }); });
    after(async () => { await t.close(); });

    test('every documented filter, alone and combined, with total', async () => {
      const p = await t.newProject();
      const [a] = await allocate(t, p, { name: 'alpha', host_type: 'c4', availability_zone: 'eu-de-01', tags: [{ key: 'env', value: 'prod' }] });
      const [b] = await allocate(t, p, { name: 'beta', host_type: 'm4', availability_zone: 'eu-de-02', tags: [{ key: 'env', value: 'dev' }, { key: 'tier', value: 'web' }] });
      const [c] = await allocate(t, p, { name: 'alpha', host_type: 's2', availability_zone: 'eu-de-01' });
      const cases: [string, string[]][] = [
        ['', [a, b, c]],
        [`dedicated_host_id=${a}`, [a]],
        [`id=${b}`, [b]],
        [`dedicated_host_id=${c}&id=${c}`, [c]],
        ['name=alpha', [a, c]],
        ['name=alph', []],
        ['host_type=m4', [b]],
        ['host_type_name=memory_optimized', [b]],
        ['host_type_name=dedicated_general_purpose', [a]],
        ['host_type_name=general_purpose', [c]],
        ['flavor=c4.large.4', [a]],
        ['flavor=s2.medium.1', [c]],
        ['flavor=no.such.flavor', []],
        ['state=available', [a, b, c]],
        ['status=available', [a, b, c]],
        ['state=AVAILABLE', [a, b, c]],
        ['state=fault', []],
        ['availability_zone=eu-de-02', [b]],
        ['availability_zone=eu-de-03', []],
        ['tags=env%3Dprod', [a]],
        ['tags=env', [a, b]],
        ['tags=env%3Ddev%2Ctier%3Dweb', [b]],
        ['tags=env%3Dprod%2Ctier%3Dweb', []],
        [`instance_uuid=${UNKNOWN_HOST_ID}`, []],
        ['name=alpha&host_type=c4', [a]],
        ['name=alpha&availability_zone=eu-de-01&state=available', [a, c]],
        [`tenant=${p.projectId}`, [a, b, c]],
      ];
      for (const [q, want] of cases) {
        const list = await listHosts(t, p, q);
        assert.deepEqual(sorted(ids(list)), sorted(want), `?${q}`);
        assert.equal(list.total, want.length, `total of ?${q}`);
      }
      expectDehError(await t.deh(p, 'GET', '/dedicated-hosts?state=broken'), 400);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts?dedicated_host_id=${a}&id=${b}`), 400);
    });

    test('the list answer has exactly one array, dedicated_hosts, and total; no links', async () => {
      const p = await t.newProject();
      const empty = json(await t.deh(p, 'GET', '/dedicated-hosts'));
      assert.deepEqual(empty, { dedicated_hosts: [], total: 0 });
      await allocate(t, p);
      const list = json(await t.deh(p, 'GET', '/dedicated-hosts'));
      assert.deepEqual(Object.keys(list).sort(), ['dedicated_hosts', 'total']);
      const h = list.dedicated_hosts[0];
      assert.equal(typeof h.dedicated_host_id, 'string');
      assert.equal(h.id, undefined, 'the id key is dedicated_host_id, not id');
      assert.ok(Number.isInteger(h.available_vcpus) && Number.isInteger(h.available_memory) && Number.isInteger(h.instance_total));
    });

    test('tenant: admins may list another tenant or all; others get 403', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      const [pa] = await allocate(t, p);
      const [qa] = await allocate(t, q);
      const forP = await listHosts(t, t.admin, `tenant=${p.projectId}`);
      assert.deepEqual(ids(forP), [pa]);
      assert.equal(forP.total, 1);
      const all = await listHosts(t, t.admin, 'tenant=all');
      assert.ok(ids(all).includes(pa) && ids(all).includes(qa));
      assert.equal(all.total, all.dedicated_hosts.length);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts?tenant=${q.projectId}`), 403);
      expectDehError(await t.deh(p, 'GET', '/dedicated-hosts?tenant=all'), 403);
      // The admin's own listing stays its own.
      assert.ok(!ids(await listHosts(t, t.admin)).includes(pa));
    });

    test('changes-since (ISO 8601 with offset) shows what changed since, released hosts included', async () => {
      const p = await t.newProject();
      const [old] = await allocate(t, p, { name: 'old' });
      const [renamed, released] = await allocate(t, p, { name: 'x', quantity: 2 });
      t.clock.advance(10_000);
      const since = t.clock.now();
      t.clock.advance(2_000);
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${renamed}`, { dedicated_host: { name: 'new-name' } })).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${released}`)).statusCode, 204);
      for (const offset of [0, 120, -300]) {
        const stamp = encodeURIComponent(isoWithOffset(since, offset));
        const list = await listHosts(t, p, `changes-since=${stamp}`);
        assert.deepEqual(sorted(ids(list)), sorted([renamed, released]), `offset ${offset}`);
        assert.equal(list.dedicated_hosts.find((h) => h.dedicated_host_id === released).state, 'released');
      }
      // Without an offset the time is UTC.
      const utc = since.toISOString().slice(0, 19);
      assert.deepEqual(sorted(ids(await listHosts(t, p, `changes-since=${utc}`))), sorted([renamed, released]));
      // A time before everything shows every host of the project, the released one too.
      const early = encodeURIComponent(isoWithOffset(new Date(since.getTime() - 3_600_000), 60));
      assert.deepEqual(sorted(ids(await listHosts(t, p, `changes-since=${early}`))), sorted([old, renamed, released]));
      // changes-since combines with other filters.
      assert.deepEqual(ids(await listHosts(t, p, `changes-since=${utc}&state=available`)), [renamed]);
      for (const bad of ['yesterday', '2024-13-01T00:00:00Z', '2024-01-01T00:00:00+1', '1700000000']) {
        expectDehError(await t.deh(p, 'GET', `/dedicated-hosts?changes-since=${encodeURIComponent(bad)}`), 400);
      }
    });

    test('keyset pagination: 7 hosts by 3, in order, no duplicates, empty page after the last', async () => {
      const p = await t.newProject();
      await allocate(t, p, { quantity: 4 });
      await allocate(t, p, { quantity: 3, name: 'second' });
      const all = ids(await listHosts(t, p));
      assert.equal(all.length, 7, 'no implicit page size');
      assert.deepEqual(all, sorted(all), 'ordered by id');
      const seen: string[] = [];
      let marker: string | undefined;
      const sizes: number[] = [];
      for (let i = 0; i < 10; i++) {
        const page = await listHosts(t, p, `limit=3${marker ? `&marker=${marker}` : ''}`);
        assert.equal(page.total, 7, 'total counts every match, not the page');
        sizes.push(page.dedicated_hosts.length);
        if (page.dedicated_hosts.length === 0) break;
        seen.push(...ids(page));
        marker = seen[seen.length - 1];
      }
      assert.deepEqual(sizes, [3, 3, 1, 0]);
      assert.deepEqual(seen, all);
      // Filters are kept across pages.
      const second = await listHosts(t, p, `name=second&limit=2&marker=${all[0]}`);
      assert.equal(second.total, 3);
      assert.equal(second.dedicated_hosts.length, 2);
      assert.ok(second.dedicated_hosts.every((h) => h.name === 'second'));
    });

    test('invalid marker or limit → 400', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [foreign] = await allocate(t, other);
      await allocate(t, p);
      for (const marker of ['nope', UNKNOWN_HOST_ID, foreign]) {
        expectDehError(await t.deh(p, 'GET', `/dedicated-hosts?marker=${marker}`), 400, 'DEH.0019');
      }
      for (const limit of ['0', '-1', 'abc', '1.5']) expectDehError(await t.deh(p, 'GET', `/dedicated-hosts?limit=${limit}`), 400);
    });

    test('released hosts are hidden by default, shown with state=released until the retention ends', async () => {
      const p = await t.newProject();
      const [keep, gone] = await allocate(t, p, { quantity: 2 });
      const before = t.clock.now();
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${gone}`)).statusCode, 204);
      assert.deepEqual(ids(await listHosts(t, p)), [keep]);
      assert.equal((await listHosts(t, p)).total, 1);
      const released = await listHosts(t, p, 'state=released');
      assert.deepEqual(ids(released), [gone]);
      assert.equal(released.dedicated_hosts[0].state, 'released');
      assert.match(released.dedicated_hosts[0].released_at, RFC3339_Z);
      const since = encodeURIComponent(isoWithOffset(new Date(before.getTime() - 2000), 60));
      t.clock.advance((RETENTION_S - 5) * 1000);
      assert.deepEqual(ids(await listHosts(t, p, 'state=released')), [gone]);
      assert.ok(ids(await listHosts(t, p, `changes-since=${since}`)).includes(gone));
      t.clock.advance(10_000);
      assert.deepEqual(ids(await listHosts(t, p, 'state=released')), []);
      assert.ok(!ids(await listHosts(t, p, `changes-since=${since}`)).includes(gone));
      assert.deepEqual(ids(await listHosts(t, p)), [keep]);
    });
  });

  describe(`dedicated hosts: show, update, release, servers [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('show: 200 with the dedicated_host wrapper and an ETag', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const r = await t.deh(p, 'GET', `/dedicated-hosts/${id}`);
      assert.equal(r.statusCode, 200);
      assert.deepEqual(Object.keys(json(r)), ['dedicated_host']);
      assert.match(String(r.headers.etag), /^"\d+"$/);
    });

    test('show: 404 for an unknown, foreign, released or malformed id', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [foreign] = await allocate(t, other);
      const [released] = await allocate(t, p);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${released}`)).statusCode, 204);
      for (const id of [UNKNOWN_HOST_ID, foreign, released, 'not-a-uuid', 'x'.repeat(400), '%20']) {
        expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${id}`), 404, 'DEH.0404');
      }
    });

    test('update: 204, and the change reads back; the empty object is a 204 no-op', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { name: 'before' });
      const put = await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'after', auto_placement: 'off' } });
      assert.equal(put.statusCode, 204);
      assert.equal(put.body, '');
      let h = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      assert.equal(h.name, 'after');
      assert.equal(h.auto_placement, 'off');
      const etag = (await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).headers.etag;
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: {} })).statusCode, 204);
      const again = await t.deh(p, 'GET', `/dedicated-hosts/${id}`);
      assert.equal(again.headers.etag, etag, 'an empty update changes nothing');
      h = json(again).dedicated_host;
      assert.equal(h.name, 'after');
      // openstacksdk echoes the id in the body; accepted when it is the path's.
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { dedicated_host_id: id, auto_placement: 'on' } })).statusCode, 204);
      assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.auto_placement, 'on');
    });

    test('update: invalid name, auto_placement or body → 400; unknown host → 404', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { name: 'keep' });
      const bad: unknown[] = [
        { dedicated_host: { name: '' } },
        { dedicated_host: { name: ' lead' } },
        { dedicated_host: { name: 'trail ' } },
        { dedicated_host: { name: 'n'.repeat(256) } },
        { dedicated_host: { auto_placement: 'maybe' } },
        { dedicated_host: { auto_placement: true } },
        { dedicated_host: { host_type: 'm4' } },
        { dedicated_host: { dedicated_host_id: UNKNOWN_HOST_ID } },
        { name: 'flat' },
        {},
      ];
      for (const body of bad) expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, body), 400);
      assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.name, 'keep');
      expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${UNKNOWN_HOST_ID}`, { dedicated_host: { name: 'x' } }), 404);
    });

    test('update: If-Match with a stale ETag → 412, with the current one → 204', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const etag = String((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).headers.etag);
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'one' } }, { 'if-match': etag })).statusCode, 204);
      const newEtag = String((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).headers.etag);
      assert.notEqual(newEtag, etag);
      expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'two' } }, { 'if-match': etag }), 412, 'DEH.0415');
      assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.name, 'one');
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'two' } }, { 'if-match': newEtag })).statusCode, 204);
      expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'three' } }, { 'if-match': 'garbage' }), 400);
    });

    test('release: 204, then 404 on release, show, update, tags and servers', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const del = await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`);
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`), 404);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${id}`), 404);
      expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: {} }), 404);
      expectDehError(await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`), 404);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${id}/servers`), 404);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${UNKNOWN_HOST_ID}`), 404);
      const other = await t.newProject();
      const [foreign] = await allocate(t, other);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${foreign}`), 404);
      assert.equal((await t.deh(other, 'GET', `/dedicated-hosts/${foreign}`)).statusCode, 200, 'a foreign release attempt leaves the host alone');
    });

    test('servers on a DeH: 200 {servers: []}; 404 for an unknown or foreign host; bad marker → 400', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [id] = await allocate(t, p);
      const [foreign] = await allocate(t, other);
      const r = await t.deh(p, 'GET', `/dedicated-hosts/${id}/servers`);
      assert.equal(r.statusCode, 200);
      assert.deepEqual(json(r), { servers: [] });
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${UNKNOWN_HOST_ID}/servers`), 404);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${foreign}/servers`), 404);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${id}/servers?marker=${UNKNOWN_HOST_ID}`), 400);
    });

    test('with an ECS on it: instance_uuid finds it, servers lists it, counters move, release → 409', async (ctx) => {
      const p = await t.newProject();
      const [id, empty] = await allocate(t, p, { quantity: 2 });
      const created = await createServerOn(t, p, id);
      if (!created) return void ctx.skip(COMPUTE_MISSING);
      assert.equal(created.statusCode, 202, created.body);
      const serverId: string = json(created).server.id;
      const found = await listHosts(t, p, `instance_uuid=${serverId}`);
      assert.deepEqual(ids(found), [id]);
      assert.equal(found.total, 1);
      const servers = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}/servers`)).servers;
      assert.deepEqual(servers.map((x: { id: string }) => x.id), [serverId]);
      assert.deepEqual(servers[0].flavor, { id: 'c4.large.4' });
      assert.match(servers[0].created, RFC3339_Z);
      assert.match(servers[0].updated, RFC3339_Z);
      assert.ok(Object.values(servers[0].metadata).every((v) => typeof v === 'string'));
      assert.deepEqual(json(await t.deh(p, 'GET', `/dedicated-hosts/${empty}/servers`)), { servers: [] });
      const h = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      assert.equal(h.instance_total, 1);
      assert.deepEqual(h.instance_uuids, [serverId]);
      assert.ok(h.available_vcpus < h.host_properties.vcpus);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`), 409, 'DEH.0409');
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).statusCode, 200);
    });

    test('show: tags in key order, the same as GET …/tags (on SQLite code point order); instance_uuids ascending, a deleted ECS gone', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const keys = ['zeta', 'Alpha', 'émile', '🔑', '\uE000key', 'beta', 'a', 'B'];
      const tags = keys.map((key, i) => ({ key, value: `v${i}` }));
      assert.equal((await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create', tags })).statusCode, 204);
      const shown = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      const listed = json(await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`)).tags;
      assert.deepEqual(shown.tags, listed);
      assert.deepEqual(new Set(shown.tags.map((x: { key: string }) => x.key)), new Set(keys));
      if (dialect === 'sqlite') {
        assert.deepEqual(shown.tags.map((x: { key: string }) => x.key), [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }
      const servers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await createServerOn(t, p, id);
        assert.equal(r?.statusCode, 202, r?.body);
        servers.push(json(r!).server.id);
      }
      assert.deepEqual(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.instance_uuids, [...servers].sort());
      const gone = servers[2];
      assert.equal((await t.call('DELETE', `/compute/v2.1/${p.projectId}/servers/${gone}`, { token: p.token })).statusCode, 204);
      const after = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      assert.deepEqual(after.instance_uuids, servers.filter((s) => s !== gone).sort());
      assert.equal(after.instance_total, 4);
    });
  });
}

// Lists stay fast at 10,000 hosts: rows go in directly through the store (allocating them
// through the API would take 100 requests and measure nothing more), then the API pages
// through them and, on SQLite, EXPLAIN QUERY PLAN shows the page and count queries walk an
// index of the project instead of scanning the table. No wall-clock assertion.
const MANY = 10_000;

class CaptureQueries implements KyselyPlugin {
  readonly nodes: RootOperationNode[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.push(args.node);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

for (const dialect of DIALECTS) {
  describe(`dedicated hosts: lists at ${MANY} hosts [${dialect}]`, () => {
    let t: TestApp;
    let p: TestProject;
    let all: string[];
    before(async () => {
      t = await buildTestApp(dialect);
      p = await t.newProject();
      const other = await t.newProject();
      const spec = HOST_TYPES_BY_NAME.get('c4')!;
      const stamp = t.clock.now().toISOString();
      const row = (projectId: string, i: number): HostsTable => ({
        id: timeOrderedUuid(Date.now() - MANY + i), project_id: projectId, name: `bulk-${i}`, host_type: 'c4',
        availability_zone: 'eu-de-01', auto_placement: 'on', state: 'available', vcpus: spec.vcpus, memory_mb: spec.memoryMb,
        used_vcpus: 0, used_memory_mb: 0, free_memory_mb: spec.memoryMb, instance_total: 0, generation: 0,
        allocated_at: stamp, released_at: null, updated_at: stamp,
      });
      const rows = Array.from({ length: MANY }, (_, i) => row(p.projectId, i));
      await t.services.store.write(async (tx) => {
        await hostRepo.insert(tx, rows);
        await hostRepo.insert(tx, Array.from({ length: 50 }, (_, i) => row(other.projectId, i)));
      });
      all = rows.map((r) => r.id).sort();
    });
    after(async () => { await t.close(); });

    test('pages from the start, the middle and the end are exact, total counts all', async () => {
      const first = await listHosts(t, p, 'limit=100');
      assert.equal(first.total, MANY);
      assert.deepEqual(ids(first), all.slice(0, 100));
      const middle = await listHosts(t, p, `limit=100&marker=${all[4999]}`);
      assert.deepEqual(ids(middle), all.slice(5000, 5100));
      const last = await listHosts(t, p, `limit=100&marker=${all[MANY - 51]}`);
      assert.deepEqual(ids(last), all.slice(MANY - 50));
      assert.deepEqual(ids(await listHosts(t, p, `limit=100&marker=${all[MANY - 1]}`)), []);
      const one = await listHosts(t, p, 'name=bulk-1234');
      assert.equal(one.total, 1);
      assert.equal(one.dedicated_hosts[0].name, 'bulk-1234');
      assert.equal((await listHosts(t, p)).dedicated_hosts.length, MANY, 'no implicit page size');
    });

    test('the page and count queries use an index of the project, never a full scan', { skip: dialect !== 'sqlite' && 'the PostgreSQL planner picks by table statistics; results are checked above' }, async () => {
      const store = t.services.store;
      const capture = new CaptureQueries();
      const ex = store.db.withPlugin(capture);
      const filter = { projectId: p.projectId, releasedVisibleAfter: t.clock.now().toISOString() };
      await hostRepo.list(ex, filter, { limit: 100 });
      await hostRepo.list(ex, filter, { limit: 100, afterId: all[5000] });
      await hostRepo.count(ex, filter);
      await hostRepo.list(ex, { ...filter, name: 'bulk-7' }, { limit: 100 });
      // A list page is read as one JSON value over its page query (host-repo.ts): the plugin
      // also sees that inner query on its own; only the statements run are planned.
      const inner = new Set(capture.nodes.flatMap((n) => {
        const from = (n as { from?: { froms?: { kind: string; node?: unknown }[] } }).from?.froms ?? [];
        return from.filter((f) => f.kind === 'AliasNode').map((f) => f.node);
      }));
      const run = capture.nodes.filter((n) => !inner.has(n));
      assert.equal(run.length, 4);
      const plans: string[] = [];
      for (const node of run) {
        const q = store.db.getExecutor().compileQuery(node, createQueryId());
        const plan = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
        const details = plan.rows.map((r) => r.detail);
        const onHosts = details.filter((d) => /\bhosts\b/.test(d));
        assert.ok(onHosts.length > 0, details.join('\n'));
        for (const d of onHosts) assert.match(d, /^SEARCH hosts USING (COVERING )?INDEX \w+ \(project_id=\?/, `${q.sql}\n${details.join('\n')}`);
        // Pages come off the index in id order: no sort of the project's hosts per page.
        assert.ok(!details.some((d) => /TEMP B-TREE/.test(d)), details.join('\n'));
        plans.push(details.join('\n'));
      }
      // The marker page starts inside the index (keyset), it does not skip rows.
      assert.match(plans[1], /id>\?/);
    });
  });
}
