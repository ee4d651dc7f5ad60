import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/dialects.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, swarm, type Cluster } from './cluster.js';
import { storedTraces } from '../support/traces.js';

// kill -9 of a server process in the middle of a write load (allocate, release, ECS create and
// delete), then restart; then COUNT, both ways, for every kind of change: every committed
// change has exactly its trace(s) and no trace exists for a change that did not commit.
// Changes and traces are read from the database, not from the answers (a request that died
// with the process may or may not have committed: the count must hold either way).

type Sets = { created: string[]; released: string[]; serversCreated: string[]; serversDeleted: string[] };

async function committed(dbUrl: string, projectId: string): Promise<{ changes: Sets; traces: Sets }> {
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    const hosts = await db.selectFrom('hosts').select(['id', 'state']).where('project_id', '=', projectId).execute();
    const servers = await db.selectFrom('servers').select(['id', 'deleted_at']).where('project_id', '=', projectId).execute();
    const traces = await storedTraces(db).select(['trace_name', 'resource_id'])
      .where('project_id', '=', projectId).where('trace_rating', '=', 'normal').execute();
    const of = (name: string) => traces.filter((t) => t.trace_name === name).map((t) => t.resource_id as string).sort();
    return {
      changes: {
        created: hosts.map((h) => h.id).sort(),
        released: hosts.filter((h) => h.state === 'released').map((h) => h.id).sort(),
        serversCreated: servers.map((s) => s.id).sort(),
        serversDeleted: servers.filter((s) => s.deleted_at !== null).map((s) => s.id).sort(),
      },
      traces: { created: of('createDedicatedHosts'), released: of('releaseDedicatedHosts'), serversCreated: of('createServer'), serversDeleted: of('deleteServer') },
    };
  } finally {
    await db.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`traces survive a crash exactly [${dialect}]`, { timeout: 180_000 }, () => {
    let c: Cluster;
    before(async () => { c = await startCluster(dialect); });
    after(async () => { await c.destroy(); });

    test('kill -9 mid-load: committed changes and normal traces match one to one', async () => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      const tenant = await newTenant(c.url, admin.token, `eu-de_trcrash${dialect}`);
      await http(c.url, 'PUT', `/opendeh/v1/quotas/${tenant.projectId}/c3`, admin.token, { hard_limit: 1000 });
      await http(c.url, 'PUT', `/opendeh/v1/quotas/${tenant.projectId}/m4`, admin.token, { hard_limit: 1000 });
      const pool = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
        { name: 'ecs-pool', availability_zone: 'eu-de-01', host_type: 'm4', quantity: 3 });
      assert.equal(pool.status, 200);
      let done = 0;
      const statuses = new Map<number, number>();
      const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
      const load = swarm(24, 8, async (client, round) => {
        const r = await http(c.url, 'POST', `/v1.0/${tenant.projectId}/dedicated-hosts`, tenant.token,
          { name: `t-${client}-${round}`, availability_zone: 'eu-de-03', host_type: 'c3', quantity: 2 });
        count(r.status);
        if (r.status === 200 && round % 2 === 1) count((await http(c.url, 'DELETE', `/v1.0/${tenant.projectId}/dedicated-hosts/${r.json.dedicated_host_ids[0]}`, tenant.token)).status);
        const s = await http(c.url, 'POST', `/compute/v2.1/${tenant.projectId}/servers`, tenant.token, {
          server: { name: `e-${client}-${round}`, imageRef: 'img', flavorRef: 'm4.large.8', availability_zone: 'eu-de-01', networks: [{ uuid: 'n' }] },
          'os:scheduler_hints': { tenancy: 'dedicated' },
        });
        count(s.status);
        if (s.status === 202 && round % 2 === 0) count((await http(c.url, 'DELETE', `/compute/v2.1/${tenant.projectId}/servers/${s.json.server.id}`, tenant.token)).status);
        done++;
      });
      for (let i = 0; i < 400 && done < 30; i++) await new Promise((r) => setTimeout(r, 25));
      const [victim] = await c.serverPids();
      process.kill(victim, 'SIGKILL');
      const doneAtKill = done;
      if (dialect === 'sqlite') {
        await new Promise((r) => c.proc.once('exit', r));
        await c.restart();
      }
      await load;
      assert.ok(doneAtKill > 0 && doneAtKill < 24 * 8, `kill came at ${doneAtKill} of ${24 * 8}`);
      assert.ok((statuses.get(0) ?? 0) > 0 || dialect === 'postgres', `some requests died with the process: ${JSON.stringify([...statuses])}`);
      for (const s of statuses.keys()) assert.ok([0, 200, 202, 204, 403, 409].includes(s), `unexpected status ${s}`);

      const { changes, traces } = await committed(c.dbUrl, tenant.projectId);
      assert.ok(changes.created.length > 3 && changes.released.length > 0 && changes.serversCreated.length > 0 && changes.serversDeleted.length > 0,
        JSON.stringify(Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.length]))));
      // exact, both ways: same ids, each once
      assert.deepEqual(traces.created, changes.created, 'createDedicatedHosts traces = allocated hosts');
      assert.deepEqual(traces.released, changes.released, 'releaseDedicatedHosts traces = released hosts');
      assert.deepEqual(traces.serversCreated, changes.serversCreated, 'createServer traces = servers');
      assert.deepEqual(traces.serversDeleted, changes.serversDeleted, 'deleteServer traces = deleted servers');
      // the trail reads back through the API after the restart
      const api = await http(c.url, 'GET', `/cts/v1.0/${tenant.projectId}/system/trace?trace_name=createDedicatedHosts&limit=200`, tenant.token);
      assert.equal(api.status, 200);
      assert.equal(api.json.traces.length, Math.min(200, changes.created.length));
    });
  });
}
