import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './tables.js';
import { holdsConnection, releasesConnection } from './sqlite-direct.js';

// Group commit for the embedded store (SQLite: one connection, one writer). Writes that are
// waiting together run in ONE transaction, each inside its own savepoint, and share its one
// `commit` — the commit (WAL frames of every dirtied page) was half of a create's SQL time,
// and pages the writes share (a project's guard row, an index page) go to the WAL once.
//
// What each write still gets, as if alone:
// * all or nothing: a write that throws is rolled back to its savepoint and changes nothing;
//   the others of the batch go on;
// * answer after commit: every promise settles only after the batch's `commit` returned (a
//   write that threw is rejected then too, with its own error);
// * its own async context: the function runs in the context it was queued from
//   (an AsyncResource taken when it was queued), so an AsyncLocalStorage of the caller's (an
//   APM's, a test's) sees its own request; OpenDeH's own scopes travel explicitly (write-context.ts);
// * its own outcome when the batch fails: a transaction lost as a whole (the commit, or a
//   rollback to a savepoint, failed) rejects every write of it — nothing was committed. A write
//   that was alone gets the real error (and Store.write's usual retry classification); writes
//   that shared the batch get BatchLost, and Store.write runs each of them again in a batch of
//   its own, so no write fails for another's fault.
//
// Latency stays bounded: a batch starts on the next turn of the event loop (setImmediate: the
// requests already read from their sockets get to queue their writes first), takes what is
// queued, at most `maxWrites` and no more once `maxBatchMs` have passed since it began.

type Work = (tx: Kysely<Database>) => Promise<unknown>;

interface Queued {
  /** An exclusive job gets no transaction: `run` is called with no connection, alone. */
  readonly run: Work;
  readonly exclusive?: boolean;
  /** The async context the write was queued from. */
  readonly context: AsyncResource;
  readonly solo: boolean;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Rejects a write whose batch of several was lost as a whole; its own attempt may have been fine. */
export class BatchLost extends Error {
  constructor(override readonly cause: unknown) {
    super('the group commit this write was part of failed');
  }
}

export interface GroupCommitOptions {
  readonly maxWrites: number;
  readonly maxBatchMs: number;
}

export interface GroupCommitStats {
  /** Batches that reached their commit, by size class (the upper bound of the class: 1, 2, 4, … 64). */
  readonly batches: Map<number, number>;
  /** Writes in those batches. */
  batchedWrites: number;
  /** Batches lost as a whole (commit failed). */
  lostBatches: number;
}

export function newGroupCommitStats(): GroupCommitStats {
  return { batches: new Map(), batchedWrites: 0, lostBatches: 0 };
}

const BEGIN = CompiledQuery.raw('begin');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const SAVEPOINT = CompiledQuery.raw('savepoint w');
const RELEASE = CompiledQuery.raw('release w');
const ROLLBACK_TO = CompiledQuery.raw('rollback to w');

export class GroupCommitter {
  private readonly queue: Queued[] = [];
  private scheduled = false;
  private running = false;
  /** The context batches run in: the store's, never the first queued request's. */
  private readonly home = new AsyncResource('opendeh.group-commit');

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: GroupCommitOptions,
    private readonly stats: GroupCommitStats,
  ) {}

  /** Resolves once nothing is queued or running (Store.close waits for it). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running || this.scheduled) await new Promise((r) => setImmediate(r));
  }

  /** Runs `fn` in a transaction shared with other queued writes; settles after the commit. */
  run<T>(fn: (tx: Kysely<Database>) => Promise<T>, solo = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // An AsyncResource rather than AsyncResource.bind: on Node 20 bind also builds deprecation
      // wrappers, a measurable share of a small write.
      this.queue.push({ run: fn, context: new AsyncResource('opendeh.write'), solo, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Runs `job` when no write of this committer is open, and holds every later one back until it
   * settles — for a write made on another connection to the same file (the background thread's
   * trace moves), which must not meet an open transaction of this one. Its own failure is its
   * own: the writes queued behind it go on.
   */
  runExclusive<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: job as unknown as Work, context: new AsyncResource('opendeh.write'), solo: true, exclusive: true, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    this.home.runInAsyncScope(() => setImmediate(() => { void this.batch(); }));
  }

  /**
   * One transaction (begin … commit) on the connection, held throughout, each write in its own
   * savepoint. If the first write fails, the whole transaction is rolled back and the next
   * write begins a new one.
   */
  private async batch(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const head = this.queue[0];
    if (head?.exclusive) {
      this.queue.shift();
      try {
        head.resolve(await head.context.runInAsyncScope(head.run, null, undefined as never));
      } catch (e) {
        head.reject(e);
      } finally {
        this.running = false;
      }
      if (this.queue.length > 0) this.schedule();
      return;
    }
    const settled: { q: Queued; o: Outcome }[] = [];
    // The writes run in the open transaction, with their outcomes: a write that failed in its
    // savepoint may have failed on what an earlier write of the batch did, so its outcome too
    // holds only if the transaction commits.
    let inTx: { q: Queued; o: Outcome }[] = [];
    let lost: unknown = null;
    let lostAtCommit = false;
    let size = 0;
    let held: Kysely<Database> | null = null;
    try {
      await this.db.connection().execute(async (conn) => {
        // Compiled statements of the batch's writes may run on the connection directly
        // (sqlite-direct.ts), until the batch lets the connection go (finally, below).
        holdsConnection((held = conn));
        const start = performance.now();
        while (this.queue.length > 0 && size < this.opts.maxWrites && (size === 0 || performance.now() - start < this.opts.maxBatchMs)) {
          const q = this.queue[0];
          if ((q.solo && size > 0) || q.exclusive) break;
          this.queue.shift();
          size++;
          const first = inTx.length === 0; // on committed state only
          let began = false;
          try {
            if (first) {
              await conn.executeQuery(BEGIN);
              began = true;
            }
            // The first write too, so that its RELEASE fails loudly if SQLite rolled the whole
            // transaction back under it (SQLITE_FULL, IOERR…) and its function swallowed the
            // error: without a savepoint the next write's SAVEPOINT would silently begin (and
            // its RELEASE commit) a transaction of its own.
            await conn.executeQuery(SAVEPOINT);
          } catch (error) {
            // This write never ran. Without a transaction it gets the error (SQLITE_BUSY is
            // retried); a failed savepoint loses the transaction, and it goes with the others.
            lost = error;
            if (first) {
              settled.push({ q, o: { ok: false, error } });
              if (began) await rollback(conn);
            } else inTx.push({ q, o: { ok: false, error } });
            break;
          }
          try {
            const value = await q.context.runInAsyncScope(q.run, null, conn);
            await conn.executeQuery(RELEASE);
            inTx.push({ q, o: { ok: true, value } });
          } catch (error) {
            if (first) {
              // Alone in its transaction: roll it back, its error is final; the next write begins anew.
              settled.push({ q, o: { ok: false, error } });
              await rollback(conn);
              continue;
            }
            inTx.push({ q, o: { ok: false, error } });
            try {
              await conn.executeQuery(ROLLBACK_TO);
              await conn.executeQuery(RELEASE);
            } catch (e) {
              lost = e;
              break;
            }
          }
          if (q.solo) break;
        }
        if (inTx.length === 0) return;
        if (lost === null) {
          try {
            await conn.executeQuery(COMMIT);
            return;
          } catch (e) {
            lost = e;
            lostAtCommit = true;
          }
        }
        await rollback(conn);
      });
    } catch (error) {
      lost ??= error; // the connection itself failed (the store is closed)
      if (size === 0) settled.push(...this.queue.splice(0).map((q) => ({ q, o: { ok: false, error } as Outcome })));
    } finally {
      if (held) releasesConnection(held);
      this.running = false;
    }
    if (lost === null) this.count(size);
    else {
      if (inTx.length > 0) this.stats.lostBatches++;
      // Nothing of the transaction was committed. A write alone in it gets the commit's own error
      // (as a lone transaction would); writes that shared it, or lost it to another's failure,
      // get BatchLost and are run again alone by Store.write.
      const alone = lostAtCommit && inTx.length === 1;
      inTx = inTx.map(({ q }) => ({ q, o: { ok: false, error: alone ? lost : new BatchLost(lost) } }));
    }
    for (const { q, o } of [...inTx, ...settled]) {
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    }
    if (this.queue.length > 0) this.schedule();
  }

  private count(size: number): void {
    if (size === 0) return;
    const cls = 2 ** Math.ceil(Math.log2(size));
    this.stats.batches.set(cls, (this.stats.batches.get(cls) ?? 0) + 1);
    this.stats.batchedWrites += size;
  }
}

/** Ends the transaction; SQLite refuses only when there is none left (it already rolled back itself). */
async function rollback(conn: Kysely<Database>): Promise<void> {
  try {
    await conn.executeQuery(ROLLBACK);
  } catch {
    // "cannot rollback - no transaction is active"
  }
}
