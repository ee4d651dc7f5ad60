import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openDb } from '../../src/store/dialects.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertStatement, statement } from '../../src/store/statement.js';
import type { Executor } from '../../src/store/store.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';

// Statements compiled once (statement.ts) answer exactly what kysely building the same query
// each time answers, per engine, per shape variant, inside and outside a transaction.

async function withDb(dialect: (typeof DIALECTS)[number], fn: (db: Executor) => Promise<void>): Promise<void> {
  const target = await freshTarget(dialect);
  const { db } = openDb({ url: target.url, schema: target.schema, poolSize: 2 });
  try {
    await target.migrating(() => migrateToLatest(db, target.schema));
    await fn(db);
  } finally {
    await db.destroy();
    await target.drop();
  }
}

const byProject = statement<{ resource: string; hard_limit: number }, boolean>((db, $, withLimit) => db.selectFrom('compute_quotas')
  .select(['resource', 'hard_limit']).where('project_id', '=', $(0)).$if(withLimit, (q) => q.where('hard_limit', '=', $(1)))
  .orderBy('resource').limit(5), (w) => String(w));
const setLimit = statement((db, $) => db.updateTable('compute_quotas').set({ hard_limit: $(1) }).where('resource', '=', $(0)));
const insertQuota = insertStatement('compute_quotas');

for (const dialect of DIALECTS) {
  describe(`compiled statements [${dialect}]`, () => {
    test('same rows as the built query, per shape, with constants kept; affected counts rows', async () => {
      await withDb(dialect, async (db) => {
        for (const [project_id, resource, hard_limit] of [['x', 'a', 1], ['x', 'b', 2], ['y', 'c', 2]] as const) {
          await insertQuota.run(db, { project_id, resource, hard_limit });
        }
        assert.deepEqual(await byProject.rows(db, ['x'], false), [{ resource: 'a', hard_limit: 1 }, { resource: 'b', hard_limit: 2 }]);
        assert.deepEqual(await byProject.rows(db, ['x', 2], true), [{ resource: 'b', hard_limit: 2 }]);
        assert.equal(await byProject.first(db, ['nobody'], false), undefined);
        assert.equal(await setLimit.affected(db, ['a', 7]), 1);
        assert.equal(await setLimit.affected(db, ['missing', 7]), 0);
        await db.transaction().execute(async (tx) => {
          assert.equal(await setLimit.affected(tx, ['c', 9]), 1);
          assert.deepEqual(await byProject.rows(tx, ['y', 9], true), [{ resource: 'c', hard_limit: 9 }]);
        });
        const built = await db.selectFrom('compute_quotas').select(['resource', 'hard_limit']).orderBy('resource').execute();
        assert.deepEqual(built, [{ resource: 'a', hard_limit: 7 }, { resource: 'b', hard_limit: 2 }, { resource: 'c', hard_limit: 9 }]);
      });
    });

    test('property: for any values, the compiled statement and the built one agree', async () => {
      await withDb(dialect, async (db) => {
        await fc.assert(fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom('p', 'q', 'r'), fc.integer({ min: -1, max: 3 })), { maxLength: 8 }),
          fc.constantFrom('p', 'q', 'r'), fc.integer({ min: -1, max: 3 }), fc.boolean(),
          async (rows, project, limit, withLimit) => {
            await db.deleteFrom('compute_quotas').execute();
            let n = 0;
            for (const [project_id, hard_limit] of rows) await insertQuota.run(db, { project_id, resource: `r${n++}`, hard_limit });
            const compiled = await byProject.rows(db, withLimit ? [project, limit] : [project], withLimit);
            const built = await db.selectFrom('compute_quotas').select(['resource', 'hard_limit']).where('project_id', '=', project)
              .$if(withLimit, (q) => q.where('hard_limit', '=', limit)).orderBy('resource').limit(5).execute();
            assert.deepEqual(compiled, built);
          }), { numRuns: 25 });
      });
    });

    test('insertStatement leaves out a column whose value is undefined, as kysely\'s values() does', async () => {
      await withDb(dialect, async (db) => {
        await insertQuota.run(db, { project_id: 'u', resource: 'r', hard_limit: 3, no_such_column: undefined });
        assert.deepEqual(await byProject.rows(db, ['u'], false), [{ resource: 'r', hard_limit: 3 }]);
      });
    });

    test('a slot kysely does not bind is refused at the first call, not run with a wrong value', async () => {
      await withDb(dialect, async (db) => {
        const skipsOne = statement((d, $) => d.selectFrom('compute_quotas').select('resource').where('resource', '=', $(1)));
        await assert.rejects(skipsOne.rows(db, ['unused', 'a']), /argument 0 is not bound/);
      });
    });
  });
}
