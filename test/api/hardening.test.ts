import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { createServer, expectNovaError, nova, serverOn } from '../support/compute.js';
import { expectDehError, expectKeystoneError, json } from '../support/deh.js';
import { stateDigest } from '../support/db-digest.js';

// One regression test per defect class the black-box fuzz found (issue 11); the fuzz suite in
// test/fuzz/ looks for the same classes over every route.

const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

for (const dialect of DIALECTS) {
  describe(`hardening regressions [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('identity PATCH that changes no column → 200 unchanged; unknown id → 404', async () => {
      const p = await t.newProject();
      const admin = { token: t.admin.token };
      const user = await t.call('PATCH', `/v3/users/${p.userId}`, { ...admin, body: { user: {} } });
      assert.equal(user.statusCode, 200, user.body);
      assert.equal(json(user).user.name, `user-${p.name}`);
      const project = await t.call('PATCH', `/v3/projects/${p.projectId}`, { ...admin, body: { project: {} } });
      assert.equal(project.statusCode, 200, project.body);
      assert.equal(json(project).project.name, p.name);
      for (const kind of ['users', 'projects']) {
        const one = kind.slice(0, -1);
        expectKeystoneError(await t.call('PATCH', `/v3/${kind}/nope`, { ...admin, body: { [one]: {} } }), 404);
        expectKeystoneError(await t.call('PATCH', `/v3/${kind}/nope`, { ...admin, body: { [one]: { enabled: true } } }), 404);
      }
      // The token of the user still works: an empty PATCH revoked nothing.
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).statusCode, 200);
    });

    test('deep nesting in an open object with X-Client-Token → 400, nothing created, token reusable', async () => {
      const p = await t.newProject();
      let deep = '"x"';
      for (let i = 0; i < 5000; i++) deep = `{"a":${deep}}`;
      const body = `{"server":{"name":"vm","imageRef":"i","flavorRef":"c4.large.4","networks":"none"},"os:scheduler_hints":${deep}}`;
      const r = await t.call('POST', `/compute/v2.1/${p.projectId}/servers`, { token: p.token, body, headers: { 'content-type': 'application/json', 'x-client-token': 'deep-1' } });
      expectNovaError(r, 400, 'badRequest', /nests deeper/);
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 0);
    });

    test('prototype-named metadata keys are ordinary keys: absent → 404, set → a string', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p);
      const id = await serverOn(t, p, host);
      for (const k of PROTO_KEYS) {
        expectNovaError(await nova(t, p, 'GET', `/servers/${id}/metadata/${k}`), 404, 'itemNotFound');
        expectNovaError(await nova(t, p, 'DELETE', `/servers/${id}/metadata/${k}`), 404, 'itemNotFound');
      }
      const md = Object.fromEntries(PROTO_KEYS.map((k) => [k, `v-${k}`]));
      // JSON text, not an object literal: `{__proto__: …}` in JS would set a prototype.
      const text = JSON.stringify({ metadata: Object.fromEntries(Object.entries(md)) }).replace('"metadata":{', `"metadata":{"__proto__":"v-__proto__",`);
      const set = await t.call('POST', `/compute/v2.1/${p.projectId}/servers/${id}/metadata`, { token: p.token, body: text, headers: { 'content-type': 'application/json' } });
      assert.equal(set.statusCode, 200, set.body);
      const stored = JSON.parse((await nova(t, p, 'GET', `/servers/${id}/metadata`)).body).metadata;
      for (const k of PROTO_KEYS) {
        assert.ok(Object.hasOwn(stored, k), k);
        assert.equal(stored[k], `v-${k}`);
        assert.equal(JSON.parse((await nova(t, p, 'GET', `/servers/${id}/metadata/${k}`)).body).meta[k], `v-${k}`);
      }
      assert.equal((await nova(t, p, 'DELETE', `/servers/${id}/metadata/constructor`)).statusCode, 204);
      expectNovaError(await nova(t, p, 'GET', `/servers/${id}/metadata/constructor`), 404);
    });

    test('a network named like a prototype property is an ordinary network label', async () => {
      const p = await t.newProject();
      for (const uuid of ['constructor', '__proto__']) {
        const r = await createServer(t, p, { name: `vm-${uuid}`, extra: { networks: [{ uuid }] } });
        assert.equal(r.statusCode, 202, r.body);
        const s = JSON.parse((await nova(t, p, 'GET', `/servers/${r.json().server.id}`)).body).server;
        assert.ok(Object.hasOwn(s.addresses, uuid), JSON.stringify(s.addresses));
        assert.ok(Array.isArray(s.addresses[uuid]));
      }
    });

    // Found by the fuzz suite (test/fuzz/): `%00` in a path parameter reached PostgreSQL, whose
    // text cannot hold NUL → 500; SQLite stored it. Now one rule at the edge for every string
    // of every request (path, query, body values and keys): 400 on both engines, nothing stored.
    test('NUL in a path parameter, a query value, a body value or key → 400 in the family shape, nothing changed', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p);
      const before = await stateDigest(t);
      const admin = { token: t.admin.token };
      expectKeystoneError(await t.call('DELETE', '/identity/v3/users/%00', admin), 400);
      expectKeystoneError(await t.call('GET', `/v3/users/a%00b`, admin), 400);
      expectKeystoneError(await t.call('GET', '/v3/users?name=%00', admin), 400);
      expectDehError(await t.deh(p, 'GET', '/dedicated-hosts/x%00'), 400);
      expectDehError(await t.deh(p, 'GET', '/dedicated-hosts?name=a%00'), 400);
      expectNovaError(await nova(t, p, 'GET', '/servers/metadata%00'), 400, 'badRequest');
      const body = (text: string) => ({ token: p.token, body: text, headers: { 'content-type': 'application/json' } });
      const put = await t.call('PUT', `/v1.0/${p.projectId}/dedicated-hosts/${host}`, body('{"dedicated_host":{"name":"a\\u0000b"}}'));
      assert.match(expectDehError(put, 400).message, /NUL character in \$\.dedicated_host\.name/);
      const key = await t.call('POST', `/v1.0/${p.projectId}/dedicated-host-tags/${host}/tags/action`, body('{"action":"create","tags":[{"key":"k\\u0000","value":"v"}]}'));
      expectDehError(key, 400);
      const user = await t.call('POST', '/v3/users', { ...admin, body: '{"user":{"name":"nul\\u0000user","domain_id":"default"}}', headers: { 'content-type': 'application/json' } });
      expectKeystoneError(user, 400);
      const meta = await t.call('POST', `/compute/v2.1/${p.projectId}/servers`, body('{"server":{"name":"vm","flavorRef":"c4.large.4","networks":"none","metadata":{"k\\u0000":"v"}}}'));
      expectNovaError(meta, 400, 'badRequest', /NUL character/);
      assert.equal(await stateDigest(t), before);
      assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${host}`)).dedicated_host.name, 'h');
    });
  });
}
