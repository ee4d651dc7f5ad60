import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, type Cluster } from './cluster.js';
import { checkInvariants } from './invariants.js';

// 64 clients of 4 tenants allocate one DeH each at the same moment against a physical pool of
// exactly N free servers, on real server processes (PostgreSQL: 3 workers). Exactly N hosts
// are allocated, every other request is refused cleanly (403 DEH.0053), no server backs two
// DeHs, and the pool's counts are exact — before and after half of them are released.

const N = 12;
const CLIENTS = 64;

for (const dialect of DIALECTS) {
  describe(`physical pool race [${dialect}]`, { timeout: 120_000 }, () => {
    let c: Cluster;
    before(async () => { c = await startCluster(dialect); });
    after(async () => { await c.destroy(); });

    test(`${CLIENTS} concurrent allocations, ${N} free servers: exactly ${N} allocated`, async () => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      const names = Array.from({ length: N }, (_, i) => ({ name: `race-${String(i).padStart(3, '0')}`, availability_zone: 'eu-de-02', host_type: 'c4' }));
      // A second type's servers are there too and must stay untouched.
      names.push({ name: 'other-1', availability_zone: 'eu-de-02', host_type: 's3' });
      assert.equal((await http(c.url, 'POST', '/opendeh/v1/pool/servers', admin.token, { physical_servers: names })).status, 201);
      const tenants: { token: string; projectId: string }[] = [];
      for (let i = 0; i < 4; i++) {
        const t = await newTenant(c.url, admin.token, `eu-de_pool${dialect}${i}`);
        await http(c.url, 'PUT', `/opendeh/v1/quotas/${t.projectId}/c4`, admin.token, { hard_limit: -1 });
        tenants.push(t);
      }
      const results = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
        const t = tenants[i % tenants.length];
        const r = await http(c.url, 'POST', `/v1.0/${t.projectId}/dedicated-hosts`, t.token,
          { name: `race-${i}`, availability_zone: 'eu-de-02', host_type: 'c4', quantity: 1 });
        return { t, ...r };
      }));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      assert.equal(ok.length, N, `statuses: ${results.map((r) => r.status).join(',')}`);
      for (const r of refused) {
        assert.equal(r.status, 403, JSON.stringify(r.json));
        assert.equal(r.json.error.code, 'DEH.0053');
      }
      const hostIds = ok.map((r) => r.json.dedicated_host_ids[0] as string);
      assert.equal(new Set(hostIds).size, N);

      const pool = async () => (await http(c.url, 'GET', '/opendeh/v1/pool', admin.token)).json.pool;
      assert.deepEqual(await pool(), [
        { availability_zone: 'eu-de-02', host_type: 'c4', free: 0, allocated: N, faulty: 0, retired: 0 },
        { availability_zone: 'eu-de-02', host_type: 's3', free: 1, allocated: 0, faulty: 0, retired: 0 },
      ]);
      const all = await http(c.url, 'GET', `/v1.0/${admin.projectId}/dedicated-hosts?tenant=all&availability_zone=eu-de-02&host_type=c4`, admin.token);
      assert.equal(all.json.total, N, 'live c4 DeHs in eu-de-02 = servers allocated');
      const backing = (await http(c.url, 'GET', '/opendeh/v1/pool/servers?host_type=c4', admin.token)).json.physical_servers;
      assert.deepEqual(backing.map((p: { dedicated_host_id: string }) => p.dedicated_host_id).sort(), [...hostIds].sort());

      // Release half concurrently, then allocate again concurrently: counts stay exact.
      await Promise.all(ok.slice(0, N / 2).map((r) => http(c.url, 'DELETE', `/v1.0/${r.t.projectId}/dedicated-hosts/${r.json.dedicated_host_ids[0]}`, r.t.token)));
      assert.equal((await pool())[0].free, N / 2);
      const again = await Promise.all(Array.from({ length: 16 }, (_, i) => {
        const t = tenants[i % tenants.length];
        return http(c.url, 'POST', `/v1.0/${t.projectId}/dedicated-hosts`, t.token, { name: `again-${i}`, availability_zone: 'eu-de-02', host_type: 'c4', quantity: 1 });
      }));
      assert.equal(again.filter((r) => r.status === 200).length, N / 2);
      assert.ok(again.every((r) => r.status === 200 || (r.status === 403 && r.json.error.code === 'DEH.0053')));
      assert.deepEqual((await pool())[0], { availability_zone: 'eu-de-02', host_type: 'c4', free: 0, allocated: N, faulty: 0, retired: 0 });
      assert.deepEqual((await checkInvariants(c.dbUrl)).problems, []);
    });
  });
}
