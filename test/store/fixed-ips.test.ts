import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FIRST_OFFSET, ipOf, nextUsableOffset, offsetOf } from '../../src/domain/addresses.js';
import { openDb } from '../../src/store/dialects.js';
import { fixedIpRepo, POOL_STEP } from '../../src/store/fixed-ip-repo.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Executor } from '../../src/store/store.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';

// Property: fixed-ip-repo hands out exactly what "the lowest free usable address, unless the
// client names one" means, whatever the mix of automatic allocations, client-chosen
// addresses (below, inside and beyond the addresses made ready ahead of the cursor) and
// releases — on both engines. The model is a set of taken offsets.

type Op = { kind: 'auto' } | { kind: 'want'; offset: number } | { kind: 'release'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'auto' as const }) },
  // Offsets around what the sequences reach, POOL_STEP-sized pools included.
  { weight: 2, arbitrary: fc.integer({ min: FIRST_OFFSET, max: FIRST_OFFSET + 3 * POOL_STEP }).map((offset) => ({ kind: 'want' as const, offset })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) },
);

for (const dialect of DIALECTS) {
  describe(`fixed IPs [${dialect}]`, () => {
    test('property: automatic allocation is always the lowest free usable address; a chosen one is honoured or refused', async () => {
      const target = await freshTarget(dialect);
      const { db } = openDb({ url: target.url, schema: target.schema, poolSize: 2 });
      try {
        await target.migrating(() => migrateToLatest(db, target.schema));
        let run = 0;
        await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
          const project = `p-ip-${run++}`;
          const taken = new Map<number, string>(); // offset → server
          let n = 0;
          for (const op of ops) {
            const server = `s-${n++}`;
            if (op.kind === 'release') {
              if (taken.size === 0) continue;
              const [offset, owner] = [...taken][op.pick % taken.size];
              await db.transaction().execute((tx: Executor) => fixedIpRepo.release(tx, owner));
              taken.delete(offset);
              continue;
            }
            const wanted = op.kind === 'want' ? ipOf(op.offset) : undefined;
            let got: string | Error;
            try {
              got = await db.transaction().execute((tx: Executor) => fixedIpRepo.allocate(tx, project, 'net', server, wanted));
            } catch (e) {
              got = e as Error;
            }
            if (op.kind === 'want') {
              if (taken.has(op.offset)) {
                assert.ok(got instanceof Error && /already in use/.test(got.message), `${wanted} is taken: ${String(got)}`);
                continue;
              }
              assert.equal(got, wanted);
              taken.set(op.offset, server);
              continue;
            }
            let expected = nextUsableOffset(FIRST_OFFSET);
            while (taken.has(expected)) expected = nextUsableOffset(expected + 1);
            assert.equal(got, ipOf(expected), `ops so far: ${JSON.stringify(ops.slice(0, n))}`);
            taken.set(offsetOf(got as string)!, server);
          }
        }), { numRuns: dialect === 'sqlite' ? 120 : 40, seed: 20261208 });
      } finally {
        await db.destroy();
        await target.drop();
      }
    });
  });
}
