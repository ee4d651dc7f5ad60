import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { deadPort } from '../support/faults.js';
import { buildExternalApp, FakeKeystone, type ExternalApp } from '../support/fake-keystone.js';

// The external-Keystone validator against upstreams a real Keystone cannot imitate: answers
// that are not Keystone answers (502), no answer in time (504), nothing listening (503 with
// Retry-After), and the cache bound and service-token renewal, counted at the upstream.

const TIMEOUT_MS = 1500;
const CACHE_SECONDS = 10;

for (const dialect of DIALECTS) {
  describe(`external Keystone: upstream faults and the cache [${dialect}]`, () => {
    let ks: FakeKeystone;
    let t: ExternalApp;
    before(async () => {
      ks = await new FakeKeystone().start();
      t = await buildExternalApp(dialect, ks.url, { OPENDEH_KEYSTONE_TIMEOUT_MS: String(TIMEOUT_MS), OPENDEH_KEYSTONE_CACHE_SECONDS: String(CACHE_SECONDS) });
    });
    after(async () => {
      await t.close();
      await ks.stop();
    });
    const fresh = (roles = ['member']) => {
      const projectId = `p${Math.random().toString(16).slice(2, 14)}`;
      return { projectId, token: ks.issue({ id: `u-${projectId}`, name: 'alice', projectId, roles }) };
    };
    const get = (p: { projectId: string; token: string }, path = '/dedicated-hosts') =>
      t.app.inject({ method: 'GET', url: `/v1.0/${p.projectId}${path}`, headers: { 'x-auth-token': p.token } });
    const hostsIn = async (projectId: string) =>
      (await t.services.store.read((ex) => ex.selectFrom('hosts').select('id').where('project_id', '=', projectId).execute())).length;

    test('a token Keystone validates reaches the DeH and compute APIs with its user, project and roles', async () => {
      ks.mode = 'ok';
      const p = fresh(['member']);
      const r = await get(p);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { dedicated_hosts: [], total: 0 });
      assert.equal((await t.app.inject({ method: 'GET', url: `/compute/v2.1/${p.projectId}/flavors`, headers: { 'x-auth-token': p.token } })).statusCode, 200);
      const other = fresh();
      assert.equal((await get({ projectId: other.projectId, token: p.token })).statusCode, 403, 'scoped to its own project only');
      const ctx = await t.services.tokens.validate(p.token);
      assert.deepEqual(ctx.roles, [{ id: 'role-member', name: 'member' }]);
      assert.equal(ctx.user.name, 'alice');
      assert.equal(ctx.project?.id, p.projectId);
      assert.equal(ctx.isAdmin, false);
    });

    test('an unknown token is 401; the answer is cached too, so repeating it does not reach Keystone', async () => {
      ks.mode = 'ok';
      const before = ks.validations;
      const r = await get({ projectId: 'p', token: 'not-a-known-token' });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error.code, 'DEH.0401');
      assert.equal((await get({ projectId: 'p', token: 'not-a-known-token' })).statusCode, 401);
      assert.equal(ks.validations, before + 1);
      assert.equal((await get({ projectId: 'p', token: 'bad token with spaces' })).statusCode, 401);
      assert.equal(ks.validations, before + 1, 'a malformed token is refused without asking');
    });

    test('revocation in Keystone takes effect within OPENDEH_KEYSTONE_CACHE_SECONDS, and not before Keystone is asked again', async () => {
      ks.mode = 'ok';
      const p = fresh();
      assert.equal((await get(p)).statusCode, 200);
      const asked = ks.validations;
      ks.tokens.delete(p.token); // revoked at the upstream
      t.clock.advance(CACHE_SECONDS * 1000 - 1000);
      assert.equal((await get(p)).statusCode, 200, 'inside the bound: the cached answer');
      assert.equal(ks.validations, asked);
      t.clock.advance(1001);
      assert.equal((await get(p)).statusCode, 401, 'past the bound: asked again, refused');
      assert.equal(ks.validations, asked + 1);
    });

    test('concurrent requests with one token ask Keystone once', async () => {
      ks.mode = 'ok';
      const p = fresh();
      const asked = ks.validations;
      const rs = await Promise.all(Array.from({ length: 8 }, () => get(p)));
      assert.deepEqual(rs.map((r) => r.statusCode), Array(8).fill(200));
      assert.equal(ks.validations, asked + 1);
    });

    test('a service token Keystone stops accepting is renewed once and the request succeeds', async () => {
      ks.mode = 'ok';
      const logins = ks.logins;
      ks.serviceTokens.clear();
      assert.equal((await get(fresh())).statusCode, 200);
      assert.equal(ks.logins, logins + 1);
    });

    for (const [mode, what] of [['garbage', 'an HTML page'], ['not-a-token', 'JSON that is not a token'], ['http500', 'HTTP 500'], ['close', 'a dropped connection']] as const) {
      test(`502 when Keystone answers ${what}; in each API family's shape, nothing changed`, async () => {
        ks.mode = mode;
        const p = fresh();
        const r = await get(p);
        assert.equal(r.statusCode, 502, r.body);
        const e = r.json();
        assert.equal(e.error.code, 'DEH.0502');
        assert.equal(e.request_id, r.headers['x-request-id']);
        assert.doesNotMatch(r.body, /127\.0\.0\.1|upstream says hi|boom|at .*\.js/);
        const nova = await t.app.inject({ method: 'GET', url: `/compute/v2.1/${p.projectId}/servers`, headers: { 'x-auth-token': p.token } });
        assert.equal(nova.statusCode, 502);
        assert.equal(nova.json().computeFault.code, 502);
        const post = await t.app.inject({ method: 'POST', url: `/v1.0/${p.projectId}/dedicated-hosts`, headers: { 'x-auth-token': p.token },
          payload: { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 } });
        assert.equal(post.statusCode, 502);
        assert.equal(await hostsIn(p.projectId), 0);
      });
    }

    test('503 with Retry-After when Keystone itself says 503', async () => {
      ks.mode = 'http503';
      const r = await get(fresh());
      assert.equal(r.statusCode, 503);
      assert.equal(r.json().error.code, 'DEH.0503');
      assert.match(String(r.headers['retry-after']), /^\d+$/);
    });

    test('504 when Keystone does not answer within OPENDEH_KEYSTONE_TIMEOUT_MS; nothing changed', async () => {
      ks.mode = 'hang';
      const p = fresh();
      const post = await t.app.inject({ method: 'POST', url: `/v1.0/${p.projectId}/dedicated-hosts`, headers: { 'x-auth-token': p.token },
        payload: { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 } });
      assert.equal(post.statusCode, 504, post.body);
      assert.equal(post.json().error.code, 'DEH.0504');
      assert.equal(await hostsIn(p.projectId), 0);
      ks.mode = 'ok';
      assert.equal((await get(p)).statusCode, 200, 'a timeout is not cached: the next request asks again');
    });

    test('the service login failing: refused credentials 502, hanging 504', async () => {
      ks.mode = 'ok';
      ks.serviceTokens.clear();
      ks.loginMode = 'refuse';
      try {
        assert.equal((await get(fresh())).statusCode, 502);
        ks.loginMode = 'hang';
        assert.equal((await get(fresh())).statusCode, 504);
      } finally {
        ks.loginMode = 'ok';
      }
      assert.equal((await get(fresh())).statusCode, 200);
    });

    test('the embedded identity is not the identity: every /identity and /v3 path is a 404 pointing at Keystone', async () => {
      for (const [method, url] of [['POST', '/identity/v3/auth/tokens'], ['GET', '/v3/projects'], ['GET', '/identity/v3'], ['GET', '/v3/auth/catalog']] as const) {
        const r = await t.app.inject({ method, url, payload: method === 'POST' ? { auth: {} } : undefined });
        assert.equal(r.statusCode, 404, `${method} ${url}`);
        const e = r.json().error;
        assert.equal(e.code, 404);
        assert.equal(e.title, 'Not Found');
        assert.ok(e.message.includes(`${ks.url}/v3`), e.message);
      }
    });
  });

  describe(`external Keystone that cannot be reached [${dialect}]`, () => {
    test('503 with Retry-After in every family; version documents need no Keystone', async () => {
      const t = await buildExternalApp(dialect, `http://127.0.0.1:${await deadPort()}`);
      try {
        const r = await t.app.inject({ method: 'GET', url: '/v1.0/p/dedicated-hosts', headers: { 'x-auth-token': 'some-token' } });
        assert.equal(r.statusCode, 503, r.body);
        assert.equal(r.json().error.code, 'DEH.0503');
        assert.equal(r.headers['retry-after'], '5');
        assert.doesNotMatch(r.body, /ECONNREFUSED|127\.0\.0\.1/);
        const nova = await t.app.inject({ method: 'GET', url: '/compute/v2.1/p/servers', headers: { 'x-auth-token': 'some-token' } });
        assert.equal(nova.statusCode, 503);
        assert.equal(nova.json().serviceUnavailable.code, 503);
        assert.equal(nova.headers['retry-after'], '5');
        assert.equal((await t.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
      } finally {
        await t.close();
      }
    });
  });
}
