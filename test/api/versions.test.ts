import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../support/app.js';
import { json } from '../support/deh.js';

// Version documents, no authentication: the DeH reference's at / and /v1.0 (REF
// api_version_query), Keystone's at /identity, /identity/v3 and /v3 (CONTRACT §1.4, §1.6).

const BASE = 'http://127.0.0.1:8080';
const DEH_V1 = {
  id: 'v1.0', links: [{ href: `${BASE}/v1.0/`, rel: 'self' }], min_version: '', status: 'SUPPORTED', updated: '2016-12-01T11:33:21Z', version: '',
};

for (const dialect of DIALECTS) {
  describe(`version documents [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('GET / lists the DeH versions in the reference\'s shape, no token needed', async () => {
      for (const headers of [{}, { accept: 'application/json' }] as Record<string, string>[]) {
        const r = await t.call('GET', '/', { headers });
        assert.equal(r.statusCode, 200);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        assert.deepEqual(json(r), { versions: [DEH_V1] });
      }
    });

    test('GET /v1.0 and /v1.0/ describe v1.0', async () => {
      for (const url of ['/v1.0', '/v1.0/']) {
        const r = await t.call('GET', url);
        assert.equal(r.statusCode, 200, url);
        assert.deepEqual(json(r), { version: DEH_V1 });
      }
    });

    test('GET /identity answers Keystone\'s {"versions": {"values": [...]}} with a self href to /identity/v3/', async () => {
      const r = await t.call('GET', '/identity', { headers: { accept: 'application/json' } });
      assert.ok([200, 300].includes(r.statusCode), String(r.statusCode));
      const values = json(r).versions.values;
      assert.equal(values.length, 1);
      assert.match(values[0].id, /^v3\./);
      assert.ok(['stable', 'current', 'supported'].includes(values[0].status));
      assert.deepEqual(values[0].links, [{ rel: 'self', href: `${BASE}/identity/v3/` }]);
    });

    test('GET /identity/v3 and /v3 answer one version whose self href takes the token POST', async () => {
      for (const url of ['/identity/v3', '/identity/v3/', '/v3', '/v3/']) {
        const r = await t.call('GET', url, { headers: { accept: 'application/json' } });
        assert.equal(r.statusCode, 200, url);
        const v = json(r).version;
        assert.match(v.id, /^v3\./);
        assert.equal(v.status, 'stable');
        const self = v.links.find((l: { rel: string }) => l.rel === 'self').href;
        assert.equal(self, `${BASE}/identity/v3/`);
        // keystoneauth POSTs the token to <self>auth/tokens.
        const tok = await t.call('POST', `${new URL(self).pathname}auth/tokens`, {
          body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD } } } } },
        });
        assert.equal(tok.statusCode, 201, tok.body);
      }
    });
  });
}
