import type { Kysely } from 'kysely';

// Schema v5: (project_id, host_type, state) — the quota count of an allocation and the quota
// answer count a project's live DeHs per type; with this index they read index entries only
// instead of every host row of the project (the benchmark saw that count grow with the project).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('hosts_project_type_state_idx').on('hosts').columns(['project_id', 'host_type', 'state']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_project_type_state_idx').execute();
}
