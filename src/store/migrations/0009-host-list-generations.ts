import type { Kysely } from 'kysely';

// Schema v9: one counter per project that moves, in the same transaction, with every change of
// what a DeH list or tag query can count (a host allocated, released, renamed, its state,
// type-visible fields or tags changed; not the usage an ECS create moves). A `total` computed
// at generation g stays exact while the generation is g, so a process may keep it (generation-cache.ts)
// and answer the next identical query with one primary-key read instead of a count over every
// host of the project. Its own table, so ECS creates (which lock project_guards) never wait on it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('host_list_generations')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull().primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('host_list_generations').execute();
}
