import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { IMAGE, NETWORK, createServer, expectNovaError, nova, serverBody, showServer } from '../support/compute.js';

// Nova v2.1 servers: version documents and microversions, create / list / show / update /
// delete, the request shapes real clients send, BUILD → ACTIVE, idempotent create.

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const dialect of DIALECTS) {
  describe(`compute servers [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('version documents at /compute and /compute/v2.1, without a token', async () => {
      const root = await t.call('GET', '/compute');
      assert.equal(root.statusCode, 200);
      const v = root.json().versions[0];
      assert.deepEqual([v.id, v.status, v.min_version, v.version], ['v2.1', 'CURRENT', '2.1', '2.60']);
      assert.equal(v.links[0].href, 'http://127.0.0.1:8080/compute/v2.1/');
      const one = await t.call('GET', '/compute/v2.1');
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().version.id, 'v2.1');
      assert.equal(one.headers['openstack-api-version'], 'compute 2.1');
    });

    test('microversions: both request headers, latest, defaults, and Nova\'s 400/406', async () => {
      const p = await t.newProject();
      const cases: [Record<string, string>, string][] = [
        [{}, '2.1'],
        [{ 'x-openstack-nova-api-version': '2.55' }, '2.55'],
        [{ 'openstack-api-version': 'compute 2.55' }, '2.55'],
        [{ 'openstack-api-version': 'volume 3.0, compute 2.42' }, '2.42'],
        [{ 'openstack-api-version': 'compute 2.55', 'x-openstack-nova-api-version': '2.10' }, '2.55'],
        [{ 'x-openstack-nova-api-version': 'latest' }, '2.60'],
      ];
      for (const [headers, want] of cases) {
        const r = await nova(t, p, 'GET', '/flavors', undefined, headers);
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['x-openstack-nova-api-version'], want);
        assert.equal(r.headers['openstack-api-version'], `compute ${want}`);
        assert.match(String(r.headers.vary), /OpenStack-API-Version/);
      }
      expectNovaError(await nova(t, p, 'GET', '/flavors', undefined, { 'x-openstack-nova-api-version': '2.61' }), 406, 'notAcceptable', /Minimum is 2.1 and maximum is 2.60/);
      expectNovaError(await nova(t, p, 'GET', '/flavors', undefined, { 'x-openstack-nova-api-version': '3.0' }), 406);
      expectNovaError(await nova(t, p, 'GET', '/flavors', undefined, { 'x-openstack-nova-api-version': 'two' }), 400, 'badRequest');
      // Errors carry the version headers too.
      const nf = await nova(t, p, 'GET', '/servers/00000000-0000-4000-8000-000000000000', undefined, { 'x-openstack-nova-api-version': '2.55' });
      expectNovaError(nf, 404, 'itemNotFound', /could not be found/);
      assert.equal(nf.headers['x-openstack-nova-api-version'], '2.55');
    });

    test('a token is required and must be scoped to the path\'s project', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      expectNovaError(await t.call('GET', `/compute/v2.1/${p.projectId}/servers`), 401, 'unauthorized');
      expectNovaError(await t.call('GET', `/compute/v2.1/${p.projectId}/servers`, { token: q.token }), 403, 'forbidden');
    });

    test('create answers 202 with Nova\'s body; the server is in the shared pool without hints', async () => {
      const p = await t.newProject();
      const r = await createServer(t, p);
      assert.equal(r.statusCode, 202, r.body);
      const s = r.json().server;
      assert.match(s.id, /^[0-9a-f-]{36}$/);
      assert.equal(s['OS-DCF:diskConfig'], 'MANUAL');
      assert.deepEqual(s.security_groups, [{ name: 'default' }]);
      assert.equal(typeof s.adminPass, 'string');
      assert.ok(s.adminPass.length >= 8);
      assert.equal(s.links[0].href, `http://127.0.0.1:8080/compute/v2.1/${p.projectId}/servers/${s.id}`);
      const shown = await showServer(t, p, s.id);
      assert.equal(shown['OS-EXT-SRV-ATTR:host'], null);
      assert.equal(shown.hostId, '');
      // A password the client chose is not echoed back.
      const chosen = await createServer(t, p, { extra: { adminPass: 'my-secret' } });
      assert.equal(chosen.json().server.adminPass, undefined);
    });

    test('the body Terraform sends (microversion 2.55) and what its read needs', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p);
      const body = {
        server: {
          name: 'ecs-instance-1', imageRef: '', flavorRef: 'c4.large.4', availability_zone: 'eu-de-01',
          networks: [{ uuid: NETWORK }], security_groups: [{ name: 'default' }], metadata: { foo: 'bar' },
          config_drive: false, user_data: '',
        },
        'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: host },
      };
      const headers = { 'x-openstack-nova-api-version': '2.55', 'openstack-api-version': 'compute 2.55' };
      const r = await nova(t, p, 'POST', '/servers', body, headers);
      assert.equal(r.statusCode, 202, r.body);
      const s = (await nova(t, p, 'GET', `/servers/${r.json().server.id}`, undefined, headers)).json().server;
      assert.equal(s.name, 'ecs-instance-1');
      assert.equal(s.status, 'ACTIVE');
      assert.equal(s.flavor.id, 'c4.large.4');
      assert.equal(s.flavor.original_name, 'c4.large.4');
      assert.deepEqual([s.flavor.vcpus, s.flavor.ram], [2, 8192]);
      assert.equal(typeof s.image, 'object');
      assert.equal(s.image.id, '');
      assert.equal(s['OS-EXT-AZ:availability_zone'], 'eu-de-01');
      assert.deepEqual(s.security_groups, [{ name: 'default' }]);
      assert.deepEqual(s.metadata, { foo: 'bar' });
      assert.deepEqual(s['os-extended-volumes:volumes_attached'], []);
      assert.match(s.created, RFC3339);
      assert.match(s.updated, RFC3339);
      assert.equal(s.fault, undefined);
      const addr = s.addresses[NETWORK][0];
      assert.deepEqual([addr.version, addr['OS-EXT-IPS:type'], typeof addr.addr], [4, 'fixed', 'string']);
      assert.equal(s['OS-EXT-SRV-ATTR:host'], host);
      assert.match(s.hostId, /^[0-9a-f]{56}$/);
      // The flavor Terraform then reads by the id it found.
      assert.equal((await nova(t, p, 'GET', `/flavors/${s.flavor.id}`)).statusCode, 200);
    });

    test('openstacksdk\'s OS-SCH-HNT:scheduler_hints and the rest of Nova\'s create fields are accepted', async () => {
      const p = await t.newProject();
      const [host] = await allocate(t, p);
      const r = await createServer(t, p, {
        hintsKey: 'OS-SCH-HNT:scheduler_hints', hints: { tenancy: 'dedicated', dedicated_host_id: host, group: 'g1', different_host: ['x'] },
        extra: {
          key_name: 'kp', description: 'd', tags: ['t1'], min_count: 1, max_count: '1', 'OS-DCF:diskConfig': 'AUTO',
          block_device_mapping_v2: [{ boot_index: 0, uuid: IMAGE, source_type: 'image', destination_type: 'volume', volume_size: 10 }],
          config_drive: true, accessIPv4: '', personality: [],
        },
      });
      assert.equal(r.statusCode, 202, r.body);
      const s = await showServer(t, p, r.json().server.id);
      assert.equal(s['OS-EXT-SRV-ATTR:host'], host);
      assert.equal(s.key_name, 'kp');
      assert.equal(s.description, 'd');
      assert.equal(s.config_drive, 'True');
    });

    test('malformed requests are 400 badRequest and create nothing', async () => {
      const p = await t.newProject();
      const bad: [unknown, RegExp?][] = [
        [{ ...serverBody(), extra: 1 }, /unknown field "extra"/],
        [{ server: { ...serverBody().server, colour: 'red' } }, /unknown field "colour"/],
        [{ server: { ...serverBody().server, user_data: 'not base64!' } }],
        [{ server: { ...serverBody().server, name: '' } }],
        [{ server: { ...serverBody().server, metadata: { k: 1 } } }],
        [serverBody({ flavor: 'no.such.flavor' }), /Flavor no.such.flavor could not be found/],
        [serverBody({ az: 'mars-01' }), /availability zone mars-01 is not available/],
        [serverBody({ hints: { tenancy: 'private' } }), /tenancy/],
        [serverBody({ extra: { min_count: 3, max_count: 2 } }), /min_count must be <= max_count/],
        [serverBody({ extra: { max_count: 101 } }), /from 1 to 100/],
        [serverBody({ name: ' padded ' }), /Invalid server name/],
      ];
      for (const [body, re] of bad) expectNovaError(await nova(t, p, 'POST', '/servers', body), 400, 'badRequest', re);
      assert.deepEqual((await nova(t, p, 'GET', '/servers')).json().servers, []);
    });

    test('BUILD → ACTIVE after the configured delay (derived on read)', async () => {
      const slow = await buildTestApp(dialect, { OPENDEH_SERVER_BUILD_SECONDS: '5' });
      try {
        const p = await slow.newProject();
        const id = (await createServer(slow, p)).json().server.id;
        let s = await showServer(slow, p, id);
        assert.deepEqual([s.status, s['OS-EXT-STS:task_state'], s['OS-EXT-STS:vm_state'], s['OS-EXT-STS:power_state'], s.progress],
          ['BUILD', 'spawning', 'building', 0, 0]);
        assert.equal(s['OS-SRV-USG:launched_at'], null);
        slow.clock.advance(4_000);
        assert.equal((await showServer(slow, p, id)).status, 'BUILD');
        slow.clock.advance(1_000);
        s = await showServer(slow, p, id);
        assert.deepEqual([s.status, s['OS-EXT-STS:task_state'], s['OS-EXT-STS:vm_state'], s['OS-EXT-STS:power_state'], s.progress],
          ['ACTIVE', null, 'active', 1, 100]);
        // Actions wait for the build: stopping a building server is a 409.
        const id2 = (await createServer(slow, p)).json().server.id;
        expectNovaError(await nova(slow, p, 'POST', `/servers/${id2}/action`, { 'os-stop': null }), 409, 'conflictingRequest', /vm_state building/);
      } finally {
        await slow.close();
      }
    });

    test('list and detail: newest first, Nova\'s filters, limit/marker with a next link', async () => {
      const p = await t.newProject();
      const ids: string[] = [];
      for (const [name, flavor] of [['web-1', 'c4.large.4'], ['web-2', 'c4.xlarge.4'], ['db-1', 'c4.large.4']]) {
        ids.push((await createServer(t, p, { name, flavor })).json().server.id);
      }
      await nova(t, p, 'POST', `/servers/${ids[1]}/action`, { 'os-stop': null });
      const names = async (q: string) => (await nova(t, p, 'GET', `/servers/detail${q}`)).json().servers.map((s: { name: string }) => s.name);
      assert.deepEqual(await names(''), ['db-1', 'web-2', 'web-1']);
      assert.deepEqual(await names('?name=web'), ['web-2', 'web-1']);
      assert.deepEqual(await names('?name=^web-1$'), ['web-1']);
      assert.deepEqual(await names('?status=SHUTOFF'), ['web-2']);
      assert.deepEqual(await names('?status=active'), ['db-1', 'web-1']);
      assert.deepEqual(await names('?flavor=c4.large.4'), ['db-1', 'web-1']);
      const brief = (await nova(t, p, 'GET', '/servers?limit=2')).json();
      assert.deepEqual(brief.servers.map((s: { id: string }) => s.id), [ids[2], ids[1]]);
      assert.deepEqual(Object.keys(brief.servers[0]).sort(), ['id', 'links', 'name']);
      assert.match(brief.servers_links[0].href, new RegExp(`/servers\\?limit=2&marker=${ids[1]}$`));
      const rest = (await nova(t, p, 'GET', `/servers?limit=2&marker=${ids[1]}`)).json();
      assert.deepEqual(rest.servers.map((s: { id: string }) => s.id), [ids[0]]);
      assert.equal(rest.servers_links, undefined);
      expectNovaError(await nova(t, p, 'GET', '/servers?marker=nope'), 400, 'badRequest', /marker \[nope\] not found/);
      assert.deepEqual((await nova(t, p, 'GET', '/servers?limit=0')).json(), { servers: [] });
      // Another project sees none of them.
      const q = await t.newProject();
      assert.deepEqual((await nova(t, q, 'GET', '/servers')).json().servers, []);
      expectNovaError(await nova(t, q, 'GET', `/servers/${ids[0]}`), 404, 'itemNotFound');
    });

    test('update renames; delete is 204, then 404 everywhere', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p)).json().server.id;
      const u = await nova(t, p, 'PUT', `/servers/${id}`, { server: { name: 'renamed', description: 'x' } });
      assert.equal(u.statusCode, 200);
      assert.equal(u.json().server.name, 'renamed');
      assert.equal((await showServer(t, p, id)).description, 'x');
      expectNovaError(await nova(t, p, 'PUT', `/servers/${id}`, { server: { flavor: 'x' } }), 400);
      const d = await nova(t, p, 'DELETE', `/servers/${id}`);
      assert.equal(d.statusCode, 204);
      assert.equal(d.body, '');
      expectNovaError(await nova(t, p, 'GET', `/servers/${id}`), 404, 'itemNotFound', new RegExp(`Instance ${id} could not be found`));
      expectNovaError(await nova(t, p, 'DELETE', `/servers/${id}`), 404);
      assert.deepEqual((await nova(t, p, 'GET', '/servers')).json().servers, []);
    });

    test('fixed IPs are unique per network; a requested one is honoured or refused', async () => {
      const p = await t.newProject();
      const a = await showServer(t, p, (await createServer(t, p)).json().server.id);
      const b = await showServer(t, p, (await createServer(t, p)).json().server.id);
      assert.equal(a.addresses[NETWORK][0].addr, '192.168.0.10');
      assert.equal(b.addresses[NETWORK][0].addr, '192.168.0.11');
      const c = await createServer(t, p, { extra: { networks: [{ uuid: NETWORK, fixed_ip: '192.168.7.7' }] } });
      assert.equal((await showServer(t, p, c.json().server.id)).addresses[NETWORK][0].addr, '192.168.7.7');
      expectNovaError(await createServer(t, p, { extra: { networks: [{ uuid: NETWORK, fixed_ip: '192.168.0.10' }] } }), 400, 'badRequest', /already in use/);
      const none = await showServer(t, p, (await createServer(t, p, { extra: { networks: 'none' } })).json().server.id);
      assert.deepEqual(none.addresses, {});
      const auto = await showServer(t, p, (await createServer(t, p, { extra: { networks: 'auto' } })).json().server.id);
      assert.deepEqual(Object.keys(auto.addresses), ['default']);
    });

    test('a deleted server frees its address for the next one, lowest first', async () => {
      const p = await t.newProject();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await createServer(t, p)).json().server.id); // .10 .11 .12 .13
      // A client-chosen address ahead of the cursor is skipped by automatic allocation.
      const pinned = await createServer(t, p, { extra: { networks: [{ uuid: NETWORK, fixed_ip: '192.168.0.14' }] } });
      assert.equal(pinned.statusCode, 202, pinned.body);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${ids[2]}`)).statusCode, 204);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${ids[1]}`)).statusCode, 204);
      const addr = async () => (await showServer(t, p, (await createServer(t, p)).json().server.id)).addresses[NETWORK][0].addr;
      assert.equal(await addr(), '192.168.0.11');
      assert.equal(await addr(), '192.168.0.12');
      assert.equal(await addr(), '192.168.0.15');
      // Addresses are per project: another project starts at .10 again.
      const q = await t.newProject();
      assert.equal((await showServer(t, q, (await createServer(t, q)).json().server.id)).addresses[NETWORK][0].addr, '192.168.0.10');
    });

    test('max_count creates that many servers, named name-1..n', async () => {
      const p = await t.newProject();
      const r = await createServer(t, p, { name: 'batch', extra: { min_count: 2, max_count: 3 } });
      assert.equal(r.statusCode, 202, r.body);
      const names = (await nova(t, p, 'GET', '/servers')).json().servers.map((s: { name: string }) => s.name).sort();
      assert.deepEqual(names, ['batch-1', 'batch-2', 'batch-3']);
      const rr = await createServer(t, p, { extra: { max_count: 2, return_reservation_id: true } });
      assert.match(rr.json().reservation_id, /^r-/);
    });

    test('X-Client-Token makes create idempotent', async () => {
      const p = await t.newProject();
      const headers = { 'x-client-token': 'create-once' };
      const r1 = await nova(t, p, 'POST', '/servers', serverBody(), headers);
      const r2 = await nova(t, p, 'POST', '/servers', serverBody(), headers);
      assert.equal(r1.statusCode, 202);
      assert.equal(r2.statusCode, 202);
      assert.equal(r2.json().server.id, r1.json().server.id);
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 1);
      expectNovaError(await nova(t, p, 'POST', '/servers', serverBody({ name: 'other' }), headers), 409, 'conflictingRequest', /IdempotentParameterMismatch/);
    });
  });
}
