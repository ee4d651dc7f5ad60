import type { Kysely } from 'kysely';

// Schema v13: hosts_placement_idx orders free memory DESCENDING, ties by ascending id:
// (project_id, availability_zone, state, auto_placement, host_type, free_memory_mb DESC, id).
//
// Spread (the default) wants "most free memory first, ties to the lowest id". An ASC, ASC
// index cannot give DESC, ASC in one walk, so spread read the best free-memory value first and
// then that value's ties by id with `free_memory_mb = $best ORDER BY id`. On PostgreSQL the
// planner (custom plan, statistics saying "all hosts are empty") served that second read by
// walking hosts_pkey in id order and filtering: after N creates had taken the first N empty
// hosts, every placement stepped over them, O(N) inside the project's guard (4.4 ms a call at
// ~3,000 creates, measured; 84 % of a create's SQL time was waiting for that guard). With
// this order the spread read is one walk that stops at its first matching entry, and the
// primary key cannot serve that ORDER BY, so no planner picks it. Pack (least free first,
// ties by id) is now the two-read form, on the same index walked the other way.
// Same number of indexes, so a claim writes no more index pages than before.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_placement_idx').execute();
  await db.schema.createIndex('hosts_placement_idx').on('hosts')
    .columns(['project_id', 'availability_zone', 'state', 'auto_placement', 'host_type', 'free_memory_mb desc', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_placement_idx').execute();
  await db.schema.createIndex('hosts_placement_idx').on('hosts')
    .columns(['project_id', 'availability_zone', 'state', 'auto_placement', 'host_type', 'free_memory_mb', 'id']).execute();
}
