import type { Kysely } from 'kysely';
import type { Database } from './tables.js';
import type { Capabilities } from './dialects.js';
import { classifyDbError } from './db-errors.js';
import { ConcurrentUpdate } from '../domain/errors.js';
import { GenerationCache } from './generation-cache.js';
import type { Tag } from '../domain/tag.js';
import { claimToken, recordResponse } from './idempotency.js';
import { insertTraces, pendingTrace } from './trace-scope.js';
import { traceRepo } from './trace-repo.js';
import type { WriteContext } from './write-context.js';
import { BatchLost, GroupCommitter, newGroupCommitStats, type GroupCommitOptions, type GroupCommitStats } from './group-commit.js';

// The one door to the database. `write` runs a function in a transaction and retries it a
// bounded number of times when it lost a race (generation compare-and-swap, serialization
// failure, deadlock, a dropped connection); anything else is translated once and rethrown.
// On SQLite (one writer process) writes are group-committed (group-commit.ts): the writes
// queued together share one transaction, each in its own savepoint, and one commit.

export type Executor = Kysely<Database>;

export interface StoreStats {
  retries: number;
  exhausted: number;
  readonly groupCommit: GroupCommitStats;
  /** Trace inbox moves the SQLite background thread could not make, made on the serving connection instead. */
  traceMoveFallbacks: number;
}

/** One page of a tag query: what the answer lists. */
export type TagPage = readonly { readonly id: string; readonly name: string; readonly tags: readonly Tag[] }[];
export const COUNT_CACHE_BYTES = 4 * 1024 * 1024;
export const TAG_PAGE_CACHE_BYTES = 16 * 1024 * 1024;

/** Bytes a kept page holds, roughly: its strings twice (UTF-16, then the rendered JSON) and the objects around them. */
export function tagPageBytes(page: TagPage): number {
  let n = 64;
  for (const r of page) {
    n += 3 * (r.id.length + r.name.length) + 160;
    for (const t of r.tags) n += 3 * (t.key.length + t.value.length) + 80;
  }
  return n;
}

/** At most this many writes share a commit, and none is added once a batch has run this long. */
export const GROUP_COMMIT: GroupCommitOptions = { maxWrites: 64, maxBatchMs: 2 };

export class Store {
  readonly stats: StoreStats = { retries: 0, exhausted: 0, groupCommit: newGroupCommitStats(), traceMoveFallbacks: 0 };
  /** List and tag-query totals of this database, valid per project generation (generation-cache.ts); ~4 MB at most. */
  readonly counts = new GenerationCache<number>(COUNT_CACHE_BYTES, (key) => 2 * key.length + 64);
  /**
   * Pages of "query DeHs by tag", valid per project generation like the totals; bounded by an
   * estimate of their bytes, their rendering (host-tags.ts) included: ~16 MB at most.
   */
  readonly tagPages = new GenerationCache<TagPage>(TAG_PAGE_CACHE_BYTES, (key, page) => 2 * key.length + tagPageBytes(page));
  /** SQLite only; PostgreSQL runs each write in a transaction of its own (it groups commits itself). */
  private readonly batcher: GroupCommitter | null;

  constructor(
    readonly db: Kysely<Database>,
    readonly caps: Capabilities,
    private readonly retries: number,
    groupCommit: GroupCommitOptions = GROUP_COMMIT,
  ) {
    this.batcher = caps.multiProcess ? null : new GroupCommitter(db, groupCommit, this.stats.groupCommit);
  }

  /** A read outside a transaction; driver errors are translated. */
  read<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    return this.retrying(() => fn(this.db));
  }

  /**
   * A transaction, retried whole when it lost a race. `fn` must not have side effects outside `tx`.
   * `w`, the request's write context (write-context.ts): its first write also inserts the
   * request's traces, after `fn`, in the same transaction (the change never commits without
   * them), and claims its client token before `fn`. The promise settles after the commit (on
   * SQLite, the commit of the batch the write was part of).
   */
  write<T>(fn: (tx: Executor) => Promise<T>, w?: WriteContext): Promise<T> {
    const trace = pendingTrace(w);
    const scope = w?.idempotency;
    const inTx = async (tx: Executor): Promise<{ r: T; idem: typeof scope }> => {
      if (trace) trace.resources = [];
      // The first write of a request that carries X-Client-Token also records the answer.
      const idem = scope && !scope.used ? scope : undefined;
      if (idem) await claimToken(tx, idem.key);
      const r = await fn(tx);
      if (idem) await recordResponse(tx, idem.key, r);
      if (trace) await insertTraces(tx, trace, r);
      return { r, idem };
    };
    return this.retrying(async () => {
      const { r, idem } = await this.transaction(inTx);
      // Only now is the record (and the trace) durable; a lost commit leaves both unset for the retry.
      if (idem) idem.used = true;
      if (trace) trace.committed = true;
      return r;
    });
  }

  /**
   * Moves up to `max` of the oldest traces waiting in SQLite's inbox (migration 0012) into the
   * indexed table; how many moved (fewer than `max`: the inbox is empty). On a SQLite file the
   * background thread makes the move on its own connection while this process's writes wait
   * (sqlite-background.ts); in memory, or if that thread failed, a write here makes it.
   * PostgreSQL has no inbox: 0.
   */
  async moveTraceInbox(max: number): Promise<number> {
    if (!traceRepo.hasInbox(this.db)) return 0;
    const bg = this.caps.background;
    if (bg && this.batcher) {
      try {
        return await this.batcher.runExclusive(() => bg.moveTraces(max));
      } catch {
        // The thread is gone or refused (SQLITE_BUSY from another process): move here instead.
        this.stats.traceMoveFallbacks++;
      }
    }
    return this.write((tx) => traceRepo.moveInbox(tx, max));
  }

  /** The group committer (SQLite), for tests of what runs beside it. */
  batcherForTests(): GroupCommitter {
    if (!this.batcher) throw new Error('no group commit on this engine');
    return this.batcher;
  }

  /** One attempt: a transaction of its own, or a place in the next group commit. */
  private async transaction<R>(fn: (tx: Executor) => Promise<R>): Promise<R> {
    if (!this.batcher) return this.db.transaction().execute(fn);
    try {
      return await this.batcher.run(fn);
    } catch (e) {
      if (!(e instanceof BatchLost)) throw e;
      // The batch failed as a whole, maybe for another write's fault: run this one alone, so its
      // outcome is its own (and a failure of its own goes through the usual classification).
      return this.batcher.run(fn, true);
    }
  }

  /** Runs `attempt` again after a transient failure (bounded); translates driver errors once. */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        const c = classifyDbError(e);
        if (!c) throw e;
        if (c.kind === 'transient' && n < this.retries) {
          this.stats.retries++;
          await backoff(n);
          continue;
        }
        if (c.error instanceof ConcurrentUpdate) this.stats.exhausted++;
        throw c.error;
      }
    }
  }

  async close(): Promise<void> {
    // Queued writes finish (and answer) before the connection goes; after destroy() they
    // would fail with an unclassified driver error.
    await this.batcher?.drain();
    await this.db.destroy();
  }
}

/** Jittered exponential backoff, capped at ~50 ms so a contended claim still answers fast. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}
