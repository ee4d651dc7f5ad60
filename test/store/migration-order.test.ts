import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/dialects.js';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrate.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';

// Migration numbers are handed out per change and changes land in any order: a database may
// have run 0008 before a 0007 exists in the code. The migrator then runs the late, lower
// number when it appears instead of refusing the database as "corrupted" (Kysely's default).
// Simulated with 0006 held back: everything after it runs first, then 0006 arrives.

for (const dialect of DIALECTS) {
  describe(`migrations landing out of order [${dialect}]`, () => {
    test('a lower number that appears after a higher one ran is applied, and only it', async () => {
      const target = await freshTarget(dialect);
      const { db } = openDb({ url: target.url, schema: target.schema, poolSize: 2 });
      try {
        const late = '0006-iam';
        const early = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name !== late));
        const first = await target.migrating(() => migrateToLatest(db, target.schema, early));
        assert.ok(first.includes('0008-physical-pool') && !first.includes(late), first.join());
        await db.selectFrom('physical_servers').select('id').execute();
        const second = await target.migrating(() => migrateToLatest(db, target.schema));
        assert.deepEqual(second, [late]);
        await db.selectFrom('groups').select('id').execute(); // made by the late migration
        assert.deepEqual(await target.migrating(() => migrateToLatest(db, target.schema)), [], 'nothing left to run');
      } finally {
        await db.destroy();
        await target.drop();
      }
    });
  });
}
