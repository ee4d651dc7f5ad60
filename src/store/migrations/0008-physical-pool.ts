import type { Kysely } from 'kysely';

// Schema v8: the physical pool and automatic recovery (issue 12).
// * physical_servers: the operator's inventory, one row per physical server (a serial or a
//   name, unique) of one host type in one AZ. state free → allocated (backs the DeH host_id)
//   → free again on release; faulty when its DeH fails (it leaves the pool); retired by the
//   operator. No row at all = no inventory configured = unlimited, as before this schema.
//   (availability_zone, host_type, state, id) serves the claim of free servers and the counts.
// * recovery_jobs: one per DeH that failed while inventory is configured. Claimed by a worker
//   process with a lease (lease_owner, lease_until) through a conditional update; the work and
//   the job's state change commit in one transaction, so a job is done exactly once whatever
//   process dies when. `snapshot` is the JSON list of the DeH's ECSs with the status they had
//   before the failure (what recovery restores).
// Independent of 0007 (another helper's): the migrator allows them to land in either order.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('physical_servers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('availability_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('host_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('host_id', 'varchar(64)')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('physical_servers_claim_idx').on('physical_servers').columns(['availability_zone', 'host_type', 'state', 'id']).execute();
  await db.schema.createIndex('physical_servers_host_idx').on('physical_servers').column('host_id').execute();

  await db.schema.createTable('recovery_jobs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('host_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('availability_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('host_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('new_host_id', 'varchar(64)')
    .addColumn('lease_owner', 'varchar(128)')
    .addColumn('lease_until', 'varchar(32)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recovery_jobs_state_idx').on('recovery_jobs').columns(['state', 'lease_until']).execute();
  await db.schema.createIndex('recovery_jobs_host_idx').on('recovery_jobs').column('host_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recovery_jobs').execute();
  await db.schema.dropTable('physical_servers').execute();
}
