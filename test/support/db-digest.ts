import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { TestApp } from './app.js';

// A digest of every row the service keeps as state, to check that a refused request changed
// nothing. Left out: the trails a refused request is allowed (or required) to leave — traces
// and audit entries — and bookkeeping that is not state (tokens, idempotency records,
// migration tables).

const NOT_STATE = new Set(['audit', 'traces', 'trace_inbox', 'tokens', 'idempotency', 'kysely_migration', 'kysely_migration_lock']);

export async function stateDigest(t: TestApp): Promise<string> {
  const db = t.services.store.db;
  const tables = t.dialect === 'sqlite'
    ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows.map((r) => r.name)
    : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${t.schema} order by table_name`.execute(db)).rows.map((r) => r.name);
  const h = createHash('sha256');
  for (const name of tables.filter((n) => !NOT_STATE.has(n))) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    const lines = rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, String(r[k])]))).sort();
    h.update(`${name}\n${lines.join('\n')}\n`);
  }
  return h.digest('hex');
}

/**
 * stateDigest for a caller that takes thousands of digests (the fuzz suite): the table list is
 * read once, and on PostgreSQL every table is hashed in one statement, in the server.
 * Digests of one digester compare with each other only (not with stateDigest's).
 */
export function stateDigester(t: TestApp): () => Promise<string> {
  if (t.dialect === 'sqlite') return () => stateDigest(t);
  const db = t.services.store.db;
  let statement: string | undefined;
  return async () => {
    if (statement === undefined) {
      const names = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${t.schema} order by table_name`.execute(db)).rows
        .map((r) => r.name).filter((n) => !NOT_STATE.has(n));
      statement = names.map((n) => `select '${n}' as t, md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as h from "${t.schema}"."${n}" x`).join(' union all ');
    }
    const rows = (await sql.raw<{ t: string; h: string }>(statement).execute(db)).rows;
    return rows.map((r) => `${r.t}:${r.h}`).join(',');
  };
}
