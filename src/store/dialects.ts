import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './tables.js';
import { startBackground, type SqliteBackground } from './sqlite-background.js';
import { registerSqlite } from './sqlite-direct.js';

// The only file that knows which engine is underneath. Differences are capability flags,
// never `if (sqlite)` in query code.

export interface Capabilities {
  readonly engine: 'sqlite' | 'postgres';
  /** Several processes may share the database (PostgreSQL); SQLite has one writer process. */
  readonly multiProcess: boolean;
  /** `INSERT … ON CONFLICT` spelled the same on both, kept as a flag for future engines. */
  readonly onConflict: boolean;
  /**
   * `SELECT … FOR UPDATE SKIP LOCKED`: concurrent transactions take different free rows of a
   * pool instead of queueing on the same ones (PostgreSQL). SQLite has one writer at a time.
   */
  readonly skipLocked: boolean;
  /**
   * A SQLite file's background thread (sqlite-background.ts): checkpoints, and the trace
   * inbox's moves (Store.moveTraceInbox). null in memory and on PostgreSQL.
   */
  readonly background: SqliteBackground | null;
}

export interface OpenedDb {
  readonly db: Kysely<Database>;
  readonly caps: Capabilities;
}

export interface DbTarget {
  /** postgres:// URL, or a SQLite file path, or ':memory:'. */
  readonly url: string;
  readonly poolSize?: number;
  /** PostgreSQL schema to use (tests give each app its own); created if missing. */
  readonly schema?: string;
  /** Shown in pg_stat_activity; lets an operator (or a test) tell this pool's connections apart. */
  readonly applicationName?: string;
  /** SQLite file: how long the background thread may leave a trace move unanswered (sqlite-background.ts). */
  readonly backgroundDeadlineMs?: number;
}

export function sqlitePathFor(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'opendeh.db');
}

export function openDb(target: DbTarget): OpenedDb {
  if (/^postgres(ql)?:\/\//.test(target.url)) {
    const pool = new pg.Pool({
      connectionString: target.url, max: target.poolSize ?? 10,
      application_name: target.applicationName ?? 'opendeh',
      ...(target.schema && { options: `-c search_path=${target.schema}` }),
    });
    // A connection that dies (database restart, failover, pg_terminate_backend) must never
    // crash the process: idle clients report on the pool, checked-out ones on themselves. The
    // query in flight still fails, and the store retries it on a fresh connection.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) }),
      caps: { engine: 'postgres', multiProcess: true, onConflict: true, skipLocked: true, background: null },
    };
  }
  const file = new BetterSqlite3(target.url);
  // WAL with synchronous=NORMAL: durable across process crashes, fast; never OFF.
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  // Group commit (group-commit.ts) runs each write in a savepoint, whose undo pages SQLite keeps
  // in a sub-journal that spills to a temp file past 64 KiB — an ECS create touches ~15 pages.
  // In memory, a create's statements cost what they cost without the savepoint.
  file.pragma('temp_store = MEMORY');
  // SQLite's own page cache: 16 MiB instead of the default 2 MiB. With traces on, the trace
  // table's pages pushed a DeH's and an ECS's pages out of 2 MiB, and every statement of an ECS
  // create then cost 20–40 % more (read back through the OS); measured per statement with
  // bench/sql-timing. It is a cap: a small database uses what it has.
  file.pragma('cache_size = -16384');
  // Checkpoints (and trace moves) run in their own thread (sqlite-background.ts), not inside a request's commit.
  const onDisk = target.url !== ':memory:' && target.url !== '' && !target.url.startsWith('file::memory:');
  let background: SqliteBackground | null = null;
  if (onDisk) {
    file.pragma('wal_autocheckpoint = 0');
    // Should the thread be lost, this connection checkpoints again as SQLite does by default
    // (in the commit that crosses 1,000 pages): a slower tail, never a WAL without bound.
    background = startBackground(target.url, () => { if (file.open) file.pragma('wal_autocheckpoint = 1000'); }, target.backgroundDeadlineMs);
  }
  const statements = withStatementCache(file, background);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  registerSqlite(db, statements);
  return { db, caps: { engine: 'sqlite', multiProcess: false, onConflict: true, skipLocked: false, background } };
}

/**
 * Kysely prepares every query anew; preparing was a measurable share of a DeH show. The
 * queries are few distinct strings (parameters are bound, never inlined), so a bounded cache
 * of prepared statements serves them. Safe because kysely runs one statement at a time on
 * this connection and never leaves one iterating.
 */
function withStatementCache(file: BetterSqlite3.Database, background: SqliteBackground | null, max = 1000) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    // The background thread closes first, so this connection is the last and its close
    // checkpoints the WAL and removes it, as before.
    close: async () => { await background?.stop(); file.close(); },
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (!stmt) {
        if (cache.size >= max) cache.clear();
        stmt = file.prepare(sqlText);
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}

/**
 * PostgreSQL parses and plans every unnamed statement anew. Statements with parameters are
 * sent as named prepared statements instead (the name is a hash of the text, so equal texts
 * share one), which each connection parses and plans once and then only binds and executes.
 * The texts are the same few hundred shapes (parameters are bound, never inlined); statements
 * without parameters (begin, commit, DDL) keep the simple protocol.
 */
function withNamedStatements(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let n = names.get(text);
    if (n === undefined) {
      if (names.size >= 5000) names.clear();
      n = `o${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, n);
    }
    return n;
  };
  const wrapped = new WeakMap<pg.PoolClient, unknown>();
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = {
          query: (q: unknown, values?: unknown[]) => (typeof q === 'string' && values && values.length > 0
            ? client.query({ name: nameOf(q), text: q, values })
            : client.query(q as string, values)),
          release: (destroy?: boolean) => client.release(destroy),
        };
        wrapped.set(client, w);
      }
      return w as pg.PoolClient;
    },
  };
}
