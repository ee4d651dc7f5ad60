import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { action, ecs, nova, serverOn, showServer } from '../support/compute.js';
import { checkDb } from '../concurrency/invariants.js';

// Automatic recovery (issue 12, user manual product_advantages.rst): a DeH fails while a
// physical pool is configured → an idle server of its type in its AZ becomes a new DeH of the
// tenant (same name, tags, auto placement) and every ECS with automatic recovery on moves to
// it (MIGRATING, then the status it had, same addresses); the one with it off stays ERROR.
// Without an idle server the ECSs wait in ERROR, and adding inventory completes the recovery.

const BUILD = 30;

for (const dialect of DIALECTS) {
  describe(`automatic recovery [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_SERVER_BUILD_SECONDS: String(BUILD) }); });
    after(async () => { await t.close(); });

    const op = (method: string, path: string, body?: unknown) => t.call(method, `/opendeh/v1${path}`, { token: t.admin.token, body });
    const addServers = async (names: string[], az: string, type = 'c4') => {
      const r = await op('POST', '/pool/servers', { physical_servers: names.map((name) => ({ name, availability_zone: az, host_type: type })) });
      assert.equal(r.statusCode, 201, r.body);
    };
    const host = async (p: TestProject, id: string) => (await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;
    const autoRecovery = async (p: TestProject, id: string, on: boolean) =>
      assert.equal((await ecs(t, p, 'PUT', `/cloudservers/${id}/autorecovery`, { support_auto_recovery: String(on) })).statusCode, 204);
    const settle = async () => { t.clock.advance((BUILD + 1) * 1000); };
    const recoveries = async (hostId: string) => (await op('GET', `/recoveries?dedicated_host_id=${hostId}`)).json().recoveries;
    const pool = async (az: string, type = 'c4') => (await op('GET', '/pool')).json().pool.find((c: { availability_zone: string; host_type: string }) => c.availability_zone === az && c.host_type === type);
    const usage = async (p: TestProject) => {
      const q = (await nova(t, p, 'GET', `/os-quota-sets/${p.projectId}/detail`)).json().quota_set;
      return { instances: q.instances.in_use, cores: q.cores.in_use, ram: q.ram.in_use };
    };

    test('3 DeHs, one fails: ECSs with auto recovery end on a new DeH as they were; the one without stays ERROR; books exact', async () => {
      await addServers(['r1-a', 'r1-b', 'r1-c', 'r1-spare'], 'eu-de-01');
      const p = await t.newProject();
      const [a] = await allocate(t, p, { name: 'db-hosts', auto_placement: 'off', tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'db' }] });
      const [b, c] = await allocate(t, p, { name: 'web-hosts', quantity: 2 });
      const running = await serverOn(t, p, a, 'c4.xlarge.2', 'running');
      const stopped = await serverOn(t, p, a, 'c4.large.4', 'stopped');
      const off = await serverOn(t, p, a, 'c4.large.2', 'no-recovery');
      const onB = await serverOn(t, p, b, 'c4.large.4', 'on-b');
      const onC = await serverOn(t, p, c, 'c4.large.4', 'on-c');
      await settle();
      assert.equal((await action(t, p, stopped, { 'os-stop': null })).statusCode, 202);
      for (const id of [running, stopped, onB, onC]) await autoRecovery(p, id, true);
      const addresses = new Map<string, unknown>();
      for (const id of [running, stopped, off]) addresses.set(id, (await showServer(t, p, id)).addresses);
      const usageBefore = await usage(p);
      const aBefore = await host(p, a);
      assert.deepEqual(await pool('eu-de-01'), { availability_zone: 'eu-de-01', host_type: 'c4', free: 1, allocated: 3, faulty: 0, retired: 0 });

      const f = await op('POST', `/hosts/${a}/fault`, { reason: 'mainboard failed' });
      assert.equal(f.statusCode, 200, f.body);
      assert.equal(f.json().failed_servers, 3);
      assert.match(f.json().recovery_job, /^[0-9a-f-]{36}$/);
      await t.services.recovery.settled();

      const [job] = await recoveries(a);
      assert.equal(job.state, 'done', job.detail);
      assert.equal(job.attempts, 1);
      const n = job.new_dedicated_host_id;
      assert.ok(n && n !== a);
      // The new DeH: the tenant's, same name, tags and auto placement, carrying the two ECSs.
      const nh = await host(p, n);
      assert.equal(nh.name, 'db-hosts');
      assert.equal(nh.auto_placement, 'off');
      assert.equal(nh.state, 'available');
      assert.equal(nh.availability_zone, 'eu-de-01');
      assert.equal(nh.host_properties.host_type, 'c4');
      assert.deepEqual(nh.tags, [{ key: 'env', value: 'prod' }, { key: 'team', value: 'db' }]);
      assert.deepEqual([...nh.instance_uuids].sort(), [running, stopped].sort());
      assert.equal(nh.instance_total, 2);
      assert.equal(nh.available_vcpus, nh.host_properties.vcpus - 4 - 2, 'c4.xlarge.2 + c4.large.4');
      // The failed DeH keeps the one without auto recovery, and exactly its claim.
      const ah = await host(p, a);
      assert.equal(ah.state, 'fault');
      assert.deepEqual(ah.instance_uuids, [off]);
      assert.equal(ah.available_vcpus, aBefore.host_properties.vcpus - 2);
      // ECSs pass through MIGRATING (what a client polling them sees), then settle as they were.
      for (const id of [running, stopped]) {
        const s = await showServer(t, p, id);
        assert.equal(s.status, 'MIGRATING');
        assert.equal(s['OS-EXT-STS:task_state'], 'migrating');
        assert.equal(s['OS-EXT-SRV-ATTR:host'], n);
        assert.equal(s.fault, undefined);
        assert.deepEqual(s.addresses, addresses.get(id));
      }
      await settle();
      assert.equal((await showServer(t, p, running)).status, 'ACTIVE');
      assert.equal((await showServer(t, p, stopped)).status, 'SHUTOFF');
      assert.deepEqual((await showServer(t, p, running)).addresses, addresses.get(running));
      const left = await showServer(t, p, off);
      assert.equal(left.status, 'ERROR');
      assert.match(left.fault.message, /automatic recovery is off/);
      assert.deepEqual(left.addresses, addresses.get(off));
      // Unaffected DeHs and ECSs.
      assert.equal((await showServer(t, p, onB)).status, 'ACTIVE');
      assert.equal((await host(p, b)).instance_total, 1);
      // Books: ECS quota usage unchanged; DeH quota counts the new DeH; the pool exact.
      assert.deepEqual(await usage(p), usageBefore);
      assert.equal((await t.deh(p, 'GET', `/quota-sets/${p.projectId}?resource=c4`)).json().quota_set[0].used, 4);
      assert.deepEqual(await pool('eu-de-01'), { availability_zone: 'eu-de-01', host_type: 'c4', free: 0, allocated: 3, faulty: 1, retired: 0 });
      assert.deepEqual((await checkDb(t.services.store.db)).problems, []);
      // Every step traced, in order, under the job's id.
      const audit = (await op('GET', `/traces?project_id=${p.projectId}&user=opendeh-recovery&limit=50`)).json().traces
        .filter((e: { request_id: string }) => e.request_id === `recovery-${job.id}`)
        .map((e: { trace_name: string }) => e.trace_name).reverse();
      assert.deepEqual(audit.filter((x: string) => x !== 'serverMigrated' && x !== 'serverNotRecovered'),
        ['recoveryOpened', 'spareAllocated', 'recoveryDone']);
      assert.equal(audit.filter((x: string) => x === 'serverMigrated').length, 2);
      assert.equal(audit.filter((x: string) => x === 'serverNotRecovered').length, 1);

      // Exactly once: another pass finds nothing to do.
      assert.equal(await t.services.recovery.runPending(), 0);
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts?name=db-hosts')).json().total, 2);
      // The manual: the failed DeH is released once it is empty; its server stays out of the pool.
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${a}`)).statusCode, 409);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${off}`)).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${a}`)).statusCode, 204);
      assert.deepEqual(await pool('eu-de-01'), { availability_zone: 'eu-de-01', host_type: 'c4', free: 0, allocated: 3, faulty: 1, retired: 0 });
      assert.deepEqual((await checkDb(t.services.store.db)).problems, []);
    });

    test('no idle server: ECSs wait in ERROR saying so; inventory added → recovery completes by itself', async () => {
      await addServers(['r2-only'], 'eu-de-02');
      const p = await t.newProject();
      const [a] = await allocate(t, p, { name: 'lonely', availability_zone: 'eu-de-02' });
      const one = await serverOn(t, p, a, 'c4.large.4', 'one');
      const two = await serverOn(t, p, a, 'c4.large.4', 'two');
      await settle();
      for (const id of [one, two]) await autoRecovery(p, id, true);
      const addrs = (await showServer(t, p, one)).addresses;

      assert.equal((await op('POST', `/hosts/${a}/fault`, { reason: 'disk controller' })).statusCode, 200);
      await t.services.recovery.settled();
      const [job] = await recoveries(a);
      assert.equal(job.state, 'waiting');
      assert.match(job.detail, /no idle physical server of host type c4 in eu-de-02/);
      for (const id of [one, two]) {
        const s = await showServer(t, p, id);
        assert.equal(s.status, 'ERROR');
        assert.match(s.fault.message, /no idle physical server of host type c4 in eu-de-02; automatic recovery waits/);
      }
      // A server of another type or AZ does not help.
      await addServers(['r2-other-type'], 'eu-de-02', 's3');
      await addServers(['r2-other-az'], 'eu-de-03');
      await t.services.recovery.settled();
      assert.equal((await recoveries(a))[0].state, 'waiting');
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).json().total, 1);

      await addServers(['r2-spare'], 'eu-de-02');
      await t.services.recovery.settled();
      const [done] = await recoveries(a);
      assert.equal(done.state, 'done', done.detail);
      assert.equal(done.id, job.id);
      const moved = await showServer(t, p, one);
      assert.equal(moved.status, 'MIGRATING');
      assert.equal(moved['OS-EXT-SRV-ATTR:host'], done.new_dedicated_host_id);
      await settle();
      for (const id of [one, two]) assert.equal((await showServer(t, p, id)).status, 'ACTIVE');
      assert.deepEqual((await showServer(t, p, one)).addresses, addrs);
      assert.equal((await host(p, a)).instance_total, 0);
      assert.equal((await host(p, done.new_dedicated_host_id)).instance_total, 2);
      assert.deepEqual(await pool('eu-de-02'), { availability_zone: 'eu-de-02', host_type: 'c4', free: 0, allocated: 1, faulty: 1, retired: 0 });
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${a}`)).statusCode, 204, 'the empty failed DeH is released');
      assert.deepEqual((await checkDb(t.services.store.db)).problems, []);
    });

    test('a repair before a spare was found cancels the recovery; ECSs stay as the repair leaves them', async () => {
      const p = await t.newProject();
      await addServers(['r3-only'], 'eu-de-03', 's3');
      const [a] = await allocate(t, p, { availability_zone: 'eu-de-03', host_type: 's3' });
      const s = await serverOn(t, p, a, 's3.large.4', 'one');
      await autoRecovery(p, s, true);
      assert.equal((await op('POST', `/hosts/${a}/fault`, {})).statusCode, 200);
      await t.services.recovery.settled();
      assert.equal((await recoveries(a))[0].state, 'waiting');
      assert.equal((await op('POST', `/hosts/${a}/repair`)).statusCode, 200);
      assert.equal((await recoveries(a))[0].state, 'cancelled');
      await addServers(['r3-late'], 'eu-de-03', 's3');
      await t.services.recovery.settled();
      assert.equal((await recoveries(a))[0].state, 'cancelled');
      assert.equal((await showServer(t, p, s))['OS-EXT-SRV-ATTR:host'], a, 'not moved');
      assert.equal((await op('GET', '/recoveries', undefined)).statusCode, 200);
      assert.equal((await t.call('GET', '/opendeh/v1/recoveries', { token: p.token })).statusCode, 403);
    });
  });
}
