import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { createServer, expectNovaError, hostAccounting, hostRow, nova, serverOn, showServer } from '../support/compute.js';
import { expectDehError } from '../support/deh.js';

// Placement through the compute API: a named DeH (dedicated_host_id), auto placement
// (tenancy=dedicated alone, spread and pack), the shared pool, every refusal with nothing
// left behind, and concurrent claims that never overbook.

const C4 = { vcpus: 74, mem: 303104 };
const dedicated = (host?: string) => ({ tenancy: 'dedicated', ...(host && { dedicated_host_id: host }) });

async function hostOf(t: TestApp, p: TestProject, r: { statusCode: number; body: string; json: () => any }): Promise<string | null> {
  assert.equal(r.statusCode, 202, r.body);
  return (await showServer(t, p, r.json().server.id))['OS-EXT-SRV-ATTR:host'];
}

for (const dialect of DIALECTS) {
  describe(`compute placement [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('a named DeH is used whatever its auto_placement; the ECS takes its AZ', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p, { auto_placement: 'off', availability_zone: 'eu-de-02' });
      const r = await createServer(t, p, { hints: dedicated(h) });
      const s = await showServer(t, p, r.json().server.id);
      assert.deepEqual([s['OS-EXT-SRV-ATTR:host'], s['OS-EXT-AZ:availability_zone']], [h, 'eu-de-02']);
      const a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal, a.instanceUuids], [C4.vcpus - 2, C4.mem - 8192, 1, [s.id]]);
    });

    test('refusals for a named DeH: 400 unknown, 409 state / AZ / flavor / capacity; nothing is left behind', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [h, faulty] = await allocate(t, p, { quantity: 2 });
      const [foreign] = await allocate(t, other);
      const [released] = await allocate(t, p);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${released}`)).statusCode, 204);
      await t.services.store.db.updateTable('hosts').set({ state: 'fault' }).where('id', '=', faulty).execute();
      await serverOn(t, p, h, 'c4.16xlarge.4'); // 10 vCPUs, 40960 MB left
      const before = await hostRow(t, h);
      const cases: [ReturnType<typeof dedicated>, string | undefined, string, number, RegExp][] = [
        [dedicated('00000000-0000-4000-8000-000000000000'), undefined, 'c4.large.4', 400, /DeH 00000000-0000-4000-8000-000000000000 could not be found/],
        [dedicated('not-a-uuid'), undefined, 'c4.large.4', 400, /could not be found/],
        [dedicated(foreign), undefined, 'c4.large.4', 400, /could not be found/],
        [dedicated(released), undefined, 'c4.large.4', 400, /could not be found/],
        [dedicated(faulty), undefined, 'c4.large.4', 409, /is fault, not available/],
        [dedicated(h), 'eu-de-02', 'c4.large.4', 409, /in eu-de-01, not in the requested eu-de-02/],
        [dedicated(h), undefined, 's3.large.2', 409, /type c4\) does not accept flavor s3.large.2/],
        [dedicated(h), undefined, 't2.micro', 409, /does not accept flavor t2.micro/],
        [dedicated(h), undefined, 'c4.4xlarge.4', 409, /has 10 free vCPUs, 16 needed/],
      ];
      for (const [hints, az, flavor, status, re] of cases) {
        expectNovaError(await createServer(t, p, { hints, az, flavor }), status, status === 400 ? 'badRequest' : 'conflictingRequest', re);
      }
      assert.deepEqual(await hostRow(t, h), before);
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 1);
      assert.equal((await hostAccounting(t, p, faulty)).instanceTotal, 0);
      assert.equal((await hostAccounting(t, other, foreign)).instanceTotal, 0);
    });

    test('memory is checked as well as vCPUs (s2: 144 vCPUs, 720896 MB; .8 flavors use 8 GB per vCPU)', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p, { host_type: 's2' });
      await serverOn(t, p, h, 's2.8xlarge.8'); // 32 / 262144
      await serverOn(t, p, h, 's2.8xlarge.8');
      let a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory], [80, 720896 - 524288]);
      expectNovaError(await createServer(t, p, { hints: dedicated(h), flavor: 's2.8xlarge.8' }), 409, 'conflictingRequest',
        /has 196608 MB of free memory, 262144 MB needed/);
      await serverOn(t, p, h, 's2.8xlarge.4'); // 32 / 131072
      await serverOn(t, p, h, 's2.4xlarge.4'); // 16 / 65536 → 32 vCPUs, 0 MB left
      a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal], [32, 0, 4]);
      expectNovaError(await createServer(t, p, { hints: dedicated(h), flavor: 's2.medium.1' }), 409, 'conflictingRequest', /0 MB of free memory/);
    });

    test('auto placement spreads: most free memory first, ties to the lowest id; auto_placement off and other AZs are skipped', async () => {
      const p = await t.newProject();
      const [a, b] = await allocate(t, p, { quantity: 2 });
      const [off] = await allocate(t, p, { auto_placement: 'off' });
      const [far] = await allocate(t, p, { availability_zone: 'eu-de-02' });
      assert.ok(a < b);
      const placed: (string | null)[] = [];
      for (let i = 0; i < 3; i++) placed.push(await hostOf(t, p, await createServer(t, p, { hints: dedicated(), az: 'eu-de-01' })));
      assert.deepEqual(placed, [a, b, a]);
      assert.equal((await hostAccounting(t, p, off)).instanceTotal, 0);
      assert.equal((await hostAccounting(t, p, far)).instanceTotal, 0);
      // A bigger ECS on b makes a the roomier one.
      await serverOn(t, p, b, 'c4.4xlarge.4');
      assert.equal(await hostOf(t, p, await createServer(t, p, { hints: dedicated(), az: 'eu-de-01' })), a);
    });

    test('a flavor that several host types accept: their DeHs compete on free memory', async () => {
      const p = await t.newProject();
      const [medium] = await allocate(t, p, { host_type: 's2-medium' }); // 335872 MB
      const [big] = await allocate(t, p, { host_type: 's2' }); // 720896 MB
      const [roomier] = await allocate(t, p, { host_type: 'm4' }); // 622592 MB, but takes no s2 flavor
      assert.equal(await hostOf(t, p, await createServer(t, p, { hints: dedicated(), flavor: 's2.large.2' })), big);
      await serverOn(t, p, big, 's2.8xlarge.8'); // big: 720896 − 4096 − 262144 = 454656 MB free
      await serverOn(t, p, big, 's2.8xlarge.4'); // − 131072 = 323584 MB free < medium's 335872
      assert.equal(await hostOf(t, p, await createServer(t, p, { hints: dedicated(), flavor: 's2.large.2' })), medium);
      assert.equal((await hostAccounting(t, p, roomier)).instanceTotal, 0);
    });

    test('auto placement without an AZ considers every AZ; the ECS takes the chosen DeH\'s AZ', async () => {
      const p = await t.newProject();
      const [near] = await allocate(t, p, { availability_zone: 'eu-de-01' });
      const [far] = await allocate(t, p, { availability_zone: 'eu-de-03' });
      await serverOn(t, p, near, 'c4.large.4');
      const r = await createServer(t, p, { hints: dedicated() });
      const s = await showServer(t, p, r.json().server.id);
      assert.deepEqual([s['OS-EXT-SRV-ATTR:host'], s['OS-EXT-AZ:availability_zone']], [far, 'eu-de-03']);
    });

    test('auto placement refusals: no DeH, only off/full/wrong-type DeHs, a shared-only flavor', async () => {
      const p = await t.newProject();
      expectNovaError(await createServer(t, p, { hints: dedicated(), az: 'eu-de-01' }), 409, 'conflictingRequest', /No valid host was found.*you have no DeH in eu-de-01/);
      const [off] = await allocate(t, p, { auto_placement: 'off' });
      const [s3] = await allocate(t, p, { host_type: 's3' });
      const [full] = await allocate(t, p);
      await serverOn(t, p, full, 'c4.16xlarge.4');
      await serverOn(t, p, full, 'c4.2xlarge.4');
      const msg = expectNovaError(await createServer(t, p, { hints: dedicated(), flavor: 'c4.xlarge.4', az: 'eu-de-01' }), 409, 'conflictingRequest');
      assert.match(msg, new RegExp(`DeH ${off} has auto placement off`));
      assert.match(msg, new RegExp(`DeH ${s3} \\(type s3\\) does not accept flavor c4.xlarge.4`));
      assert.match(msg, new RegExp(`DeH ${full} has 2 free vCPUs, 4 needed`));
      expectNovaError(await createServer(t, p, { hints: dedicated(), flavor: 't2.micro' }), 409, 'conflictingRequest', /offered only in the shared pool/);
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 2);
    });

    test('pack (OPENDEH_PLACEMENT_STRATEGY=pack) fills the fullest DeH that still fits', async () => {
      const packed = await buildTestApp(dialect, { OPENDEH_PLACEMENT_STRATEGY: 'pack' });
      try {
        const p = await packed.newProject();
        const [a, b, c] = await allocate(packed, p, { quantity: 3 });
        await serverOn(packed, p, b, 'c4.8xlarge.4');
        await serverOn(packed, p, c, 'c4.16xlarge.4');
        await serverOn(packed, p, c, 'c4.2xlarge.4'); // c full on vCPUs
        const placed: (string | null)[] = [];
        for (let i = 0; i < 2; i++) placed.push(await hostOf(packed, p, await createServer(packed, p, { hints: dedicated(), flavor: 'c4.xlarge.4' })));
        assert.deepEqual(placed, [b, b]);
        assert.equal((await hostAccounting(packed, p, a)).instanceTotal, 0);
      } finally {
        await packed.close();
      }
    });

    test('no hints or tenancy=shared: the shared pool, on no DeH', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      for (const hints of [undefined, { tenancy: 'shared' }]) {
        assert.equal(await hostOf(t, p, await createServer(t, p, { hints })), null);
      }
      assert.equal((await hostAccounting(t, p, h)).instanceTotal, 0);
    });

    test('release: 409 while ECSs are on the DeH, 204 once they are gone', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const id = await serverOn(t, p, h);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${h}`), 409, 'DEH.0409');
      assert.equal((await nova(t, p, 'DELETE', `/servers/${id}`)).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${h}`)).statusCode, 204);
      expectNovaError(await createServer(t, p, { hints: dedicated(h) }), 400, 'badRequest', /could not be found/);
    });

    test('concurrent creates on one DeH never overbook it', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      // c4.4xlarge.4 = 16 vCPUs: 4 fit in 74.
      const results = await Promise.all(Array.from({ length: 12 }, () => createServer(t, p, { hints: dedicated(h), flavor: 'c4.4xlarge.4' })));
      const codes = results.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [...Array(4).fill(202), ...Array(8).fill(409)], results.map((r) => r.body).join('\n'));
      const a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal, a.instanceUuids.length], [74 - 64, C4.mem - 4 * 65536, 4, 4]);
      const row = await hostRow(t, h);
      assert.deepEqual([row.used_vcpus, row.used_memory_mb, row.free_memory_mb, row.instance_total], [64, 4 * 65536, C4.mem - 4 * 65536, 4]);
    });

    test('concurrent auto placements spread over the DeHs and keep every counter exact', async () => {
      const p = await t.newProject();
      const hosts = await allocate(t, p, { quantity: 3 });
      const results = await Promise.all(Array.from({ length: 15 }, () => createServer(t, p, { hints: dedicated(), flavor: 'c4.4xlarge.4' })));
      assert.equal(results.filter((r) => r.statusCode === 202).length, 12, results.map((r) => r.body).join('\n'));
      assert.equal(results.filter((r) => r.statusCode === 409).length, 3);
      for (const h of hosts) {
        const row = await hostRow(t, h);
        assert.deepEqual([row.used_vcpus, row.instance_total, row.free_memory_mb], [64, 4, C4.mem - 4 * 65536]);
      }
    });

    test('concurrent deletes and migrations of the same servers move each claim exactly once', async () => {
      const p = await t.newProject();
      const [a, b] = await allocate(t, p, { quantity: 2 });
      const gone = await serverOn(t, p, a, 'c4.4xlarge.4');
      const deletes = await Promise.all(Array.from({ length: 6 }, () => nova(t, p, 'DELETE', `/servers/${gone}`)));
      assert.deepEqual(deletes.map((r) => r.statusCode).sort(), [204, 404, 404, 404, 404, 404]);
      const x = await serverOn(t, p, a, 'c4.4xlarge.4');
      const y = await serverOn(t, p, b, 'c4.4xlarge.4');
      for (const id of [x, y]) await nova(t, p, 'POST', `/servers/${id}/action`, { 'os-stop': null });
      // x: a → b and y: b → a at once, each several times; every extra attempt finds the ECS
      // already moved (400 same host) or mid-migration (409), never a second claim.
      const moves = await Promise.all([
        ...Array.from({ length: 3 }, () => nova(t, p, 'POST', `/servers/${x}/action`, { migrate: { host: b } })),
        ...Array.from({ length: 3 }, () => nova(t, p, 'POST', `/servers/${y}/action`, { migrate: { host: a } })),
      ]);
      assert.equal(moves.filter((r) => r.statusCode === 202).length, 2, moves.map((r) => r.body).join('\n'));
      assert.ok(moves.every((r) => [202, 400, 409].includes(r.statusCode)));
      for (const [h, id] of [[a, y], [b, x]]) {
        const acc = await hostAccounting(t, p, h);
        assert.deepEqual([acc.availableVcpus, acc.instanceTotal, acc.instanceUuids], [C4.vcpus - 16, 1, [id]]);
        const row = await hostRow(t, h);
        assert.deepEqual([row.used_vcpus, row.used_memory_mb, row.instance_total], [16, 65536, 1]);
      }
    });
  });
}
