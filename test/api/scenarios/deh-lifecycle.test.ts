import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../../support/dialects.js';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../../support/app.js';
import { expectDehError, isoWithOffset, json } from '../../support/deh.js';

// One story through the public APIs only, as an operator and a user would tell it with the
// openstack CLI: bootstrap admin → token → `openstack project create` / `user create` /
// `role add` → the user logs in → allocates 3 tagged DeHs → lists, filters, pages → renames
// → tags round trip → queries by tag → quota shows 3 used → releases → changes-since shows
// the release → GET is 404.

for (const dialect of DIALECTS) {
  describe(`scenario: DeH lifecycle through the public APIs [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('bootstrap → Keystone admin → user → allocate … release', async () => {
      const call = (method: string, url: string, token?: string, body?: unknown) => t.call(method, url, { token, body, headers: { accept: 'application/json' } });
      const passwordAuth = (user: object, scope: object) => ({ auth: { identity: { methods: ['password'], password: { user } }, scope } });

      // The bootstrapped admin logs in, discovering the token URL like keystoneauth does.
      const discovery = json(await call('GET', '/identity/v3'));
      const tokensUrl = `${new URL(discovery.version.links[0].href).pathname}auth/tokens`;
      const adminLogin = await call('POST', tokensUrl, undefined,
        passwordAuth({ name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD }, { project: { name: 'eu-de', domain: { name: 'Default' } } }));
      assert.equal(adminLogin.statusCode, 201, adminLogin.body);
      const admin = adminLogin.headers['x-subject-token'] as string;

      // openstack project create / user create / role add.
      const project = json(await call('POST', '/v3/projects', admin, { project: { name: 'eu-de_team', domain_id: 'default', enabled: true } })).project;
      const user = json(await call('POST', '/v3/users', admin, { user: { name: 'alice', domain_id: 'default', password: 'alice-pw', enabled: true } })).user;
      const member = json(await call('GET', '/v3/roles?name=member', admin)).roles[0];
      assert.equal((await call('PUT', `/v3/projects/${project.id}/users/${user.id}/roles/${member.id}`, admin)).statusCode, 204);

      // Alice logs in by names, as the CLI does, and finds the DeH endpoint in the catalog.
      const login = await call('POST', tokensUrl, undefined,
        passwordAuth({ name: 'alice', domain: { name: 'Default' }, password: 'alice-pw' }, { project: { name: 'eu-de_team', domain: { name: 'Default' } } }));
      assert.equal(login.statusCode, 201, login.body);
      const token = login.headers['x-subject-token'] as string;
      const dehEntry = json(login).token.catalog.find((s: { type: string }) => s.type === 'deh');
      const base = new URL(dehEntry.endpoints[0].url).pathname;
      assert.equal(base, `/v1.0/${project.id}`);
      const deh = (method: string, path: string, body?: unknown) => call(method, `${base}${path}`, token, body);

      // Allocate 3 hosts with tags.
      const alloc = await deh('POST', '/dedicated-hosts', {
        name: 'team-deh', availability_zone: 'eu-de-01', host_type: 's2', quantity: 3, auto_placement: 'on',
        tags: [{ key: 'team', value: 'blue' }],
      });
      assert.equal(alloc.statusCode, 200, alloc.body);
      const ids: string[] = json(alloc).dedicated_host_ids;
      assert.equal(ids.length, 3);
      const one = await deh('POST', '/dedicated-hosts', { name: 'other', availability_zone: 'eu-de-02', host_type: 'm4', quantity: 1 });
      const otherId: string = json(one).dedicated_host_ids[0];

      // List, filter, page.
      assert.equal(json(await deh('GET', '/dedicated-hosts')).total, 4);
      const filtered = json(await deh('GET', '/dedicated-hosts?host_type=s2&status=available&availability_zone=eu-de-01'));
      assert.deepEqual(filtered.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id).sort(), [...ids].sort());
      const paged: string[] = [];
      let marker = '';
      for (;;) {
        const page = json(await deh('GET', `/dedicated-hosts?limit=2${marker && `&marker=${marker}`}`));
        if (page.dedicated_hosts.length === 0) break;
        paged.push(...page.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id));
        marker = paged[paged.length - 1];
      }
      assert.deepEqual([...paged].sort(), [...ids, otherId].sort());
      assert.equal(new Set(paged).size, 4);

      // Update: rename one, switch auto placement off.
      const [first, second, third] = ids;
      assert.equal((await deh('PUT', `/dedicated-hosts/${first}`, { dedicated_host: { name: 'renamed', auto_placement: 'off' } })).statusCode, 204);
      const shown = json(await deh('GET', `/dedicated-hosts/${first}`)).dedicated_host;
      assert.equal(shown.name, 'renamed');
      assert.equal(shown.auto_placement, 'off');
      assert.equal(json(await deh('GET', '/dedicated-hosts?name=renamed')).total, 1);

      // Tags round trip: create, overwrite, delete, read back.
      const tagAction = (id: string, action: string, tags: object[]) => deh('POST', `/dedicated-host-tags/${id}/tags/action`, { action, tags });
      assert.equal((await tagAction(second, 'create', [{ key: 'env', value: 'prod' }, { key: 'team', value: 'red' }])).statusCode, 204);
      assert.deepEqual(json(await deh('GET', `/dedicated-host-tags/${second}/tags`)).tags, [{ key: 'env', value: 'prod' }, { key: 'team', value: 'red' }]);
      assert.equal((await tagAction(second, 'delete', [{ key: 'env', value: 'prod' }])).statusCode, 204);
      assert.deepEqual(json(await deh('GET', `/dedicated-host-tags/${second}/tags`)).tags, [{ key: 'team', value: 'red' }]);

      // Query by tags.
      const blue = json(await deh('POST', '/dedicated-host-tags/resource_instances/action', { action: 'filter', tags: [{ key: 'team', values: ['blue'] }] }));
      assert.deepEqual(blue.resources.map((r: { resource_id: string }) => r.resource_id).sort(), [first, third].sort());
      assert.deepEqual(json(await deh('POST', '/dedicated-host-tags/resource_instances/action', { action: 'count', tags: [{ key: 'team', values: [] }] })), { total_count: 3 });
      assert.equal(json(await deh('GET', '/dedicated-hosts?tags=team%3Dred')).dedicated_hosts[0].dedicated_host_id, second);

      // Quota shows 3 s2 used.
      const quota = json(await deh('GET', `/quota-sets/${project.id}?resource=s2`)).quota_set;
      assert.deepEqual(quota, [{ resource: 's2', hard_limit: 10, used: 3 }]);

      // Release one: 204, gone from the list, visible with changes-since, then 404.
      const since = isoWithOffset(new Date(t.clock.now().getTime() - 1000), 120);
      assert.equal((await deh('DELETE', `/dedicated-hosts/${third}`)).statusCode, 204);
      assert.equal(json(await deh('GET', '/dedicated-hosts')).total, 3);
      const changed = json(await deh('GET', `/dedicated-hosts?changes-since=${encodeURIComponent(since)}`));
      const released = changed.dedicated_hosts.find((h: { dedicated_host_id: string }) => h.dedicated_host_id === third);
      assert.equal(released.state, 'released');
      assert.notEqual(released.released_at, '');
      expectDehError(await deh('GET', `/dedicated-hosts/${third}`), 404);
      assert.deepEqual(json(await deh('GET', `/quota-sets/${project.id}?resource=s2`)).quota_set, [{ resource: 's2', hard_limit: 10, used: 2 }]);

      // The admin sees Alice's hosts with tenant=all; Alice cannot use the admin API.
      const all = json(await call('GET', `/v1.0/${json(adminLogin).token.project.id}/dedicated-hosts?tenant=${project.id}`, admin));
      assert.equal(all.total, 3);
      assert.equal((await call('GET', '/v3/users', token)).statusCode, 403);
    });
  });
}
