import type { Insertable, Selectable } from 'kysely';
import type { Executor } from './store.js';
import type { DomainsTable, GrantScope, ProjectsTable, RolesTable, TokensTable, UsersTable } from './tables.js';

// Queries of the identity aggregate (domains, projects, users, roles, assignments, tokens).

export type DomainRow = DomainsTable;
export type ProjectRow = ProjectsTable;
export type UserRow = Selectable<UsersTable>;
export type RoleRow = Selectable<RolesTable>;
export type TokenRow = TokensTable;

export const identityRepo = {
  domainById: (ex: Executor, id: string) => ex.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst(),
  domainByName: (ex: Executor, name: string) => ex.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst(),
  listDomains: (ex: Executor) => ex.selectFrom('domains').selectAll().orderBy('name').execute(),
  insertDomain: (ex: Executor, row: DomainRow) => ex.insertInto('domains').values(row).execute(),

  projectById: (ex: Executor, id: string) => ex.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(),
  projectByName: (ex: Executor, domainId: string, name: string) =>
    ex.selectFrom('projects').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst(),
  listProjects: (ex: Executor, f: { domainId?: string; name?: string }) => {
    let q = ex.selectFrom('projects').selectAll().orderBy('name');
    if (f.domainId) q = q.where('domain_id', '=', f.domainId);
    if (f.name) q = q.where('name', '=', f.name);
    return q.execute();
  },
  insertProject: (ex: Executor, row: ProjectRow) => ex.insertInto('projects').values(row).execute(),
  updateProject: (ex: Executor, id: string, patch: Partial<Pick<ProjectRow, 'name' | 'description' | 'enabled'>>) =>
    isEmpty(patch)
      ? ex.updateTable('projects').set((eb) => ({ id: eb.ref('id') })).where('id', '=', id).executeTakeFirst()
      : ex.updateTable('projects').set(patch).where('id', '=', id).executeTakeFirst(),
  deleteProject: (ex: Executor, id: string) => ex.deleteFrom('projects').where('id', '=', id).executeTakeFirst(),

  userById: (ex: Executor, id: string) => ex.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
  userByName: (ex: Executor, domainId: string, name: string) =>
    ex.selectFrom('users').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst(),
  listUsers: (ex: Executor, f: { domainId?: string; name?: string }) => {
    let q = ex.selectFrom('users').selectAll().orderBy('name');
    if (f.domainId) q = q.where('domain_id', '=', f.domainId);
    if (f.name) q = q.where('name', '=', f.name);
    return q.execute();
  },
  insertUser: (ex: Executor, row: Insertable<UsersTable>) => ex.insertInto('users').values(row).execute(),
  updateUser: (ex: Executor, id: string, patch: Partial<Pick<UserRow, 'name' | 'password_hash' | 'enabled' | 'default_project_id'>>) =>
    isEmpty(patch)
      ? ex.updateTable('users').set((eb) => ({ id: eb.ref('id') })).where('id', '=', id).executeTakeFirst()
      : ex.updateTable('users').set(patch).where('id', '=', id).executeTakeFirst(),
  deleteUser: (ex: Executor, id: string) => ex.deleteFrom('users').where('id', '=', id).executeTakeFirst(),

  roleById: (ex: Executor, id: string) => ex.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst(),
  roleByName: (ex: Executor, name: string) => ex.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst(),
  listRoles: (ex: Executor, name?: string) => {
    let q = ex.selectFrom('roles').selectAll().orderBy('name');
    if (name) q = q.where('name', '=', name);
    return q.execute();
  },
  insertRole: (ex: Executor, row: Insertable<RolesTable>) => ex.insertInto('roles').values(row).execute(),
  deleteRole: (ex: Executor, id: string) => ex.deleteFrom('roles').where('id', '=', id).executeTakeFirst(),

  rolesOf: (ex: Executor, userId: string, scopeType: GrantScope, scopeId: string) =>
    ex.selectFrom('role_assignments').innerJoin('roles', 'roles.id', 'role_assignments.role_id')
      .select(['roles.id', 'roles.name'])
      .where('user_id', '=', userId).where('scope_type', '=', scopeType).where('scope_id', '=', scopeId)
      .orderBy('roles.name').execute(),
  listAssignments: (ex: Executor, f: { userId?: string; scopeType?: GrantScope; scopeId?: string; roleId?: string }) => {
    let q = ex.selectFrom('role_assignments').selectAll();
    if (f.userId) q = q.where('user_id', '=', f.userId);
    if (f.scopeType) q = q.where('scope_type', '=', f.scopeType);
    if (f.scopeId) q = q.where('scope_id', '=', f.scopeId);
    if (f.roleId) q = q.where('role_id', '=', f.roleId);
    return q.execute();
  },
  grant: (ex: Executor, roleId: string, userId: string, scopeType: GrantScope, scopeId: string) =>
    ex.insertInto('role_assignments').values({ role_id: roleId, user_id: userId, scope_type: scopeType, scope_id: scopeId })
      .onConflict((oc) => oc.doNothing()).execute(),
  revoke: (ex: Executor, roleId: string, userId: string, scopeType: GrantScope, scopeId: string) =>
    ex.deleteFrom('role_assignments').where('role_id', '=', roleId).where('user_id', '=', userId)
      .where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).executeTakeFirst(),
  deleteAssignmentsOfScope: (ex: Executor, scopeType: GrantScope, scopeId: string) =>
    ex.deleteFrom('role_assignments').where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).execute(),

  insertToken: (ex: Executor, row: TokenRow) => ex.insertInto('tokens').values(row).execute(),
  tokenByHash: (ex: Executor, hash: string) => ex.selectFrom('tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst(),
  revokeToken: (ex: Executor, hash: string) => ex.updateTable('tokens').set({ revoked: 1 }).where('token_hash', '=', hash).executeTakeFirst(),
  revokeTokensOfUser: (ex: Executor, userId: string) => ex.updateTable('tokens').set({ revoked: 1 }).where('user_id', '=', userId).execute(),
  purgeExpiredTokens: (ex: Executor, now: string) => ex.deleteFrom('tokens').where('expires_at', '<', now).execute(),
  countDomains: async (ex: Executor) => Number((await ex.selectFrom('domains').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
};

/**
 * A PATCH that changes no stored column is still an UPDATE of the row (`SET id = id`): SQL has
 * no UPDATE with nothing to set, and the row count it answers tells 200 from 404.
 */
function isEmpty(patch: object): boolean {
  return Object.values(patch).every((v) => v === undefined);
}
