import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { declareInventory } from '../../src/wiring.js';

// The physical pool (issue 12): with no inventory declared allocation is unlimited (every
// other suite runs that way); once servers are declared, an allocation takes one free server
// per DeH, all or none, release gives it back, a failure takes it out, and the host-type list
// of an AZ shows only the types that still have a free server there.

for (const dialect of DIALECTS) {
  describe(`physical pool [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const op = (method: string, path: string, body?: unknown, token = t.admin.token) => t.call(method, `/opendeh/v1${path}`, { token, body });
    const counts = async () => {
      const r = await op('GET', '/pool');
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    const types = async (p: TestProject, az: string) =>
      (await t.deh(p, 'GET', `/availability-zone/${az}/dedicated-host-types`)).json().dedicated_host_types.map((x: { host_type: string }) => x.host_type);
    const server = (name: string, az = 'eu-de-01', host_type = 'c4') => ({ name, availability_zone: az, host_type });

    test('no inventory: unlimited, every offered type listed', async () => {
      const p = await t.newProject();
      assert.deepEqual(await counts(), { configured: false, pool: [] });
      assert.equal((await allocate(t, p, { quantity: 5 })).length, 5);
      assert.ok((await types(p, 'eu-de-02')).includes('c4'));
    });

    test('inventory bounds allocation all-or-nothing; release returns, failure removes, retire', async () => {
      const p = await t.newProject();
      // Validation and permission first: nothing is added by a refused call.
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [server('x-1')] }, p.token)).statusCode, 403, 'members may not add');
      assert.equal((await op('GET', '/pool', undefined, p.token)).statusCode, 403, 'members may not read');
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [server('x 1')] })).statusCode, 400);
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [server('x-1', 'eu-de-09')] })).statusCode, 400);
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [server('x-1', 'eu-de-01', 'zz9')] })).statusCode, 404);
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [server('x-1'), server('x-1')] })).statusCode, 400);
      assert.equal((await op('POST', '/pool/servers', { physical_servers: [] })).statusCode, 400);
      assert.equal((await counts()).configured, false);

      const add = await op('POST', '/pool/servers', { physical_servers: [server('c4-a'), server('c4-b'), server('s3-a', 'eu-de-01', 's3')] });
      assert.equal(add.statusCode, 201, add.body);
      assert.deepEqual(add.json().physical_servers.map((s: { name: string; state: string }) => `${s.name}:${s.state}`), ['c4-a:free', 'c4-b:free', 's3-a:free']);
      const dup = await op('POST', '/pool/servers', { physical_servers: [server('c4-z'), server('c4-a')] });
      assert.equal(dup.statusCode, 409, 'a name already in the pool');
      assert.match(dup.json().error.message, /c4-a/);

      assert.deepEqual((await counts()).pool, [
        { availability_zone: 'eu-de-01', host_type: 'c4', free: 2, allocated: 0, faulty: 0, retired: 0 },
        { availability_zone: 'eu-de-01', host_type: 's3', free: 1, allocated: 0, faulty: 0, retired: 0 },
      ]);
      assert.deepEqual((await types(p, 'eu-de-01')).sort(), ['c4', 's3']);
      assert.deepEqual(await types(p, 'eu-de-02'), [], 'no server declared there');

      // Three asked, two free: refused whole, with the reference's 403 and our code.
      const before3 = (await t.deh(p, 'GET', '/dedicated-hosts')).json().total;
      const three = await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 3 });
      assert.equal(three.statusCode, 403, three.body);
      assert.equal(three.json().error.code, 'DEH.0053');
      assert.match(three.json().error.message, /2 free physical server\(s\) of host type c4 in eu-de-01, 3 requested/);
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).json().total, before3, 'nothing allocated');
      assert.equal((await counts()).pool[0].free, 2);
      assert.equal((await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-02', host_type: 'c4', quantity: 1 })).statusCode, 403);

      const [h1, h2] = await allocate(t, p, { quantity: 2, name: 'pooled' });
      assert.deepEqual((await counts()).pool[0], { availability_zone: 'eu-de-01', host_type: 'c4', free: 0, allocated: 2, faulty: 0, retired: 0 });
      assert.deepEqual(await types(p, 'eu-de-01'), ['s3'], 'c4 sold out');
      const listed = (await op('GET', '/pool/servers?host_type=c4')).json().physical_servers;
      assert.deepEqual(listed.map((s: { dedicated_host_id: string }) => s.dedicated_host_id).sort(), [h1, h2].sort(), 'each backs one DeH');
      assert.equal((await op('POST', '/pool/servers/c4-a/retire')).statusCode, 409, 'backs a DeH');

      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${h1}`)).statusCode, 204);
      assert.equal((await counts()).pool[0].free, 1, 'release gives the server back');
      assert.deepEqual((await types(p, 'eu-de-01')).sort(), ['c4', 's3']);

      assert.equal((await op('POST', `/hosts/${h2}/fault`, {})).statusCode, 200);
      assert.deepEqual((await counts()).pool[0], { availability_zone: 'eu-de-01', host_type: 'c4', free: 1, allocated: 0, faulty: 1, retired: 0 });
      assert.equal((await op('POST', `/hosts/${h2}/repair`)).statusCode, 200);
      assert.equal((await counts()).pool[0].allocated, 1, 'repaired: it backs its DeH again');
      assert.equal((await op('POST', `/hosts/${h2}/fault`, {})).statusCode, 200);
      const faulty = (await op('GET', '/pool/servers?state=faulty')).json().physical_servers;
      assert.equal(faulty.length, 1);
      assert.equal(faulty[0].dedicated_host_id, h2);
      // The failed DeH can be released; its server stays out of the pool.
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${h2}`)).statusCode, 204);
      assert.deepEqual((await counts()).pool[0], { availability_zone: 'eu-de-01', host_type: 'c4', free: 1, allocated: 0, faulty: 1, retired: 0 });
      const retired = await op('POST', `/pool/servers/${faulty[0].name}/retire`);
      assert.equal(retired.statusCode, 200, retired.body);
      assert.equal(retired.json().physical_server.state, 'retired');
      assert.equal((await op('POST', `/pool/servers/${faulty[0].name}/retire`)).statusCode, 409, 'already retired');
      assert.equal((await op('POST', '/pool/servers/nope/retire')).statusCode, 404);
      assert.deepEqual((await counts()).pool[0], { availability_zone: 'eu-de-01', host_type: 'c4', free: 1, allocated: 0, faulty: 0, retired: 1 });

      // Paging by name, filters.
      const page1 = (await op('GET', '/pool/servers?limit=2')).json().physical_servers;
      const page2 = (await op('GET', `/pool/servers?limit=2&marker=${page1[1].name}`)).json().physical_servers;
      assert.deepEqual([...page1, ...page2].map((s: { name: string }) => s.name), ['c4-a', 'c4-b', 's3-a']);
      assert.equal((await op('GET', '/pool/servers?state=broken')).statusCode, 400);
    });
  });

  describe(`physical pool from OPENDEH_POOL_FILE [${dialect}]`, () => {
    let t: TestApp;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'opendeh-pool-'));
      writeFileSync(join(dir, 'pool.json'), JSON.stringify({
        physical_servers: [
          { names: ['sn-1001', 'sn-1002'], availability_zone: 'eu-de-02', host_type: 'm4' },
          { name: 'sn-2001', availability_zone: 'eu-de-01', host_type: 'c4' },
        ],
      }));
      t = await buildTestApp(dialect, { OPENDEH_POOL_FILE: join(dir, 'pool.json') });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('declared at start-up, once: a restart with the same file changes nothing', async () => {
      const r = await t.call('GET', '/opendeh/v1/pool', { token: t.admin.token });
      assert.deepEqual(r.json().pool.map((c: { availability_zone: string; host_type: string; free: number }) => `${c.availability_zone}/${c.host_type}=${c.free}`),
        ['eu-de-01/c4=1', 'eu-de-02/m4=2']);
      const p = await t.newProject();
      await allocate(t, p, { availability_zone: 'eu-de-02', host_type: 'm4' });
      assert.equal(await declareInventory(t.config, t.services), 0, 'the same names again: nothing added, states kept');
      const again = (await t.call('GET', '/opendeh/v1/pool', { token: t.admin.token })).json().pool;
      assert.deepEqual(again.find((c: { host_type: string }) => c.host_type === 'm4'), { availability_zone: 'eu-de-02', host_type: 'm4', free: 1, allocated: 1, faulty: 0, retired: 0 });
    });
  });
}
