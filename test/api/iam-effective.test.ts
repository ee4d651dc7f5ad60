import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { expectKeystoneError, json } from '../support/deh.js';
import { systemRoleId } from '../../src/domain/system-policies.js';

// What a token may do (CONTRACT §9.3): the roles and policies granted to the user and to the
// user's groups on the token's project, plus the inherited (all-projects) grants of the
// project's domain. Domain grants do not apply to a project. token.roles lists the effective
// set; AuthContext.grants carries the parsed policies for the evaluator. Changes apply to
// existing tokens at once on this process.

for (const dialect of DIALECTS) {
  describe(`IAM effective grants [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body });
    let seq = 0;
    const RO = systemRoleId('system_all_58');
    const FULL = systemRoleId('system_all_57');

    async function setup() {
      const n = seq++;
      const project = json(await admin('POST', '/v3/projects', { project: { name: `eu-de_eff${n}`, domain_id: 'default' } })).project;
      const user = json(await admin('POST', '/v3/users', { user: { name: `eff-u${n}`, domain_id: 'default', password: 'pw-eff' } })).user;
      const group = json(await admin('POST', '/v3/groups', { group: { name: `eff-g${n}`, description: 'dev' } })).group;
      return { project, user, group, login: (projectId = project.id) => t.login(`eff-u${n}`, 'pw-eff', projectId), name: `eff-u${n}` };
    }
    const tokenRoles = async (token: string) => {
      const r = await t.call('GET', '/v3/auth/tokens', { token: t.admin.token, headers: { 'x-subject-token': token } });
      assert.equal(r.statusCode, 200, r.body);
      return json(r).token.roles.map((x: { name: string }) => x.name);
    };
    const put = async (url: string) => assert.equal((await admin('PUT', url)).statusCode, 204, url);
    const del = async (url: string) => assert.equal((await admin('DELETE', url)).statusCode, 204, url);

    test('a grant to a group on the project reaches its members; token.roles and grants show it', async () => {
      const s = await setup();
      await assert.rejects(s.login(), /401/, 'no grant yet: no project token');
      await put(`/v3/groups/${s.group.id}/users/${s.user.id}`);
      await assert.rejects(s.login(), /401/, 'membership alone grants nothing');
      await put(`/v3/projects/${s.project.id}/groups/${s.group.id}/roles/${RO}`);
      const token = await s.login();
      assert.deepEqual(await tokenRoles(token), ['system_all_58']);
      const ctx = await t.services.identity.validate(token);
      assert.deepEqual(ctx.roles, [{ id: RO, name: 'system_all_58' }]);
      assert.deepEqual(ctx.grants, [{ id: RO, name: 'system_all_58', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:get*', 'deh:*:list*'] }] } }]);
      assert.equal(ctx.isOwner, false);
      assert.equal(ctx.isAdmin, false);

      // A direct grant adds to it; a Keystone role carries no policy.
      const member = json(await admin('GET', '/v3/roles?name=member')).roles[0];
      await put(`/v3/projects/${s.project.id}/users/${s.user.id}/roles/${member.id}`);
      const ctx2 = await t.services.identity.validate(token);
      assert.deepEqual(ctx2.grants.map((g) => [g.name, g.policy === null]), [['member', true], ['system_all_58', false]]);

      // Leaving the group takes the group's grant away from the existing token at once.
      await del(`/v3/groups/${s.group.id}/users/${s.user.id}`);
      assert.deepEqual(await tokenRoles(token), ['member']);
      // The last grant gone: the token no longer works for the project.
      await del(`/v3/projects/${s.project.id}/users/${s.user.id}/roles/${member.id}`);
      expectKeystoneError(await t.call('GET', '/v3/auth/tokens', { token: t.admin.token, headers: { 'x-subject-token': token } }), 404);
      assert.equal((await t.call('GET', `/v1.0/${s.project.id}/dedicated-hosts`, { token })).statusCode, 401);
    });

    test('an inherited grant applies to every project of the domain, also ones made later; a domain grant to none', async () => {
      const s = await setup();
      await put(`/v3/groups/${s.group.id}/users/${s.user.id}`);
      await put(`/v3/domains/default/groups/${s.group.id}/roles/${FULL}`);
      await assert.rejects(s.login(), /401/, 'a domain grant does not apply to a project');
      // …but it gives a domain-scoped token (Terraform's second token).
      const dr = await t.call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { name: s.name, domain: { name: 'Default' }, password: 'pw-eff' } } }, scope: { domain: { name: 'Default' } } } } });
      assert.equal(dr.statusCode, 201, dr.body);
      assert.deepEqual(json(dr).token.roles, [{ id: FULL, name: 'system_all_57' }]);

      await put(`/v3/OS-INHERIT/domains/default/groups/${s.group.id}/roles/${RO}/inherited_to_projects`);
      const token = await s.login();
      assert.deepEqual(await tokenRoles(token), ['system_all_58'], 'the domain grant is not in the project token');
      const later = json(await admin('POST', '/v3/projects', { project: { name: `eu-de_later${seq++}`, domain_id: 'default' } })).project;
      assert.deepEqual(await tokenRoles(await s.login(later.id)), ['system_all_58']);
      const projects = json(await t.call('GET', '/v3/auth/projects', { token })).projects.map((p: { id: string }) => p.id);
      assert.ok(projects.includes(s.project.id) && projects.includes(later.id), 'auth/projects lists inherited projects');

      await del(`/v3/OS-INHERIT/domains/default/groups/${s.group.id}/roles/${RO}/inherited_to_projects`);
      assert.equal((await t.call('GET', `/v1.0/${s.project.id}/dedicated-hosts`, { token })).statusCode, 401);
    });

    test('a user may hold inherited grants directly; the owner keeps access to every project', async () => {
      const s = await setup();
      await put(`/v3/OS-INHERIT/domains/default/users/${s.user.id}/roles/${RO}/inherited_to_projects`);
      assert.deepEqual(await tokenRoles(await s.login()), ['system_all_58']);

      const adminCtx = await t.services.identity.validate(t.admin.token);
      assert.equal(adminCtx.isOwner, true);
      // The owner scopes to a project it holds no grant on.
      const token = await t.login(t.config.adminUser, 'admin-secret', s.project.id);
      const ctx = await t.services.identity.validate(token);
      assert.equal(ctx.isOwner, true);
      assert.deepEqual(ctx.roles, []);
    });

    test('a custom policy edit reaches existing tokens at once', async () => {
      const s = await setup();
      const policy = { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:dedicatedHosts:list'] }] };
      const created = await admin('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: `p${seq++}`, type: 'XA', description: 'd', policy } });
      assert.equal(created.statusCode, 201, created.body);
      const role = json(created).role;
      await put(`/v3/projects/${s.project.id}/users/${s.user.id}/roles/${role.id}`);
      const token = await s.login();
      assert.deepEqual((await t.services.identity.validate(token)).grants, [{ id: role.id, name: role.name, policy }]);
      const edited = { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['deh:dedicatedHosts:list'] }] };
      assert.equal((await admin('PATCH', `/identity/v3.0/OS-ROLE/roles/${role.id}`, { role: { display_name: 'x', type: 'XA', description: 'd', policy: edited } })).statusCode, 200);
      assert.deepEqual((await t.services.identity.validate(token)).grants[0].policy, edited);
    });
  });
}
