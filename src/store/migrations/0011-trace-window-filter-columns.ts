import { SqliteAdapter, sql, type Kysely } from 'kysely';

// Schema v11: the (project_id, time, trace_id) index of traces also carries trace_rating and
// user_name. A listing filtered by rating or user walks the window on this index and keeps
// one trace in 20–50; with those columns in the index entry SQLite tests them there and reads
// the table row only for a trace that matches (a deferred seek), not for every trace of the
// window. The entries grow by a few bytes; a trace write touches no more index than before.
// SQLite only: PostgreSQL's listings were within their bound without it, and on a table whose
// statistics are not yet gathered (1,000,000 traces just loaded) its planner, costing both
// equally, took the wider index for one host's traces and walked the whole week (2-3 s)
// instead of the resource index (0.05 ms).
// Refused and failed calls (rating warning or incident, a few in a hundred) also get an index
// of their own: a listing of them walks only them. It is partial, so the trace of a change —
// the write on a request's path — adds no entry to it.

const onSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (onSqlite(db)) {
    await db.schema.dropIndex('traces_project_time_idx').execute();
    await db.schema.createIndex('traces_project_time_idx').on('traces')
      .columns(['project_id', 'time', 'trace_id', 'trace_rating', 'user_name']).execute();
  }
  await db.schema.createIndex('traces_project_flagged_idx').on('traces').columns(['project_id', 'time', 'trace_id'])
    .where(sql.ref('trace_rating'), '<>', sql.lit('normal')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('traces_project_flagged_idx').execute();
  if (!onSqlite(db)) return;
  await db.schema.dropIndex('traces_project_time_idx').execute();
  await db.schema.createIndex('traces_project_time_idx').on('traces').columns(['project_id', 'time', 'trace_id']).execute();
}
