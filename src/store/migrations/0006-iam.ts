import { sql, type Kysely } from 'kysely';
import { SYSTEM_ROLES, systemRoleId } from '../../domain/system-policies.js';

// Schema v6: OTC IAM (CONTRACT §9).
// * roles become OTC roles/policies: a `kind` (Keystone role, system policy, role-style system
//   role, custom policy), the OTC fields (display_name, type AX/XA, catalog, description,
//   domain_id of a custom policy) and the policy document as the exact JSON text the client
//   sent (Terraform compares it statement by statement, so it is echoed, never re-shaped).
//   created_time/updated_time are ms-since-epoch strings, as OTC sends them.
// * groups (name unique per domain), group_members, and group_assignments: a role granted to a
//   group on a project, on a domain, or on every project of a domain (scope_type 'inherited',
//   scope_id = the domain; Keystone's OS-INHERIT). Users get the same 'inherited' scope in
//   role_assignments.
// * users.is_owner: the domain owner (the account) keeps every permission. On an existing
//   database the owner is, per domain, the earliest user holding `admin` on its own domain —
//   the bootstrap admin.
// * The system policies are seeded here, so existing databases get them too; ids are fixed
//   (derived from the name) and the seed updates in place, so running it again changes nothing.

export async function up(db: Kysely<any>): Promise<void> {
  const roleCols: [string, string, boolean][] = [
    ['display_name', 'varchar(255)', true], ['kind', 'varchar(16)', true], ['description', 'text', true],
    ['type', 'varchar(8)', false], ['catalog', 'varchar(64)', false], ['domain_id', 'varchar(64)', false],
    ['policy', 'text', false], ['created_time', 'varchar(16)', false], ['updated_time', 'varchar(16)', false],
  ];
  for (const [name, type, notNull] of roleCols) {
    await db.schema.alterTable('roles').addColumn(name, type as 'text', (c) => {
      if (!notNull) return c;
      return c.notNull().defaultTo(name === 'kind' ? 'keystone' : '');
    }).execute();
  }
  await db.schema.createIndex('roles_domain_kind_idx').on('roles').columns(['domain_id', 'kind']).execute();

  await db.schema.alterTable('users').addColumn('is_owner', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.createTable('groups')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('domains.id'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('groups_domain_name_uq', ['domain_id', 'name'])
    .execute();
  await db.schema.createTable('group_members')
    .addColumn('group_id', 'varchar(64)', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user_idx').on('group_members').columns(['user_id', 'group_id']).execute();
  await db.schema.createTable('group_assignments')
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('group_id', 'varchar(64)', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('scope_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('scope_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_assignments_pk', ['group_id', 'scope_type', 'scope_id', 'role_id'])
    .execute();
  await db.schema.createIndex('group_assignments_scope_idx').on('group_assignments').columns(['scope_type', 'scope_id']).execute();
  await db.schema.createIndex('group_assignments_role_idx').on('group_assignments').column('role_id').execute();

  await db.updateTable('roles').set({ display_name: sql.ref('name') }).execute();
  await seedSystemRoles(db);
  await markOwners(db);
}

/** Inserts or refreshes the system policies and roles; safe to run any number of times. */
export async function seedSystemRoles(db: Kysely<any>): Promise<void> {
  for (const r of SYSTEM_ROLES) {
    const fields = {
      display_name: r.displayName, kind: r.kind, type: r.type, catalog: r.catalog, description: r.description,
      domain_id: null, policy: JSON.stringify(r.policy),
    };
    const existing = await db.selectFrom('roles').select('id').where('name', '=', r.name).executeTakeFirst();
    if (existing) await db.updateTable('roles').set(fields).where('id', '=', existing.id).execute();
    else await db.insertInto('roles').values({ id: systemRoleId(r.name), name: r.name, ...fields }).execute();
  }
}

async function markOwners(db: Kysely<any>): Promise<void> {
  const rows: { id: string; domain_id: string }[] = await db.selectFrom('users as u')
    .innerJoin('role_assignments as ra', 'ra.user_id', 'u.id')
    .innerJoin('roles as r', 'r.id', 'ra.role_id')
    .select(['u.id', 'u.domain_id'])
    .where('r.name', '=', 'admin').where('ra.scope_type', '=', 'domain').whereRef('ra.scope_id', '=', 'u.domain_id')
    .orderBy('u.created_at').orderBy('u.id')
    .execute();
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.domain_id)) continue;
    seen.add(row.domain_id);
    await db.updateTable('users').set({ is_owner: 1 }).where('id', '=', row.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Custom policies and the seeded rows go; a role that existed before (upgraded in place) stays.
  await db.deleteFrom('roles').where((eb) => eb.or([
    eb('kind', '=', 'custom'), eb('id', 'in', SYSTEM_ROLES.map((r) => systemRoleId(r.name))),
  ])).execute();
  for (const t of ['group_assignments', 'group_members', 'groups']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.dropIndex('roles_domain_kind_idx').ifExists().execute();
  await db.deleteFrom('role_assignments').where('scope_type', '=', 'inherited').execute();
  await db.schema.alterTable('users').dropColumn('is_owner').execute();
  for (const c of ['display_name', 'kind', 'description', 'type', 'catalog', 'domain_id', 'policy', 'created_time', 'updated_time']) {
    await db.schema.alterTable('roles').dropColumn(c).execute();
  }
}
