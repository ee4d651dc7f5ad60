import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { expectKeystoneError, json } from '../support/deh.js';

// Keystone groups as openstackclient and Terraform use them (CONTRACT §9.4): create 201 with
// `links`, get, ?name=, PATCH, delete 204, 409 on a duplicate name; membership PUT/HEAD/DELETE
// 204 (Go accepts nothing else), members of a group, groups of a user; 404s; IAM rights needed.

for (const dialect of DIALECTS) {
  describe(`IAM groups [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body });
    let seq = 0;
    const newUser = async () => json(await admin('POST', '/v3/users', { user: { name: `gu${seq++}`, domain_id: 'default', password: 'pw' } })).user;

    test('create, read, find by name, rename, delete; shapes as openstackclient reads them', async () => {
      const name = `g${seq++}`;
      const r = await admin('POST', '/identity/v3/groups', { group: { name, description: 'dev' } });
      assert.equal(r.statusCode, 201, r.body);
      const g = json(r).group;
      assert.match(g.id, /^[0-9a-f]{32}$/);
      assert.deepEqual(g, { id: g.id, name, description: 'dev', domain_id: 'default', links: { self: `http://127.0.0.1:8080/identity/v3/groups/${g.id}` } });
      assert.deepEqual(json(await admin('GET', `/v3/groups/${g.id}`)).group, g);
      const found = json(await admin('GET', `/v3/groups?name=${name}`));
      assert.deepEqual(found.groups, [g]);
      assert.equal(typeof found.links, 'object');
      assert.deepEqual(json(await admin('GET', '/v3/groups?name=nobody')).groups, []);
      assert.ok(json(await admin('GET', '/v3/groups')).groups.some((x: { id: string }) => x.id === g.id));
      const p = await admin('PATCH', `/v3/groups/${g.id}`, { group: { description: 'ops' } });
      assert.equal(p.statusCode, 200);
      assert.equal(json(p).group.description, 'ops');
      assert.equal(json(p).group.name, name);
      assert.equal((await admin('DELETE', `/v3/groups/${g.id}`)).statusCode, 204);
      expectKeystoneError(await admin('GET', `/v3/groups/${g.id}`), 404);
      expectKeystoneError(await admin('DELETE', `/v3/groups/${g.id}`), 404);
    });

    test('duplicate name → 409; bad bodies → 400; explicit unknown domain → 404', async () => {
      const name = `dup${seq++}`;
      assert.equal((await admin('POST', '/v3/groups', { group: { name } })).statusCode, 201);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: { name, description: 'again' } }), 409);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: {} }), 400);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: { name: '' } }), 400);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: { name: 'x'.repeat(65) } }), 400);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: { name: 'ok', extra: 1 } }), 400);
      expectKeystoneError(await admin('POST', '/v3/groups', { name: 'ok' }), 400);
      expectKeystoneError(await admin('POST', '/v3/groups', { group: { name: `nd${seq++}`, domain_id: 'nope' } }), 404);
      // Renaming onto a taken name is a conflict too.
      const other = json(await admin('POST', '/v3/groups', { group: { name: `other${seq++}` } })).group;
      expectKeystoneError(await admin('PATCH', `/v3/groups/${other.id}`, { group: { name } }), 409);
    });

    test('membership: PUT/HEAD/DELETE 204, members and groups of a user, 404s', async () => {
      const g = json(await admin('POST', '/v3/groups', { group: { name: `m${seq++}` } })).group;
      const [u1, u2] = [await newUser(), await newUser()];
      for (const u of [u1, u2]) {
        const r = await admin('PUT', `/v3/groups/${g.id}/users/${u.id}`);
        assert.equal(r.statusCode, 204);
        assert.equal(r.body, '');
      }
      assert.equal((await admin('PUT', `/v3/groups/${g.id}/users/${u1.id}`)).statusCode, 204, 'adding twice is fine');
      assert.equal((await admin('HEAD', `/identity/v3/groups/${g.id}/users/${u1.id}`)).statusCode, 204);
      const members = json(await admin('GET', `/v3/groups/${g.id}/users`));
      assert.deepEqual(members.users.map((u: { id: string }) => u.id).sort(), [u1.id, u2.id].sort());
      assert.equal(typeof members.links, 'object');
      assert.equal(members.users[0].password_expires_at, null);
      assert.deepEqual(json(await admin('GET', `/v3/users/${u1.id}/groups`)).groups.map((x: { id: string }) => x.id), [g.id]);

      assert.equal((await admin('DELETE', `/v3/groups/${g.id}/users/${u1.id}`)).statusCode, 204);
      assert.equal((await admin('HEAD', `/v3/groups/${g.id}/users/${u1.id}`)).statusCode, 404);
      expectKeystoneError(await admin('DELETE', `/v3/groups/${g.id}/users/${u1.id}`), 404);
      expectKeystoneError(await admin('PUT', `/v3/groups/nope/users/${u1.id}`), 404);
      expectKeystoneError(await admin('PUT', `/v3/groups/${g.id}/users/nope`), 404);
      expectKeystoneError(await admin('GET', '/v3/groups/nope/users'), 404);
      expectKeystoneError(await admin('GET', '/v3/users/nope/groups'), 404);
      assert.deepEqual(json(await admin('GET', `/v3/users/${u1.id}/groups`)).groups, []);

      // Deleting a user or the group removes the memberships.
      await admin('DELETE', `/v3/users/${u2.id}`);
      assert.deepEqual(json(await admin('GET', `/v3/groups/${g.id}/users`)).users, []);
    });

    test('without IAM rights: 403 Keystone-style on every group call; no token: 401; nothing changes', async () => {
      const p = await t.newProject();
      const g = json(await admin('POST', '/v3/groups', { group: { name: `sec${seq++}` } })).group;
      const u = await newUser();
      const calls: [string, string, unknown?][] = [
        ['GET', '/v3/groups'], ['POST', '/v3/groups', { group: { name: 'evil' } }], ['GET', `/v3/groups/${g.id}`],
        ['PATCH', `/v3/groups/${g.id}`, { group: { name: 'evil' } }], ['DELETE', `/v3/groups/${g.id}`],
        ['GET', `/v3/groups/${g.id}/users`], ['PUT', `/v3/groups/${g.id}/users/${u.id}`], ['DELETE', `/v3/groups/${g.id}/users/${u.id}`],
        ['GET', `/v3/users/${u.id}/groups`],
      ];
      for (const [method, url, body] of calls) {
        const e = expectKeystoneError(await t.call(method, url, { token: p.token, body }), 403);
        assert.match(e.message, /^You are not authorized to perform the requested action: iam:(groups|users):[a-zA-Z]+\.$/);
        expectKeystoneError(await t.call(method, url, { body }), 401);
      }
      assert.equal(json(await admin('GET', `/v3/groups/${g.id}`)).group.name, g.name);
      assert.deepEqual(json(await admin('GET', `/v3/groups/${g.id}/users`)).users, []);
      assert.deepEqual(json(await admin('GET', '/v3/groups?name=evil')).groups, []);
    });
  });
}
