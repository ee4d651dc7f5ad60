import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../../support/app.js';
import { action, createServer, expectNovaError, hostAccounting, hostRow, nova, showServer } from '../../support/compute.js';
import { expectDehError } from '../../support/deh.js';

// The story of issue 4: fill a c4 DeH with ECSs until the next does not fit, read the exact
// accounting through the DeH API, fail to release it, move one ECS away and delete the rest,
// release it. Every step's numbers are asserted (through the API and on the host row).
// c4: 74 vCPUs, 303104 MB; c4.2xlarge.4: 8 vCPUs, 32768 MB → 9 fit, 2 vCPUs / 8192 MB stay free.

const HOST = { vcpus: 74, mem: 303104 };
const FLAVOR = { name: 'c4.2xlarge.4', vcpus: 8, mem: 32768 };

for (const dialect of DIALECTS) {
  describe(`scenario: ECS capacity on a DeH [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('fill → 409 → exact accounting → release 409 → migrate one, delete the rest → release 204', async () => {
      const p = await t.newProject();
      const [h1] = await allocate(t, p, { name: 'deh-1' });

      const expectHost = async (id: string, n: number, uuids: string[], vcpusUsed = n * FLAVOR.vcpus, memUsed = n * FLAVOR.mem) => {
        const a = await hostAccounting(t, p, id);
        assert.deepEqual(a, { availableVcpus: HOST.vcpus - vcpusUsed, availableMemory: HOST.mem - memUsed, instanceTotal: n, instanceUuids: [...uuids].sort() });
        const row = await hostRow(t, id);
        assert.deepEqual([row.used_vcpus, row.used_memory_mb, row.free_memory_mb, row.instance_total], [vcpusUsed, memUsed, HOST.mem - memUsed, n]);
      };
      await expectHost(h1, 0, []);

      // 1. Fill it with tenancy=dedicated (auto placement: h1 is the project's only DeH).
      const ids: string[] = [];
      for (let i = 1; i <= 9; i++) {
        const r = await createServer(t, p, { name: `ecs-${i}`, flavor: FLAVOR.name, hints: { tenancy: 'dedicated' }, az: 'eu-de-01' });
        assert.equal(r.statusCode, 202, `ECS ${i}: ${r.body}`);
        ids.push(r.json().server.id);
        await expectHost(h1, i, ids);
      }

      // 2. The tenth does not fit, by auto placement or by naming the DeH; nothing changes.
      const genBefore = (await hostRow(t, h1)).generation;
      expectNovaError(await createServer(t, p, { flavor: FLAVOR.name, hints: { tenancy: 'dedicated' } }), 409, 'conflictingRequest',
        new RegExp(`No valid host was found.*DeH ${h1} has 2 free vCPUs, 8 needed`));
      expectNovaError(await createServer(t, p, { flavor: FLAVOR.name, hints: { tenancy: 'dedicated', dedicated_host_id: h1 } }), 409, 'conflictingRequest',
        /has 2 free vCPUs, 8 needed/);
      await expectHost(h1, 9, ids);
      assert.equal((await hostRow(t, h1)).generation, genBefore);
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 9);
      // The smallest c4 flavor still fits exactly, proving the remaining numbers are real.
      const last = await createServer(t, p, { flavor: 'c4.large.4', hints: { tenancy: 'dedicated', dedicated_host_id: h1 } });
      assert.equal(last.statusCode, 202, last.body);
      await expectHost(h1, 10, [...ids, last.json().server.id], 74, 303104);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${last.json().server.id}`)).statusCode, 204);
      await expectHost(h1, 9, ids);

      // 3. The DeH's servers list names exactly these ECSs, as the compute API shows them.
      const listed = JSON.parse((await t.deh(p, 'GET', `/dedicated-hosts/${h1}/servers`)).body).servers;
      assert.deepEqual(listed.map((s: { id: string }) => s.id), [...ids].sort());
      for (const s of listed) {
        assert.deepEqual([s.status, s.flavor, s.tenant_id, s.user_id], ['ACTIVE', { id: FLAVOR.name }, p.projectId, p.userId]);
        assert.equal(s.name, `ecs-${ids.indexOf(s.id) + 1}`);
        assert.match(s.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.equal(s.addresses[Object.keys(s.addresses)[0]][0]['OS-EXT-IPS:type'], 'fixed');
      }

      // 4. Release is refused while ECSs are on it.
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${h1}`), 409, 'DEH.0409');
      await expectHost(h1, 9, ids);

      // 5. Stop one ECS and migrate it to a second DeH.
      const [h2] = await allocate(t, p, { name: 'deh-2' });
      const moved = ids[4];
      expectNovaError(await action(t, p, moved, { migrate: { host: h2 } }), 409, 'conflictingRequest', /stopped/);
      assert.equal((await action(t, p, moved, { 'os-stop': null })).statusCode, 202);
      assert.equal((await action(t, p, moved, { migrate: { host: h2 } })).statusCode, 202);
      const rest = ids.filter((id) => id !== moved);
      await expectHost(h1, 8, rest);
      await expectHost(h2, 1, [moved]);
      const m = await showServer(t, p, moved);
      assert.deepEqual([m.status, m['OS-EXT-SRV-ATTR:host']], ['SHUTOFF', h2]);

      // 6. Delete the rest, one by one.
      for (let i = 0; i < rest.length; i++) {
        assert.equal((await nova(t, p, 'DELETE', `/servers/${rest[i]}`)).statusCode, 204);
        await expectHost(h1, rest.length - i - 1, rest.slice(i + 1));
      }
      assert.deepEqual(JSON.parse((await t.deh(p, 'GET', `/dedicated-hosts/${h1}/servers`)).body).servers, []);

      // 7. Now it releases, and is gone; the migrated ECS still holds h2.
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${h1}`)).statusCode, 204);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${h1}`), 404);
      await expectHost(h2, 1, [moved]);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${h2}`), 409, 'DEH.0409');
    });
  });
}
