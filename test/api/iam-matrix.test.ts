import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { stateDigest } from '../support/db-digest.js';
import { ROUTE_POLICY, TOKEN, type RoutePolicy } from '../../src/http/route-policy.js';
import { systemRoleId } from '../../src/domain/system-policies.js';

// The permission matrix, generated from the route table: every route (and every action a
// route can need, e.g. tag create and delete) × five callers — DeH FullAccess, DeH
// CommonOperations, DeH ReadOnlyAccess (each granted to a group the caller is in), a caller
// with a role that grants nothing, and a caller allowed everything but with a custom policy
// that denies exactly that action. Each answer is either a refusal naming the action (403)
// or not a policy refusal at all; a refused write must leave every stored row as it was.
//
// The expected answers are written from the published policy contents (CONTRACT §9.1), not
// computed with the evaluator under test.

const COMMON_OPS = new Set(['deh:dedicatedhosts:list', 'deh:dedicatedhosts:get', 'deh:dedicatedhosts:update', 'deh:dedicatedhosttypes:list', 'deh:quotas:get']);
const EXPECT: Record<string, (action: string) => boolean> = {
  'DeH FullAccess': (a) => a.startsWith('deh:'),
  'DeH CommonOperations': (a) => a.startsWith('deh:') && (COMMON_OPS.has(a.toLowerCase()) || a.toLowerCase().startsWith('deh:dedicatedhosttags:')),
  'DeH ReadOnlyAccess': (a) => a.startsWith('deh:') && /^(get|list)/i.test(a.split(':')[2]),
  'no grant': () => false,
};

interface Case { readonly method: string; readonly url: string; readonly body?: unknown; readonly action: string; readonly write: boolean; readonly operator: boolean }

for (const dialect of DIALECTS) {
  describe(`IAM permission matrix from the route table [${dialect}]`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    let denyPolicy = '';
    let cases: Case[] = [];
    before(async () => {
      t = await buildTestApp(dialect);
      const admin = async (method: string, url: string, body?: unknown) => {
        const r = await t.call(method, url, { token: t.admin.token, body });
        assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body}`);
        return r.body ? r.json() : undefined;
      };
      const project = (await admin('POST', '/v3/projects', { project: { name: 'eu-de_matrix', domain_id: 'default' } })).project;
      const login = (name: string) => t.login(name, 'pw-matrix', project.id);
      const newUser = async (name: string) => (await admin('POST', '/v3/users', { user: { name, domain_id: 'default', password: 'pw-matrix' } })).user;

      // The callers: a group per DeH system policy; a role that grants nothing; everything minus one action.
      const systemPolicies: [string, string][] = [['DeH FullAccess', 'system_all_57'], ['DeH CommonOperations', 'system_all_59'], ['DeH ReadOnlyAccess', 'system_all_58']];
      for (const [label, name] of systemPolicies) {
        const u = await newUser(`m-${name}`);
        const g = (await admin('POST', '/v3/groups', { group: { name: `g-${name}` } })).group;
        await admin('PUT', `/v3/groups/${g.id}/users/${u.id}`);
        await admin('PUT', `/v3/projects/${project.id}/groups/${g.id}/roles/${systemRoleId(name)}`);
        tokens[label] = await login(`m-${name}`);
      }
      const nothing = (await admin('POST', '/v3/roles', { role: { name: 'observer' } })).role;
      const nobody = await newUser('m-nobody');
      await admin('PUT', `/v3/projects/${project.id}/users/${nobody.id}/roles/${nothing.id}`);
      tokens['no grant'] = await login('m-nobody');
      const denier = await newUser('m-denier');
      const admRole = (await admin('GET', '/v3/roles?name=admin')).roles[0];
      await admin('PUT', `/v3/projects/${project.id}/users/${denier.id}/roles/${admRole.id}`);
      denyPolicy = (await admin('POST', '/v3.0/OS-ROLE/roles', { role: {
        display_name: 'deny-one', type: 'XA', description: 'matrix', policy: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['deh:dedicatedHosts:delete'] }] },
      } })).role.id;
      await admin('PUT', `/v3/projects/${project.id}/users/${denier.id}/roles/${denyPolicy}`);
      tokens['custom Deny'] = await login('m-denier');

      // Resources the routes name; the ones an allowed DELETE may remove are victims of their own.
      const owner = { projectId: project.id, token: tokens['DeH FullAccess'], userId: '', name: 'eu-de_matrix' };
      const [hostId] = await allocate(t, owner, { name: 'matrix-host' });
      const member = (await admin('GET', '/v3/roles?name=member')).roles[0];
      await admin('PUT', `/v3/projects/${project.id}/users/${denier.id}/roles/${member.id}`);
      const victimUser = await newUser('m-victim');
      const victimProject = (await admin('POST', '/v3/projects', { project: { name: 'eu-de_victim', domain_id: 'default' } })).project;
      const victimGroup = (await admin('POST', '/v3/groups', { group: { name: 'g-victim' } })).group;
      const victimRole = (await admin('POST', '/v3/roles', { role: { name: 'victim-role' } })).role;
      const victimPolicy = (await admin('POST', '/v3.0/OS-ROLE/roles', { role: {
        display_name: 'victim', type: 'XA', description: 'x', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:get'] }] },
      } })).role.id;
      const serverId = randomUUID();
      const values: Record<string, string> = {
        project_id: project.id, tenant_id: project.id, host_id: hostId, server_id: serverId, az: 'eu-de-01',
        flavor_id: 'c4.large.2', network_id: randomUUID(), image_id: randomUUID(), job_id: randomUUID(), key: 'k',
        resource: 'c4', tracker: 'system', sid: victimProject.id, aid: victimUser.id, rid: victimRole.id, gid: victimGroup.id,
        uid: victimUser.id,
      };
      const idFor = (path: string) => path.startsWith('/v3/projects') ? victimProject.id : path.startsWith('/v3/users') ? victimUser.id
        : path.startsWith('/v3/roles') ? victimRole.id : path.startsWith('/v3/domains') ? 'default' : path.startsWith('/v3.0/') ? victimPolicy : randomUUID();
      const fill = (path: string) => path.replace(/:([a-z_]+)/g, (_m, name: string) => {
        if (name === 'sid' && path.startsWith('/v3/domains') || name === 'sid' && path.startsWith('/v3/OS-INHERIT')) return 'default';
        if (name === 'aid' && /\/groups\/:aid/.test(path)) return victimGroup.id;
        return name === 'id' ? idFor(path) : values[name] ?? randomUUID();
      });
      cases = [];
      for (const [key, p] of Object.entries(ROUTE_POLICY) as [string, RoutePolicy][]) {
        if (p.action === null || p.action === TOKEN) continue;
        const [method, path] = key.split(' ');
        const url = fill(path);
        const write = method !== 'GET';
        const variants = typeof p.action === 'string' ? [[p.action, {}]] as [string, unknown][] : p.action.variants.map((v) => [v, bodyFor(key, v)] as [string, unknown]);
        for (const [action, body] of variants) cases.push({ method, url, body: write ? body : undefined, action, write, operator: Boolean(p.operator) });
      }
    });
    after(async () => { await t.close(); });

    test('the matrix covers every route of the table that needs a permission', () => {
      const routes = Object.values(ROUTE_POLICY).filter((p) => p.action !== null && p.action !== TOKEN).length;
      assert.ok(cases.length >= routes, `${cases.length} cases for ${routes} routes`);
      assert.ok(routes > 60);
    });

    for (const caller of ['DeH FullAccess', 'DeH CommonOperations', 'DeH ReadOnlyAccess', 'no grant']) {
      test(`${caller}: allowed exactly where the policy says; a refused write changes nothing`, async () => {
        const wrong: string[] = [];
        for (const c of cases) {
          const denied = await refused(c, tokens[caller]);
          const expectAllowed = EXPECT[caller](c.action) && !c.operator;
          if (denied === expectAllowed) wrong.push(`${c.method} ${c.url} (${c.action}): ${denied ? 'denied' : 'allowed'}`);
        }
        assert.deepEqual(wrong, []);
      });
    }

    test('custom Deny of exactly one action: that action is refused on its route, edited in place, with no new token', async () => {
      const wrong: string[] = [];
      for (const c of cases) {
        const patch = await t.call('PATCH', `/v3.0/OS-ROLE/roles/${denyPolicy}`, { token: t.admin.token, body: { role: {
          display_name: 'deny-one', type: 'XA', description: 'matrix', policy: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: [c.action] }] },
        } } });
        assert.equal(patch.statusCode, 200, patch.body);
        if (!(await refused(c, tokens['custom Deny']))) wrong.push(`${c.method} ${c.url} (${c.action}) was allowed`);
      }
      assert.deepEqual(wrong, []);
    });

    /** True when the answer is a policy refusal naming the action; checks that a refused write changed nothing. */
    async function refused(c: Case, token: string): Promise<boolean> {
      const before = c.write ? await stateDigest(t) : '';
      let r = await t.call(c.method, c.url, { token, body: c.body });
      // A route registered for HEAD alone (Keystone's membership check) is looked up as GET in
      // the table; its answer has no body, so its refusal is its 403.
      const allow = String(r.headers.allow ?? '').split(', ');
      const headOnly = r.statusCode === 405 && c.method === 'GET' && allow.includes('HEAD') && !allow.includes('GET');
      if (headOnly) r = await t.call('HEAD', c.url, { token });
      const text = r.body;
      const denial = r.statusCode === 403 && (headOnly || text.includes(`Policy doesn't allow ${c.action} to be performed.`)
        || text.includes(`You are not authorized to perform the requested action: ${c.action}.`));
      if (denial && c.write) assert.equal(await stateDigest(t), before, `${c.method} ${c.url} was refused but changed stored state`);
      assert.ok(r.statusCode < 500, `${c.method} ${c.url}: ${r.statusCode} ${text}`);
      return denial;
    }
  });
}

/** A body that makes a request-dependent route need the given action. */
function bodyFor(key: string, action: string): unknown {
  if (key.endsWith('/tags/action')) return { action: /delete/i.test(action) ? 'delete' : 'create', tags: [{ key: 'k', value: 'v' }] };
  if (key.endsWith('/servers/:server_id/action')) {
    const verb = { 'ecs:servers:start': 'os-start', 'ecs:servers:stop': 'os-stop', 'ecs:servers:reboot': 'reboot', 'ecs:servers:resize': 'resize', 'ecs:servers:migrate': 'migrate' }[action];
    if (!verb) throw new Error(`no body for ${action} on ${key}`);
    return { [verb]: verb === 'reboot' ? { type: 'SOFT' } : verb === 'resize' ? { flavorRef: 'c4.xlarge.2' } : null };
  }
  return {};
}
