import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, swarm, type Cluster } from './cluster.js';
import { checkInvariants, hostsByName } from './invariants.js';

// kill -9 of a server process in the middle of a write load, then restart: the accounting
// invariants still hold and no half-written allocation exists (every allocation of 3 hosts
// is all there or not there at all). On PostgreSQL one of three workers is killed and the
// primary starts a replacement; on SQLite the only process is killed and started again.

for (const dialect of DIALECTS) {
  describe(`crash during load [${dialect}]`, { timeout: 120_000 }, () => {
    let c: Cluster;
    before(async () => { c = await startCluster(dialect); });
    after(async () => { await c.destroy(); });

    test('kill -9 mid-load leaves no partial allocation and consistent counters', async () => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      const tenant = await newTenant(c.url, admin.token, `eu-de_crash${dialect}`);
      await http(c.url, 'PUT', `/opendeh/v1/quotas/${tenant.projectId}/c3`, admin.token, { hard_limit: 60 });
      const place = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
        { name: 'ecs-pool', availability_zone: 'eu-de-01', host_type: 'm4', quantity: 3 });
      assert.equal(place.status, 200);
      const seen = new Map<number, number>();
      let done = 0;
      let doneAtKill = -1;
      const load = swarm(32, 6, async (client, round) => {
        const r = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
          { name: `k-${client}-${round}`, availability_zone: 'eu-de-03', host_type: 'c3', quantity: 3, tags: [{ key: 'round', value: String(round) }] });
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        // ECS claims run alongside: create one by auto-placement, delete every other one.
        const s = await http(c.url, 'POST', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token, {
          server: { name: `e-${client}-${round}`, imageRef: 'img', flavorRef: 'm4.xlarge.8', availability_zone: 'eu-de-01', networks: [{ uuid: 'n' }] },
          'os:scheduler_hints': { tenancy: 'dedicated' },
        });
        seen.set(s.status, (seen.get(s.status) ?? 0) + 1);
        if (s.status === 202 && round % 2 === 0) await http(c.url, 'DELETE', `/compute/v2.1/${tenant.projectId}/servers/${s.json.server.id}`, tenant.token);
        done++;
        if (r.status === 200 && round % 2 === 1) {
          await http(c.url, 'DELETE', `/v1.0/${tenant.projectId}/dedicated-hosts/${r.json.dedicated_host_ids[0]}`, tenant.token);
        }
      });
      // Let the load run, then kill a serving process without warning.
      for (let i = 0; i < 200 && done < 24; i++) await new Promise((r) => setTimeout(r, 25));
      const [victim] = await c.serverPids();
      process.kill(victim, 'SIGKILL');
      doneAtKill = done;
      if (dialect === 'sqlite') {
        await new Promise((r) => c.proc.once('exit', r));
        await c.restart();
      }
      await load;
      // The kill really happened in the middle: requests finished before it and after it.
      assert.ok(doneAtKill > 0 && doneAtKill < 32 * 6, `kill came at ${doneAtKill} of ${32 * 6}`);
      // Some requests died with the process (status 0); every answer that came is a clean one.
      for (const s of seen.keys()) assert.ok([0, 200, 202, 403, 409].includes(s), `unexpected status ${s}`);
      assert.ok((seen.get(200) ?? 0) > 0, 'some allocations succeeded');

      // The service answers again (a new worker / the restarted process).
      const probe = await http(c.url, 'GET', `/v1.0/${tenant.projectId}/dedicated-hosts?state=available`, tenant.token);
      assert.equal(probe.status, 200);
      const inv = await checkInvariants(c.dbUrl);
      assert.deepEqual(inv.problems, []);
      assert.ok(inv.servers > 0, 'ECSs were placed during the load');
      for (const [name, n] of await hostsByName(c.dbUrl, tenant.projectId)) assert.equal(n, 3, `allocation ${name} is partial: ${n} hosts`);
      // Tags were written with their hosts, in the same transaction.
      const tagged = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-host-tags/resource_instances/action`, tenant.token, { action: 'count', tags: [{ key: 'round', values: [] }] });
      const all = await http(c.url, 'GET', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token);
      assert.equal(tagged.json.total_count, all.json.total - 3); // all but the untagged ecs-pool hosts
    });
  });
}
