import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HOST_TYPES } from '../../src/domain/host-type-catalog.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { createServer, serverOn } from '../support/compute.js';
import { DIALECTS } from '../support/dialects.js';

// `available_instance_counts` on the wire: beside OTC's fields, in show and list (the list's
// hand-written JSON path), moving with every claim, zero on a DeH in fault.

for (const dialect of DIALECTS) {
  describe(`per-flavor fit counts [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('show and list carry them; they follow the claims; OTC fields unchanged', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { host_type: 'c4' });
      const c4 = HOST_TYPES.find((h) => h.hostType === 'c4')!;
      const counts = async () => {
        const shown = (await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;
        const listed = (await t.deh(p, 'GET', `/dedicated-hosts?id=${id}`)).json().dedicated_hosts[0];
        assert.deepEqual(listed.available_instance_counts, shown.available_instance_counts);
        assert.deepEqual(shown.host_properties.available_instance_capacities, c4.flavors.map((f) => ({ flavor: f.name })));
        assert.deepEqual(Object.keys(shown.host_properties), ['host_type', 'host_type_name', 'vcpus', 'cores', 'sockets', 'memory', 'available_instance_capacities']);
        return { host: shown, by: Object.fromEntries(shown.available_instance_counts.map((c: { flavor: string; count: number }) => [c.flavor, c.count])) };
      };
      let { by } = await counts();
      assert.deepEqual(Object.keys(by), c4.flavors.map((f) => f.name));
      assert.equal(by['c4.large.2'], 37);
      assert.equal(by['c4.16xlarge.4'], 1);
      assert.equal(by['c4.16xlarge.2'], 1);
      await serverOn(t, p, id, 'c4.16xlarge.2'); // 64 vCPUs, 128 GiB: 10 vCPUs, 168 GiB left
      const after1 = await counts();
      by = after1.by;
      assert.equal(after1.host.available_vcpus, 10);
      assert.equal(by['c4.16xlarge.2'], 0);
      assert.equal(by['c4.large.2'], 5);
      assert.equal(by['c4.2xlarge.4'], 1);
      // Exactly that many fit: five more c4.large.2 are accepted, the sixth is refused.
      for (let i = 0; i < 5; i++) await serverOn(t, p, id, 'c4.large.2', `fill${i}`);
      assert.equal((await counts()).by['c4.large.2'], 0);
      const sixth = await createServer(t, p, { flavor: 'c4.large.2', hints: { tenancy: 'dedicated', dedicated_host_id: id } });
      assert.equal(sixth.statusCode, 409, sixth.body);
      // A DeH in fault takes none.
      assert.equal((await t.call('POST', `/opendeh/v1/hosts/${id}/fault`, { token: t.admin.token, body: {} })).statusCode, 200);
      assert.ok((await counts()).host.available_instance_counts.every((c: { count: number }) => c.count === 0));
    });
  });
}
