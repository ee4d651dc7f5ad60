import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/dialects.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, newTenant, startCluster, type Cluster } from './cluster.js';
import { checkInvariants } from './invariants.js';
import { storedTraces } from '../support/traces.js';

// kill -9 of the process that is in the middle of an automatic recovery (its transaction
// open, some ECSs already moved inside it), then: the job completes exactly once (one new
// DeH, one spare taken, every ECS moved once, each step traced once), by another worker on
// PostgreSQL or by the restarted server on SQLite, and every invariant holds.
// OPENDEH_RECOVERY_STEP_DELAY_MS keeps the job's transaction open long enough to kill it.

const ECSS = 4;
const STEP_MS = 1500;

async function jobRow(dbUrl: string, hostId: string) {
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    return await db.selectFrom('recovery_jobs').selectAll().where('host_id', '=', hostId).executeTakeFirst();
  } finally {
    await db.destroy();
  }
}

async function auditOf(dbUrl: string, jobId: string) {
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    return (await storedTraces(db).select('trace_name').where('request_id', '=', `recovery-${jobId}`).execute()).map((r) => r.trace_name);
  } finally {
    await db.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`recovery survives kill -9 [${dialect}]`, { timeout: 180_000 }, () => {
    let c: Cluster;
    before(async () => {
      c = await startCluster(dialect, {
        OPENDEH_RECOVERY_LEASE_SECONDS: '3', OPENDEH_RECOVERY_POLL_SECONDS: '1', OPENDEH_RECOVERY_STEP_DELAY_MS: String(STEP_MS),
      });
    });
    after(async () => { await c.destroy(); });

    test('the process holding the job dies mid-transaction; the job completes once', async () => {
      const admin = await login(c.url, 'admin', ADMIN_PASSWORD, 'eu-de');
      assert.equal((await http(c.url, 'POST', '/opendeh/v1/pool/servers', admin.token, {
        physical_servers: [{ name: 'crash-1', availability_zone: 'eu-de-01', host_type: 'c4' }, { name: 'crash-spare', availability_zone: 'eu-de-01', host_type: 'c4' }],
      })).status, 201);
      const t = await newTenant(c.url, admin.token, `eu-de_rcrash${dialect}`);
      const alloc = await http(c.url, 'POST', `/v1.0/${t.projectId}/dedicated-hosts`, t.token,
        { name: 'crashy', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1, tags: [{ key: 'k', value: 'v' }] });
      assert.equal(alloc.status, 200, JSON.stringify(alloc.json));
      const hostId = alloc.json.dedicated_host_ids[0] as string;
      const ids: string[] = [];
      const addresses = new Map<string, unknown>();
      for (let i = 0; i < ECSS; i++) {
        const s = await http(c.url, 'POST', `/compute/v2.1/${t.projectId}/servers`, t.token, {
          server: { name: `e${i}`, imageRef: 'img', flavorRef: 'c4.large.4' }, 'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: hostId },
        });
        assert.equal(s.status, 202, JSON.stringify(s.json));
        const id = s.json.server.id as string;
        ids.push(id);
        assert.equal((await http(c.url, 'PUT', `/compute/v1/${t.projectId}/cloudservers/${id}/autorecovery`, t.token, { support_auto_recovery: 'true' })).status, 204);
        addresses.set(id, (await http(c.url, 'GET', `/compute/v2.1/${t.projectId}/servers/${id}`, t.token)).json.server.addresses);
      }

      const f = await http(c.url, 'POST', `/opendeh/v1/hosts/${hostId}/fault`, admin.token, { reason: 'crash test' });
      assert.equal(f.status, 200, JSON.stringify(f.json));
      // Wait until a process holds the job, then until its transaction has moved an ECS or two.
      let owner: string | null = null;
      for (let i = 0; i < 200 && !owner; i++) {
        owner = (await jobRow(c.dbUrl, hostId))?.lease_owner ?? null;
        if (!owner) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(owner, 'a process took the job');
      await new Promise((r) => setTimeout(r, STEP_MS * 1.7));
      const mid = await jobRow(c.dbUrl, hostId);
      assert.equal(mid?.state, 'pending', 'still in flight (nothing committed) when killed');
      const victim = Number(owner.split(':')[1]);
      assert.ok((await c.serverPids()).includes(victim), `the lease holder ${victim} is a serving process`);
      process.kill(victim, 'SIGKILL');
      if (dialect === 'sqlite') {
        await new Promise((r) => c.proc.once('exit', r));
        await c.restart();
      }

      let job = await jobRow(c.dbUrl, hostId);
      for (let i = 0; i < 600 && job?.state !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = await jobRow(c.dbUrl, hostId);
      }
      assert.equal(job?.state, 'done', job?.detail);
      assert.ok(Number(job!.attempts) >= 2, `taken again after the crash (attempts ${job!.attempts})`);
      assert.notEqual(job!.lease_owner, owner);
      const newHost = job!.new_host_id!;

      // Once: one new DeH, every ECS on it once, each step traced once.
      const hosts = await http(c.url, 'GET', `/v1.0/${t.projectId}/dedicated-hosts`, t.token);
      assert.deepEqual(hosts.json.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id).sort(), [hostId, newHost].sort());
      const nh = (await http(c.url, 'GET', `/v1.0/${t.projectId}/dedicated-hosts/${newHost}`, t.token)).json.dedicated_host;
      assert.equal(nh.instance_total, ECSS);
      assert.deepEqual(nh.tags, [{ key: 'k', value: 'v' }]);
      assert.deepEqual([...nh.instance_uuids].sort(), [...ids].sort());
      assert.equal((await http(c.url, 'GET', `/v1.0/${t.projectId}/dedicated-hosts/${hostId}`, t.token)).json.dedicated_host.instance_total, 0);
      for (const id of ids) {
        const s = (await http(c.url, 'GET', `/compute/v2.1/${t.projectId}/servers/${id}`, t.token)).json.server;
        assert.equal(s.status, 'ACTIVE');
        assert.equal(s['OS-EXT-SRV-ATTR:host'], newHost);
        assert.deepEqual(s.addresses, addresses.get(id));
      }
      const steps = await auditOf(c.dbUrl, job!.id);
      assert.equal(steps.filter((a) => a === 'spareAllocated').length, 1);
      assert.equal(steps.filter((a) => a === 'serverMigrated').length, ECSS);
      assert.equal(steps.filter((a) => a === 'recoveryDone').length, 1);
      const pool = (await http(c.url, 'GET', '/opendeh/v1/pool', admin.token)).json.pool;
      assert.deepEqual(pool, [{ availability_zone: 'eu-de-01', host_type: 'c4', free: 0, allocated: 1, faulty: 1, retired: 0 }]);
      assert.deepEqual((await checkInvariants(c.dbUrl)).problems, []);
    });
  });
}
