import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrentUpdate, NotFound } from '../../src/domain/errors.js';
import { DIALECTS } from '../support/dialects.js';
import { buildTestApp, type TestApp } from '../support/app.js';

// Store.write: a transaction that lost a race is rolled back and run again, a bounded number
// of times; anything else is not retried; nothing of a failed attempt remains.

for (const dialect of DIALECTS) {
  describe(`store transactions [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_CLAIM_RETRIES: '3' }); });
    after(async () => { await t.close(); });

    test('a lost race is retried and its first attempt leaves nothing behind', async () => {
      let attempts = 0;
      const result = await t.services.store.write(async (tx) => {
        attempts++;
        await tx.insertInto('roles').values({ id: `r-retry-${attempts}`, name: `retry-${attempts}` }).execute();
        if (attempts < 3) throw new ConcurrentUpdate();
        return attempts;
      });
      assert.equal(result, 3);
      const names = (await t.services.identity.listRoles()).map((r) => r.name).filter((n) => n.startsWith('retry-'));
      assert.deepEqual(names, ['retry-3']);
    });

    test('retries are bounded and then surface as ConcurrentUpdate', async () => {
      let attempts = 0;
      await assert.rejects(t.services.store.write(async () => { attempts++; throw new ConcurrentUpdate(); }), ConcurrentUpdate);
      assert.equal(attempts, 4); // the first try and 3 retries
    });

    test('a domain error is not retried and rolls the transaction back', async () => {
      let attempts = 0;
      await assert.rejects(t.services.store.write(async (tx) => {
        attempts++;
        await tx.insertInto('roles').values({ id: 'r-nf', name: 'not-kept' }).execute();
        throw new NotFound('x');
      }), NotFound);
      assert.equal(attempts, 1);
      assert.equal((await t.services.identity.listRoles('not-kept')).length, 0);
    });

    test('a unique violation becomes a Conflict, not a driver error', async () => {
      await t.services.identity.createRole('dup-role');
      await assert.rejects(t.services.identity.createRole('dup-role'), (e: Error) => e.constructor.name === 'Conflict');
    });
  });
}
