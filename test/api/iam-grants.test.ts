import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { expectKeystoneError, json } from '../support/deh.js';
import { SYSTEM_ROLES, systemRoleId } from '../../src/domain/system-policies.js';

// Grants (CONTRACT §9.4) to a group or a user, on a project, a domain, or every project of a
// domain (OS-INHERIT): PUT/HEAD/GET/DELETE → 204, list → {roles, links}; 404 for unknown
// parts; role_assignments with groups, inherited scope and ?effective; GET /v3/roles with
// system policies; users ?name=&enabled= and projects ?name=.

for (const dialect of DIALECTS) {
  describe(`IAM grants [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body });
    let seq = 0;
    async function parts() {
      const n = seq++;
      const project = json(await admin('POST', '/v3/projects', { project: { name: `eu-de_gr${n}`, domain_id: 'default' } })).project;
      const user = json(await admin('POST', '/v3/users', { user: { name: `gr-u${n}`, domain_id: 'default', password: 'pw' } })).user;
      const group = json(await admin('POST', '/v3/groups', { group: { name: `gr-g${n}` } })).group;
      return { project, user, group };
    }
    const CO = systemRoleId('system_all_59');

    test('system policies are roles: listed, found by name, readable by id', async () => {
      const all = json(await admin('GET', '/v3/roles')).roles;
      for (const s of SYSTEM_ROLES) {
        const r = all.find((x: { name: string }) => x.name === s.name);
        assert.ok(r, s.name);
        assert.equal(r.id, systemRoleId(s.name));
        assert.equal(r.display_name, s.displayName);
      }
      for (const name of ['admin', 'member', 'reader']) assert.ok(all.some((x: { name: string }) => x.name === name));
      const byName = json(await admin('GET', '/identity/v3/roles?name=system_all_57')).roles;
      assert.equal(byName.length, 1);
      assert.deepEqual(byName[0].policy, { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] });
      assert.equal(byName[0].display_name, 'DeH FullAccess');
      assert.equal(byName[0].domain_id, null);
      const one = json(await admin('GET', `/v3/roles/${CO}`)).role;
      assert.equal(one.name, 'system_all_59');
      assert.equal(one.display_name, 'DeH CommonOperations');
      assert.equal(one.links.self, `http://127.0.0.1:8080/identity/v3/roles/${CO}`);
      // System policies cannot be deleted through the Keystone API.
      expectKeystoneError(await admin('DELETE', `/v3/roles/${CO}`), 403);
    });

    for (const actor of ['groups', 'users'] as const) {
      test(`${actor}: grant, check, list, revoke on a project, a domain and all projects`, async () => {
        const p = await parts();
        const aid = actor === 'groups' ? p.group.id : p.user.id;
        const scopes = [
          [`/v3/projects/${p.project.id}/${actor}/${aid}/roles`, ''],
          [`/v3/domains/default/${actor}/${aid}/roles`, ''],
          [`/v3/OS-INHERIT/domains/default/${actor}/${aid}/roles`, '/inherited_to_projects'],
        ] as const;
        for (const [base, suffix] of scopes) {
          const url = `${base}/${CO}${suffix}`;
          expectKeystoneError(await admin('GET', url), 404);
          assert.equal((await admin('HEAD', url)).statusCode, 404);
          const put = await admin('PUT', url);
          assert.equal(put.statusCode, 204, `${url}: ${put.body}`);
          assert.equal(put.body, '');
          assert.equal((await admin('PUT', url)).statusCode, 204, 'granting twice is fine');
          assert.equal((await admin('HEAD', url)).statusCode, 204);
          assert.equal((await admin('GET', url)).statusCode, 204);
          const list = json(await admin('GET', `${base}${suffix}`));
          assert.deepEqual(list.roles.map((r: { id: string; name: string }) => [r.id, r.name]), [[CO, 'system_all_59']]);
          assert.equal(list.links.next, null);
          const del = await admin('DELETE', url);
          assert.equal(del.statusCode, 204);
          expectKeystoneError(await admin('DELETE', url), 404);
          assert.deepEqual(json(await admin('GET', `${base}${suffix}`)).roles, []);
        }
      });
    }

    test('unknown project, domain, group, user or role → 404; no rights → 403; nothing granted', async () => {
      const p = await parts();
      const urls = [
        `/v3/projects/nope/groups/${p.group.id}/roles/${CO}`, `/v3/projects/${p.project.id}/groups/nope/roles/${CO}`,
        `/v3/projects/${p.project.id}/groups/${p.group.id}/roles/nope`, `/v3/domains/nope/groups/${p.group.id}/roles/${CO}`,
        `/v3/projects/${p.project.id}/users/nope/roles/${CO}`,
        `/v3/OS-INHERIT/domains/nope/groups/${p.group.id}/roles/${CO}/inherited_to_projects`,
        `/v3/OS-INHERIT/domains/default/groups/nope/roles/${CO}/inherited_to_projects`,
      ];
      for (const url of urls) expectKeystoneError(await admin('PUT', url), 404);
      expectKeystoneError(await admin('GET', `/v3/projects/nope/groups/${p.group.id}/roles`), 404);
      const member = await t.newProject();
      const url = `/v3/projects/${p.project.id}/groups/${p.group.id}/roles/${CO}`;
      expectKeystoneError(await t.call('PUT', url, { token: member.token }), 403);
      expectKeystoneError(await t.call('PUT', url), 401);
      expectKeystoneError(await t.call('GET', '/v3/role_assignments', { token: member.token }), 403);
      assert.deepEqual(json(await admin('GET', `/v3/role_assignments?group.id=${p.group.id}`)).role_assignments, []);
    });

    test('role_assignments: group and inherited entries, filters, ?effective expands them', async () => {
      const p = await parts();
      await admin('PUT', `/v3/groups/${p.group.id}/users/${p.user.id}`);
      await admin('PUT', `/v3/projects/${p.project.id}/groups/${p.group.id}/roles/${CO}`);
      await admin('PUT', `/v3/OS-INHERIT/domains/default/groups/${p.group.id}/roles/${CO}/inherited_to_projects`);
      const ra = json(await admin('GET', `/v3/role_assignments?group.id=${p.group.id}`));
      assert.equal(typeof ra.links, 'object');
      const entries = ra.role_assignments.map((a: any) => JSON.stringify([a.role.id, a.group?.id, a.user?.id, a.scope]));
      assert.deepEqual(entries.sort(), [
        JSON.stringify([CO, p.group.id, undefined, { domain: { id: 'default' }, 'OS-INHERIT:inherited_to': 'projects' }]),
        JSON.stringify([CO, p.group.id, undefined, { project: { id: p.project.id } }]),
      ].sort());
      const byProject = json(await admin('GET', `/v3/role_assignments?scope.project.id=${p.project.id}`)).role_assignments;
      assert.equal(byProject.length, 1);
      assert.equal(byProject[0].links.assignment, `http://127.0.0.1:8080/identity/v3/projects/${p.project.id}/groups/${p.group.id}/roles/${CO}`);
      const inherited = json(await admin('GET', `/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects&group.id=${p.group.id}`)).role_assignments;
      assert.equal(inherited.length, 1);
      assert.match(inherited[0].links.assignment, /\/OS-INHERIT\/domains\/default\/groups\/.+\/inherited_to_projects$/);

      // Effective: the user holds it on the project through the group, and through inheritance.
      const eff = json(await admin('GET', `/v3/role_assignments?effective&user.id=${p.user.id}&scope.project.id=${p.project.id}`)).role_assignments;
      assert.equal(eff.length, 2);
      for (const a of eff) {
        assert.deepEqual([a.role.id, a.user.id, a.scope.project.id, a.group], [CO, p.user.id, p.project.id, undefined]);
        assert.equal(a.links.membership, `http://127.0.0.1:8080/identity/v3/groups/${p.group.id}/users/${p.user.id}`);
      }
      expectKeystoneError(await admin('GET', '/v3/role_assignments?scope.OS-INHERIT:inherited_to=domains'), 400);
    });

    test('role_assignments?include_names names every role, actor and scope (openstack role assignment list --names)', async () => {
      const p = await parts();
      await admin('PUT', `/v3/groups/${p.group.id}/users/${p.user.id}`);
      await admin('PUT', `/v3/projects/${p.project.id}/groups/${p.group.id}/roles/${CO}`);
      await admin('PUT', `/v3/OS-INHERIT/domains/default/groups/${p.group.id}/roles/${CO}/inherited_to_projects`);
      const dflt = { id: 'default', name: 'Default' };
      const named = json(await admin('GET', `/v3/role_assignments?group.id=${p.group.id}&include_names=True`)).role_assignments;
      assert.deepEqual(named.map((a: any) => [a.role, a.group, a.scope]).sort((x: any, y: any) => ('project' in x[2] ? 1 : 0) - ('project' in y[2] ? 1 : 0)), [
        [{ id: CO, name: 'system_all_59' }, { id: p.group.id, name: p.group.name, domain: dflt }, { domain: dflt, 'OS-INHERIT:inherited_to': 'projects' }],
        [{ id: CO, name: 'system_all_59' }, { id: p.group.id, name: p.group.name, domain: dflt }, { project: { id: p.project.id, name: p.project.name, domain: dflt } }],
      ]);
      const eff = json(await admin('GET', `/v3/role_assignments?effective&include_names=1&user.id=${p.user.id}&scope.project.id=${p.project.id}`)).role_assignments;
      assert.equal(eff.length, 2);
      for (const a of eff) assert.deepEqual(a.user, { id: p.user.id, name: p.user.name, domain: dflt });
      // Without it (or with a false value) only ids, as before.
      for (const q of ['', '&include_names=false', '&include_names=0']) {
        const plain = json(await admin('GET', `/v3/role_assignments?group.id=${p.group.id}${q}`)).role_assignments;
        for (const a of plain) assert.deepEqual([a.role, a.group], [{ id: CO }, { id: p.group.id }], q);
      }
    });

    test('users ?name=&enabled= and projects ?name= as Terraform data sources send them', async () => {
      const p = await parts();
      const found = json(await admin('GET', `/v3/users?name=${p.user.name}&enabled=true`)).users;
      assert.deepEqual(found.map((u: { id: string }) => u.id), [p.user.id]);
      assert.equal(found[0].password_expires_at, null);
      assert.deepEqual(json(await admin('GET', `/v3/users?name=${p.user.name}&enabled=false`)).users, []);
      await admin('PATCH', `/v3/users/${p.user.id}`, { user: { enabled: false } });
      assert.deepEqual(json(await admin('GET', `/v3/users?name=${p.user.name}&enabled=false`)).users.map((u: { id: string }) => u.id), [p.user.id]);
      expectKeystoneError(await admin('GET', '/v3/users?enabled=maybe'), 400);
      assert.deepEqual(json(await admin('GET', `/v3/projects?name=${p.project.name}`)).projects.map((x: { id: string }) => x.id), [p.project.id]);
    });

    test('a secu_admin (granted to a group) may administer IAM with a project or a domain token', async () => {
      const p = await parts();
      const secu = systemRoleId('secu_admin');
      await admin('PUT', `/v3/groups/${p.group.id}/users/${p.user.id}`);
      await admin('PUT', `/v3/projects/${p.project.id}/groups/${p.group.id}/roles/${secu}`);
      await admin('PUT', `/v3/domains/default/groups/${p.group.id}/roles/${secu}`);
      const token = await t.login(p.user.name, 'pw', p.project.id);
      const g = await t.call('POST', '/v3/groups', { token, body: { group: { name: `by-secu${seq++}` } } });
      assert.equal(g.statusCode, 201, g.body);
      const dr = await t.call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { name: p.user.name, domain: { name: 'Default' }, password: 'pw' } } }, scope: { domain: { id: 'default' } } } } });
      const domainToken = dr.headers['x-subject-token'] as string;
      assert.equal((await t.call('GET', '/v3/groups', { token: domainToken })).statusCode, 200);
      assert.equal((await t.call('GET', '/v3.0/OS-ROLE/roles', { token: domainToken })).statusCode, 200);
    });
  });
}
