import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { expectDehError, json } from '../support/deh.js';

// GET /v1.0/{project_id}/quota-sets/{tenant_id}[?resource=] (REF quota_configuration; CONTRACT
// §2.8) and the operator's PUT /opendeh/v1/quotas/{tenant_id}/{resource}.

const HOST_TYPES = ['s2', 's2-medium', 's3', 'c3', 'c4', 'm3', 'm4', 'i3', 'i3_pro', 'i3m'];
type QuotaEntry = { resource: string; hard_limit: number; used: number };

for (const dialect of DIALECTS) {
  describe(`quotas [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_DEFAULT_HOST_QUOTA: '4' }); });
    after(async () => { await t.close(); });

    const quota = async (caller: TestProject, tenant: string, query = ''): Promise<QuotaEntry[]> => {
      const r = await t.deh(caller, 'GET', `/quota-sets/${tenant}${query}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(Object.keys(json(r)), ['quota_set']);
      return json(r).quota_set;
    };
    const of = (q: QuotaEntry[], resource: string) => q.find((e) => e.resource === resource)!;
    const setQuota = (token: string, tenant: string, resource: string, body: unknown) =>
      t.call('PUT', `/opendeh/v1/quotas/${tenant}/${resource}`, { token, body });

    test('an array with one entry per host type: the default hard_limit, nothing used', async () => {
      const p = await t.newProject();
      const q = await quota(p, p.projectId);
      assert.deepEqual(q.map((e) => e.resource).sort(), [...HOST_TYPES].sort());
      for (const e of q) assert.deepEqual(Object.keys(e).sort(), ['hard_limit', 'resource', 'used']);
      for (const e of q) assert.deepEqual([e.hard_limit, e.used], [4, 0]);
    });

    test('used tracks allocations and releases, per host type', async () => {
      const p = await t.newProject();
      const c4 = await allocate(t, p, { host_type: 'c4', quantity: 3 });
      await allocate(t, p, { host_type: 'm4' });
      let q = await quota(p, p.projectId);
      assert.equal(of(q, 'c4').used, 3);
      assert.equal(of(q, 'm4').used, 1);
      assert.equal(of(q, 's2').used, 0);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${c4[0]}`)).statusCode, 204);
      q = await quota(p, p.projectId);
      assert.equal(of(q, 'c4').used, 2);
      // A released host frees its quota: 2 used + 2 more = the limit of 4.
      assert.equal((await allocate(t, p, { host_type: 'c4', quantity: 2 })).length, 2);
      assert.equal(of(await quota(p, p.projectId), 'c4').used, 4);
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 }), 403, 'DEH.0051');
    });

    test('?resource= narrows the answer to one host type', async () => {
      const p = await t.newProject();
      await allocate(t, p, { host_type: 'm4', quantity: 2 });
      assert.deepEqual(await quota(p, p.projectId, '?resource=m4'), [{ resource: 'm4', hard_limit: 4, used: 2 }]);
      assert.deepEqual(await quota(p, p.projectId, '?resource=nope'), []);
    });

    test('another tenant: 403, unless the caller is an admin', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      await allocate(t, q, { host_type: 's3' });
      expectDehError(await t.deh(p, 'GET', `/quota-sets/${q.projectId}`), 403);
      assert.equal(of(await quota(t.admin, q.projectId), 's3').used, 1);
    });

    test('operator PUT sets a hard limit (204); -1 is unlimited; allocation follows it', async () => {
      const p = await t.newProject();
      const r = await setQuota(t.admin.token, p.projectId, 'c3', { hard_limit: 1 });
      assert.equal(r.statusCode, 204);
      assert.deepEqual(await quota(p, p.projectId, '?resource=c3'), [{ resource: 'c3', hard_limit: 1, used: 0 }]);
      await allocate(t, p, { host_type: 'c3' });
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c3', quantity: 1 }), 403);
      assert.equal((await setQuota(t.admin.token, p.projectId, 'c3', { hard_limit: -1 })).statusCode, 204);
      assert.equal((await allocate(t, p, { host_type: 'c3', quantity: 9 })).length, 9);
      assert.deepEqual(await quota(p, p.projectId, '?resource=c3'), [{ resource: 'c3', hard_limit: -1, used: 10 }]);
      // Lowering the limit under the usage keeps the hosts and refuses new ones.
      assert.equal((await setQuota(t.admin.token, p.projectId, 'c3', { hard_limit: 0 })).statusCode, 204);
      assert.deepEqual(await quota(p, p.projectId, '?resource=c3'), [{ resource: 'c3', hard_limit: 0, used: 10 }]);
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c3', quantity: 1 }), 403);
      // Other tenants keep the default.
      const q = await t.newProject();
      assert.deepEqual(await quota(q, q.projectId, '?resource=c3'), [{ resource: 'c3', hard_limit: 4, used: 0 }]);
    });

    test('operator PUT: non-admin 403, no token 401, unknown type 404, bad body 400', async () => {
      const p = await t.newProject();
      expectDehError(await setQuota(p.token, p.projectId, 'c4', { hard_limit: 100 }), 403);
      expectDehError(await t.call('PUT', `/opendeh/v1/quotas/${p.projectId}/c4`, { body: { hard_limit: 100 } }), 401);
      expectDehError(await setQuota(t.admin.token, p.projectId, 'x9', { hard_limit: 1 }), 404);
      for (const body of [{ hard_limit: -2 }, { hard_limit: 1.5 }, { hard_limit: '5' }, {}, { hard_limit: 1, used: 0 }]) {
        expectDehError(await setQuota(t.admin.token, p.projectId, 'c4', body), 400);
      }
      assert.deepEqual(await quota(p, p.projectId, '?resource=c4'), [{ resource: 'c4', hard_limit: 4, used: 0 }]);
    });
  });
}
