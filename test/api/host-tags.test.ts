import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { expectDehError, json, UNKNOWN_HOST_ID } from '../support/deh.js';

// /v1.0/{project_id}/dedicated-host-tags/{id}/tags[/action]: tags of a DeH (200) and batch
// create/delete (204) — REF deh_tag_management/*.rst, CONTRACT §2.9–2.10.

type Tag = { key: string; value?: string };

for (const dialect of DIALECTS) {
  describe(`host tags [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const action = (p: TestProject, id: string, act: string, tags: Tag[]) =>
      t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: act, tags });
    const tagsOf = async (p: TestProject, id: string) => {
      const r = await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(Object.keys(json(r)), ['tags']);
      return json(r).tags as { key: string; value: string }[];
    };
    const asMap = (tags: { key: string; value: string }[]) => Object.fromEntries(tags.map((x) => [x.key, x.value]));

    test('a new DeH has no tags: 200 {"tags": []}', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      assert.deepEqual(await tagsOf(p, id), []);
    });

    test('create: 204 with no body; upsert by key', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const r = await action(p, id, 'create', [{ key: 'a', value: '1' }, { key: 'b', value: '' }]);
      assert.equal(r.statusCode, 204);
      assert.equal(r.body, '');
      assert.deepEqual(await tagsOf(p, id), [{ key: 'a', value: '1' }, { key: 'b', value: '' }]);
      assert.equal((await action(p, id, 'create', [{ key: 'a', value: '2' }, { key: 'c', value: '3' }])).statusCode, 204);
      assert.deepEqual(asMap(await tagsOf(p, id)), { a: '2', b: '', c: '3' });
      // The same batch again changes nothing (idempotent).
      assert.equal((await action(p, id, 'create', [{ key: 'a', value: '2' }])).statusCode, 204);
      assert.deepEqual(asMap(await tagsOf(p, id)), { a: '2', b: '', c: '3' });
      // The detail view carries them too.
      assert.deepEqual(asMap(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.tags), { a: '2', b: '', c: '3' });
    });

    test('delete: by key when the value matches or is empty; other values and unknown keys are left alone', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }, { key: 'd', value: '4' }] });
      assert.equal((await action(p, id, 'delete', [{ key: 'a', value: 'other' }])).statusCode, 204);
      assert.deepEqual(asMap(await tagsOf(p, id)), { a: '1', b: '2', c: '3', d: '4' });
      assert.equal((await action(p, id, 'delete', [{ key: 'a', value: '1' }, { key: 'b', value: '' }, { key: 'c' }, { key: 'nope', value: 'x' }])).statusCode, 204);
      assert.deepEqual(await tagsOf(p, id), [{ key: 'd', value: '4' }]);
      // Terraform's update: delete every old tag with its value, then create the new ones.
      assert.equal((await action(p, id, 'delete', [{ key: 'd', value: '4' }])).statusCode, 204);
      assert.equal((await action(p, id, 'create', [{ key: 'updated_by', value: 'terraform' }])).statusCode, 204);
      assert.deepEqual(await tagsOf(p, id), [{ key: 'updated_by', value: 'terraform' }]);
    });

    test('at most 10 tags per DeH → 400, and a refused batch changes nothing', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const ten = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      assert.equal((await action(p, id, 'create', ten.slice(0, 8))).statusCode, 204);
      expectDehError(await action(p, id, 'create', [{ key: 'x', value: '1' }, { key: 'y', value: '1' }, { key: 'z', value: '1' }]), 400, 'DEH.0020');
      assert.equal((await tagsOf(p, id)).length, 8);
      assert.equal((await action(p, id, 'create', ten.slice(8))).statusCode, 204);
      assert.equal((await tagsOf(p, id)).length, 10);
      // Overwriting an existing key of a full DeH is fine.
      assert.equal((await action(p, id, 'create', [{ key: 'k0', value: 'new' }])).statusCode, 204);
      expectDehError(await action(p, id, 'create', [{ key: 'k10', value: 'v' }]), 400, 'DEH.0020');
      const [fresh] = await allocate(t, p);
      expectDehError(await action(p, fresh, 'create', Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }))), 400);
      assert.deepEqual(await tagsOf(p, fresh), []);
    });

    test('key and value length limits count characters: key 36, value 43', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      assert.equal((await action(p, id, 'create', [{ key: 'k'.repeat(36), value: 'v'.repeat(43) }])).statusCode, 204);
      assert.equal((await action(p, id, 'create', [{ key: 'ä'.repeat(36), value: 'ü'.repeat(43) }])).statusCode, 204);
      // Characters outside the BMP are one character each, as the REF counts "Unicode characters".
      assert.equal((await action(p, id, 'create', [{ key: '🔑'.repeat(36), value: '📦'.repeat(43) }])).statusCode, 204);
      assert.equal(asMap(await tagsOf(p, id))['🔑'.repeat(36)], '📦'.repeat(43));
      expectDehError(await action(p, id, 'create', [{ key: 'k'.repeat(37), value: 'v' }]), 400);
      expectDehError(await action(p, id, 'create', [{ key: 'k', value: 'v'.repeat(44) }]), 400);
      expectDehError(await action(p, id, 'create', [{ key: '🔑'.repeat(37), value: 'v' }]), 400);
      assert.equal((await tagsOf(p, id)).length, 3);
    });

    test('forbidden characters, empty or padded keys, duplicates and bad bodies → 400', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      for (const ch of ['=', '*', '<', '>', '\\', '|', '/', ',']) {
        expectDehError(await action(p, id, 'create', [{ key: `a${ch}b`, value: 'v' }]), 400);
        expectDehError(await action(p, id, 'create', [{ key: 'k', value: `a${ch}b` }]), 400);
      }
      expectDehError(await action(p, id, 'create', [{ key: '', value: 'v' }]), 400);
      expectDehError(await action(p, id, 'create', [{ key: ' k', value: 'v' }]), 400);
      expectDehError(await action(p, id, 'create', [{ key: 'k', value: '1' }, { key: 'k', value: '2' }]), 400);
      expectDehError(await action(p, id, 'create', []), 400);
      expectDehError(await action(p, id, 'update', [{ key: 'k', value: 'v' }]), 400);
      expectDehError(await action(p, id, 'CREATE', [{ key: 'k', value: 'v' }]), 400);
      expectDehError(await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create' }), 400);
      expectDehError(await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v', extra: 1 }] }), 400);
      expectDehError(await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 1 }] }), 400);
      // REF: value is mandatory on create; an empty string is a value.
      const noValue = expectDehError(await action(p, id, 'create', [{ key: 'a', value: 'x' }, { key: 'k' }]), 400, 'DEH.0001');
      assert.match(noValue.message, /tags\.1\.value/);
      assert.deepEqual(await tagsOf(p, id), []);
      assert.equal((await action(p, id, 'create', [{ key: 'empty', value: '' }])).statusCode, 204);
      assert.deepEqual(await tagsOf(p, id), [{ key: 'empty', value: '' }]);
      assert.equal((await action(p, id, 'delete', [{ key: 'empty' }])).statusCode, 204, 'delete without value stays allowed');
      assert.deepEqual(await tagsOf(p, id), []);
    });

    test('unknown, foreign or released DeH → 404 on both calls', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [foreign] = await allocate(t, other);
      const [released] = await allocate(t, p);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${released}`)).statusCode, 204);
      for (const id of [UNKNOWN_HOST_ID, foreign, released, 'not-a-uuid']) {
        expectDehError(await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`), 404);
        expectDehError(await action(p, id, 'create', [{ key: 'k', value: 'v' }]), 404);
        expectDehError(await action(p, id, 'delete', [{ key: 'k', value: 'v' }]), 404);
      }
      assert.deepEqual(await tagsOf(other, foreign), []);
    });
  });
}
