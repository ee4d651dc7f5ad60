import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { expectDehError, json } from '../support/deh.js';

// GET /v1.0/{project_id}/availability-zone/{az}/dedicated-host-types (REF
// querying_available_deh_types.rst; CONTRACT §2.7): the types offered in an AZ, which are
// exactly the ones allocation accepts there.

const ALL_TYPES: Record<string, string> = {
  s2: 'general_purpose', 's2-medium': 'general_purpose', s3: 'general_purpose',
  c3: 'dedicated_general_purpose', c4: 'dedicated_general_purpose',
  m3: 'memory_optimized', m4: 'memory_optimized',
  i3: 'disk_intensive', i3_pro: 'disk_intensive', i3m: 'disk_intensive',
};

for (const dialect of DIALECTS) {
  describe(`host types [${dialect}]`, () => {
    let t: TestApp;
    // eu-de-02 offers two types only; eu-de-01 and eu-de-03 are not named, so they offer all.
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_AZ_HOST_TYPES: 'eu-de-02=c4,m4' }); });
    after(async () => { await t.close(); });

    const typesIn = async (az: string) => {
      const p = await t.newProject();
      const r = await t.deh(p, 'GET', `/availability-zone/${az}/dedicated-host-types`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(Object.keys(json(r)), ['dedicated_host_types']);
      return json(r).dedicated_host_types as { host_type: string; host_type_name: string }[];
    };

    test('all ten types on an AZ without restriction, each {host_type, host_type_name}', async () => {
      const types = await typesIn('eu-de-01');
      assert.equal(types.length, 10);
      for (const x of types) assert.deepEqual(Object.keys(x).sort(), ['host_type', 'host_type_name']);
      assert.deepEqual(Object.fromEntries(types.map((x) => [x.host_type, x.host_type_name])), ALL_TYPES);
    });

    test('OPENDEH_AZ_HOST_TYPES restricts an AZ; allocation follows the same list', async () => {
      assert.deepEqual((await typesIn('eu-de-02')).map((x) => x.host_type).sort(), ['c4', 'm4']);
      const p = await t.newProject();
      expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-02', host_type: 's2', quantity: 1 }), 404, 'DEH.0405');
      assert.equal((await allocate(t, p, { availability_zone: 'eu-de-02', host_type: 'm4' })).length, 1);
      assert.equal((await allocate(t, p, { availability_zone: 'eu-de-01', host_type: 's2' })).length, 1);
    });

    test('an unknown AZ answers 200 with an empty list', async () => {
      assert.deepEqual(await typesIn('eu-nowhere-01'), []);
    });

    test('every listed type can be allocated and reads back as host_properties.host_type', async () => {
      const p = await t.newProject();
      for (const { host_type, host_type_name } of await typesIn('eu-de-03')) {
        const [id] = await allocate(t, p, { availability_zone: 'eu-de-03', host_type });
        const h = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
        assert.equal(h.host_properties.host_type, host_type);
        assert.equal(h.host_properties.host_type_name, host_type_name);
        assert.ok(h.host_properties.available_instance_capacities.length > 0, host_type);
      }
    });
  });
}
