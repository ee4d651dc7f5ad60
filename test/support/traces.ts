import { SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../../src/store/tables.js';
import { TRACE_COLUMNS } from '../../src/store/trace-repo.js';

/**
 * Every stored trace, wherever it is stored: on SQLite a trace is first in the inbox
 * (migration 0012) until moved into `traces`. A query on it, aliased `traces`, for the tests
 * that look at rows rather than through the CTS API: select, filter, order as on the table.
 */
export function storedTraces(db: Kysely<Database>) {
  const table = db.selectFrom('traces').select([...TRACE_COLUMNS]);
  const both = db.getExecutor().adapter instanceof SqliteAdapter ? table.unionAll(db.selectFrom('trace_inbox').select([...TRACE_COLUMNS])) : table;
  return db.selectFrom(both.as('traces'));
}

/** The same for a raw better-sqlite3 connection: SQL text to use as a table. */
export const STORED_TRACES_SQL = `(select ${TRACE_COLUMNS.join(', ')} from traces union all select ${TRACE_COLUMNS.join(', ')} from trace_inbox)`;
