import type { Kysely } from 'kysely';

// Schema v10: the resource and operation indexes of traces end in (time, trace_id), the list's
// whole order. With `time` alone the order was not theirs to give, so SQLite's planner walked
// (project_id, time, trace_id) instead — the order for free — and read every trace of the
// window to find one host's few: 53 ms at 20,000 traces, growing with the table. Now each
// filter's index gives both the rows and the order, and the planner takes it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('traces_project_resource_idx').execute();
  await db.schema.dropIndex('traces_project_name_idx').execute();
  await db.schema.createIndex('traces_project_resource_idx').on('traces').columns(['project_id', 'resource_id', 'time', 'trace_id']).execute();
  await db.schema.createIndex('traces_project_name_idx').on('traces').columns(['project_id', 'trace_name', 'time', 'trace_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('traces_project_resource_idx').execute();
  await db.schema.dropIndex('traces_project_name_idx').execute();
  await db.schema.createIndex('traces_project_resource_idx').on('traces').columns(['project_id', 'resource_id', 'time']).execute();
  await db.schema.createIndex('traces_project_name_idx').on('traces').columns(['project_id', 'trace_name', 'time']).execute();
}
