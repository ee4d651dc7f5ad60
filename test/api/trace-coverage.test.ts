import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { ROUTE_POLICY } from '../../src/http/route-policy.js';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { ecs, nova, serverBody, serverOn } from '../support/compute.js';
import { storedTraces } from '../support/traces.js';

// Every state-changing route of the route table leaves exactly one trace per resource it
// changed, committed with the change: its name and service from the table, code = the
// answer's status, rating normal. A change that fails leaves no normal trace, only a warning.
// The cases are keyed by route: a traced route without a case fails the first test, so a new
// route cannot go untested.

type Res = LightMyRequestResponse & { json: () => any };
interface Case { readonly run: () => Promise<Res>; readonly traces?: number; readonly app?: () => TestApp }

const ecsBody = (hints: Record<string, string>) => ({
  server: {
    imageRef: '1b2c3d4e-0000-4000-8000-000000000001', flavorRef: 'c4.large.4', name: 'ecs-1', vpcid: 'vpc-1',
    nics: [{ subnet_id: 'subnet-1' }], root_volume: { volumetype: 'SATA' }, availability_zone: 'eu-de-01',
    'os:scheduler_hints': hints,
  },
});

/** The traces stored for one request (by its request id), warnings flushed first. */
async function tracesOf(t: TestApp, r: Res): Promise<any[]> {
  await t.services.traces.flush();
  const id = r.headers['x-request-id'] as string;
  return storedTraces(t.services.store.db).selectAll().where('request_id', '=', id).execute();
}

function resolvedName(key: string, r: { body: unknown; params: unknown }): string {
  const spec = ROUTE_POLICY[key].trace!;
  return typeof spec.name === 'string' ? spec.name : spec.name({ ...r, userId: '' });
}

for (const dialect of DIALECTS) {
  describe(`trace coverage [${dialect}]`, () => {
    let t: TestApp;
    // The physical pool, once given servers, bounds every allocation: its cases run on their own app.
    let poolApp: TestApp;
    let p: TestProject;
    let cases: Record<string, Case>;
    before(async () => {
      t = await buildTestApp(dialect);
      poolApp = await buildTestApp(dialect);
      p = await t.newProject();
      const admin = t.admin;
      const A = (method: string, url: string, body?: unknown) => t.call(method, `/identity${url}`, { token: admin.token, body });
      const V1 = (method: string, path: string, body?: unknown) => t.deh(p, method, path, body);
      const roleId = (await A('GET', '/v3/roles?name=reader')).json().roles[0].id;
      const mkUser = async (name: string) => (await A('POST', '/v3/users', { user: { name: `${name}-${dialect}`, domain_id: 'default', password: 'pw-1234567' } })).json().user.id;
      const mkGroup = async (name: string) => (await A('POST', '/v3/groups', { group: { name: `${name}-${dialect}`, domain_id: 'default' } })).json().group.id;
      const grantCases = () => {
        const out: Record<string, Case> = {};
        const scopes: [string, string, string][] = [['/v3/projects/:sid', '', p.projectId], ['/v3/domains/:sid', '', 'default'],
          ['/v3/OS-INHERIT/domains/:sid', '/inherited_to_projects', 'default']];
        for (const actors of ['users', 'groups']) {
          for (const [prefix, suffix, sid] of scopes) {
            const key = `${prefix}/${actors}/:aid/roles/:rid${suffix}`;
            let aid = '';
            const url = () => `${prefix.replace(':sid', sid)}/${actors}/${aid}/roles/${roleId}${suffix}`;
            out[`PUT ${key}`] = { run: async () => { aid = actors === 'users' ? await mkUser(`g-${key.length}-${prefix.length}`) : await mkGroup(`g-${key.length}-${prefix.length}`); return A('PUT', url()); } };
            out[`DELETE ${key}`] = { run: () => A('DELETE', url()) };
          }
        }
        return out;
      };
      let serverId = '';
      let ecsServer = '';
      let projectId = '';
      let userId = '';
      let groupId = '';
      let groupUser = '';
      let customRole = '';
      let keystoneRole = '';
      let hostId = '';
      cases = {
        'POST /v1.0/:project_id/dedicated-hosts': { run: () => V1('POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 3 }) as Promise<Res>, traces: 3 },
        'PUT /v1.0/:project_id/dedicated-hosts/:host_id': { run: async () => { [hostId] = await allocate(t, p); return V1('PUT', `/dedicated-hosts/${hostId}`, { dedicated_host: { name: 'n' } }) as Promise<Res>; } },
        'POST /v1.0/:project_id/dedicated-host-tags/:host_id/tags/action': { run: () => V1('POST', `/dedicated-host-tags/${hostId}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v' }] }) as Promise<Res> },
        'POST /opendeh/v1/hosts/:host_id/fault': { run: () => t.call('POST', `/opendeh/v1/hosts/${hostId}/fault`, { token: admin.token, body: {} }) },
        'POST /opendeh/v1/hosts/:host_id/repair': { run: () => t.call('POST', `/opendeh/v1/hosts/${hostId}/repair`, { token: admin.token }) },
        'DELETE /v1.0/:project_id/dedicated-hosts/:host_id': { run: () => V1('DELETE', `/dedicated-hosts/${hostId}`) as Promise<Res> },
        'PUT /opendeh/v1/quotas/:tenant_id/:resource': { run: () => t.call('PUT', `/opendeh/v1/quotas/${p.projectId}/c4`, { token: admin.token, body: { hard_limit: 50 } }) },

        'POST /v3/auth/tokens': {
          run: () => t.call('POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { name: `user-${p.name}`, domain: { name: 'Default' }, password: 'pw-secret' } } }, scope: { project: { id: p.projectId } } } } }),
        },
        'DELETE /v3/auth/tokens': {
          run: async () => {
            const tok = await t.login(`user-${p.name}`, 'pw-secret', p.projectId);
            return t.call('DELETE', '/identity/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': tok } });
          },
        },
        'POST /v3/projects': { run: async () => { const r = await A('POST', '/v3/projects', { project: { name: `pp-${dialect}`, domain_id: 'default' } }); projectId = r.json().project?.id; return r; } },
        'PATCH /v3/projects/:id': { run: () => A('PATCH', `/v3/projects/${projectId}`, { project: { description: 'd' } }) },
        'DELETE /v3/projects/:id': { run: () => A('DELETE', `/v3/projects/${projectId}`) },
        'POST /v3/users': { run: async () => { const r = await A('POST', '/v3/users', { user: { name: `uu-${dialect}`, domain_id: 'default', password: 'pw-abcdefg' } }); userId = r.json().user?.id; return r; } },
        'PATCH /v3/users/:id': { run: () => A('PATCH', `/v3/users/${userId}`, { user: { password: 'pw-changed-1' } }) },
        'POST /v3/groups': { run: async () => { const r = await A('POST', '/v3/groups', { group: { name: `gg-${dialect}`, domain_id: 'default' } }); groupId = r.json().group?.id; return r; } },
        'PATCH /v3/groups/:gid': { run: () => A('PATCH', `/v3/groups/${groupId}`, { group: { description: 'd' } }) },
        'PUT /v3/groups/:gid/users/:uid': { run: async () => { groupUser = userId; return A('PUT', `/v3/groups/${groupId}/users/${groupUser}`); } },
        'DELETE /v3/groups/:gid/users/:uid': { run: () => A('DELETE', `/v3/groups/${groupId}/users/${groupUser}`) },
        'DELETE /v3/groups/:gid': { run: () => A('DELETE', `/v3/groups/${groupId}`) },
        'DELETE /v3/users/:id': { run: () => A('DELETE', `/v3/users/${userId}`) },
        'POST /v3/roles': { run: async () => { const r = await A('POST', '/v3/roles', { role: { name: `rr-${dialect}` } }); keystoneRole = r.json().role?.id; return r; } },
        'DELETE /v3/roles/:id': { run: () => A('DELETE', `/v3/roles/${keystoneRole}`) },
        'POST /v3.0/OS-ROLE/roles': {
          run: async () => {
            const r = await A('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: `cr-${dialect}`, type: 'XA', policy: { Version: '1.1', Statement: [{ Action: ['deh:dedicatedHosts:list'], Effect: 'Allow' }] } } });
            customRole = r.json().role?.id;
            return r;
          },
        },
        'PATCH /v3.0/OS-ROLE/roles/:id': {
          run: () => A('PATCH', `/v3.0/OS-ROLE/roles/${customRole}`, { role: { display_name: `cr2-${dialect}`, type: 'XA', policy: { Version: '1.1', Statement: [{ Action: ['deh:dedicatedHosts:get'], Effect: 'Allow' }] } } }),
        },
        'DELETE /v3.0/OS-ROLE/roles/:id': { run: () => A('DELETE', `/v3.0/OS-ROLE/roles/${customRole}`) },
        'POST /v3/domains': { run: () => A('POST', '/v3/domains', { domain: { name: `dd-${dialect}` } }) },
        ...grantCases(),

        'POST /compute/v2.1/:project_id/servers': { run: () => nova(t, p, 'POST', '/servers', serverBody({ extra: { adminPass: 'vm-pass-1' } })) },
        'PUT /compute/v2.1/:project_id/servers/:server_id': {
          run: async () => {
            const [h] = await allocate(t, p);
            serverId = await serverOn(t, p, h);
            return nova(t, p, 'PUT', `/servers/${serverId}`, { server: { name: 'renamed' } });
          },
        },
        'POST /compute/v2.1/:project_id/servers/:server_id/action': { run: () => nova(t, p, 'POST', `/servers/${serverId}/action`, { 'os-stop': null }) },
        'PUT /compute/v2.1/:project_id/servers/:server_id/metadata': { run: () => nova(t, p, 'PUT', `/servers/${serverId}/metadata`, { metadata: { a: '1' } }) },
        'POST /compute/v2.1/:project_id/servers/:server_id/metadata': { run: () => nova(t, p, 'POST', `/servers/${serverId}/metadata`, { metadata: { b: '2' } }) },
        'PUT /compute/v2.1/:project_id/servers/:server_id/metadata/:key': { run: () => nova(t, p, 'PUT', `/servers/${serverId}/metadata/c`, { meta: { c: '3' } }) },
        'DELETE /compute/v2.1/:project_id/servers/:server_id/metadata/:key': { run: () => nova(t, p, 'DELETE', `/servers/${serverId}/metadata/c`) },
        // Nothing is stored for a server password: the call changes nothing and leaves no trace.
        'DELETE /compute/v2.1/:project_id/servers/:server_id/os-server-password': { run: () => nova(t, p, 'DELETE', `/servers/${serverId}/os-server-password`), traces: 0 },
        'POST /compute/v1/:project_id/cloudservers/:server_id/tags/action': { run: () => ecs(t, p, 'POST', `/cloudservers/${serverId}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v' }] }) },
        'PUT /compute/v1/:project_id/cloudservers/:server_id/autorecovery': { run: () => ecs(t, p, 'PUT', `/cloudservers/${serverId}/autorecovery`, { support_auto_recovery: 'true' }) },
        'POST /compute/v1/:project_id/cloudservers/:server_id/migrate': { run: () => ecs(t, p, 'POST', `/cloudservers/${serverId}/migrate`, { migrate: null }) },
        'DELETE /compute/v2.1/:project_id/servers/:server_id': { run: () => nova(t, p, 'DELETE', `/servers/${serverId}`) },
        'PUT /compute/v2.1/:project_id/os-quota-sets/:tenant_id': { run: () => t.call('PUT', `/compute/v2.1/${admin.projectId}/os-quota-sets/${p.projectId}`, { token: admin.token, body: { quota_set: { instances: 500 } } }) },
        'POST /compute/v1/:project_id/cloudservers': {
          run: async () => {
            const [h] = await allocate(t, p);
            const r = await ecs(t, p, 'POST', '/cloudservers', { ...ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }), server: { ...ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }).server, count: 2 } });
            ecsServer = r.json().serverIds?.[0];
            return r;
          },
          traces: 2,
        },
        'POST /compute/v1/:project_id/cloudservers/delete': { run: () => ecs(t, p, 'POST', '/cloudservers/delete', { servers: [{ id: ecsServer }] }) },
        'POST /opendeh/v1/pool/servers': {
          run: () => poolApp.call('POST', '/opendeh/v1/pool/servers', { token: poolApp.admin.token, body: { physical_servers: ['ps-1', 'ps-2'].map((name) => ({ name, availability_zone: 'eu-de-01', host_type: 'c4' })) } }),
          traces: 2, app: () => poolApp,
        },
        'POST /opendeh/v1/pool/servers/:name/retire': { run: () => poolApp.call('POST', '/opendeh/v1/pool/servers/ps-1/retire', { token: poolApp.admin.token }), app: () => poolApp },
      };
    });
    after(async () => { await t.close(); await poolApp.close(); });

    test('every traced route of the table has a case here', () => {
      const traced = Object.entries(ROUTE_POLICY).filter(([, v]) => v.trace).map(([k]) => k).sort();
      assert.deepEqual(traced.filter((k) => !cases[k]), []);
      // and every route that changes state is traced (the tag query is a read sent as POST)
      const untraced = Object.entries(ROUTE_POLICY).filter(([k, v]) => !k.startsWith('GET ') && !v.trace).map(([k]) => k);
      assert.deepEqual(untraced, ['POST /v1.0/:project_id/dedicated-host-tags/resource_instances/action']);
    });

    test('each change leaves one trace per resource, in its transaction: name, service, code = status, rating normal', async () => {
      const problems: string[] = [];
      for (const [key, c] of Object.entries(cases)) {
        const r = await c.run();
        if (r.statusCode >= 300) {
          problems.push(`${key}: answered ${r.statusCode} ${r.body.slice(0, 200)}`);
          continue;
        }
        const rows = await tracesOf(c.app?.() ?? t, r);
        const want = c.traces ?? 1;
        if (rows.length !== want) problems.push(`${key}: ${rows.length} traces, expected ${want}`);
        const spec = ROUTE_POLICY[key].trace!;
        for (const row of rows) {
          const body = (() => { try { return JSON.parse(row.request); } catch { return undefined; } })();
          const expected = resolvedName(key, { body, params: {} });
          if (row.trace_name !== expected) problems.push(`${key}: trace_name ${row.trace_name}, expected ${expected}`);
          if (row.service_type !== spec.service) problems.push(`${key}: service ${row.service_type}`);
          if (row.resource_type !== spec.resourceType) problems.push(`${key}: resource_type ${row.resource_type}`);
          if (row.code !== String(r.statusCode)) problems.push(`${key}: code ${row.code}, answered ${r.statusCode}`);
          if (row.trace_rating !== 'normal') problems.push(`${key}: rating ${row.trace_rating}`);
          if (!row.resource_id && !key.includes('auth/tokens')) problems.push(`${key}: no resource_id`);
          if (!row.user_id) problems.push(`${key}: no user`);
        }
      }
      assert.deepEqual(problems, []);
    });

    test('a change that fails leaves no normal trace, and one warning trace (denied, quota, conflict, validation, not found)', async () => {
      const q = await t.newProject();
      const [h] = await allocate(t, q);
      await serverOn(t, q, h);
      const before = await t.services.traces.count();
      const calls: [string, () => Promise<Res>][] = [
        ['validation', () => t.deh(q, 'POST', '/dedicated-hosts', { name: '', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 }) as Promise<Res>],
        ['quota', () => t.deh(q, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 100 }) as Promise<Res>],
        ['conflict (ECS on the DeH)', () => t.deh(q, 'DELETE', `/dedicated-hosts/${h}`) as Promise<Res>],
        ['not found', () => t.deh(q, 'PUT', '/dedicated-hosts/00000000-0000-7000-8000-000000000000', { dedicated_host: { name: 'x' } }) as Promise<Res>],
        ['denied (other project)', () => t.call('DELETE', `/v1.0/${p.projectId}/dedicated-hosts/${h}`, { token: q.token })],
        ['denied (policy)', () => t.call('POST', '/identity/v3/users', { token: q.token, body: { user: { name: 'x', password: 'pw-denied-1' } } })],
        ['compute flavor not allowed on the DeH', () => nova(t, q, 'POST', '/servers', serverBody({ flavor: 's3.small.1', hints: { tenancy: 'dedicated', dedicated_host_id: h } }))],
        ['ECS tag validation', () => ecs(t, q, 'POST', '/cloudservers/00000000-0000-7000-8000-000000000000/tags/action', { action: 'create', tags: [] })],
        ['failed login', () => t.call('POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { name: `user-${q.name}`, domain: { name: 'Default' }, password: 'wrong-pw-9' } } } } } })],
      ];
      const problems: string[] = [];
      for (const [what, call] of calls) {
        const r = await call();
        if (r.statusCode < 400 || r.statusCode >= 500) problems.push(`${what}: answered ${r.statusCode}`);
        const rows = await tracesOf(t, r);
        if (rows.length !== 1 || rows[0].trace_rating !== 'warning' || rows[0].code !== String(r.statusCode)) {
          problems.push(`${what}: ${JSON.stringify(rows.map((x) => [x.trace_name, x.trace_rating, x.code]))}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.equal(await t.services.traces.count(), before + calls.length);
      // the warnings sit in the caller's project (the failed login in none: operator view only)
      const mine = (await t.call('GET', `/cts/v1.0/${q.projectId}/system/trace?trace_rating=warning&limit=200`, { token: q.token })).json().traces;
      assert.equal(mine.length, calls.length - 1);
      assert.ok(mine.every((x: any) => x.user.id === q.userId && x.message.length > 0));
    });

    test('a request refused without a token leaves no trace', async () => {
      const before = await t.services.traces.count();
      const r = await t.call('DELETE', `/v1.0/${p.projectId}/dedicated-hosts/00000000-0000-7000-8000-000000000000`);
      assert.equal(r.statusCode, 401);
      assert.equal((await tracesOf(t, r)).length, 0);
      assert.equal(await t.services.traces.count(), before);
    });
  });
}
