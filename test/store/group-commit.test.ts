import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { sql } from 'kysely';
import { ConcurrentUpdate, Conflict, NotFound } from '../../src/domain/errors.js';
import { Metrics } from '../../src/http/metrics.js';
import { runIdempotent } from '../../src/services/idempotency.js';
import { TraceService, type TraceCall } from '../../src/services/traces.js';
import { openDb } from '../../src/store/dialects.js';
import { BatchLost, GroupCommitter, newGroupCommitStats, type GroupCommitOptions } from '../../src/store/group-commit.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { Store, type Executor } from '../../src/store/store.js';
import { traceResource } from '../../src/store/trace-scope.js';
import type { WriteContext } from '../../src/store/write-context.js';
import { PG_URL, freshTarget } from '../support/dialects.js';
import { STORED_TRACES_SQL } from '../support/traces.js';

// Group commit on SQLite (src/store/group-commit.ts): writes queued together share one
// transaction and one commit, and each still behaves as if alone — its own async context
// (trace, idempotency record), all or nothing, answered only after the commit, retried after
// a lost race. A file in a temp dir, so a second connection can tell what is committed.

/** Generous time bound: on a loaded machine the default 2 ms would split the batches these tests build. */
const WIDE: GroupCommitOptions = { maxWrites: 64, maxBatchMs: 10_000 };

interface Fixture {
  readonly store: Store;
  readonly db: Store['db'];
  /** A second connection to the same file: it sees only what is committed. */
  readonly peer: BetterSqlite3.Database;
  readonly dir: string;
  close(): Promise<void>;
}

async function fixture(opts: GroupCommitOptions = WIDE, backgroundDeadlineMs?: number): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'opendeh-gc-'));
  const file = join(dir, 'opendeh.db');
  const { db, caps } = openDb({ url: file, backgroundDeadlineMs });
  // A file of its own: no schema of another test file to wait for (the lock is PostgreSQL's).
  const target = { migrating: <T>(fn: () => Promise<T>) => fn() };
  await target.migrating(() => migrateToLatest(db));
  await sql`create table gc_rows (id text primary key, owner text)`.execute(db);
  await sql`create table gc_parents (id text primary key)`.execute(db);
  // Checked at commit, not at the statement: the only way a SQLite commit fails on its own data.
  await sql`create table gc_children (id text primary key, parent text references gc_parents (id) deferrable initially deferred)`.execute(db);
  await sql`insert into gc_rows (id, owner) values ('taken', null)`.execute(db);
  const store = new Store(db, caps, 5, opts);
  assert.equal(caps.multiProcess, false);
  const peer = new BetterSqlite3(file, { readonly: true });
  return {
    store, db, peer, dir,
    close: async () => { peer.close(); await store.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

const insertRow = (tx: Executor, id: string, owner: string | null = null) => sql`insert into gc_rows (id, owner) values (${id}, ${owner})`.execute(tx);
const committedIds = (f: Fixture, prefix: string) =>
  (f.peer.prepare('select id from gc_rows where id like ? order by id').all(`${prefix}%`) as { id: string }[]).map((r) => r.id);
const batchCount = (s: Store) => [...s.stats.groupCommit.batches.values()].reduce((a, b) => a + b, 0);

const settle = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> =>
  p.then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }));

function callOf(i: number): TraceCall {
  return {
    name: 'createThing', service: 'DEH', resourceType: 'things', apiVersion: '1.0', projectId: `p-${i}`, domainId: 'd1',
    user: { id: `uid-${i}`, name: `user-${i}`, domain: { id: 'd1', name: 'D' } }, sourceIp: '192.0.2.1', requestId: `req-${i}`,
    body: { i }, resourceId: null, okStatus: 202,
  };
}

describe('group commit [sqlite]', () => {
  test('concurrent requests share commits, each write with its own context, trace and idempotency record', async () => {
    const f = await fixture();
    try {
      const traces = new TraceService(f.store, () => new Date(), { enabled: true, retentionSeconds: 3600 });
      const request = new AsyncLocalStorage<string>();
      const N = 24;
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => request.run(`req-${i}`, () => {
        const w: WriteContext = { trace: traces.begin(callOf(i)) };
        return runIdempotent(() => new Date(), { projectId: `p-${i}`, token: `tok-${i}`, operation: 'create', request: { i } },
          () => f.store.write(async (tx) => {
            await insertRow(tx, `ctx-${i}`, request.getStore());
            traceResource(w, `res-${i}`, `name-${i}`);
            await Promise.resolve();
            return { i, seen: request.getStore() };
          }, w),
          (r) => ({ status: 202, body: r }), w);
      })));
      assert.deepEqual(answers, Array.from({ length: N }, (_, i) => ({ status: 202, body: { i, seen: `req-${i}` } })));
      assert.ok([...f.store.stats.groupCommit.batches.keys()].some((size) => size > 1), 'the writes were group-committed');
      assert.ok(batchCount(f.store) < N);
      // …and /metrics says so: commits by size class, and the writes they carried.
      const metrics = new Metrics();
      metrics.watchStore(f.store.stats);
      const text = await metrics.registry.metrics();
      const commits = [...text.matchAll(/^opendeh_store_group_commits_total\{size="(\d+)"[^}]*\} (\d+)$/gm)].map((m): [number, number] => [Number(m[1]), Number(m[2])]);
      assert.deepEqual(new Map(commits), f.store.stats.groupCommit.batches);
      assert.match(text, new RegExp(`^opendeh_store_group_commit_writes_total\\{[^}]*\\} ${f.store.stats.groupCommit.batchedWrites}$`, 'm'));

      const rows = f.peer.prepare(`select id, owner from gc_rows where id like 'ctx-%'`).all() as { id: string; owner: string }[];
      assert.equal(rows.length, N);
      for (const r of rows) assert.equal(r.owner, `req-${r.id.slice(4)}`);
      const tr = f.peer.prepare(`select resource_id, resource_name, user_id, user_name, project_id, request_id, code, response from ${STORED_TRACES_SQL}`).all() as Record<string, string>[];
      assert.equal(tr.length, N);
      for (const t of tr) {
        const i = t.resource_id.slice(4);
        assert.deepEqual([t.resource_name, t.user_id, t.user_name, t.project_id, t.request_id, t.code], [`name-${i}`, `uid-${i}`, `user-${i}`, `p-${i}`, `req-${i}`, '202']);
      }
      const idem = f.peer.prepare('select project_id, client_token, status, body from idempotency').all() as { project_id: string; client_token: string; status: number; body: string }[];
      assert.equal(idem.length, N);
      for (const r of idem) {
        const i = Number(r.client_token.slice(4));
        assert.deepEqual([r.project_id, r.status, JSON.parse(r.body)], [`p-${i}`, 202, { i, seen: `req-${i}` }]);
      }
      // A replay of one of them gets its own first answer, and writes nothing.
      const w: WriteContext = {};
      const replay = await runIdempotent(() => new Date(), { projectId: 'p-7', token: 'tok-7', operation: 'create', request: { i: 7 } },
        () => f.store.write(async (tx) => { await insertRow(tx, 'ctx-replayed'); return { i: -1, seen: '' }; }, w), (r) => ({ status: 202, body: r }), w);
      assert.deepEqual(replay, { status: 202, body: { i: 7, seen: 'req-7' } });
      assert.deepEqual(committedIds(f, 'ctx-replayed'), []);
    } finally {
      await f.close();
    }
  });

  test('an exclusive job runs with no transaction of the store open, and the writes queued behind it wait for it', async () => {
    const f = await fixture();
    try {
      // Another read-write connection to the file, failing at once if the store held the lock.
      const other = new BetterSqlite3(join(f.dir, 'opendeh.db'));
      other.pragma('busy_timeout = 0');
      try {
        const order: string[] = [];
        const before = f.store.write(async (tx) => { await insertRow(tx, 'ex-before'); order.push('before'); });
        const job = f.store.batcherForTests().runExclusive(async () => {
          await new Promise((r) => setTimeout(r, 20));
          other.prepare(`insert into gc_rows (id, owner) values ('ex-other', 'elsewhere')`).run();
          order.push('job');
          return 'done';
        });
        const after = f.store.write(async (tx) => { await insertRow(tx, 'ex-after'); order.push('after'); });
        assert.deepEqual(await Promise.all([before, job, after]), [undefined, 'done', undefined]);
        assert.deepEqual(order, ['before', 'job', 'after']);
        assert.deepEqual(committedIds(f, 'ex-'), ['ex-after', 'ex-before', 'ex-other']);
        // A failing job fails alone; the writes behind it go on.
        const failing = f.store.batcherForTests().runExclusive(async () => { throw new Error('job failed'); });
        const next = f.store.write((tx) => insertRow(tx, 'ex-next'));
        await assert.rejects(failing, /job failed/);
        await next;
        assert.deepEqual(committedIds(f, 'ex-next'), ['ex-next']);
      } finally {
        other.close();
      }
    } finally {
      await f.close();
    }
  });

  test('the trace inbox of a file is moved by the background thread, between the store\'s transactions', async () => {
    const f = await fixture();
    try {
      const bg = f.store.caps.background;
      assert.ok(bg, 'a SQLite file has its background thread');
      let asked = 0;
      let movedThere = 0;
      const move = bg.moveTraces.bind(bg);
      (bg as { moveTraces: typeof move }).moveTraces = async (max) => { asked++; const n = await move(max); movedThere += n; return n; };
      const traces = new TraceService(f.store, () => new Date(), { enabled: true, retentionSeconds: 3600, moveBatch: 10 });
      const N = 25;
      await Promise.all(Array.from({ length: N }, (_, i) => {
        const w: WriteContext = { trace: traces.begin(callOf(i)) };
        return f.store.write(async (tx) => { await insertRow(tx, `mv-${i}`); traceResource(w, `res-${i}`, null); }, w);
      }));
      const count = (table: string) => (f.peer.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      assert.equal(count('trace_inbox'), N);
      // Writes made while the moves run are not lost and not moved twice.
      const during = Array.from({ length: 5 }, (_, i) => {
        const w: WriteContext = { trace: traces.begin(callOf(100 + i)) };
        return f.store.write(async (tx) => { traceResource(w, `res-${100 + i}`, null); await insertRow(tx, `mv-during-${i}`); }, w);
      });
      const moved = await traces.settle();
      await Promise.all(during);
      assert.ok(asked >= 3, `${asked} moves of at most 10`);
      assert.equal(movedThere, moved, 'every trace moved was moved by the background thread');
      assert.equal(f.store.stats.traceMoveFallbacks, 0);
      assert.equal(moved + count('trace_inbox'), N + 5);
      assert.equal(count('traces') + count('trace_inbox'), N + 5);
      await traces.settle();
      assert.equal(count('trace_inbox'), 0);
      assert.deepEqual((f.peer.prepare('select resource_id from traces order by trace_id').all() as { resource_id: string }[]).map((r) => r.resource_id).sort(),
        [...Array.from({ length: N }, (_, i) => `res-${i}`), ...Array.from({ length: 5 }, (_, i) => `res-${100 + i}`)].sort());
    } finally {
      await f.close();
    }
  });

  test('a lost background thread: the serving connection checkpoints again and makes the trace moves itself', async () => {
    const f = await fixture();
    try {
      const autocheckpoint = async () => Number(Object.values((await sql`pragma wal_autocheckpoint`.execute(f.db)).rows[0] as object)[0]);
      assert.equal(await autocheckpoint(), 0, 'checkpoints are the thread\'s');
      await f.store.caps.background!.terminateForTests();
      assert.equal(await autocheckpoint(), 1000, 'SQLite\'s own checkpoints are back');
      const traces = new TraceService(f.store, () => new Date(), { enabled: true, retentionSeconds: 3600 });
      const w: WriteContext = { trace: traces.begin(callOf(1)) };
      await f.store.write(async (tx) => { await insertRow(tx, 'lost-1'); traceResource(w, 'res-lost', null); }, w);
      assert.equal(await traces.settle(), 1);
      assert.equal(f.store.stats.traceMoveFallbacks, 1);
      assert.equal((f.peer.prepare('select count(*) as n from trace_inbox').get() as { n: number }).n, 0);
      assert.equal((f.peer.prepare(`select count(*) as n from traces where resource_id = 'res-lost'`).get() as { n: number }).n, 1);
    } finally {
      await f.close();
    }
  });

  test('a background thread that stops answering: past the deadline it is ended, the move is made here and writes go on', async () => {
    const f = await fixture(WIDE, 300);
    try {
      const autocheckpoint = async () => Number(Object.values((await sql`pragma wal_autocheckpoint`.execute(f.db)).rows[0] as object)[0]);
      const traces = new TraceService(f.store, () => new Date(), { enabled: true, retentionSeconds: 3600 });
      const traced = (i: number) => {
        const w: WriteContext = { trace: traces.begin(callOf(i)) };
        return f.store.write(async (tx) => { await insertRow(tx, `stall-${i}`); traceResource(w, `res-stall-${i}`, null); }, w);
      };
      await traced(1);
      assert.equal(await traces.settle(), 1, 'the thread answers');
      assert.equal(f.store.stats.traceMoveFallbacks, 0);
      await traced(2);
      // Stuck for far longer than the deadline (a terminate() cuts it short).
      f.store.caps.background!.stallForTests(20_000);
      const started = performance.now();
      const settling = traces.settle();
      // A write queued behind the stuck move waits for the deadline, not for the thread.
      const behind = traced(3);
      const movedFirst = await settling;
      await behind;
      const waited = performance.now() - started;
      assert.ok(waited < 10_000, `writes went on after the deadline, not after the stall (${waited.toFixed(0)} ms)`);
      assert.equal(f.store.stats.traceMoveFallbacks, 1, 'the move was made on the serving connection');
      assert.equal(await autocheckpoint(), 1000, 'SQLite\'s own checkpoints are back');
      await assert.rejects(f.store.caps.background!.moveTraces(10), /did not answer within 300 ms/, 'the thread counts as lost');
      assert.equal(movedFirst + await traces.settle(), 2, 'the stuck move\'s trace and the one queued behind it, moved here');
      assert.deepEqual(committedIds(f, 'stall-'), ['stall-1', 'stall-2', 'stall-3']);
      assert.equal((f.peer.prepare('select count(*) as n from trace_inbox').get() as { n: number }).n, 0);
      assert.deepEqual((f.peer.prepare(`select resource_id from traces where resource_id like 'res-stall-%' order by resource_id`).all() as { resource_id: string }[])
        .map((r) => r.resource_id), ['res-stall-1', 'res-stall-2', 'res-stall-3'], 'each trace once');
    } finally {
      await f.close();
    }
  });

  test('a write failing in the middle of a batch changes nothing; the others of the batch commit', async () => {
    const f = await fixture();
    try {
      const before = batchCount(f.store);
      const plan = ['ok', 'ok', 'not-found', 'ok', 'duplicate', 'ok'] as const;
      const results = await Promise.allSettled(plan.map((kind, i) => f.store.write(async (tx) => {
        await insertRow(tx, `mid-${i}`);
        if (kind === 'not-found') throw new NotFound('gone');
        if (kind === 'duplicate') await insertRow(tx, 'taken');
        return i;
      })));
      assert.equal(batchCount(f.store) - before, 1, 'one batch, one commit');
      assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).constructor.name)), [0, 1, 'NotFound', 3, 'Conflict', 5]);
      assert.deepEqual(committedIds(f, 'mid-'), ['mid-0', 'mid-1', 'mid-3', 'mid-5']);
    } finally {
      await f.close();
    }
  });

  test('a write whose transaction SQLite rolled back under it (error swallowed) fails; the next write is not committed on its own', async () => {
    const f = await fixture();
    try {
      // What SQLITE_FULL or an I/O error does to the open transaction, done by hand: the first
      // write's function ends it and returns normally, as if it had caught the driver's error.
      const results = await Promise.allSettled([
        f.store.write(async (tx) => { await insertRow(tx, 'lostfirst-a'); await sql`rollback`.execute(tx); return 'a'; }),
        f.store.write(async (tx) => { await insertRow(tx, 'lostfirst-b'); return 'b'; }),
        f.store.write(async (tx) => { await insertRow(tx, 'lostfirst-c'); throw new NotFound('c fails'); }),
      ]);
      assert.equal(results[0].status, 'rejected', 'its savepoint is gone: the write cannot claim success');
      assert.deepEqual(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).constructor.name)), ['b', 'NotFound']);
      assert.deepEqual(committedIds(f, 'lostfirst-'), ['lostfirst-b']);
      // and the store goes on committing normally
      await f.store.write((tx) => insertRow(tx, 'lostfirst-d'));
      assert.deepEqual(committedIds(f, 'lostfirst-'), ['lostfirst-b', 'lostfirst-d']);
    } finally {
      await f.close();
    }
  });

  test('close waits for queued writes: they commit and answer, none fails on a closed connection', async () => {
    const f = await fixture();
    const pending = Array.from({ length: 5 }, (_, i) => f.store.write((tx) => insertRow(tx, `closing-${i}`).then(() => i)));
    const ids = () => committedIds(f, 'closing-');
    await f.store.close();
    assert.deepEqual(await Promise.all(pending), [0, 1, 2, 3, 4]);
    // the peer connection still reads the file
    assert.deepEqual(ids(), ['closing-0', 'closing-1', 'closing-2', 'closing-3', 'closing-4']);
    f.peer.close();
    rmSync(f.dir, { recursive: true, force: true });
  });

  test('a write that lost a race is retried in a later batch and succeeds; its lost attempt leaves nothing', async () => {
    const f = await fixture();
    try {
      let attempts = 0;
      const retriesBefore = f.store.stats.retries;
      const results = await Promise.all([0, 1, 2].map((i) => f.store.write(async (tx) => {
        if (i === 1) {
          attempts++;
          await insertRow(tx, `race-1-attempt-${attempts}`);
          if (attempts === 1) throw new ConcurrentUpdate();
        } else await insertRow(tx, `race-${i}`);
        return i;
      })));
      assert.deepEqual(results, [0, 1, 2]);
      assert.equal(attempts, 2);
      assert.equal(f.store.stats.retries - retriesBefore, 1);
      assert.deepEqual(committedIds(f, 'race-'), ['race-0', 'race-1-attempt-2', 'race-2']);
    } finally {
      await f.close();
    }
  });

  test('a failed commit rejects every write of the batch; Store.write then runs each alone, so only the culprit fails', async () => {
    const f = await fixture();
    try {
      // The batcher itself: the commit fails on a deferred foreign key, every write is rejected.
      const stats = newGroupCommitStats();
      const batcher = new GroupCommitter(f.db, WIDE, stats);
      const direct = await Promise.allSettled([
        batcher.run((tx) => insertRow(tx, 'cf-direct-a')),
        batcher.run((tx) => sql`insert into gc_children (id, parent) values ('orphan-1', 'missing')`.execute(tx)),
        batcher.run((tx) => insertRow(tx, 'cf-direct-c')),
      ]);
      assert.deepEqual(direct.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
      for (const r of direct) {
        const e = (r as PromiseRejectedResult).reason;
        assert.ok(e instanceof BatchLost);
        assert.equal((e.cause as { code?: string }).code, 'SQLITE_CONSTRAINT_FOREIGNKEY');
      }
      assert.equal(stats.lostBatches, 1);
      assert.deepEqual(committedIds(f, 'cf-'), []);
      assert.equal((f.peer.prepare('select count(*) as n from gc_children').get() as { n: number }).n, 0);

      // Through Store.write: the innocent writes commit on their second run, the culprit alone gets the real error.
      const attempts = [0, 0, 0];
      const results = await Promise.allSettled([0, 1, 2].map((i) => f.store.write(async (tx) => {
        attempts[i]++;
        if (i === 1) await sql`insert into gc_children (id, parent) values ('orphan-2', 'missing')`.execute(tx);
        else await insertRow(tx, `cf-store-${i}`);
        return i;
      })));
      assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).constructor.name)), [0, 'Conflict', 2]);
      assert.ok((results[1] as PromiseRejectedResult).reason instanceof Conflict);
      assert.deepEqual(attempts, [2, 2, 2], 'every write of the lost batch ran again');
      assert.equal(f.store.stats.groupCommit.lostBatches, 2, 'the shared batch, then the culprit alone');
      assert.deepEqual(committedIds(f, 'cf-'), ['cf-store-0', 'cf-store-2']);
      assert.equal((f.peer.prepare('select count(*) as n from gc_children').get() as { n: number }).n, 0);
    } finally {
      await f.close();
    }
  });

  test('an answer is never given before its commit: each resolved write is already visible to another connection', async () => {
    const f = await fixture();
    try {
      const uncommittedInside: (string | undefined)[] = [];
      const visibleAtAnswer: boolean[] = [];
      await Promise.all(Array.from({ length: 30 }, (_, i) => f.store.write(async (tx) => {
        await insertRow(tx, `vis-${i}`);
        // Inside the transaction the other connection does not see it yet (so the check below can fail).
        uncommittedInside.push((f.peer.prepare('select id from gc_rows where id = ?').get(`vis-${i}`) as { id: string } | undefined)?.id);
        return i;
      }).then(() => { visibleAtAnswer.push(f.peer.prepare('select id from gc_rows where id = ?').get(`vis-${i}`) !== undefined); })));
      assert.deepEqual(uncommittedInside, Array(30).fill(undefined));
      assert.deepEqual(visibleAtAnswer, Array(30).fill(true));
      assert.ok([...f.store.stats.groupCommit.batches.keys()].some((size) => size > 1));
    } finally {
      await f.close();
    }
  });

  test('a batch takes at most maxWrites; the rest wait for the next', async () => {
    const f = await fixture({ maxWrites: 4, maxBatchMs: 10_000 });
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => f.store.write((tx) => insertRow(tx, `cap-${i}`))));
      assert.deepEqual([...f.store.stats.groupCommit.batches].sort(), [[2, 1], [4, 2]]);
      assert.equal(committedIds(f, 'cap-').length, 10);
    } finally {
      await f.close();
    }
  });

  test('property: whatever the interleaving of succeeding and failing writes, exactly the succeeded ones are committed', async () => {
    const f = await fixture({ maxWrites: 5, maxBatchMs: 2 });
    await sql`insert into gc_parents (id) values ('p')`.execute(f.db);
    const kinds = ['ok', 'ok', 'ok', 'throw-before', 'throw-after-insert', 'duplicate', 'race-once', 'commit-fails'] as const;
    let run = 0;
    try {
      await fc.assert(fc.asyncProperty(
        fc.array(fc.record({ kind: fc.constantFrom(...kinds), gap: fc.constantFrom('none', 'microtask', 'immediate') }), { minLength: 1, maxLength: 25 }),
        async (plan) => {
          const prefix = `prop-${run++}-`;
          // Settled as they come (a rejection may arrive while later writes are still being queued).
          const pending: Promise<PromiseSettledResult<string>>[] = [];
          for (const [i, { kind, gap }] of plan.entries()) {
            const id = `${prefix}${String(i).padStart(2, '0')}`;
            let attempt = 0;
            pending.push(settle(f.store.write(async (tx) => {
              attempt++;
              if (kind === 'throw-before') throw new NotFound('no');
              await insertRow(tx, id);
              if (kind === 'throw-after-insert') throw new NotFound('no');
              if (kind === 'duplicate') await insertRow(tx, 'taken');
              if (kind === 'race-once' && attempt === 1) throw new ConcurrentUpdate();
              if (kind === 'commit-fails') await sql`insert into gc_children (id, parent) values (${id}, 'missing')`.execute(tx);
              return id;
            })));
            if (gap === 'microtask') await Promise.resolve();
            if (gap === 'immediate') await new Promise((r) => setImmediate(r));
          }
          const settled = await Promise.all(pending);
          const succeeded = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          const expected = plan.flatMap(({ kind }, i) => (kind === 'ok' || kind === 'race-once' ? [`${prefix}${String(i).padStart(2, '0')}`] : []));
          assert.deepEqual(succeeded, expected);
          assert.deepEqual(committedIds(f, prefix), expected);
          for (const r of settled) if (r.status === 'rejected') assert.ok(r.reason instanceof NotFound || r.reason instanceof Conflict, String(r.reason));
        },
      ), { numRuns: 40 });
      assert.equal((f.peer.prepare('select count(*) as n from gc_children').get() as { n: number }).n, 0);
    } finally {
      await f.close();
    }
  });
});

describe('no group commit on PostgreSQL', { skip: PG_URL ? false : 'OPENDEH_TEST_PG_URL is not set' }, () => {
  test('each write is a transaction of its own', async () => {
    const target = await freshTarget('postgres');
    const { db, caps } = openDb({ url: target.url, schema: target.schema, poolSize: 4 });
    try {
      await target.migrating(() => migrateToLatest(db, target.schema));
      await sql`create table gc_rows (id text primary key, owner text)`.execute(db);
      const store = new Store(db, caps, 3);
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.write((tx) => insertRow(tx, `pg-${i}`))));
      assert.equal(store.stats.groupCommit.batchedWrites, 0);
      assert.equal((await sql<{ n: string }>`select count(*) as n from gc_rows`.execute(db)).rows[0].n, '8');
    } finally {
      await db.destroy();
      await target.drop();
    }
  });
});
