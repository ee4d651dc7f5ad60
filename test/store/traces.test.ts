import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { openDb } from '../../src/store/dialects.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { Store } from '../../src/store/store.js';
import { traceResource } from '../../src/store/trace-scope.js';
import type { WriteContext } from '../../src/store/write-context.js';
import { TraceService } from '../../src/services/traces.js';
import { TRACE_COLUMNS, traceRepo } from '../../src/store/trace-repo.js';
import type { TracesTable } from '../../src/store/tables.js';
import { ConcurrentUpdate } from '../../src/domain/errors.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';
import fc from 'fast-check';
import { storedTraces } from '../support/traces.js';

// The traces table under the store: migration 0007 (audit entries carried over, reversible),
// a trace commits with its change and only with it (rollback, retry), and retention pruning
// in bounded batches.

async function withStore<T>(dialect: (typeof DIALECTS)[number], fn: (store: Store, db: Store['db'], schema: string | undefined, migrating: <R>(f: () => Promise<R>) => Promise<R>) => Promise<T>, upTo?: string): Promise<T> {
  const target = await freshTarget(dialect);
  const { db, caps } = openDb({ url: target.url, schema: target.schema, poolSize: 4 });
  try {
    await target.migrating(async () => { if (upTo) await migrateTo(db, upTo, target.schema); else await migrateToLatest(db, target.schema); });
    return await fn(new Store(db, caps, 3), db, target.schema, (f) => target.migrating(f));
  } finally {
    await db.destroy();
    await target.drop();
  }
}

const call = { name: 'createDedicatedHosts', service: 'DEH', resourceType: 'dedicatedHosts', apiVersion: '1.0', projectId: 'p1', domainId: 'd1',
  user: { id: 'u1', name: 'alice', domain: { id: 'd1', name: 'D' } }, sourceIp: '192.0.2.1', requestId: 'req-1', body: { name: 'h' }, resourceId: null, okStatus: 200 };

for (const dialect of DIALECTS) {
  describe(`traces table [${dialect}]`, () => {
    test('migration 0007 carries audit entries over as traces and drops the audit table; down restores it', async () => {
      await withStore(dialect, async (store, db, schema, migrating) => {
        await (db as any).insertInto('audit').values([
          { id: '01a00000-0000-7000-8000-000000000001', at: '2026-01-01T00:00:00.000Z', request_id: 'req-a', project_id: 'p1', user_id: 'u1',
            action: 'POST /v1.0/:project_id/dedicated-hosts', resource_id: null, outcome: 'success', detail: '200' },
          { id: '01a00000-0000-7000-8000-000000000002', at: '2026-01-01T00:00:01.000Z', request_id: 'req-b', project_id: 'p1', user_id: 'u1',
            action: 'DELETE /compute/v2.1/:project_id/servers/:server_id', resource_id: 's1', outcome: 'failure', detail: '404' },
        ]).execute();
        await migrating(() => migrateToLatest(db, schema));
        const rows = await db.selectFrom('traces').selectAll().orderBy('trace_id').execute();
        assert.deepEqual(rows.map((r) => [r.trace_rating, r.service_type, r.code, Number(r.time), r.resource_id]), [
          ['normal', 'DEH', '200', Date.parse('2026-01-01T00:00:00.000Z'), null],
          ['warning', 'ECS', '404', Date.parse('2026-01-01T00:00:01.000Z'), 's1'],
        ]);
        await assert.rejects(sql`select * from audit`.execute(db));
        await migrating(() => migrateTo(db, '0006-iam', schema));
        assert.deepEqual((await sql`select * from audit`.execute(db)).rows, []);
        await assert.rejects(sql`select * from traces`.execute(db));
        void store;
      }, '0006-iam');
    });

    test('a trace commits with its change: none after a rollback, one after a retried transaction', async () => {
      await withStore(dialect, async (store, db) => {
        let now = 1_800_000_000_000;
        const traces = new TraceService(store, () => new Date(now), { enabled: true, retentionSeconds: 60 });
        const failing: WriteContext = { trace: traces.begin(call) };
        await assert.rejects(store.write(async (tx) => {
          traceResource(failing, 'h1', 'one');
          await tx.insertInto('domains').values({ id: 'dx', name: 'X', enabled: 1, description: '', created_at: 'now' }).execute();
          throw new Error('the change fails');
        }, failing), /the change fails/);
        assert.equal(await traces.count(), 0);
        assert.equal((await db.selectFrom('domains').selectAll().execute()).length, 0);

        let attempts = 0;
        const scope = traces.begin(call);
        const w: WriteContext = { trace: scope };
        await store.write(async (tx) => {
          attempts++;
          traceResource(w, `h-attempt-${attempts}`, 'n');
          await tx.insertInto('domains').values({ id: `d${attempts}`, name: `X${attempts}`, enabled: 1, description: '', created_at: 'now' }).execute();
          if (attempts === 1) throw new ConcurrentUpdate();
        }, w);
        assert.equal(attempts, 2);
        const rows = await storedTraces(db).selectAll().execute();
        assert.deepEqual(rows.map((r) => [r.resource_id, r.trace_name, r.user_name, r.code, r.project_id]), [['h-attempt-2', 'createDedicatedHosts', 'alice', '200', 'p1']]);
        assert.equal(scope.committed, true);
        // a second write in the same request is not traced again
        await store.write((tx) => tx.insertInto('domains').values({ id: 'd9', name: 'X9', enabled: 1, description: '', created_at: 'now' }).execute(), w);
        assert.equal(await traces.count(), 1);
        now += 0;
      });
    });

    test('retention: prune deletes exactly the traces older than the retention, in bounded batches', async () => {
      await withStore(dialect, async (store) => {
        let now = 1_800_000_000_000;
        const traces = new TraceService(store, () => new Date(now), { enabled: true, retentionSeconds: 3600, pruneBatch: 7 });
        // 25 old traces and 5 recent ones, written as failures (the queued path)
        for (let i = 0; i < 25; i++) traces.failed({ ...call, requestId: `old-${i}` }, 400, 'warning', 'x');
        now += 2 * 3600 * 1000;
        for (let i = 0; i < 5; i++) traces.failed({ ...call, requestId: `new-${i}` }, 403, 'warning', 'y');
        await traces.flush();
        assert.equal(await traces.count(), 30);
        assert.equal(await traces.prune(), 25);
        assert.equal(await traces.count(), 5);
        assert.equal(await traces.prune(), 0);
        const left = await traces.list({ projectId: 'p1', limit: 200, from: 0, to: now });
        assert.deepEqual(left.traces.map((t) => t.requestId).sort(), ['new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
        assert.ok(left.traces.every((t) => t.code === '403' && t.traceRating === 'warning'));
      });
    });

    test('each list filter walks its own index, in the list\'s order (no scan of the window for one host)', { skip: dialect !== 'sqlite' && 'PostgreSQL plans by table statistics; this checks SQLite\'s rule-based choice' }, async () => {
      await withStore(dialect, async (_store, db) => {
        // The repository's own statement, as list runs it, explained.
        const planOf = async (f: Partial<Parameters<typeof traceRepo.list>[1]>) => {
          const q = traceRepo.listQuery(db, { projectId: 'p1', from: 0, to: 1e15, limit: 100, ...f });
          const rows = (await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows as { detail: string }[];
          return rows as { id: number; parent: number; detail: string }[];
        };
        const planText = async (f: Partial<Parameters<typeof traceRepo.list>[1]>) => (await planOf(f)).map((r) => r.detail).join(' / ');
        assert.match(await planText({ resourceId: 'h1' }), /USING INDEX traces_project_resource_idx/);
        assert.match(await planText({ traceName: 'releaseDedicatedHosts' }), /USING INDEX traces_project_name_idx/);
        assert.match(await planText({}), /USING INDEX traces_project_time_idx/);
        // Warnings (and incidents) walk only themselves, on the partial index of migration 0011.
        assert.match(await planText({ traceRating: 'warning' }), /USING INDEX traces_project_flagged_idx/);
        // The window is walked in the list's order: nothing sorts the window (the subquery `i`
        // that walks the index). What is sorted is at most limit + 1 rows of it and the inbox's
        // few, merged into the page, and the page inside its JSON aggregate.
        for (const f of [{ resourceId: 'h1' }, { traceName: 'x' }, {}, { traceRating: 'warning' as const }]) {
          const plan = await planOf(f);
          const walk = plan.find((r) => r.detail === 'CO-ROUTINE i');
          assert.ok(walk, plan.map((r) => r.detail).join(' / '));
          const inWalk = plan.filter((r) => r.parent === walk.id).map((r) => r.detail);
          assert.ok(inWalk.some((d) => /^SEARCH traces USING INDEX/.test(d)), inWalk.join(' / '));
          assert.ok(!inWalk.some((d) => /TEMP B-TREE/.test(d)), `the order comes from the index: ${inWalk.join(' / ')}`);
          assert.ok(plan.some((r) => r.detail === 'SCAN trace_inbox'), 'the inbox is read beside it');
        }
      });
    });

    test('property: pages chained by their markers are the whole list, newest first, ties by id — wherever each trace is stored', async () => {
      await withStore(dialect, async (_store, db) => {
        // On SQLite a trace is written to the inbox and moved into the indexed table later: moves
        // of random sizes between the writes and between the pages must neither lose a trace
        // from the chain nor show one twice.
        await fc.assert(fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.stringMatching(/^[0-9a-f]{4}$/), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 7 }),
          fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 8 }),
          async (rows, limit, pageMoves) => {
            await db.deleteFrom('traces').execute();
            if (traceRepo.hasInbox(db)) await db.deleteFrom('trace_inbox').execute();
            const ids = new Set<string>();
            for (const [t, id, move] of rows) {
              if (ids.has(id)) continue;
              ids.add(id);
              if (move > 0) await traceRepo.moveInbox(db, move);
              await traceRepo.insert(db, [{
                trace_id: id, time: 1000 + t, record_time: 1000 + t, project_id: 'p1', domain_id: null, trace_name: 'n', trace_rating: 'normal',
                trace_type: 'ApiCall', service_type: 'DEH', resource_type: 'dedicatedHosts', resource_id: null, resource_name: null,
                source_ip: '', user_id: null, user_name: null, user_domain_id: null, user_domain_name: null, request: '', response: '',
                code: '200', api_version: '1.0', message: '', request_id: id,
              }]);
            }
            const all = (await traceRepo.list(db, { projectId: 'p1', from: 0, to: 10_000, limit: 200 })).map((x) => x.traceId);
            const seen: string[] = [];
            let before: { time: number; traceId: string } | undefined;
            for (let p = 0; ; p++) {
              if (pageMoves[p]) await traceRepo.moveInbox(db, pageMoves[p]);
              const page = await traceRepo.list(db, { projectId: 'p1', from: 0, to: 10_000, limit, ...(before && { before }) });
              seen.push(...page.slice(0, limit).map((x) => x.traceId));
              if (page.length <= limit) break;
              const last = page[limit - 1];
              before = { time: last.time, traceId: last.traceId };
            }
            assert.deepEqual(seen, all);
            const expected = [...ids].map((id) => ({ id, t: rows.find((r) => r[1] === id)![0] })).sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1)).map((x) => x.id);
            assert.deepEqual(all, expected);
            assert.equal(await traceRepo.count(db), ids.size);
          }), { numRuns: 40 });
      });
    });

    test('the inbox (SQLite): traces wait in it in commit order and move in bounded batches, none lost or doubled; down returns them', async () => {
      await withStore(dialect, async (store, db, schema, migrating) => {
        let now = 1_800_000_000_000;
        const traces = new TraceService(store, () => new Date(now), { enabled: true, retentionSeconds: 3600, moveBatch: 7 });
        for (let i = 0; i < 30; i++) {
          const w: WriteContext = { trace: traces.begin({ ...call, requestId: `r-${i}` }) };
          await store.write(async () => { traceResource(w, `h-${i}`, null); now++; }, w);
        }
        const listed = async () => (await traces.list({ projectId: 'p1', limit: 200, from: 0, to: now })).traces.map((t) => t.requestId);
        const before = await listed();
        assert.equal(before.length, 30);
        const inbox = async () => (traceRepo.hasInbox(db) ? (await db.selectFrom('trace_inbox').select('request_id').orderBy('seq').execute()).map((r) => r.request_id) : []);
        if (!traceRepo.hasInbox(db)) {
          // PostgreSQL writes into the indexed table directly.
          assert.equal(await traces.settle(), 0);
          assert.equal((await db.selectFrom('traces').select('trace_id').execute()).length, 30);
          return;
        }
        assert.deepEqual(await inbox(), before.slice().reverse(), 'the inbox holds them in commit order');
        assert.equal(await db.selectFrom('traces').select('trace_id').execute().then((r) => r.length), 0);
        // One move of 7 in the same transaction as a change: both or neither.
        await assert.rejects(store.write(async (tx) => { await traceRepo.moveInbox(tx, 7); throw new Error('no'); }), /no/);
        assert.equal((await inbox()).length, 30);
        await store.write((tx) => traceRepo.moveInbox(tx, 7));
        assert.deepEqual(await inbox(), before.slice().reverse().slice(7), 'the oldest moved first');
        assert.deepEqual(await listed(), before);
        assert.equal(await traces.settle(), 23);
        assert.deepEqual(await inbox(), []);
        assert.deepEqual(await listed(), before);
        assert.equal(await traces.count(), 30);
        assert.equal(await traces.settle(), 0);
        // What waits in the inbox when the schema goes back to v11 joins the traces table.
        for (let i = 30; i < 33; i++) {
          const w: WriteContext = { trace: traces.begin({ ...call, requestId: `r-${i}` }) };
          await store.write(async () => { traceResource(w, `h-${i}`, null); now++; }, w);
        }
        assert.equal((await inbox()).length, 3);
        await migrating(() => migrateTo(db, '0011-trace-window-filter-columns', schema));
        await assert.rejects(sql`select * from trace_inbox`.execute(db));
        assert.equal((await db.selectFrom('traces').select('trace_id').execute()).length, 33);
      });
    });

    test('a trace is stored with every column as given, through the inbox or not', async () => {
      await withStore(dialect, async (_store, db) => {
        const row = Object.fromEntries(TRACE_COLUMNS.map((c, i) => [c, c === 'time' || c === 'record_time' ? 1_000 + i : `${c}-${i}`])) as unknown as TracesTable;
        await traceRepo.insert(db, [row]);
        const read = async () => {
          const r = await storedTraces(db).selectAll().executeTakeFirstOrThrow() as unknown as Record<string, unknown>;
          return { ...r, time: Number(r.time), record_time: Number(r.record_time) };
        };
        assert.deepEqual(await read(), row);
        await traceRepo.moveInbox(db, 10);
        assert.deepEqual(await read(), row);
      });
    });

    test('the warning queue is bounded: beyond it traces are dropped and counted, never held', async () => {
      await withStore(dialect, async (store) => {
        const traces = new TraceService(store, () => new Date(), { enabled: true, retentionSeconds: 3600, maxQueued: 10, flushMs: 60_000 });
        for (let i = 0; i < 15; i++) traces.failed(call, 400, 'warning', '');
        assert.equal(traces.dropped, 5);
        await traces.flush();
        assert.equal(await traces.count(), 10);
      });
    });
  });
}
