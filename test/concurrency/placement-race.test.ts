import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, sumMetric, swarm, type Cluster } from './cluster.js';
import { checkInvariants } from './invariants.js';

// 64 concurrent clients place ECSs onto the same three DeHs, by host id and by
// auto-placement, through real server processes. Capacity allows exactly 12 of the flavor;
// exactly 12 must succeed, every other answer must be a clean 409, and afterwards every
// host's counters must equal the sum of its ECSs' flavors.

const CLIENTS = 64;
const FLAVOR = 'c4.4xlarge.4'; // 16 vCPUs, 64 GiB: 4 fit on a c4 (74 vCPUs, 296 GiB)

for (const dialect of DIALECTS) {
  describe(`ECS placement under concurrency [${dialect}]`, { timeout: 120_000 }, () => {
    let c: Cluster;
    before(async () => { c = await startCluster(dialect); });
    after(async () => { await c.destroy(); });

    test('capacity admits exactly what fits, by host id and by auto-placement', async (tc) => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      const tenant = await newTenant(c.url, admin.token, `eu-de_place${dialect}`);
      const alloc = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
        { name: 'race', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 3 });
      assert.equal(alloc.status, 200);
      const hosts: string[] = alloc.json.dedicated_host_ids;
      const statuses = new Map<number, number>();
      const created: string[] = [];
      const started = performance.now();
      await swarm(CLIENTS, 2, async (client, round) => {
        const hints = (client + round) % 2 === 0
          ? { tenancy: 'dedicated', dedicated_host_id: hosts[client % 3] }
          : { tenancy: 'dedicated' };
        const r = await http(c.url, 'POST', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token, {
          server: { name: `vm-${client}-${round}`, imageRef: 'img-1', flavorRef: FLAVOR, availability_zone: 'eu-de-01', networks: [{ uuid: 'net-1' }] },
          'os:scheduler_hints': hints,
        });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 202) created.push(r.json.server.id);
      });
      const retries = await sumMetric(c.url, 'opendeh_store_retries_total', dialect === 'postgres' ? 3 : 1);
      tc.diagnostic(`figures: ${CLIENTS * 2} ECS creates from ${CLIENTS} clients in ${Math.round(performance.now() - started)} ms; ` +
        `202: ${statuses.get(202) ?? 0}, 409: ${statuses.get(409) ?? 0}, other: ${CLIENTS * 2 - (statuses.get(202) ?? 0) - (statuses.get(409) ?? 0)}; store retries: ${retries}`);
      assert.deepEqual([...statuses.keys()].sort(), [202, 409], `unexpected statuses ${JSON.stringify([...statuses])}`);
      assert.equal(statuses.get(202), 12);
      for (const id of hosts) {
        const h = (await http(c.url, 'GET', `/v1.0/${tenant.projectId}/dedicated-hosts/${id}`, tenant.token)).json.dedicated_host;
        assert.equal(h.instance_total, 4);
        assert.equal(h.available_vcpus, 74 - 4 * 16);
        assert.equal(h.available_memory, 303104 - 4 * 65536);
        assert.equal(h.instance_uuids.length, 4);
      }
      assert.deepEqual((await checkInvariants(c.dbUrl)).problems, []);

      // Deletes racing creates: whatever interleaving happens, the counters stay exact.
      let deleted = 0;
      let placed = 0;
      await swarm(32, 1, async (client) => {
        if (client < 6) {
          const d = await http(c.url, 'DELETE', `/compute/v2.1/${tenant.projectId}/servers/${created[client]}`, tenant.token);
          assert.equal(d.status, 204);
          deleted++;
        } else {
          const r = await http(c.url, 'POST', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token, {
            server: { name: `late-${client}`, imageRef: 'img-1', flavorRef: FLAVOR, availability_zone: 'eu-de-01', networks: [{ uuid: 'net-1' }] },
            'os:scheduler_hints': { tenancy: 'dedicated' },
          });
          assert.ok([202, 409].includes(r.status), `status ${r.status}`);
          if (r.status === 202) placed++;
        }
      });
      assert.ok(placed <= deleted, `${placed} placed after ${deleted} deleted`);
      const inv = await checkInvariants(c.dbUrl);
      assert.deepEqual(inv.problems, []);
      const live = await http(c.url, 'GET', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token);
      assert.equal(live.json.servers.length, 12 - deleted + placed);
    });

    // Many processes, one project: one chosen address goes to exactly one of the clients that
    // want it, and automatic ones (taken from the pool made ready ahead of the cursor) never
    // collide with it or with each other.
    test('an address is handed out once: one chosen by many clients, automatic ones beside it', async () => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      const tenant = await newTenant(c.url, admin.token, `eu-de_addr${dialect}`);
      const alloc = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
        { name: 'addr', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 2 });
      assert.equal(alloc.status, 200);
      const statuses: Record<string, number> = {};
      await swarm(CLIENTS, 1, async (client) => {
        const wants = client % 2 === 0;
        const r = await http(c.url, 'POST', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token, {
          server: { name: `ip-${client}`, imageRef: 'img-1', flavorRef: 'c4.large.2', availability_zone: 'eu-de-01',
            networks: [wants ? { uuid: 'net-1', fixed_ip: '192.168.0.20' } : { uuid: 'net-1' }] },
          'os:scheduler_hints': { tenancy: 'dedicated' },
        });
        const key = `${wants ? 'chosen' : 'auto'} ${r.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
      });
      assert.deepEqual(statuses, { 'chosen 202': 1, 'chosen 400': CLIENTS / 2 - 1, 'auto 202': CLIENTS / 2 });
      assert.deepEqual((await checkInvariants(c.dbUrl)).problems, []);
    });
  });
}
