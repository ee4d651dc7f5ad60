import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { expectDehError, expectKeystoneError, json } from '../support/deh.js';

// The Keystone admin calls `openstack project create`, `user create`, `role add`, `… list`
// make (POST /v3/projects, POST /v3/users, PUT /v3/projects/{p}/users/{u}/roles/{r}, GET …),
// admin only; Keystone-shaped errors.

for (const dialect of DIALECTS) {
  describe(`keystone admin API [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body });
    let seq = 0;

    /** project + user + member role through the API, as the openstack CLI does it. */
    async function onboard() {
      const n = `eu-de_ks${seq++}`;
      const pr = await admin('POST', '/v3/projects', { project: { name: n, domain_id: 'default', description: 'made by a test', enabled: true } });
      assert.equal(pr.statusCode, 201, pr.body);
      const project = json(pr).project;
      assert.equal(project.name, n);
      assert.equal(project.domain_id, 'default');
      assert.equal(project.enabled, true);
      assert.match(project.id, /^[0-9a-f]{32}$/);
      const ur = await admin('POST', '/v3/users', { user: { name: `u-${n}`, domain_id: 'default', password: 'pw-1', default_project_id: project.id } });
      assert.equal(ur.statusCode, 201, ur.body);
      const user = json(ur).user;
      assert.equal(user.name, `u-${n}`);
      assert.equal(user.password, undefined, 'a password is never echoed');
      const roles = json(await admin('GET', '/v3/roles?name=member')).roles;
      assert.equal(roles.length, 1);
      const role = roles[0];
      const grant = await admin('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`);
      assert.equal(grant.statusCode, 204, grant.body);
      return { project, user, role, name: n };
    }

    test('create project, user, role assignment; the new user logs in and uses the DeH API', async () => {
      const { project, user, role, name } = await onboard();
      assert.equal((await admin('GET', `/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`)).statusCode, 204);
      const ra = json(await admin('GET', `/identity/v3/role_assignments?user.id=${user.id}&scope.project.id=${project.id}`)).role_assignments;
      assert.deepEqual(ra.map((a: any) => [a.role.id, a.user.id, a.scope.project.id]), [[role.id, user.id, project.id]]);
      assert.ok(json(await admin('GET', '/v3/projects')).projects.some((x: { id: string }) => x.id === project.id));
      assert.deepEqual(json(await admin('GET', `/v3/projects?name=${name}`)).projects.map((x: { id: string }) => x.id), [project.id]);
      assert.ok(json(await admin('GET', '/v3/users')).users.some((x: { id: string }) => x.id === user.id));
      assert.equal(json(await admin('GET', `/v3/projects/${project.id}`)).project.name, name);
      const token = await t.login(`u-${name}`, 'pw-1', project.id);
      const r = await t.call('GET', `/v1.0/${project.id}/dedicated-hosts`, { token });
      assert.deepEqual(json(r), { dedicated_hosts: [], total: 0 });
      // The user may read itself and its projects without the admin role.
      assert.equal((await t.call('GET', `/v3/users/${user.id}`, { token })).statusCode, 200);
      assert.deepEqual(json(await t.call('GET', `/v3/users/${user.id}/projects`, { token })).projects.map((x: { id: string }) => x.id), [project.id]);
    });

    test('a non-admin gets 403 on every admin call; no token gets 401', async () => {
      const p = await t.newProject();
      const { project, user, role } = await onboard();
      const calls: [string, string, unknown?][] = [
        ['GET', '/v3/projects'],
        ['POST', '/v3/projects', { project: { name: 'sneaky', domain_id: 'default' } }],
        ['GET', `/v3/projects/${project.id}`],
        ['PATCH', `/v3/projects/${project.id}`, { project: { enabled: false } }],
        ['DELETE', `/v3/projects/${project.id}`],
        ['GET', '/v3/users'],
        ['POST', '/v3/users', { user: { name: 'sneaky', domain_id: 'default', password: 'x' } }],
        ['GET', `/v3/users/${user.id}`],
        ['DELETE', `/v3/users/${user.id}`],
        ['GET', '/v3/roles'],
        ['POST', '/v3/roles', { role: { name: 'sneaky' } }],
        ['PUT', `/v3/projects/${project.id}/users/${p.userId}/roles/${role.id}`],
        ['DELETE', `/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`],
        ['GET', '/v3/role_assignments'],
        ['GET', '/v3/domains'],
        ['POST', '/v3/domains', { domain: { name: 'sneaky' } }],
      ];
      for (const [method, url, body] of calls) {
        for (const prefix of ['', '/identity']) {
          const e = expectKeystoneError(await t.call(method, `${prefix}${url}`, { token: p.token, body }), 403);
          assert.equal(e.title, 'Forbidden');
          expectKeystoneError(await t.call(method, `${prefix}${url}`, { body }), 401);
        }
      }
      // Nothing happened: the user still logs in to its project, no "sneaky" anything exists.
      await t.login(user.name, 'pw-1', project.id);
      assert.deepEqual(json(await admin('GET', '/v3/projects?name=sneaky')).projects, []);
      assert.deepEqual(json(await admin('GET', '/v3/users?name=sneaky')).users, []);
    });

    test('duplicates → 409, unknown ids → 404, bad bodies → 400, all Keystone-shaped', async () => {
      const { project, user, role, name } = await onboard();
      expectKeystoneError(await admin('POST', '/v3/projects', { project: { name, domain_id: 'default' } }), 409);
      expectKeystoneError(await admin('POST', '/v3/users', { user: { name: user.name, domain_id: 'default', password: 'x' } }), 409);
      expectKeystoneError(await admin('GET', '/v3/projects/nope'), 404);
      expectKeystoneError(await admin('PUT', `/v3/projects/nope/users/${user.id}/roles/${role.id}`), 404);
      expectKeystoneError(await admin('PUT', `/v3/projects/${project.id}/users/nope/roles/${role.id}`), 404);
      expectKeystoneError(await admin('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/nope`), 404);
      expectKeystoneError(await admin('POST', '/v3/projects', { project: { domain_id: 'default' } }), 400);
      expectKeystoneError(await admin('POST', '/v3/projects', { project: { name: 'x', colour: 'red' } }), 400);
      expectKeystoneError(await admin('POST', '/v3/projects', { project: { name: 'x', domain_id: 'nope' } }), 404);
    });

    test('revoking the role ends the user\'s access at once; a project with DeHs cannot be deleted', async () => {
      const { project, user, role } = await onboard();
      const token = await t.login(user.name, 'pw-1', project.id);
      const dehUser = { projectId: project.id, token, userId: user.id, name: project.name };
      const [id] = await allocate(t, dehUser);
      expectKeystoneError(await admin('DELETE', `/v3/projects/${project.id}`), 409);
      assert.equal((await admin('DELETE', `/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`)).statusCode, 204);
      expectDehError(await t.call('GET', `/v1.0/${project.id}/dedicated-hosts/${id}`, { token }), 401);
      await assert.rejects(t.login(user.name, 'pw-1', project.id), /401/);
      // Re-granted, the host is still there; released, the project can go.
      assert.equal((await admin('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`)).statusCode, 204);
      const again = await t.login(user.name, 'pw-1', project.id);
      assert.equal((await t.call('DELETE', `/v1.0/${project.id}/dedicated-hosts/${id}`, { token: again })).statusCode, 204);
      assert.equal((await admin('DELETE', `/v3/projects/${project.id}`)).statusCode, 204);
      expectKeystoneError(await admin('GET', `/v3/projects/${project.id}`), 404);
    });

    test('disabling a user or changing its password revokes its tokens', async () => {
      const { project, user } = await onboard();
      const token = await t.login(user.name, 'pw-1', project.id);
      assert.equal((await admin('PATCH', `/v3/users/${user.id}`, { user: { password: 'pw-2' } })).statusCode, 200);
      expectDehError(await t.call('GET', `/v1.0/${project.id}/dedicated-hosts`, { token }), 401);
      await assert.rejects(t.login(user.name, 'pw-1', project.id), /401/);
      const token2 = await t.login(user.name, 'pw-2', project.id);
      assert.equal((await admin('PATCH', `/v3/users/${user.id}`, { user: { enabled: false } })).statusCode, 200);
      expectDehError(await t.call('GET', `/v1.0/${project.id}/dedicated-hosts`, { token: token2 }), 401);
      await assert.rejects(t.login(user.name, 'pw-2', project.id), /401/);
    });
  });
}
