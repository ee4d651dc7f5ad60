import type { Kysely } from 'kysely';
import type { Database } from './tables.js';
import type { Capabilities } from './dialects.js';
import { classifyDbError } from './db-errors.js';
import { ConcurrentUpdate } from '../domain/errors.js';
import { CountCache } from './count-cache.js';
import { claimToken, idempotencyScope, recordResponse } from './idempotency.js';
import { insertTraces, pendingTrace } from './trace-scope.js';

// The one door to the database. `write` runs a function in a transaction and retries it a
// bounded number of times when it lost a race (generation compare-and-swap, serialization
// failure, deadlock, a dropped connection); anything else is translated once and rethrown.

export type Executor = Kysely<Database>;

export interface StoreStats { retries: number; exhausted: number }

export class Store {
  readonly stats: StoreStats = { retries: 0, exhausted: 0 };
  /** List and tag-query totals of this database, valid per project generation (count-cache.ts). */
  readonly counts = new CountCache();

  constructor(
    readonly db: Kysely<Database>,
    readonly caps: Capabilities,
    private readonly retries: number,
  ) {}

  /** A read outside a transaction; driver errors are translated. */
  read<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    return this.retrying(() => fn(this.db));
  }

  /**
   * A transaction, retried whole when it lost a race. `fn` must not have side effects outside `tx`.
   * Inside a traced request (trace-scope.ts) the first write also inserts the request's traces,
   * after `fn`, in the same transaction: the change never commits without them.
   */
  write<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    const trace = pendingTrace();
    return this.retrying(async () => {
      const result = await this.db.transaction().execute(async (tx) => {
        if (trace) trace.resources = [];
        // The first write of a request that carries X-Client-Token also records the answer.
        const scope = idempotencyScope.getStore();
        const idem = scope && !scope.used ? scope : undefined;
        if (idem) await claimToken(tx, idem.key);
        const r = await fn(tx);
        if (idem) {
          await recordResponse(tx, idem.key, r);
          idem.used = true;
        }
        if (trace) await insertTraces(tx, trace, r);
        return r;
      });
      if (trace) trace.committed = true;
      return result;
    });
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
    await this.db.destroy();
  }
}

/** Jittered exponential backoff, capped at ~50 ms so a contended claim still answers fast. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}
