import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { expectKeystoneError, json } from '../support/deh.js';

// OTC custom policies (CONTRACT §9.2) under /identity/v3.0/OS-ROLE and /v3.0/OS-ROLE: create
// 201, get 200, PATCH 200, DELETE 200 (Go accepts only that), list with links object and
// total_number; the policy echoed exactly as sent; the documented limits → 400; the policy is
// also a Keystone role (GET /v3/roles/{id}, ?name=) and can be granted.

const TF_POLICY = {
  Version: '1.1',
  Statement: [
    { Action: ['deh:dedicatedHosts:delete'], Effect: 'Deny' },
    { Effect: 'Allow', Action: ['deh:*:get*', 'deh:*:list*', 'obs:bucket:GetObject'], Condition: { StringStartWith: { 'g:ProjectName': ['eu-de'] } }, Resource: ['OBS:*:*:bucket:my-bucket'] },
  ],
};

for (const dialect of DIALECTS) {
  describe(`IAM custom policies [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body, headers: { 'content-type': 'application/json;charset=utf8' } });
    let seq = 0;

    test('create 201, get, list, PATCH 200, delete 200 under both roots; policy echoed exactly', async () => {
      const body = { role: { display_name: `deny-release-${seq++}`, type: 'XA', description: 'no release', policy: TF_POLICY } };
      const c = await admin('POST', '/identity/v3.0/OS-ROLE/roles', body);
      assert.equal(c.statusCode, 201, c.body);
      const role = json(c).role;
      assert.match(role.id, /^[0-9a-f]{32}$/);
      assert.match(role.name, /^custom_default_\d+$/);
      assert.equal(role.display_name, body.role.display_name);
      assert.equal(role.type, 'XA');
      assert.equal(role.description, 'no release');
      assert.equal(role.domain_id, 'default');
      assert.equal(role.catalog, 'CUSTOMED');
      assert.equal(typeof role.links, 'object');
      assert.equal(role.references, 0);
      assert.match(role.created_time, /^\d{13}$/);
      assert.match(role.updated_time, /^\d{13}$/);
      // Exactly as sent: same keys in the same order, nothing added.
      assert.equal(JSON.stringify(role.policy), JSON.stringify(TF_POLICY));

      for (const root of ['/identity/v3.0', '/v3.0']) {
        const g = await admin('GET', `${root}/OS-ROLE/roles/${role.id}`);
        assert.equal(g.statusCode, 200);
        assert.equal(JSON.stringify(json(g).role.policy), JSON.stringify(TF_POLICY));
        const l = json(await admin('GET', `${root}/OS-ROLE/roles`));
        assert.deepEqual(Object.keys(l).sort(), ['links', 'roles', 'total_number']);
        assert.equal(typeof l.links, 'object');
        assert.ok('self' in l.links && 'previous' in l.links && 'next' in l.links);
        assert.ok(l.roles.some((r: { id: string }) => r.id === role.id));
        assert.equal(l.total_number, l.roles.length);
      }
      // Also a Keystone role: by id and by name.
      assert.equal(JSON.stringify(json(await admin('GET', `/v3/roles/${role.id}`)).role.policy), JSON.stringify(TF_POLICY));
      const byName = json(await admin('GET', `/v3/roles?name=${role.name}`)).roles;
      assert.deepEqual(byName.map((r: { id: string; domain_id: string }) => [r.id, r.domain_id]), [[role.id, 'default']]);

      const edited = { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['evs:volumes:list'] }] };
      const u = await admin('PATCH', `/v3.0/OS-ROLE/roles/${role.id}`, { role: { display_name: 'renamed', type: 'AX', description: 'd2', policy: edited } });
      assert.equal(u.statusCode, 200, u.body);
      const after = json(await admin('GET', `/identity/v3.0/OS-ROLE/roles/${role.id}`)).role;
      assert.deepEqual([after.display_name, after.type, after.description, after.name], ['renamed', 'AX', 'd2', role.name]);
      assert.equal(JSON.stringify(after.policy), JSON.stringify(edited));
      assert.ok(Number(after.updated_time) >= Number(role.updated_time));

      const d = await admin('DELETE', `/identity/v3.0/OS-ROLE/roles/${role.id}`);
      assert.equal(d.statusCode, 200);
      expectKeystoneError(await admin('GET', `/identity/v3.0/OS-ROLE/roles/${role.id}`), 404);
      expectKeystoneError(await admin('GET', `/v3/roles/${role.id}`), 404);
      expectKeystoneError(await admin('DELETE', `/v3.0/OS-ROLE/roles/${role.id}`), 404);
      expectKeystoneError(await admin('PATCH', `/v3.0/OS-ROLE/roles/${role.id}`, { role: { display_name: 'x' } }), 404);
    });

    test('names number up per domain; list pages with page/per_page', async () => {
      const ids: string[] = [];
      const names = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const r = json(await admin('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: `n${seq++}`, type: 'AX', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] } } })).role;
        ids.push(r.id);
        names.add(r.name);
      }
      assert.equal(names.size, 3);
      const all = json(await admin('GET', '/v3.0/OS-ROLE/roles'));
      const p1 = json(await admin('GET', '/v3.0/OS-ROLE/roles?page=1&per_page=2'));
      assert.equal(p1.roles.length, 2);
      assert.equal(p1.total_number, all.total_number);
      assert.equal(p1.links.previous, null);
      assert.match(p1.links.next, /page=2&per_page=2$/);
      const last = Math.ceil(all.total_number / 2);
      const pl = json(await admin('GET', `/v3.0/OS-ROLE/roles?page=${last}&per_page=2`));
      assert.equal(pl.links.next, null);
      for (const q of ['page=0&per_page=2', 'page=1', 'page=1&per_page=301', 'page=x&per_page=1']) {
        expectKeystoneError(await admin('GET', `/v3.0/OS-ROLE/roles?${q}`), 400);
      }
    });

    test('validation limits and malformed bodies → 400 with the reason; nothing stored', async () => {
      const before = json(await admin('GET', '/v3.0/OS-ROLE/roles')).total_number;
      const st = (n: number, extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: Array.from({ length: n }, (_, i) => `deh:dedicatedHosts:op${i}`), ...extra });
      const policy = (statements: unknown[]) => ({ Version: '1.1', Statement: statements });
      const ok = { display_name: 'ok', type: 'XA', description: 'd', policy: policy([st(1)]) };
      const bad: [string, unknown][] = [
        ['display_name > 64', { ...ok, display_name: 'x'.repeat(65) }],
        ['display_name missing', { ...ok, display_name: undefined }],
        ['display_name empty', { ...ok, display_name: '' }],
        ['description > 256', { ...ok, description: 'd'.repeat(257) }],
        ['type', { ...ok, type: 'AA' }],
        ['type missing', { ...ok, type: undefined }],
        ['Version', { ...ok, policy: { ...policy([st(1)]), Version: '1.0' } }],
        ['no statement', { ...ok, policy: policy([]) }],
        ['9 statements', { ...ok, policy: policy(Array.from({ length: 9 }, () => st(1))) }],
        ['101 actions', { ...ok, policy: policy([st(101)]) }],
        ['upper-case service', { ...ok, policy: policy([{ Effect: 'Allow', Action: ['DEH:dedicatedHosts:list'] }]) }],
        ['two segments', { ...ok, policy: policy([{ Effect: 'Allow', Action: ['deh:list'] }]) }],
        ['Effect', { ...ok, policy: policy([{ Effect: 'allow', Action: ['deh:*:*'] }]) }],
        ['11 resources', { ...ok, policy: policy([st(1, { Resource: Array.from({ length: 11 }, (_, i) => `OBS:*:*:bucket:b${i}`) })]) }],
        ['11 conditions', { ...ok, policy: policy([st(1, { Condition: { StringEquals: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, ['v']])) } })]) }],
        ['condition not a list', { ...ok, policy: policy([st(1, { Condition: { StringEquals: { k: 'v' } } })]) }],
        ['deep condition', { ...ok, policy: policy([st(1, { Condition: { StringEquals: { k: [{ a: { b: { c: [] } } }] } } })]) }],
        ['unknown statement field', { ...ok, policy: policy([st(1, { Principal: '*' })]) }],
        ['unknown role field', { ...ok, extra: 1 }],
        ['policy not an object', { ...ok, policy: 'deh:*:*' }],
      ];
      for (const [why, role] of bad) {
        const r = await admin('POST', '/v3.0/OS-ROLE/roles', { role });
        const e = expectKeystoneError(r, 400);
        assert.ok(e.message.length > 0, why);
      }
      expectKeystoneError(await admin('POST', '/v3.0/OS-ROLE/roles', { nope: {} }), 400);
      expectKeystoneError(await t.call('POST', '/v3.0/OS-ROLE/roles', { token: t.admin.token, body: '{"role": ', headers: { 'content-type': 'application/json' } }), 400);
      // At the limits exactly: accepted.
      const edge = { display_name: 'x'.repeat(64), type: 'XA', description: 'd'.repeat(256), policy: policy(Array.from({ length: 8 }, () => st(100, { Resource: Array.from({ length: 10 }, (_, i) => `r${i}`) }))) };
      assert.equal((await admin('POST', '/v3.0/OS-ROLE/roles', { role: edge })).statusCode, 201);
      assert.equal(json(await admin('GET', '/v3.0/OS-ROLE/roles')).total_number, before + 1);
      // PATCH validates the same way.
      const id = json(await admin('POST', '/v3.0/OS-ROLE/roles', { role: ok })).role.id;
      expectKeystoneError(await admin('PATCH', `/v3.0/OS-ROLE/roles/${id}`, { role: { ...ok, policy: policy([st(101)]) } }), 400);
      assert.equal(json(await admin('GET', `/v3.0/OS-ROLE/roles/${id}`)).role.policy.Statement[0].Action.length, 1);
    });

    test('granted like any role; deleting the policy removes its grants; other domains cannot see it; IAM rights needed', async () => {
      const role = json(await admin('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: `g${seq++}`, type: 'XA', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] } } })).role;
      const p = await t.newProject();
      const url = `/v3/projects/${p.projectId}/users/${p.userId}/roles/${role.id}`;
      assert.equal((await admin('PUT', url)).statusCode, 204);
      assert.equal(json(await admin('GET', `/v3.0/OS-ROLE/roles/${role.id}`)).role.references, 1);
      assert.equal((await admin('DELETE', `/v3.0/OS-ROLE/roles/${role.id}`)).statusCode, 200);
      expectKeystoneError(await admin('GET', url), 404);

      // Another domain's admin sees none of this domain's policies.
      const d = json(await admin('POST', '/v3/domains', { domain: { name: `other${seq++}` } })).domain;
      const mine = json(await admin('POST', '/v3.0/OS-ROLE/roles', { role: { display_name: 'mine', type: 'XA', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] } } })).role;
      const ou = json(await admin('POST', '/v3/users', { user: { name: 'oadmin', domain_id: d.id, password: 'pw' } })).user;
      const adminRole = json(await admin('GET', '/v3/roles?name=admin')).roles[0];
      await admin('PUT', `/v3/domains/${d.id}/users/${ou.id}/roles/${adminRole.id}`);
      const tr = await t.call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['password'], password: { user: { id: ou.id, password: 'pw' } } }, scope: { domain: { id: d.id } } } } });
      const otherToken = tr.headers['x-subject-token'] as string;
      expectKeystoneError(await t.call('GET', `/v3.0/OS-ROLE/roles/${mine.id}`, { token: otherToken }), 404);
      expectKeystoneError(await t.call('GET', `/v3/roles/${mine.id}`, { token: otherToken }), 404);
      assert.equal(json(await t.call('GET', '/v3.0/OS-ROLE/roles', { token: otherToken })).total_number, 0);
      expectKeystoneError(await t.call('DELETE', `/v3.0/OS-ROLE/roles/${mine.id}`, { token: otherToken }), 404);

      // A plain member: 403 everywhere, 401 without a token.
      for (const [m, u, b] of [['GET', '/v3.0/OS-ROLE/roles'], ['POST', '/identity/v3.0/OS-ROLE/roles', { role: { display_name: 'x', type: 'XA', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] } } }],
        ['GET', `/v3.0/OS-ROLE/roles/${mine.id}`], ['PATCH', `/v3.0/OS-ROLE/roles/${mine.id}`, { role: { display_name: 'x' } }], ['DELETE', `/v3.0/OS-ROLE/roles/${mine.id}`]] as [string, string, unknown?][]) {
        expectKeystoneError(await t.call(m, u, { token: p.token, body: b }), 403);
        expectKeystoneError(await t.call(m, u, { body: b }), 401);
      }
      assert.equal(json(await admin('GET', `/v3.0/OS-ROLE/roles/${mine.id}`)).role.display_name, 'mine');
    });
  });
}
