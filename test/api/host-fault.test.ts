import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { action, createServer, expectNovaError, serverOn, showServer } from '../support/compute.js';

// Failure injection: an operator marks a DeH as failed. The DeH shows `fault`, its ECSs go to
// ERROR with a fault (also one still in BUILD: a placement that fails after acceptance),
// placement skips it, and after the repair a hard reboot brings the ECSs back.

for (const dialect of DIALECTS) {
  describe(`DeH fault and repair [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_SERVER_BUILD_SECONDS: '30' }); });
    after(async () => { await t.close(); });

    const op = (method: string, path: string, body?: unknown, token = t.admin.token) =>
      t.call(method, `/opendeh/v1/hosts${path}`, { token, body });

    test('a failed DeH puts its ECSs in ERROR, placement skips it, repair + hard reboot recover', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p, { host_type: 'c4' });
      const building = await serverOn(t, p, host, 'c4.large.4', 'building');
      assert.equal((await showServer(t, p, building)).status, 'BUILD');

      assert.equal((await op('POST', `/${host}/fault`, { reason: 'PSU failed' }, p.token)).statusCode, 403, 'members cannot inject faults');
      const f = await op('POST', `/${host}/fault`, { reason: 'PSU failed' });
      assert.equal(f.statusCode, 200, f.body);
      assert.deepEqual(f.json(), { state: 'fault', failed_servers: 1 });
      assert.equal((await op('POST', `/${host}/fault`, {})).statusCode, 409, 'already in fault');

      const deh = (await t.deh(p, 'GET', `/dedicated-hosts/${host}`)).json().dedicated_host;
      assert.equal(deh.state, 'fault');
      assert.equal(deh.instance_total, 1, 'the broken ECS still holds its claim');
      const s = await showServer(t, p, building);
      assert.equal(s.status, 'ERROR');
      assert.equal(s.fault.code, 500);
      assert.match(s.fault.message, /PSU failed/);
      assert.match(s.fault.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const listed = (await t.deh(p, 'GET', '/dedicated-hosts?state=fault')).json();
      assert.deepEqual(listed.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id), [host]);

      // Neither named nor automatic placement uses a DeH in fault; the DeH cannot be released with ECSs.
      expectNovaError(await createServer(t, p, { hints: { tenancy: 'dedicated', dedicated_host_id: host } }), 409);
      expectNovaError(await createServer(t, p, { hints: { tenancy: 'dedicated' }, az: 'eu-de-01' }), 409);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${host}`)).statusCode, 409);
      expectNovaError(await action(t, p, building, { reboot: { type: 'HARD' } }), 409, undefined, /in fault/);

      const r = await op('POST', `/${host}/repair`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${host}`)).json().dedicated_host.state, 'available');
      assert.equal((await action(t, p, building, { reboot: { type: 'HARD' } })).statusCode, 202);
      t.clock.advance(31_000);
      const back = await showServer(t, p, building);
      assert.equal(back.status, 'ACTIVE');
      assert.equal(back.fault, undefined);
      assert.equal((await op('POST', `/${host}/repair`)).statusCode, 409, 'not in fault any more');
    });

    test('unknown or released DeHs are 404', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${host}`)).statusCode, 204);
      assert.equal((await op('POST', `/${host}/fault`, {})).statusCode, 404);
      assert.equal((await op('POST', '/not-a-host/repair')).statusCode, 404);
    });
  });
}
