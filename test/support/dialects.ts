import pg from 'pg';

// The engines every store, service and API test runs on: SQLite always (in memory), and
// PostgreSQL when OPENDEH_TEST_PG_URL is set (.ci/run sets it to a fresh database).

export type Dialect = 'sqlite' | 'postgres';
export const PG_URL = process.env.OPENDEH_TEST_PG_URL ?? '';
export const DIALECTS: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let counter = 0;

// Kysely's migrator first lists every table of the database, resolving each table's name
// again (pg_get_serial_sequence); a table dropped in that instant by a parallel test file
// fails the migration with 42P01 — a dropped schema, or another migration dropping a table
// (0007 drops `audit`: CI once failed naming another file's `audit`). So migrations and
// drops take this advisory lock exclusively: one DDL of the test database at a time.
const SCHEMA_LOCK = 0x0de40001;

async function withPgClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface Target {
  readonly url: string;
  readonly schema?: string;
  /** Runs the migration of this target while no other migration or drop runs. */
  migrating<T>(fn: () => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A database target of its own for one test app: in-memory SQLite, or a fresh PG schema. */
export async function freshTarget(dialect: Dialect): Promise<Target> {
  if (dialect === 'sqlite') return { url: ':memory:', migrating: (fn) => fn(), drop: async () => {} };
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await withPgClient((c) => c.query(`create schema ${schema}`));
  return {
    url: PG_URL, schema,
    migrating: (fn) => withPgClient(async (c) => {
      await c.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
      return fn();
    }),
    drop: () => withPgClient(async (c) => {
      await c.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
      await c.query(`drop schema if exists ${schema} cascade`);
    }),
  };
}
