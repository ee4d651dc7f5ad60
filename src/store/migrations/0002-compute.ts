import type { Kysely } from 'kysely';

// Schema v2: what the compute API needs beyond v1.
//
// * hosts_placement_idx becomes (project_id, availability_zone, state, auto_placement,
//   host_type, free_memory_mb, id). Auto-placement reads "the first K hosts of a type by free
//   memory, ties broken by the lowest id". Without `id`, every host of a tie (typically all
//   the empty hosts of a type) had to be read and sorted; without `host_type` before the
//   memory, a walk for a c4 flavor had to step over every roomier host of another type. Both
//   made the cost grow with the number of hosts; now the walk stops after K index entries.
// * servers.generation guards every server write (compare-and-swap, like hosts), so a
//   delete, resize or migrate that read a stale server can never move a claim twice.
// * servers.description / config_drive / auto_recovery: echoed by Nova and the ECS v1 API.
// * server_tags: the ECS key/value tags (`/cloudservers/{id}/tags`, read by Terraform).
// * compute_jobs: the ECS v1 job records (`/jobs/{job_id}`); their status is derived from the
//   servers they name, so the rows never need updating.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_placement_idx').execute();
  await db.schema.createIndex('hosts_placement_idx').on('hosts')
    .columns(['project_id', 'availability_zone', 'state', 'auto_placement', 'host_type', 'free_memory_mb', 'id']).execute();

  await db.schema.alterTable('servers').addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('servers').addColumn('description', 'varchar(255)').execute();
  await db.schema.alterTable('servers').addColumn('config_drive', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('servers').addColumn('auto_recovery', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.createTable('server_tags')
    .addColumn('server_id', 'varchar(36)', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('key', 'varchar(128)', (c) => c.notNull())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('server_tags_pk', ['server_id', 'key'])
    .execute();

  await db.schema.createTable('compute_jobs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('job_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('server_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('done_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compute_jobs_project_idx').on('compute_jobs').columns(['project_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('compute_jobs').ifExists().execute();
  await db.schema.dropTable('server_tags').ifExists().execute();
  for (const c of ['auto_recovery', 'config_drive', 'description', 'generation']) {
    await db.schema.alterTable('servers').dropColumn(c).execute();
  }
  await db.schema.dropIndex('hosts_placement_idx').execute();
  await db.schema.createIndex('hosts_placement_idx').on('hosts')
    .columns(['project_id', 'availability_zone', 'state', 'auto_placement', 'free_memory_mb']).execute();
}
