import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { action, createServer, expectNovaError, hostAccounting, hostRow, nova, serverOn, showServer } from '../support/compute.js';

// Every server action and status transition, with the DeH's accounting after each step.
// c4 DeH: 74 vCPUs, 303104 MB.

const C4 = { vcpus: 74, mem: 303104 };
const status = async (t: TestApp, p: Parameters<typeof showServer>[1], id: string) => {
  const s = await showServer(t, p, id);
  return [s.status, s['OS-EXT-STS:vm_state'], s['OS-EXT-STS:power_state'], s['OS-EXT-STS:task_state']];
};

for (const dialect of DIALECTS) {
  describe(`compute server actions [${dialect}]`, () => {
    let t: TestApp;
    let slow: TestApp; // transient statuses last 10 s here
    before(async () => {
      t = await buildTestApp(dialect);
      slow = await buildTestApp(dialect, { OPENDEH_SERVER_BUILD_SECONDS: '10' });
    });
    after(async () => {
      await t.close();
      await slow.close();
    });

    test('os-stop / os-start: ACTIVE ⇄ SHUTOFF, 202; the wrong state is 409', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p)).json().server.id;
      const stop = await action(t, p, id, { 'os-stop': null });
      assert.equal(stop.statusCode, 202);
      assert.equal(stop.body, '');
      assert.deepEqual(await status(t, p, id), ['SHUTOFF', 'stopped', 4, null]);
      expectNovaError(await action(t, p, id, { 'os-stop': null }), 409, 'conflictingRequest', /Cannot 'os-stop' instance .* vm_state stopped/);
      assert.equal((await action(t, p, id, { 'os-start': null })).statusCode, 202);
      assert.deepEqual(await status(t, p, id), ['ACTIVE', 'active', 1, null]);
      expectNovaError(await action(t, p, id, { 'os-start': null }), 409, 'conflictingRequest');
    });

    test('reboot: SOFT from ACTIVE via REBOOT, HARD also from SHUTOFF via HARD_REBOOT', async () => {
      const p = await slow.newProject();
      const id = (await createServer(slow, p)).json().server.id;
      slow.clock.advance(10_000);
      assert.equal((await action(slow, p, id, { reboot: { type: 'SOFT' } })).statusCode, 202);
      assert.deepEqual(await status(slow, p, id), ['REBOOT', 'active', 1, 'rebooting']);
      expectNovaError(await action(slow, p, id, { 'os-stop': null }), 409);
      slow.clock.advance(10_000);
      assert.deepEqual(await status(slow, p, id), ['ACTIVE', 'active', 1, null]);
      await action(slow, p, id, { 'os-stop': null });
      expectNovaError(await action(slow, p, id, { reboot: { type: 'SOFT' } }), 409);
      assert.equal((await action(slow, p, id, { reboot: { type: 'HARD' } })).statusCode, 202);
      assert.equal((await showServer(slow, p, id)).status, 'HARD_REBOOT');
      slow.clock.advance(10_000);
      assert.deepEqual(await status(slow, p, id), ['ACTIVE', 'active', 1, null]);
      expectNovaError(await action(slow, p, id, { reboot: { type: 'FIRM' } }), 400);
    });

    test('resize on a DeH: RESIZE → VERIFY_RESIZE holding max(old,new); confirm (204) keeps the new flavor', async () => {
      const p = await slow.newProject();
      const [h] = await allocate(slow, p);
      const id = await serverOn(slow, p, h, 'c4.xlarge.2'); // 4 vCPUs, 8192 MB
      slow.clock.advance(10_000);
      assert.equal((await action(slow, p, id, { resize: { flavorRef: 'c4.large.4' } })).statusCode, 202); // 2 vCPUs, 8192 MB → same RAM
      assert.deepEqual(await status(slow, p, id), ['RESIZE', 'active', 1, 'resize_migrating']);
      assert.equal((await showServer(slow, p, id)).flavor.id, 'c4.large.4');
      let a = await hostAccounting(slow, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal], [C4.vcpus - 4, C4.mem - 8192, 1]);
      expectNovaError(await action(slow, p, id, { confirmResize: null }), 409, 'conflictingRequest', /vm_state resizing/);
      slow.clock.advance(10_000);
      assert.deepEqual(await status(slow, p, id), ['VERIFY_RESIZE', 'resized', 1, null]);
      const c = await action(slow, p, id, { confirmResize: null });
      assert.equal(c.statusCode, 204);
      assert.deepEqual(await status(slow, p, id), ['ACTIVE', 'active', 1, null]);
      a = await hostAccounting(slow, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory], [C4.vcpus - 2, C4.mem - 8192]);
      expectNovaError(await action(slow, p, id, { revertResize: null }), 409);
    });

    test('resize up then revert: REVERT_RESIZE → the old flavor and claim; a stopped server stays stopped', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const id = await serverOn(t, p, h, 'c4.large.4'); // 2 / 8192
      await action(t, p, id, { 'os-stop': null });
      assert.equal((await action(t, p, id, { resize: { flavorRef: 'c4.2xlarge.4' } })).statusCode, 202); // 8 / 32768
      assert.deepEqual(await status(t, p, id), ['VERIFY_RESIZE', 'resized', 4, null]);
      let a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory], [C4.vcpus - 8, C4.mem - 32768]);
      assert.equal((await action(t, p, id, { revertResize: null })).statusCode, 202);
      const s = await showServer(t, p, id);
      assert.deepEqual([s.status, s.flavor.id, s.flavor.vcpus], ['SHUTOFF', 'c4.large.4', 2]);
      a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal], [C4.vcpus - 2, C4.mem - 8192, 1]);
      // Resize of the stopped server, confirmed: back to SHUTOFF with the new flavor.
      await action(t, p, id, { resize: { flavorRef: 'c4.xlarge.4' } });
      assert.equal((await action(t, p, id, { confirmResize: null })).statusCode, 204);
      assert.deepEqual(await status(t, p, id), ['SHUTOFF', 'stopped', 4, null]);
      a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory], [C4.vcpus - 4, C4.mem - 16384]);
    });

    test('resize refusals leave the server and the DeH untouched', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const big = await serverOn(t, p, h, 'c4.16xlarge.4'); // 64 / 262144
      const id = await serverOn(t, p, h, 'c4.large.4'); // 2 / 8192 → 8 vCPUs, 32768 MB left
      const before = await hostRow(t, h);
      expectNovaError(await action(t, p, id, { resize: { flavorRef: 'c4.large.4' } }), 400, 'badRequest', /must change flavor/);
      expectNovaError(await action(t, p, id, { resize: { flavorRef: 'x.y.z' } }), 400, 'badRequest', /Flavor x.y.z could not be found/);
      expectNovaError(await action(t, p, id, { resize: { flavorRef: 's3.large.2' } }), 409, 'conflictingRequest', /does not accept flavor s3.large.2/);
      expectNovaError(await action(t, p, id, { resize: { flavorRef: 'c4.4xlarge.4' } }), 409, 'conflictingRequest', /free vCPUs/);
      expectNovaError(await action(t, p, id, { confirmResize: null }), 409);
      const after = await hostRow(t, h);
      assert.deepEqual(after, before);
      assert.deepEqual(await status(t, p, id), ['ACTIVE', 'active', 1, null]);
      assert.equal((await showServer(t, p, id)).flavor.id, 'c4.large.4');
      assert.ok(big);
    });

    test('resize in the shared pool needs no DeH', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p, { flavor: 't2.micro' })).json().server.id;
      assert.equal((await action(t, p, id, { resize: { flavorRef: 's3.large.2' } })).statusCode, 202);
      assert.equal((await action(t, p, id, { confirmResize: null })).statusCode, 204);
      const s = await showServer(t, p, id);
      assert.deepEqual([s.status, s.flavor.id, s['OS-EXT-SRV-ATTR:host']], ['ACTIVE', 's3.large.2', null]);
    });

    test('migrate a stopped ECS between DeHs: RESIZE → SHUTOFF, the claim moves', async () => {
      const p = await slow.newProject();
      const [a, b] = await allocate(slow, p, { quantity: 2 });
      const id = await serverOn(slow, p, a, 'c4.xlarge.4'); // 4 / 16384
      slow.clock.advance(10_000);
      expectNovaError(await action(slow, p, id, { migrate: { host: b } }), 409, 'conflictingRequest', /only a stopped ECS can be migrated/);
      await action(slow, p, id, { 'os-stop': null });
      assert.equal((await action(slow, p, id, { migrate: { host: b } })).statusCode, 202);
      assert.deepEqual(await status(slow, p, id), ['RESIZE', 'stopped', 4, 'migrating']);
      slow.clock.advance(10_000);
      const s = await showServer(slow, p, id);
      assert.deepEqual([s.status, s['OS-EXT-SRV-ATTR:host']], ['SHUTOFF', b]);
      const [ha, hb] = [await hostAccounting(slow, p, a), await hostAccounting(slow, p, b)];
      assert.deepEqual([ha.availableVcpus, ha.availableMemory, ha.instanceTotal, ha.instanceUuids], [C4.vcpus, C4.mem, 0, []]);
      assert.deepEqual([hb.availableVcpus, hb.availableMemory, hb.instanceTotal, hb.instanceUuids], [C4.vcpus - 4, C4.mem - 16384, 1, [id]]);
      // DeH server lists follow.
      assert.deepEqual(JSON.parse((await slow.deh(p, 'GET', `/dedicated-hosts/${a}/servers`)).body).servers, []);
      assert.equal(JSON.parse((await slow.deh(p, 'GET', `/dedicated-hosts/${b}/servers`)).body).servers[0].id, id);
    });

    test('migrate out to the shared pool and back in; refusals are clear and change nothing', async () => {
      const p = await t.newProject();
      const [a, b] = await allocate(t, p, { quantity: 2 });
      const [s3] = await allocate(t, p, { host_type: 's3' });
      const [far] = await allocate(t, p, { availability_zone: 'eu-de-02' });
      const filler = await serverOn(t, p, b, 'c4.16xlarge.4'); // b: 10 vCPUs left
      const id = await serverOn(t, p, a, 'c4.4xlarge.4'); // 16 vCPUs
      await action(t, p, id, { 'os-stop': null });
      const rows = async () => [await hostRow(t, a), await hostRow(t, b)];
      const before = await rows();
      expectNovaError(await action(t, p, id, { migrate: { host: a } }), 400, 'badRequest', /can't be the same one/);
      expectNovaError(await action(t, p, id, { migrate: { host: '00000000-0000-4000-8000-000000000000' } }), 400, 'badRequest', /could not be found/);
      expectNovaError(await action(t, p, id, { migrate: { dedicated_host_id: s3 } }), 409, 'conflictingRequest', /does not accept flavor c4.4xlarge.4/);
      expectNovaError(await action(t, p, id, { migrate: { host: far } }), 409, 'conflictingRequest', /in eu-de-02, not in the requested eu-de-01/);
      expectNovaError(await action(t, p, id, { migrate: { host: b } }), 409, 'conflictingRequest', /has 10 free vCPUs, 16 needed/);
      assert.deepEqual(await rows(), before);
      assert.equal((await action(t, p, id, { migrate: null })).statusCode, 202);
      let s = await showServer(t, p, id);
      assert.deepEqual([s.status, s['OS-EXT-SRV-ATTR:host']], ['SHUTOFF', null]);
      assert.equal((await hostAccounting(t, p, a)).availableVcpus, C4.vcpus);
      expectNovaError(await action(t, p, id, { migrate: null }), 400, 'badRequest', /already in the shared pool/);
      assert.equal((await action(t, p, id, { migrate: { dedicated_host_id: a } })).statusCode, 202);
      s = await showServer(t, p, id);
      assert.equal(s['OS-EXT-SRV-ATTR:host'], a);
      assert.equal((await hostAccounting(t, p, a)).availableVcpus, C4.vcpus - 16);
      assert.ok(filler);
    });

    test('delete gives back the whole claim, also in the middle of a resize', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const id = await serverOn(t, p, h, 'c4.xlarge.2'); // 4 / 8192
      await action(t, p, id, { resize: { flavorRef: 'c4.large.4' } }); // holds 4 / 8192
      assert.equal((await showServer(t, p, id)).status, 'VERIFY_RESIZE');
      assert.equal((await nova(t, p, 'DELETE', `/servers/${id}`)).statusCode, 204);
      const a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal, a.instanceUuids], [C4.vcpus, C4.mem, 0, []]);
      const row = await hostRow(t, h);
      assert.deepEqual([row.used_vcpus, row.used_memory_mb, row.free_memory_mb], [0, 0, C4.mem]);
    });

    test('unknown, doubled or misspelt actions are 400; unknown server 404', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p)).json().server.id;
      expectNovaError(await action(t, p, id, { shelve: null }), 400, 'badRequest', /unknown field "shelve"/);
      expectNovaError(await action(t, p, id, { 'os-stop': null, 'os-start': null }), 400);
      expectNovaError(await action(t, p, id, {}), 400);
      expectNovaError(await action(t, p, '00000000-0000-4000-8000-000000000000', { 'os-stop': null }), 404, 'itemNotFound');
    });
  });
}
