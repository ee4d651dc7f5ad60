import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';

// Abuse limits (off by default): per-project and per-source request rates answer 429 with
// Retry-After in the family's error shape; failed password logins are throttled per user name
// and per source with the same answers whether the user exists or not.

const loginBody = (name: string, password: string) => ({
  auth: { identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password } } } },
});

for (const dialect of DIALECTS) {
  describe(`abuse limits [${dialect}]`, () => {
    describe('request rate per project (OPENDEH_RATE_PROJECT=3/60)', () => {
      let t: TestApp;
      before(async () => { t = await buildTestApp(dialect, { OPENDEH_RATE_PROJECT: '3/60' }); });
      after(async () => { await t.close(); });

      test('the 4th request of a project within the window is 429 with Retry-After; other projects are not affected; it refills', async () => {
        const a = await t.newProject();
        const b = await t.newProject();
        for (let i = 0; i < 3; i++) assert.equal((await t.deh(a, 'GET', '/dedicated-hosts')).statusCode, 200);
        const r = await t.deh(a, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 });
        assert.equal(r.statusCode, 429, r.body);
        assert.deepEqual(r.json().error, { code: 'DEH.0429', message: 'Too many requests for this project; slow down.' });
        assert.equal(r.json().request_id, r.headers['x-request-id']);
        const wait = Number(r.headers['retry-after']);
        assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 20, `Retry-After ${r.headers['retry-after']}`);
        const nova = await t.call('GET', `/compute/v2.1/${a.projectId}/servers`, { token: a.token });
        assert.equal(nova.statusCode, 429);
        assert.equal(nova.json().overLimit.code, 429);
        assert.equal((await t.deh(b, 'GET', '/dedicated-hosts')).statusCode, 200, 'another project has its own bucket');
        t.clock.advance(wait * 1000);
        const again = await t.deh(a, 'GET', '/dedicated-hosts');
        assert.equal(again.statusCode, 200, 'after Retry-After one more request is accepted');
        assert.equal(again.json().total, 0, 'the refused allocation allocated nothing');
      });
    });

    describe('request rate per source address (OPENDEH_RATE_SOURCE=5/60)', () => {
      let t: TestApp;
      before(async () => { t = await buildTestApp(dialect, { OPENDEH_RATE_SOURCE: '5/60' }); });
      after(async () => { await t.close(); });

      test('a source gets 5 requests, authenticated or not, then 429 before authentication; another source is not affected; probes never count', async () => {
        const p = await t.newProject();
        const from = (remoteAddress: string, token?: string) => t.app.inject({
          method: 'GET', url: `/v1.0/${p.projectId}/dedicated-hosts`, remoteAddress, headers: token ? { 'x-auth-token': token } : {},
        });
        assert.equal((await from('192.0.2.7')).statusCode, 401);
        for (let i = 0; i < 4; i++) assert.equal((await from('192.0.2.7', p.token)).statusCode, 200);
        for (let i = 0; i < 3; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/opendeh/healthz', remoteAddress: '192.0.2.7' })).statusCode, 200);
        const r = await from('192.0.2.7', 'not even a token');
        assert.equal(r.statusCode, 429, 'checked before the token');
        assert.equal(r.json().error.code, 'DEH.0429');
        assert.match(String(r.headers['retry-after']), /^(1[0-2]|[1-9])$/);
        const ks = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', remoteAddress: '192.0.2.7', payload: loginBody('admin', 'x') });
        assert.equal(ks.statusCode, 429);
        assert.deepEqual(ks.json(), { error: { code: 429, title: 'Too Many Requests', message: 'Too many requests from this address; slow down.' } });
        assert.equal((await from('192.0.2.8', p.token)).statusCode, 200);
      });
    });

    describe('failed password logins (OPENDEH_LOGIN_FAILURES_USER=3/300, OPENDEH_LOGIN_FAILURES_SOURCE=6/300)', () => {
      let t: TestApp;
      before(async () => { t = await buildTestApp(dialect, { OPENDEH_LOGIN_FAILURES_USER: '3/300', OPENDEH_LOGIN_FAILURES_SOURCE: '6/300' }); });
      after(async () => { await t.close(); });
      const login = (name: string, password: string, remoteAddress: string) =>
        t.app.inject({ method: 'POST', url: '/identity/v3/auth/tokens', remoteAddress, payload: loginBody(name, password) });
      const answer = (r: Awaited<ReturnType<typeof login>>) => ({ status: r.statusCode, body: r.json(), retryAfter: r.headers['retry-after'] });

      test('an existing user with wrong passwords and an unknown user get identical answers: three 401s, then 429, even with the right password', async () => {
        const p = await t.newProject();
        const real = `user-${p.name}`;
        const ghost = `nobody-${p.name}`;
        const seen: Record<string, unknown[]> = { [real]: [], [ghost]: [] };
        for (const [name, src] of [[real, '198.51.100.1'], [ghost, '198.51.100.2']]) {
          for (let i = 0; i < 3; i++) seen[name].push(answer(await login(name, 'wrong-password', src)));
          seen[name].push(answer(await login(name, 'wrong-password', src)));
          seen[name].push(answer(await login(name, 'pw-secret', src)));
        }
        assert.deepEqual(seen[real], seen[ghost]);
        assert.deepEqual(seen[real].map((a) => (a as { status: number }).status), [401, 401, 401, 429, 429]);
        const throttled = seen[real][3] as { body: unknown; retryAfter: string };
        assert.deepEqual(throttled.body, { error: { code: 429, title: 'Too Many Requests', message: 'Too many failed logins; try again later.' } });
        assert.ok(Number(throttled.retryAfter) >= 1 && Number(throttled.retryAfter) <= 100, throttled.retryAfter);
        // Per name, not per address: another address is throttled for that name too …
        assert.equal((await login(real, 'pw-secret', '198.51.100.3')).statusCode, 429);
        // … and once a failure has refilled (300 s / 3), the right password works again.
        t.clock.advance(100_000);
        assert.equal((await login(real, 'pw-secret', '198.51.100.3')).statusCode, 201);
      });

      test('one source failing for many names is throttled after 6 failures, for every name; other sources are not', async () => {
        const p = await t.newProject();
        const src = '203.0.113.9';
        for (let i = 0; i < 6; i++) assert.equal((await login(`guess-${i}-${p.name}`, 'x', src)).statusCode, 401);
        const r = await login(`user-${p.name}`, 'pw-secret', src);
        assert.equal(r.statusCode, 429);
        assert.equal(r.json().error.message, 'Too many failed logins; try again later.');
        assert.equal((await login(`user-${p.name}`, 'pw-secret', '203.0.113.10')).statusCode, 201);
      });
    });

    describe('off by default', () => {
      let t: TestApp;
      before(async () => { t = await buildTestApp(dialect); });
      after(async () => { await t.close(); });
      test('60 requests of one project from one source and 10 failed logins for one name: no 429', async () => {
        const p = await t.newProject();
        const codes = new Set<number>();
        for (let i = 0; i < 60; i++) codes.add((await t.deh(p, 'GET', '/dedicated-hosts')).statusCode);
        for (let i = 0; i < 10; i++) codes.add((await t.call('POST', '/v3/auth/tokens', { body: loginBody(`user-${p.name}`, 'wrong') })).statusCode);
        assert.deepEqual([...codes].sort(), [200, 401]);
      });
    });
  });
}
