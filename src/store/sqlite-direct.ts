import type BetterSqlite3 from 'better-sqlite3';
import type { QueryResult } from 'kysely';
import type { Executor } from './store.js';

// Statements compiled once (statement.ts) run straight on better-sqlite3 when their executor
// is the connection the group committer holds for a batch of writes (group-commit.ts): there
// kysely's executor, single-connection provider and driver only wrap a synchronous call in
// several promises per statement (measured below in docs/performance.md). The batch holds the
// connection (kysely's connection mutex) from its BEGIN to its COMMIT and runs its writes one
// after another, so nothing else can run between: it is the same prepared statement, on the
// same connection, answering what kysely's SqliteDriver would answer (same row objects, the
// same numAffectedRows / insertId). Reads outside a batch still go through kysely, whose mutex
// keeps them out of an open write transaction.

/** The prepared-statement cache of a SQLite database (dialects.ts withStatementCache). */
export interface PreparedStatements {
  prepare(sqlText: string): BetterSqlite3.Statement;
}

/** By kysely adapter: one per Kysely instance, shared by its connections and transactions. */
const databases = new WeakMap<object, PreparedStatements>();
/** Connection-bound executors that hold the connection for a batch of writes. */
const holders = new WeakSet<object>();

export function registerSqlite(db: Executor, statements: PreparedStatements): void {
  databases.set(db.getExecutor().adapter, statements);
}

/** Marks `conn` (the batch's connection-bound executor) as holding the connection until its batch ends. */
export function holdsConnection(conn: Executor): void {
  holders.add(conn);
}

/** `conn`'s batch has ended: its queries go through kysely again. */
export function releasesConnection(conn: Executor): void {
  holders.delete(conn);
}

/** The statements to run `ex`'s queries on directly, when `ex` holds a SQLite connection. */
export function directSqlite(ex: Executor): PreparedStatements | undefined {
  return holders.has(ex) ? databases.get(ex.getExecutor().adapter) : undefined;
}

/** `sqlText` with `params`, answered as kysely's SqliteDriver answers. */
export function runDirect<R>(db: PreparedStatements, sqlText: string, params: readonly unknown[]): QueryResult<R> {
  const stmt = db.prepare(sqlText);
  if (stmt.reader) return { rows: stmt.all(params) as R[] };
  const { changes, lastInsertRowid } = stmt.run(params);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}
