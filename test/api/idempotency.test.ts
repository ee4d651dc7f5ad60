import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { expectDehError, json, listHosts, setHostQuota } from '../support/deh.js';

// X-Client-Token on allocate: the same token and body replay the first answer and create
// nothing; another body is 409 IdempotentParameterMismatch; concurrent replays create once.

const ALLOC = { name: 'idem', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 2 };

for (const dialect of DIALECTS) {
  describe(`idempotent allocation (X-Client-Token) [${dialect}]`, () => {
    let t: TestApp;
    // Tokens outlive the 24 h the client token is remembered, so the clock can pass it.
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_TOKEN_TTL: String(3 * 86400) }); });
    after(async () => { await t.close(); });

    const post = (p: TestProject, body: unknown, token?: string) =>
      t.deh(p, 'POST', '/dedicated-hosts', body, token === undefined ? undefined : { 'x-client-token': token });

    test('a replay answers the same ids and creates nothing', async () => {
      const p = await t.newProject();
      const first = await post(p, ALLOC, 'tok-replay');
      assert.equal(first.statusCode, 200);
      const again = await post(p, ALLOC, 'tok-replay');
      assert.equal(again.statusCode, 200);
      assert.deepEqual(json(again), json(first));
      assert.equal(json(first).dedicated_host_ids.length, 2);
      assert.equal((await listHosts(t, p)).total, 2);
      // Without a token, the same body allocates again.
      assert.equal((await post(p, ALLOC)).statusCode, 200);
      assert.equal((await listHosts(t, p)).total, 4);
    });

    test('the same token with another body → 409 IdempotentParameterMismatch, nothing created', async () => {
      const p = await t.newProject();
      assert.equal((await post(p, ALLOC, 'tok-mismatch')).statusCode, 200);
      for (const body of [{ ...ALLOC, quantity: 3 }, { ...ALLOC, name: 'other' }, { ...ALLOC, tags: [{ key: 'a', value: 'b' }] }]) {
        const e = expectDehError(await post(p, body, 'tok-mismatch'), 409, 'DEH.0414');
        assert.match(e.message, /IdempotentParameterMismatch/);
      }
      assert.equal((await listHosts(t, p)).total, 2);
    });

    test('tokens are per project', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      const a = json(await post(p, ALLOC, 'tok-shared')).dedicated_host_ids;
      const b = json(await post(q, ALLOC, 'tok-shared')).dedicated_host_ids;
      assert.notDeepEqual(a, b);
      assert.equal((await listHosts(t, q)).total, 2);
    });

    test('a token over 64 characters, or with spaces or control characters → 400', async () => {
      const p = await t.newProject();
      assert.equal((await post(p, ALLOC, 'x'.repeat(64))).statusCode, 200);
      for (const bad of ['x'.repeat(65), 'with space', 'tab\there']) expectDehError(await post(p, ALLOC, bad), 400);
      assert.equal((await listHosts(t, p)).total, 2);
    });

    test('8 concurrent identical requests create exactly one set', async () => {
      const p = await t.newProject();
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(p, ALLOC, 'tok-race')));
      for (const r of answers) assert.equal(r.statusCode, 200, r.body);
      const sets = new Set(answers.map((r) => JSON.stringify(json(r).dedicated_host_ids)));
      assert.equal(sets.size, 1);
      assert.equal((await listHosts(t, p)).total, 2);
    });

    test('a refused first attempt does not use the token up', async () => {
      const p = await t.newProject();
      await setHostQuota(t, p.projectId, 'c4', 1);
      expectDehError(await post(p, ALLOC, 'tok-retry'), 403);
      await setHostQuota(t, p.projectId, 'c4', 5);
      const r = await post(p, ALLOC, 'tok-retry');
      assert.equal(r.statusCode, 200);
      assert.equal((await listHosts(t, p)).total, 2);
    });

    test('a token is remembered for 24 hours, then it allocates anew', async () => {
      const p = await t.newProject();
      const first = json(await post(p, ALLOC, 'tok-day')).dedicated_host_ids;
      t.clock.advance(23 * 3600_000);
      assert.deepEqual(json(await post(p, ALLOC, 'tok-day')).dedicated_host_ids, first);
      t.clock.advance(2 * 3600_000);
      const later = json(await post(p, ALLOC, 'tok-day')).dedicated_host_ids;
      assert.notDeepEqual(later, first);
      assert.equal((await listHosts(t, p)).total, 4);
    });
  });
}
