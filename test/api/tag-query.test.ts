import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { expectDehError, json } from '../support/deh.js';

// POST /v1.0/{project_id}/dedicated-host-tags/resource_instances/action — query DeHs by tag
// (REF deh_tag_management/querying_dehs_by_tag.rst; CONTRACT §2.11).

const PATH = '/dedicated-host-tags/resource_instances/action';

for (const dialect of DIALECTS) {
  describe(`query DeHs by tag [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    /** web-1 {env:prod,tier:web}, web-2 {env:dev,tier:web}, db-1 {env:prod,tier:db}, bare {} — plus noise elsewhere. */
    async function fixture() {
      const p = await t.newProject();
      const [web1] = await allocate(t, p, { name: 'web-1', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'web' }] });
      const [web2] = await allocate(t, p, { name: 'web-2', tags: [{ key: 'env', value: 'dev' }, { key: 'tier', value: 'web' }] });
      const [db1] = await allocate(t, p, { name: 'db-1', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'db' }] });
      const [bare] = await allocate(t, p, { name: 'bare' });
      // A released host and another project's host with the same tags never show up.
      const [released] = await allocate(t, p, { name: 'web-0', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'web' }] });
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${released}`)).statusCode, 204);
      const other = await t.newProject();
      await allocate(t, other, { name: 'web-9', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'web' }] });
      return { p, web1, web2, db1, bare };
    }

    const query = async (p: TestProject, body: Record<string, unknown>) => {
      const r = await t.deh(p, 'POST', PATH, body);
      assert.equal(r.statusCode, 200, `${JSON.stringify(body)} → ${r.body}`);
      return json(r);
    };
    const filterIds = async (p: TestProject, body: Record<string, unknown>) => {
      const r = await query(p, { action: 'filter', ...body });
      assert.equal(r.total_count, r.resources.length);
      return r.resources.map((x: { resource_id: string }) => x.resource_id).sort();
    };

    test('filter: tags (AND over keys, OR over values), tags_any, not_tags, not_tags_any, matches', async () => {
      const { p, web1, web2, db1, bare } = await fixture();
      const s = (...a: string[]) => a.sort();
      const cases: [Record<string, unknown>, string[]][] = [
        [{}, s(web1, web2, db1, bare)],
        [{ tags: [{ key: 'env', values: ['prod'] }] }, s(web1, db1)],
        [{ tags: [{ key: 'env', values: ['prod'] }, { key: 'tier', values: ['web'] }] }, s(web1)],
        [{ tags: [{ key: 'env', values: ['prod', 'dev'] }] }, s(web1, web2, db1)],
        [{ tags: [{ key: 'tier', values: [] }] }, s(web1, web2, db1)],
        [{ tags: [{ key: 'tier' }] }, s(web1, web2, db1)],
        [{ tags: [{ key: 'env', values: ['staging'] }] }, []],
        [{ tags_any: [{ key: 'env', values: ['dev'] }, { key: 'tier', values: ['db'] }] }, s(web2, db1)],
        [{ not_tags: [{ key: 'env', values: ['prod'] }] }, s(web2, bare)],
        [{ not_tags: [{ key: 'env', values: ['prod'] }, { key: 'tier', values: ['web'] }] }, s(web2, db1, bare)],
        [{ not_tags_any: [{ key: 'env', values: ['prod'] }, { key: 'tier', values: ['web'] }] }, s(bare)],
        [{ not_tags_any: [{ key: 'env', values: [] }] }, s(bare)],
        [{ matches: [{ key: 'resource_name', value: 'db-1' }] }, s(db1)],
        [{ matches: [{ key: 'resource_name', value: 'web' }] }, s(web1, web2)],
        [{ matches: [{ key: 'resource_name', value: 'web%' }] }, []],
        [{ matches: [{ key: 'resource_name', value: 'nothing' }] }, []],
        [{ tags: [{ key: 'tier', values: ['web'] }], not_tags: [{ key: 'env', values: ['dev'] }] }, s(web1)],
        [{ tags: [{ key: 'env', values: ['prod'] }], matches: [{ key: 'resource_name', value: 'web' }] }, s(web1)],
      ];
      for (const [body, want] of cases) assert.deepEqual(await filterIds(p, body), want, JSON.stringify(body));
    });

    test('filter answers resources with id, name, null detail and every tag; count answers only total_count', async () => {
      const { p, web1 } = await fixture();
      const r = await query(p, { action: 'filter', tags: [{ key: 'env', values: ['prod'] }, { key: 'tier', values: ['web'] }] });
      assert.deepEqual(r, {
        resources: [{ resource_id: web1, resource_detail: null, resource_name: 'web-1', tags: [{ key: 'env', value: 'prod' }, { key: 'tier', value: 'web' }] }],
        total_count: 1,
      });
      assert.deepEqual(await query(p, { action: 'count', tags: [{ key: 'env', values: ['prod'] }] }), { total_count: 2 });
      assert.deepEqual(await query(p, { action: 'count' }), { total_count: 4 });
      // limit/offset do not apply to count.
      assert.deepEqual(await query(p, { action: 'count', limit: 1, offset: 3 }), { total_count: 4 });
    });

    test('limit and offset page through the matches, as integers or strings', async () => {
      const { p, web1, web2, db1, bare } = await fixture();
      const all = [web1, web2, db1, bare].sort();
      for (const [limit, offset] of [[2, 0], ['2', '0']] as const) {
        const seen: string[] = [];
        for (let off = Number(offset); off <= 10; off += 2) { // bounded: a page that never empties fails, not hangs
          const r = await query(p, { action: 'filter', limit, offset: typeof offset === 'string' ? String(off) : off });
          assert.equal(r.total_count, 4, 'total_count counts every match');
          if (r.resources.length === 0) break;
          assert.ok(r.resources.length <= 2);
          seen.push(...r.resources.map((x: { resource_id: string }) => x.resource_id));
        }
        assert.deepEqual(seen, all, 'pages in a stable order, no duplicates, nothing left out');
      }
      assert.equal((await query(p, { action: 'filter', limit: 1000 })).resources.length, 4);
      assert.equal((await query(p, { action: 'filter', limit: '1000', offset: '3' })).resources.length, 1);
      // The REF's own example request.
      const example = await query(p, { offset: '0', limit: '100', action: 'filter', matches: [{ key: 'resource_name', value: 'web-1' }], tags: [{ key: 'env', values: ['prod'] }] });
      assert.deepEqual(example.resources.map((x: { resource_id: string }) => x.resource_id), [web1]);
    });

    test('totals follow every change of what they count (kept per project generation, recounted after a change)', async () => {
      const { p, web1, web2, bare } = await fixture();
      const prod = { action: 'count', tags: [{ key: 'env', values: ['prod'] }] };
      const listTotal = async (q: string) => {
        const r = await t.deh(p, 'GET', `/dedicated-hosts?limit=1${q}`);
        assert.equal(r.statusCode, 200, r.body);
        return json(r).total as number;
      };
      const tagAction = async (id: string, action: string, tags: { key: string; value: string }[]) =>
        assert.equal((await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action, tags })).statusCode, 204);
      // Asked twice, so the second answer is the kept one; then each change must show.
      for (let i = 0; i < 2; i++) {
        assert.equal((await query(p, prod)).total_count, 2);
        assert.equal(await listTotal('&tags=env%3Dprod'), 2);
        assert.equal(await listTotal(''), 4);
      }
      await tagAction(bare, 'create', [{ key: 'env', value: 'prod' }]);
      assert.equal((await query(p, prod)).total_count, 3, 'a tag added');
      assert.equal(await listTotal('&tags=env%3Dprod'), 3);
      await tagAction(web1, 'delete', [{ key: 'env', value: 'prod' }]);
      assert.equal((await query(p, prod)).total_count, 2, 'a tag removed');
      assert.equal(await listTotal('&tags=env%3Dprod'), 2);
      const [added] = await allocate(t, p, { name: 'late', tags: [{ key: 'env', value: 'prod' }] });
      assert.equal((await query(p, prod)).total_count, 3, 'a host allocated');
      assert.equal(await listTotal(''), 5);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${added}`)).statusCode, 204);
      assert.equal((await query(p, prod)).total_count, 2, 'a host released');
      assert.equal(await listTotal(''), 4);
      assert.equal(await listTotal('&name=web-2'), 1);
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${web2}`, { dedicated_host: { name: 'renamed' } })).statusCode, 204);
      assert.equal(await listTotal('&name=web-2'), 0, 'a host renamed');
      assert.equal(await listTotal('&name=renamed'), 1);
    });

    test('pages too follow every change (kept per project generation): tags, names, allocation, release', async () => {
      const { p, web1, web2, db1, bare } = await fixture();
      const prod = { action: 'filter', tags: [{ key: 'env', values: ['prod'] }] };
      const page = async (body: Record<string, unknown> = prod) => {
        const first = await query(p, body);
        assert.deepEqual(await query(p, body), first, 'asked again: the same answer (now the kept one)');
        return first.resources.map((r: { resource_id: string; resource_name: string; tags: { key: string; value: string }[] }) =>
          `${r.resource_name}:${r.tags.map((x) => `${x.key}=${x.value}`).join(',')}`).sort();
      };
      assert.deepEqual(await page(), ['db-1:env=prod,tier=db', 'web-1:env=prod,tier=web']);
      const tagAction = async (id: string, action: string, tags: { key: string; value: string }[]) =>
        assert.equal((await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action, tags })).statusCode, 204);
      await tagAction(bare, 'create', [{ key: 'env', value: 'prod' }]);
      assert.deepEqual(await page(), ['bare:env=prod', 'db-1:env=prod,tier=db', 'web-1:env=prod,tier=web'], 'a tag added');
      await tagAction(db1, 'create', [{ key: 'owner', value: 'ops' }]);
      assert.deepEqual(await page(), ['bare:env=prod', 'db-1:env=prod,owner=ops,tier=db', 'web-1:env=prod,tier=web'], 'another tag of a listed host');
      await tagAction(web1, 'delete', [{ key: 'env', value: 'prod' }]);
      assert.deepEqual(await page(), ['bare:env=prod', 'db-1:env=prod,owner=ops,tier=db'], 'a tag removed');
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${db1}`, { dedicated_host: { name: 'db-one' } })).statusCode, 204);
      assert.deepEqual(await page(), ['bare:env=prod', 'db-one:env=prod,owner=ops,tier=db'], 'a host renamed');
      const [late] = await allocate(t, p, { name: 'late', tags: [{ key: 'env', value: 'prod' }] });
      assert.deepEqual(await page(), ['bare:env=prod', 'db-one:env=prod,owner=ops,tier=db', 'late:env=prod'], 'a host allocated');
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${late}`)).statusCode, 204);
      assert.deepEqual(await page(), ['bare:env=prod', 'db-one:env=prod,owner=ops,tier=db'], 'a host released');
      // Pages of one query differ by offset and limit, each kept apart.
      const ids = [web1, web2, db1, bare].sort();
      for (let off = 0; off < 4; off++) {
        const r = await query(p, { action: 'filter', limit: 1, offset: off });
        assert.deepEqual(r.resources.map((x: { resource_id: string }) => x.resource_id), [ids[off]]);
      }
      assert.equal((await query(p, { action: 'filter', limit: 3, offset: 0 })).resources.length, 3);
    });

    test('limit over 1000, negative or non-numeric limit/offset, bad action, key or match → 400', async () => {
      const p = await t.newProject();
      const bad: Record<string, unknown>[] = [
        { action: 'filter', limit: 1001 },
        { action: 'filter', limit: '1001' },
        { action: 'filter', limit: -1 },
        { action: 'filter', limit: '-1' },
        { action: 'filter', limit: 'ten' },
        { action: 'filter', limit: 1.5 },
        { action: 'filter', offset: -1 },
        { action: 'filter', offset: 'x' },
        { action: 'list' },
        {},
        { action: 'filter', tags: [{ key: '', values: [] }] },
        { action: 'filter', tags: [{ values: ['x'] }] },
        { action: 'filter', tags: [{ key: 'k', values: Array.from({ length: 11 }, (_, i) => `v${i}`) }] },
        { action: 'filter', matches: [{ key: 'resource_id', value: 'x' }] },
        { action: 'filter', unknown: true },
      ];
      for (const body of bad) expectDehError(await t.deh(p, 'POST', PATH, body), 400);
    });
  });
}
