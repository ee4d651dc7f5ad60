import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import { directSqlite, runDirect } from './sqlite-direct.js';
import type { Executor } from './store.js';
import type { Database } from './tables.js';

// Kysely builds an immutable operation tree for every query and compiles it to SQL text on
// every call: on the hot paths (show a DeH, an ECS create's ten statements) that was 10–18 %
// of the server's CPU, more than SQLite spent executing some of them. A hot statement whose
// shape does not depend on its values is built and compiled ONCE per engine here, with slots
// where its values go; each call only binds the values and runs the same text (which the
// SQLite statement cache and PostgreSQL's named statements then reuse as before).
//
// Only for fixed shapes: an IN list, an optional WHERE or a variable set of columns changes
// the text; such a statement passes a `shape` key naming the variant, and each variant is
// compiled once.

/** A value's position in the call's argument list, standing in for it while compiling. */
class Slot {
  constructor(readonly index: number) {}
}

/** `$(i)`: the i-th argument of the call. Typed `any` so it fits wherever a value goes. */
export type Slots = (index: number) => any;

interface Compiled {
  readonly sql: string;
  /** Per parameter: an argument index, or a constant that was written into the builder. */
  readonly params: readonly (number | { readonly value: unknown })[];
}

export interface Statement<R, S> {
  /** Every row. */
  rows(ex: Executor, args: readonly unknown[], shape?: S): Promise<R[]>;
  /** The first row, if any. */
  first(ex: Executor, args: readonly unknown[], shape?: S): Promise<R | undefined>;
  /** Rows changed by an INSERT/UPDATE/DELETE without RETURNING. */
  affected(ex: Executor, args: readonly unknown[], shape?: S): Promise<number>;
  /** The SQL and values a call would run (for EXPLAIN in tests). */
  compiled(ex: Executor, args: readonly unknown[], shape?: S): CompiledQuery;
}

/**
 * @param build the query, with `$(i)` for the i-th argument; it must not branch on values
 *   (only on `shape`). A slot used where kysely would not bind a parameter fails loudly.
 * @param shapeKey names the variant `shape` selects (default: one variant).
 */
export function statement<R, S = undefined>(
  build: (db: Executor, $: Slots, shape: S) => Compilable<R>,
  shapeKey: (shape: S) => string = () => '',
): Statement<R, S> {
  // Per engine (kysely's adapter object is shared by a database and its transactions).
  const byAdapter = new WeakMap<object, Map<string, Compiled>>();

  function compiledFor(ex: Executor, shape: S): Compiled {
    const adapter = ex.getExecutor().adapter;
    let variants = byAdapter.get(adapter);
    if (!variants) byAdapter.set(adapter, (variants = new Map()));
    const key = shapeKey(shape);
    let c = variants.get(key);
    if (!c) {
      const q = build(ex, (i) => new Slot(i), shape).compile();
      c = { sql: q.sql, params: q.parameters.map((p) => (p instanceof Slot ? p.index : { value: p })) };
      const used = new Set(c.params.filter((p): p is number => typeof p === 'number'));
      // A slot that kysely inlined, or dropped, would silently bind the wrong value.
      if (q.sql.includes('[object Object]')) throw new Error(`statement: a slot was inlined into ${q.sql}`);
      for (let i = 0; i < used.size; i++) if (!used.has(i)) throw new Error(`statement: argument ${i} is not bound in ${q.sql}`);
      variants.set(key, c);
    }
    return c;
  }

  function bound(ex: Executor, args: readonly unknown[], shape: S): CompiledQuery<R> {
    const c = compiledFor(ex, shape);
    return CompiledQuery.raw(c.sql, c.params.map((p) => (typeof p === 'number' ? args[p] : p.value))) as CompiledQuery<R>;
  }

  async function run(ex: Executor, args: readonly unknown[], shape: S): Promise<QueryResult<R>> {
    const q = bound(ex, args, shape);
    const direct = directSqlite(ex);
    return direct ? runDirect<R>(direct, q.sql, q.parameters) : ex.executeQuery<R>(q);
  }

  return {
    async rows(ex, args, shape) {
      return (await run(ex, args, shape as S)).rows;
    },
    async first(ex, args, shape) {
      return (await run(ex, args, shape as S)).rows[0];
    },
    async affected(ex, args, shape) {
      const r = await run(ex, args, shape as S);
      return Number(r.numAffectedRows ?? 0n);
    },
    compiled(ex, args, shape) {
      return bound(ex, args, shape as S);
    },
  };
}

/**
 * `INSERT INTO table (columns of the row) VALUES (…)`, compiled once per set of columns.
 * Rows with the same keys (a repository's row builder always gives the same) share one text.
 */
export function insertStatement<T extends keyof Database & string>(table: T) {
  const st = statement<unknown, readonly string[]>(
    (db, $, columns) => db.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, $(i)])) as never),
    (columns) => columns.join(','),
  );
  return {
    async run(ex: Executor, row: Readonly<Record<string, unknown>>): Promise<void> {
      // As kysely's values(): an undefined value leaves its column out (its DEFAULT applies).
      const columns = Object.keys(row).filter((c) => row[c] !== undefined);
      await st.affected(ex, columns.map((c) => row[c]), columns);
    },
  };
}
