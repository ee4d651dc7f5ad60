import { sql, type Kysely } from 'kysely';

// Schema v4: each project's ECS usage (instances, cores, RAM) kept on its guard row.
// Counting it (SUM over the project's live servers) on every create made a create cost
// O(servers in the project): 100,000 ECSs meant ~0.5 s per create. The counters change only
// inside the transactions that change the servers, under the project's guard row lock, by
// exactly the delta the server rows change by; the concurrency suites check that they equal
// the counted sums after every run. Existing projects are backfilled by counting once.

export async function up(db: Kysely<any>): Promise<void> {
  for (const col of ['ecs_instances', 'ecs_cores', 'ecs_ram']) {
    await db.schema.alterTable('project_guards').addColumn(col, 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  }
  await sql`insert into project_guards (project_id, generation)
    select distinct project_id, 0 from servers where deleted_at is null
      and project_id not in (select project_id from project_guards)`.execute(db);
  await sql`update project_guards set
    ecs_instances = (select count(*) from servers s where s.project_id = project_guards.project_id and s.deleted_at is null),
    ecs_cores = (select coalesce(sum(vcpus), 0) from servers s where s.project_id = project_guards.project_id and s.deleted_at is null),
    ecs_ram = (select coalesce(sum(ram_mb), 0) from servers s where s.project_id = project_guards.project_id and s.deleted_at is null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const col of ['ecs_instances', 'ecs_cores', 'ecs_ram']) await db.schema.alterTable('project_guards').dropColumn(col).execute();
}
