import pg from 'pg';

// The engines every store, service and API test runs on: SQLite always (in memory), and
// PostgreSQL when OPENDEH_TEST_PG_URL is set (.ci/run sets it to a fresh database).

export type Dialect = 'sqlite' | 'postgres';
export const PG_URL = process.env.OPENDEH_TEST_PG_URL ?? '';
export const DIALECTS: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let counter = 0;

/** A database target of its own for one test app: in-memory SQLite, or a fresh PG schema. */
export async function freshTarget(dialect: Dialect): Promise<{ url: string; schema?: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') return { url: ':memory:', drop: async () => {} };
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  return {
    url: PG_URL, schema,
    drop: async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop schema if exists ${schema} cascade`);
      await d.end();
    },
  };
}
