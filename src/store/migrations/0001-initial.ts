import { sql, type Kysely } from 'kysely';

// Schema v1. Written once for both engines: text ids, ISO text timestamps, integer flags.
// Indexes follow the queries: list pages walk (project_id, id); auto-placement reads the
// candidates of one project/AZ ordered by free memory; changes-since reads updated_at.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('domains')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createTable('projects')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('projects_domain_name_uq', ['domain_id', 'name'])
    .execute();
  await db.schema.createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('default_project_id', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('users_domain_name_uq', ['domain_id', 'name'])
    .execute();
  await db.schema.createTable('roles')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .execute();
  await db.schema.createTable('role_assignments')
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('scope_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_assignments_pk', ['role_id', 'user_id', 'scope_type', 'scope_id'])
    .execute();
  await db.schema.createIndex('role_assignments_user_idx').on('role_assignments').columns(['user_id', 'scope_type', 'scope_id']).execute();
  await db.schema.createTable('tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)')
    .addColumn('domain_id', 'varchar(64)')
    .addColumn('methods', 'varchar(255)', (c) => c.notNull())
    .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('audit_id', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tokens_expires_idx').on('tokens').column('expires_at').execute();

  await db.schema.createTable('hosts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('host_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('availability_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('auto_placement', 'varchar(3)', (c) => c.notNull().check(sql`auto_placement in ('on','off')`))
    .addColumn('state', 'varchar(16)', (c) => c.notNull().check(sql`state in ('available','fault','released')`))
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('used_vcpus', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_memory_mb', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('free_memory_mb', 'integer', (c) => c.notNull())
    .addColumn('instance_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allocated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('released_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    // The last line of defence for the accounting: no write may overbook or underflow a host.
    .addCheckConstraint('hosts_capacity_ck', sql`used_vcpus >= 0 and used_memory_mb >= 0 and used_vcpus <= vcpus and used_memory_mb <= memory_mb and instance_total >= 0 and free_memory_mb = memory_mb - used_memory_mb`)
    .execute();
  await db.schema.createIndex('hosts_project_state_idx').on('hosts').columns(['project_id', 'state', 'id']).execute();
  await db.schema.createIndex('hosts_project_id_idx').on('hosts').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('hosts_placement_idx').on('hosts')
    .columns(['project_id', 'availability_zone', 'state', 'auto_placement', 'free_memory_mb']).execute();
  await db.schema.createIndex('hosts_updated_idx').on('hosts').columns(['project_id', 'updated_at']).execute();
  await db.schema.createIndex('hosts_name_idx').on('hosts').columns(['project_id', 'name']).execute();
  await db.schema.createIndex('hosts_released_idx').on('hosts').column('released_at').execute();

  await db.schema.createTable('host_tags')
    .addColumn('host_id', 'varchar(36)', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('key', 'varchar(36)', (c) => c.notNull())
    .addColumn('value', 'varchar(43)', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_tags_pk', ['host_id', 'key'])
    .execute();
  await db.schema.createIndex('host_tags_kv_idx').on('host_tags').columns(['key', 'value', 'host_id']).execute();

  await db.schema.createTable('host_quotas')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource', 'varchar(32)', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_quotas_pk', ['project_id', 'resource'])
    .execute();
  await db.schema.createTable('project_guards')
    .addColumn('project_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.createTable('servers')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('host_id', 'varchar(36)', (c) => c.references('hosts.id'))
    .addColumn('flavor_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('ram_mb', 'integer', (c) => c.notNull())
    .addColumn('disk_gb', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('availability_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('task_state', 'varchar(32)')
    .addColumn('power_state', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('image_ref', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('networks', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('addresses', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('fault', 'text')
    .addColumn('key_name', 'varchar(255)')
    .addColumn('user_data', 'text')
    .addColumn('security_groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('scheduler_hints', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('old_flavor_id', 'varchar(64)')
    .addColumn('old_host_id', 'varchar(36)')
    .addColumn('build_until', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('deleted_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('servers_project_idx').on('servers').columns(['project_id', 'deleted_at', 'id']).execute();
  await db.schema.createIndex('servers_host_idx').on('servers').columns(['host_id', 'deleted_at', 'id']).execute();

  await db.schema.createTable('compute_quotas')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource', 'varchar(32)', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_quotas_pk', ['project_id', 'resource'])
    .execute();

  await db.schema.createTable('idempotency')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('operation', 'varchar(64)', (c) => c.notNull())
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['project_id', 'client_token'])
    .execute();

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
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit', 'idempotency', 'compute_quotas', 'servers', 'project_guards', 'host_quotas', 'host_tags', 'hosts',
    'tokens', 'role_assignments', 'roles', 'users', 'projects', 'domains']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
