import { sql, type Kysely } from 'kysely';

// Schema v7: CTS traces replace the audit table (one trail). A trace is written in the same
// transaction as the change it records (store.ts), so it is as durable as the change.
// Indexes follow the reads:
// * (project_id, time, trace_id): a project's traces newest first in a time window, with the
//   keyset `next` marker — the default listing of GET …/{tracker}/trace;
// * (project_id, resource_id, time): "who did what to this host" (resource_id filter, the
//   console's click-through from a host);
// * (project_id, trace_name, time): one kind of operation (`--trace_name`);
// * (time): retention pruning oldest first, and the operator's all-projects view.
// Existing audit entries are carried over as traces (name = the route, rating from the outcome).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('traces')
    .addColumn('trace_id', 'varchar(36)', (c) => c.primaryKey())
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
  await db.schema.createIndex('traces_project_time_idx').on('traces').columns(['project_id', 'time', 'trace_id']).execute();
  await db.schema.createIndex('traces_project_resource_idx').on('traces').columns(['project_id', 'resource_id', 'time']).execute();
  await db.schema.createIndex('traces_project_name_idx').on('traces').columns(['project_id', 'trace_name', 'time']).execute();
  await db.schema.createIndex('traces_time_idx').on('traces').columns(['time', 'trace_id']).execute();

  // Carry the audit entries over, a page at a time (the table may be large).
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('audit').selectAll().where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) break;
    await db.insertInto('traces').values(rows.map((r: Record<string, string | null>) => {
      const ms = Date.parse(r.at ?? '') || 0;
      return {
        trace_id: r.id, time: ms, record_time: ms, project_id: r.project_id, domain_id: null,
        trace_name: (r.action ?? '').slice(0, 64), trace_rating: r.outcome === 'success' ? 'normal' : 'warning', trace_type: 'ApiCall',
        service_type: (r.action ?? '').includes('/compute/') ? 'ECS' : 'DEH', resource_type: '',
        resource_id: r.resource_id, resource_name: null, source_ip: '', user_id: r.user_id, user_name: null,
        user_domain_id: null, user_domain_name: null, request: '', response: '', code: (r.detail ?? '').slice(0, 8),
        api_version: '', message: 'carried over from the audit table', request_id: (r.request_id ?? '').slice(0, 64),
      };
    })).execute();
    after = rows[rows.length - 1].id as string;
  }
  await db.schema.dropTable('audit').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('audit')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)')
    .addColumn('user_id', 'varchar(64)')
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(64)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('audit_project_at_idx').on('audit').columns(['project_id', 'at']).execute();
  await sql`drop table traces`.execute(db);
}
