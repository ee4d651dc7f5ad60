import { SqliteAdapter, sql, type Kysely } from 'kysely';

// Schema v12 (SQLite only): the trace inbox. A traced change inserts its trace here, in its
// own transaction as before, into a table with no index but its rowid: one append. The
// traces table's five indexes are brought up to date later, a thousand traces at a time, by
// a move (trace-repo.ts moveInbox, run by the trace service off the request path), in which
// consecutive traces share index pages: each index page goes to the WAL once per move
// instead of once per group commit. Measured in isolation (bench notes in docs/traces.md):
// 40-49 µs a trace indexed at once, 21-24 µs in all through the inbox, ~12 of them on the
// request. Readers see both tables (a listing is one statement, one snapshot: a trace is in
// exactly one of them). PostgreSQL keeps inserting into traces directly: its traced writes
// were within their bound and several processes share its tables.

const onSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (!onSqlite(db)) return;
  await db.schema.createTable('trace_inbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('trace_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('record_time', 'bigint', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)')
    .addColumn('domain_id', 'varchar(64)')
    .addColumn('trace_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('trace_rating', 'varchar(16)', (c) => c.notNull())
    .addColumn('trace_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('service_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('resource_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(255)')
    .addColumn('resource_name', 'varchar(255)')
    .addColumn('source_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)')
    .addColumn('user_name', 'varchar(255)')
    .addColumn('user_domain_id', 'varchar(255)')
    .addColumn('user_domain_name', 'varchar(255)')
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('code', 'varchar(8)', (c) => c.notNull())
    .addColumn('api_version', 'varchar(16)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!onSqlite(db)) return;
  // Nothing is lost going back: what waits in the inbox joins the traces first.
  const cols = sql.raw('trace_id, time, record_time, project_id, domain_id, trace_name, trace_rating, trace_type, service_type, resource_type, resource_id, resource_name, source_ip, user_id, user_name, user_domain_id, user_domain_name, request, response, code, api_version, message, request_id');
  await sql`insert into traces (${cols}) select ${cols} from trace_inbox order by seq`.execute(db);
  await db.schema.dropTable('trace_inbox').execute();
}
