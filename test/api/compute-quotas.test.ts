import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { action, createServer, expectNovaError, nova, showServer } from '../support/compute.js';

// ECS quotas in Nova's os-quota-sets shape, enforced on create and resize (403), never
// exceeded by concurrent creates; limits and availability zones.
// Defaults here (OPENDEH_ECS_QUOTA): 3 instances, 8 cores, 32768 MB.

for (const dialect of DIALECTS) {
  describe(`compute quotas [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_ECS_QUOTA: '3,8,32768' }); });
    after(async () => { await t.close(); });

    const count = async (p: TestProject) => (await nova(t, p, 'GET', '/servers')).json().servers.length;
    const setQuota = (tenant: string, quota: Record<string, number>) =>
      nova(t, t.admin, 'PUT', `/os-quota-sets/${tenant}`, { quota_set: quota });

    test('show, detail, defaults and limits reflect config and usage', async () => {
      const p = await t.newProject();
      assert.equal((await createServer(t, p, { flavor: 'c4.xlarge.2' })).statusCode, 202); // 4 cores, 8192 MB
      const show = await nova(t, p, 'GET', `/os-quota-sets/${p.projectId}`);
      assert.equal(show.statusCode, 200);
      assert.deepEqual(show.json().quota_set, { id: p.projectId, instances: 3, cores: 8, ram: 32768, metadata_items: 128 });
      const detail = (await nova(t, p, 'GET', `/os-quota-sets/${p.projectId}/detail`)).json().quota_set;
      assert.deepEqual(detail.instances, { in_use: 1, limit: 3, reserved: 0 });
      assert.deepEqual(detail.cores, { in_use: 4, limit: 8, reserved: 0 });
      assert.deepEqual(detail.ram, { in_use: 8192, limit: 32768, reserved: 0 });
      assert.equal((await nova(t, p, 'GET', `/os-quota-sets/${p.projectId}/defaults`)).json().quota_set.cores, 8);
      const limits = (await nova(t, p, 'GET', '/limits')).json().limits;
      assert.deepEqual(limits, {
        rate: [],
        absolute: {
          maxTotalInstances: 3, maxTotalCores: 8, maxTotalRAMSize: 32768, maxServerMeta: 128,
          totalInstancesUsed: 1, totalCoresUsed: 4, totalRAMUsed: 8192,
        },
      });
    });

    test('cores: a create over the limit is 403 and creates nothing', async () => {
      const p = await t.newProject();
      expectNovaError(await createServer(t, p, { flavor: 'c4.2xlarge.2', extra: { max_count: 2 } }), 403, 'forbidden',
        /^Quota exceeded for cores: Requested 16, but already used 0 of 8 cores$/);
      assert.equal(await count(p), 0);
      assert.equal((await createServer(t, p, { flavor: 'c4.2xlarge.2' })).statusCode, 202); // exactly 8 cores
      expectNovaError(await createServer(t, p, { flavor: 'c4.large.2' }), 403, 'forbidden', /Requested 2, but already used 8 of 8 cores/);
    });

    test('instances: the fourth server is refused; a delete frees the slot', async () => {
      const p = await t.newProject();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createServer(t, p, { flavor: 'c4.large.2' })).json().server.id);
      expectNovaError(await createServer(t, p, { flavor: 'c4.large.2' }), 403, 'forbidden', /^Quota exceeded for instances: Requested 1, but already used 3 of 3 instances$/);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${ids[0]}`)).statusCode, 204);
      assert.equal((await createServer(t, p, { flavor: 'c4.large.2' })).statusCode, 202);
      assert.equal(await count(p), 3);
    });

    test('ram: enforced once instances and cores allow more', async () => {
      const p = await t.newProject();
      assert.equal((await setQuota(p.projectId, { instances: 10, cores: 100 })).statusCode, 200);
      for (let i = 0; i < 2; i++) assert.equal((await createServer(t, p, { flavor: 'c4.xlarge.4' })).statusCode, 202); // 16384 each
      expectNovaError(await createServer(t, p, { flavor: 'c4.xlarge.4' }), 403, 'forbidden', /^Quota exceeded for ram: Requested 16384, but already used 32768 of 32768 ram$/);
    });

    test('a resize that would pass the limit is 403 and changes nothing; a resize down always passes', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p, { flavor: 'c4.large.2' })).json().server.id;
      expectNovaError(await action(t, p, id, { resize: { flavorRef: 'c4.4xlarge.2' } }), 403, 'forbidden', /Quota exceeded for cores: Requested 14, but already used 2 of 8 cores/);
      let s = await showServer(t, p, id);
      assert.deepEqual([s.status, s.flavor.id], ['ACTIVE', 'c4.large.2']);
      assert.equal((await action(t, p, id, { resize: { flavorRef: 'c4.2xlarge.2' } })).statusCode, 202); // 8 cores: exactly at the limit
      assert.equal((await action(t, p, id, { confirmResize: null })).statusCode, 204);
      assert.equal((await action(t, p, id, { resize: { flavorRef: 'c4.large.2' } })).statusCode, 202);
      s = await showServer(t, p, id);
      assert.equal(s.flavor.id, 'c4.large.2');
    });

    test('only admins read other tenants\' quotas and change quotas; -1 is unlimited', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      expectNovaError(await nova(t, p, 'GET', `/os-quota-sets/${q.projectId}`), 403, 'forbidden');
      expectNovaError(await nova(t, p, 'PUT', `/os-quota-sets/${p.projectId}`, { quota_set: { cores: 100 } }), 403, 'forbidden');
      assert.equal((await nova(t, t.admin, 'GET', `/os-quota-sets/${q.projectId}`)).json().quota_set.cores, 8);
      expectNovaError(await setQuota(q.projectId, { floating_ips: 3 }), 400, 'badRequest', /unknown field "floating_ips"/);
      expectNovaError(await setQuota(q.projectId, { cores: -2 }), 400);
      const put = await setQuota(q.projectId, { instances: -1, cores: 2 });
      assert.equal(put.statusCode, 200);
      assert.deepEqual(put.json().quota_set, { id: q.projectId, instances: -1, cores: 2, ram: 32768, metadata_items: 128 });
      assert.equal((await nova(t, q, 'GET', `/os-quota-sets/${q.projectId}`)).json().quota_set.cores, 2);
      expectNovaError(await createServer(t, q, { flavor: 'c4.xlarge.2' }), 403, 'forbidden', /cores/);
      await setQuota(q.projectId, { cores: -1, ram: -1 });
      const many = await createServer(t, q, { flavor: 'c4.4xlarge.4', extra: { max_count: 5 } });
      assert.equal(many.statusCode, 202, many.body);
      assert.equal(await count(q), 5);
    });

    test('concurrent creates never pass the instances quota', async () => {
      const p = await t.newProject();
      const results = await Promise.all(Array.from({ length: 10 }, () => createServer(t, p, { flavor: 'c4.large.2' })));
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [...Array(3).fill(202), ...Array(7).fill(403)], results.map((r) => r.body).join('\n'));
      assert.equal(await count(p), 3);
    });

    test('availability zones', async () => {
      const p = await t.newProject();
      const r = await nova(t, p, 'GET', '/os-availability-zone');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json().availabilityZoneInfo.map((z: { zoneName: string; zoneState: { available: boolean } }) => [z.zoneName, z.zoneState.available]),
        [['eu-de-01', true], ['eu-de-02', true], ['eu-de-03', true]]);
    });
  });
}
