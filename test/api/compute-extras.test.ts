import { after, before, describe, test } from 'node:test';
import { IMAGE_CATALOG } from '../../src/domain/image-catalog.js';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { IMAGE, NETWORK, createServer, expectNovaError, nova } from '../support/compute.js';
import { FLAVORS } from '../../src/domain/flavors.js';
import { HOST_TYPES } from '../../src/domain/host-type-catalog.js';

// Flavors, server metadata and the side endpoints clients call (CONTRACT §5.4): networks,
// interfaces, server password, the image lookups (Nova 404, the Glance subset).

for (const dialect of DIALECTS) {
  describe(`compute flavors and side endpoints [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('flavors: every DeH-type flavor and the shared-pool ones, id = name, Nova\'s shape', async () => {
      const p = await t.newProject();
      const list = (await nova(t, p, 'GET', '/flavors')).json().flavors;
      const ids = list.map((f: { id: string }) => f.id);
      for (const type of HOST_TYPES) for (const f of type.flavors) assert.ok(ids.includes(f.name), f.name);
      assert.ok(ids.includes('t2.micro'));
      assert.equal(ids.length, FLAVORS.size);
      assert.ok(list.every((f: { id: string; name: string }) => f.id === f.name));
      const detail = (await nova(t, p, 'GET', '/flavors/detail')).json().flavors;
      const c4 = detail.find((f: { id: string }) => f.id === 'c4.large.4');
      assert.deepEqual([c4.vcpus, c4.ram, c4.disk, c4.swap, c4['OS-FLV-EXT-DATA:ephemeral'], c4['os-flavor-access:is_public']], [2, 8192, 0, '', 0, true]);
      const one = await nova(t, p, 'GET', '/flavors/c4.large.4');
      assert.deepEqual(one.json().flavor, c4);
      assert.deepEqual((await nova(t, p, 'GET', '/flavors/c4.large.4/os-extra_specs')).json(), { extra_specs: {} });
      expectNovaError(await nova(t, p, 'GET', '/flavors/c9.huge'), 404, 'itemNotFound', /Flavor c9.huge could not be found/);
      const big = (await nova(t, p, 'GET', '/flavors/detail?minRam=524288')).json().flavors;
      assert.ok(big.length > 0 && big.every((f: { ram: number }) => f.ram >= 524288));
      const page = (await nova(t, p, 'GET', `/flavors?limit=2&marker=${ids[0]}`)).json().flavors;
      assert.deepEqual(page.map((f: { id: string }) => f.id), ids.slice(1, 3));
      expectNovaError(await nova(t, p, 'GET', '/flavors?marker=nope'), 400);
    });

    test('metadata: read, merge, replace, one item, delete', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p, { extra: { metadata: { a: '1' } } })).json().server.id;
      const md = (path: string) => nova(t, p, 'GET', `/servers/${id}/metadata${path}`);
      assert.deepEqual((await md('')).json(), { metadata: { a: '1' } });
      assert.deepEqual((await nova(t, p, 'POST', `/servers/${id}/metadata`, { metadata: { b: '2' } })).json(), { metadata: { a: '1', b: '2' } });
      assert.deepEqual((await nova(t, p, 'PUT', `/servers/${id}/metadata`, { metadata: { c: '3' } })).json(), { metadata: { c: '3' } });
      assert.deepEqual((await nova(t, p, 'PUT', `/servers/${id}/metadata/d`, { meta: { d: '4' } })).json(), { meta: { d: '4' } });
      assert.deepEqual((await md('/d')).json(), { meta: { d: '4' } });
      expectNovaError(await nova(t, p, 'PUT', `/servers/${id}/metadata/d`, { meta: { e: '4' } }), 400, 'badRequest', /mismatch/);
      assert.equal((await nova(t, p, 'DELETE', `/servers/${id}/metadata/c`)).statusCode, 204);
      expectNovaError(await nova(t, p, 'DELETE', `/servers/${id}/metadata/c`), 404);
      expectNovaError(await md('/c'), 404);
      assert.deepEqual((await md('')).json(), { metadata: { d: '4' } });
      const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
      expectNovaError(await nova(t, p, 'PUT', `/servers/${id}/metadata`, { metadata: many }), 400, 'badRequest', /metadata_items/);
      // The DeH servers list shows the same (string) metadata.
      expectNovaError(await nova(t, p, 'POST', `/servers/${id}/metadata`, { metadata: { n: 1 } }), 400);
    });

    test('networks: any id names a network; the list holds the default one and those in use', async () => {
      const p = await t.newProject();
      const before = (await nova(t, p, 'GET', '/os-tenant-networks')).json().networks;
      assert.equal(before.length, 1);
      assert.equal(before[0].label, 'default');
      await createServer(t, p);
      const after = (await nova(t, p, 'GET', '/os-tenant-networks')).json().networks;
      assert.deepEqual(after.map((n: { id: string }) => n.id).sort(), [before[0].id, NETWORK].sort());
      const n = (await nova(t, p, 'GET', `/os-networks/${NETWORK}`)).json().network;
      assert.deepEqual(n, { id: NETWORK, label: NETWORK, cidr: '192.168.0.0/16' });
      assert.equal((await nova(t, p, 'GET', `/os-tenant-networks/${before[0].id}`)).json().network.label, 'default');
    });

    test('interface attachments, server password, and 404 for Nova\'s image lookups', async () => {
      const p = await t.newProject();
      const id = (await createServer(t, p)).json().server.id;
      const ifs = (await nova(t, p, 'GET', `/servers/${id}/os-interface`)).json().interfaceAttachments;
      assert.equal(ifs.length, 1);
      assert.deepEqual([ifs[0].net_id, ifs[0].fixed_ips[0].ip_address, ifs[0].port_state], [NETWORK, '192.168.0.10', 'ACTIVE']);
      assert.deepEqual((await nova(t, p, 'GET', `/servers/${id}/os-server-password`)).json(), { password: '' });
      assert.equal((await nova(t, p, 'DELETE', `/servers/${id}/os-server-password`)).statusCode, 204);
      expectNovaError(await nova(t, p, 'GET', '/servers/00000000-0000-4000-8000-000000000000/os-server-password'), 404);
      expectNovaError(await nova(t, p, 'GET', `/cloudimages?id=${IMAGE}`), 404, 'itemNotFound');
      expectNovaError(await nova(t, p, 'GET', `/images/${IMAGE}`), 404, 'itemNotFound');
    });

    test('the Glance subset: version list, any UUID is an image, the list holds those in use; token required', async () => {
      const p = await t.newProject();
      const v = await t.call('GET', '/image');
      assert.equal(v.statusCode, 300);
      assert.equal(v.json().versions[0].links[0].href, 'http://127.0.0.1:8080/image/v2/');
      assert.equal((await t.call('GET', `/image/v2/images/${IMAGE}`)).statusCode, 401);
      const img = await t.call('GET', `/image/v2/images/${IMAGE}`, { token: p.token });
      assert.equal(img.statusCode, 200);
      assert.deepEqual([img.json().id, img.json().name, img.json().status], [IMAGE, IMAGE, 'active']);
      assert.equal((await t.call('GET', '/image/v2/images/ubuntu', { token: p.token })).statusCode, 404);
      const catalog = IMAGE_CATALOG.map((i) => i.id);
      assert.deepEqual((await t.call('GET', '/image/v2/images', { token: p.token })).json().images.map((i: { id: string }) => i.id), catalog);
      await createServer(t, p);
      const listed = (await t.call('GET', '/image/v2/images', { token: p.token })).json().images;
      assert.deepEqual(listed.map((i: { id: string }) => i.id), [...catalog, IMAGE]);
      // The token's catalog names the endpoint.
      const tok = await t.call('POST', '/identity/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['token'], token: { id: p.token } }, scope: { project: { id: p.projectId } } } },
      });
      const image = tok.json().token.catalog.find((s: { type: string }) => s.type === 'image');
      assert.equal(image.endpoints[0].url, 'http://127.0.0.1:8080/image');
    });

    test('the public image catalog: OTC names, found by name through the list and by id, with OTC properties; filters and pages', async () => {
      const p = await t.newProject();
      const get = async (q: string) => (await t.call('GET', `/image/v2/images${q}`, { token: p.token })).json();
      const byName = await get('?name=Standard_Ubuntu_22.04_latest');
      assert.equal(byName.images.length, 1);
      const ubuntu = byName.images[0];
      assert.match(ubuntu.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual([ubuntu.__os_type, ubuntu.__platform, ubuntu.__os_bit, ubuntu.visibility, ubuntu.status], ['Linux', 'Ubuntu', '64', 'public', 'active']);
      const one = await t.call('GET', `/image/v2/images/${ubuntu.id}`, { token: p.token });
      assert.deepEqual(one.json(), ubuntu);
      // A name is not an id: Glance answers 404 and clients fall back to ?name=.
      assert.equal((await t.call('GET', '/image/v2/images/Standard_Ubuntu_22.04_latest', { token: p.token })).statusCode, 404);
      assert.deepEqual((await get('?name=Standard_Ubuntu_22.04')).images, []);
      // Property filters, as Glance reads any other query key.
      const windows = (await get('?__os_type=Windows')).images.map((i: { name: string }) => i.name);
      assert.deepEqual(windows, IMAGE_CATALOG.filter((i) => i.osType === 'Windows').map((i) => i.name));
      assert.ok(windows.length >= 2);
      assert.deepEqual((await get('?visibility=private')).images, []);
      // Pages follow `next` to the end, every image once.
      const seen: string[] = [];
      let next: string | undefined = '/v2/images?limit=4';
      while (next) {
        const page = await get(next.replace('/v2/images', ''));
        assert.ok(page.images.length <= 4);
        seen.push(...page.images.map((i: { id: string }) => i.id));
        next = page.next;
      }
      assert.deepEqual(seen, IMAGE_CATALOG.map((i) => i.id));
      assert.equal((await t.call('GET', '/image/v2/images?marker=nope', { token: p.token })).statusCode, 400);
      // The catalog name is accepted by openstackclient's resolution, then its id by Nova.
      const created = await createServer(t, p, { extra: { imageRef: ubuntu.id, networks: [{ uuid: 'default' }] } });
      assert.equal(created.statusCode, 202, created.body);
      const shown = (await nova(t, p, 'GET', `/servers/${created.json().server.id}`)).json().server;
      assert.equal(shown.image.id, ubuntu.id);
      assert.deepEqual(Object.keys(shown.addresses), ['default']);
      const nets = (await nova(t, p, 'GET', '/os-networks/default')).json().network;
      assert.equal(nets.label, 'default');
      assert.notEqual(nets.id, 'default');
    });
  });
}
