import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { openDb } from '../../src/store/dialects.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { Store } from '../../src/store/store.js';
import { traceResource } from '../../src/store/trace-scope.js';
import type { WriteContext } from '../../src/store/write-context.js';
import { TraceService } from '../../src/services/traces.js';
import { traceRepo } from '../../src/store/trace-repo.js';
import { ConcurrentUpdate } from '../../src/domain/errors.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';
import fc from 'fast-check';

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
        const rows = await db.selectFrom('traces').selectAll().execute();
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
        // The repository's own statement, captured as kysely compiles it, then explained.
        let node: RootOperationNode | undefined;
        const capture: KyselyPlugin = { transformQuery: (a) => (node = a.node), transformResult: async (a) => a.result };
        const planOf = async (f: Partial<Parameters<typeof traceRepo.list>[1]>) => {
          await traceRepo.list(db.withPlugin(capture), { projectId: 'p1', from: 0, to: 1e15, limit: 100, ...f });
          const q = db.getExecutor().compileQuery(node!, { queryId: 'plan' } as never);
          const rows = (await db.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows as { detail: string }[];
          return rows.map((r) => r.detail).join(' / ');
        };
        assert.match(await planOf({ resourceId: 'h1' }), /USING INDEX traces_project_resource_idx/);
        assert.match(await planOf({ traceName: 'releaseDedicatedHosts' }), /USING INDEX traces_project_name_idx/);
        assert.match(await planOf({}), /USING INDEX traces_project_time_idx/);
        // Warnings (and incidents) walk only themselves, on the partial index of migration 0011.
        assert.match(await planOf({ traceRating: 'warning' }), /USING INDEX traces_project_flagged_idx/);
        // The window is walked in the list's order (no sort of the window); the page of at most
        // limit + 1 rows is then put in that order once more inside its JSON aggregate.
        for (const f of [{ resourceId: 'h1' }, { traceName: 'x' }, {}]) {
          assert.doesNotMatch((await planOf(f)).replace('USE TEMP B-TREE FOR json_group_array(ORDER BY)', ''), /TEMP B-TREE/, 'the order comes from the index');
        }
      });
    });

    test('property: pages chained by their markers are the whole list, newest first, ties by id', async () => {
      await withStore(dialect, async (_store, db) => {
        await fc.assert(fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.stringMatching(/^[0-9a-f]{4}$/)), { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 7 }),
          async (rows, limit) => {
            await db.deleteFrom('traces').execute();
            const ids = new Set<string>();
            for (const [t, id] of rows) {
              if (ids.has(id)) continue;
              ids.add(id);
              await db.insertInto('traces').values({
                trace_id: id, time: 1000 + t, record_time: 1000 + t, project_id: 'p1', domain_id: null, trace_name: 'n', trace_rating: 'normal',
                trace_type: 'ApiCall', service_type: 'DEH', resource_type: 'dedicatedHosts', resource_id: null, resource_name: null,
                source_ip: '', user_id: null, user_name: null, user_domain_id: null, user_domain_name: null, request: '', response: '',
                code: '200', api_version: '1.0', message: '', request_id: id,
              }).execute();
            }
            const all = (await traceRepo.list(db, { projectId: 'p1', from: 0, to: 10_000, limit: 200 })).map((x) => x.traceId);
            const seen: string[] = [];
            let before: { time: number; traceId: string } | undefined;
            for (;;) {
              const page = await traceRepo.list(db, { projectId: 'p1', from: 0, to: 10_000, limit, ...(before && { before }) });
              seen.push(...page.slice(0, limit).map((x) => x.traceId));
              if (page.length <= limit) break;
              const last = page[limit - 1];
              before = { time: last.time, traceId: last.traceId };
            }
            assert.deepEqual(seen, all);
            const expected = [...ids].map((id) => ({ id, t: rows.find((r) => r[1] === id)![0] })).sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1)).map((x) => x.id);
            assert.deepEqual(all, expected);
          }), { numRuns: 20 });
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
