import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, sumMetric, swarm, type Cluster } from './cluster.js';
import { checkInvariants, hostsByName } from './invariants.js';

// 64 concurrent clients allocate DeHs against a tight quota, over real HTTP, against real
// server processes (PostgreSQL: 3 workers on one port). The quota must hold exactly: the
// number of successes equals the limit, every other answer is a clean 403, never a 500.

const CLIENTS = 64;

for (const dialect of DIALECTS) {
  describe(`allocation under concurrency [${dialect}]`, { timeout: 120_000 }, () => {
    let c: Cluster;
    let admin: { token: string; projectId: string };
    before(async () => {
      c = await startCluster(dialect);
      admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
    });
    after(async () => { await c.destroy(); });

    test('a tight quota admits exactly its limit, the rest get 403', async (tc) => {
      const tenant = await newTenant(c.url, admin.token, `eu-de_quota${dialect}`);
      const LIMIT = 9;
      const q = await http(c.url, 'PUT', `/opendeh/v1/quotas/${tenant.projectId}/c4`, admin.token, { hard_limit: LIMIT });
      assert.equal(q.status, 204);
      const statuses = new Map<number, number>();
      const started = performance.now();
      await swarm(CLIENTS, 2, async (client, round) => {
        const r = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
          { name: `q-${client}-${round}`, availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1, tags: [{ key: 'client', value: String(client) }] });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      });
      const retries = await sumMetric(c.url, 'opendeh_store_retries_total', dialect === 'postgres' ? 3 : 1);
      tc.diagnostic(`figures: ${CLIENTS * 2} allocate requests from ${CLIENTS} clients in ${Math.round(performance.now() - started)} ms; ` +
        `200: ${statuses.get(200) ?? 0}, 403: ${statuses.get(403) ?? 0}, other: ${CLIENTS * 2 - (statuses.get(200) ?? 0) - (statuses.get(403) ?? 0)}; store retries: ${retries}`);
      assert.deepEqual([...statuses.keys()].sort(), [200, 403], `unexpected statuses ${JSON.stringify([...statuses])}`);
      assert.equal(statuses.get(200), LIMIT);
      const quota = await http(c.url, 'GET', `/v1.0/${tenant.projectId}/quota-sets/${tenant.projectId}?resource=c4`, tenant.token);
      assert.deepEqual(quota.json.quota_set, [{ resource: 'c4', hard_limit: LIMIT, used: LIMIT }]);
      const inv = await checkInvariants(c.dbUrl);
      assert.deepEqual(inv.problems, []);
    });

    test('allocations of several hosts are all-or-nothing under contention', async () => {
      const tenant = await newTenant(c.url, admin.token, `eu-de_aon${dialect}`);
      const LIMIT = 10; // with quantity 3, at most 3 requests (9 hosts) can succeed
      await http(c.url, 'PUT', `/opendeh/v1/quotas/${tenant.projectId}/s3`, admin.token, { hard_limit: LIMIT });
      let ok = 0;
      const other = new Set<number>();
      await swarm(CLIENTS, 1, async (client) => {
        const r = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
          { name: `g-${client}`, availability_zone: 'eu-de-02', host_type: 's3', quantity: 3 });
        if (r.status === 200) { ok++; assert.equal(r.json.dedicated_host_ids.length, 3); } else other.add(r.status);
      });
      assert.equal(ok, 3);
      assert.deepEqual([...other], [403]);
      const groups = await hostsByName(c.dbUrl, tenant.projectId);
      assert.equal(groups.size, 3);
      for (const [name, n] of groups) assert.equal(n, 3, `allocation ${name} is partial: ${n} hosts`);
    });

    test('concurrent replays of one client token create exactly one set of hosts', async () => {
      const tenant = await newTenant(c.url, admin.token, `eu-de_idem${dialect}`);
      const body = { name: 'idem', availability_zone: 'eu-de-01', host_type: 'm4', quantity: 2 };
      const answers = await Promise.all(Array.from({ length: 16 }, () =>
        http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token, body, { 'x-client-token': 'retry-after-timeout-1' })));
      assert.ok(answers.every((a) => a.status === 200), JSON.stringify(answers.map((a) => a.status)));
      const ids = new Set(answers.map((a) => JSON.stringify(a.json.dedicated_host_ids)));
      assert.equal(ids.size, 1, 'every replay returns the first answer');
      const groups = await hostsByName(c.dbUrl, tenant.projectId);
      assert.equal(groups.get('idem'), 2);
      const mismatch = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token, { ...body, quantity: 1 }, { 'x-client-token': 'retry-after-timeout-1' });
      assert.equal(mismatch.status, 409);
      assert.match(mismatch.json.error.message, /IdempotentParameterMismatch/);
    });
  });
}
