import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import type { Executor } from './store.js';
import type { GrantScope, GroupsTable, RolesTable } from './tables.js';

// Queries of OTC IAM: groups, membership, grants to groups, custom policies, and the one
// query that computes what a token may do (its effective roles and policies).

export type GroupRow = Selectable<GroupsTable>;
/** A role or policy as the evaluator needs it: the policy text is parsed by the service. */
export interface EffectiveRoleRow { id: string; name: string; kind: Selectable<RolesTable>['kind']; policy: string | null }

export type Actor = { kind: 'user' | 'group'; id: string };

export const iamRepo = {
  // ---- groups ----
  groupById: (ex: Executor, id: string) => ex.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst(),
  listGroups: (ex: Executor, f: { domainId?: string; name?: string }) => {
    let q = ex.selectFrom('groups').selectAll().orderBy('name').orderBy('id');
    if (f.domainId) q = q.where('domain_id', '=', f.domainId);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    return q.execute();
  },
  insertGroup: (ex: Executor, row: Insertable<GroupsTable>) => ex.insertInto('groups').values(row).execute(),
  updateGroup: (ex: Executor, id: string, patch: Partial<Pick<GroupRow, 'name' | 'description'>>) =>
    ex.updateTable('groups').set(patch).where('id', '=', id).executeTakeFirst(),
  deleteGroup: (ex: Executor, id: string) => ex.deleteFrom('groups').where('id', '=', id).executeTakeFirst(),

  // ---- membership ----
  addMember: (ex: Executor, groupId: string, userId: string) =>
    ex.insertInto('group_members').values({ group_id: groupId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute(),
  removeMember: (ex: Executor, groupId: string, userId: string) =>
    ex.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst(),
  isMember: async (ex: Executor, groupId: string, userId: string) =>
    (await ex.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst()) !== undefined,
  membersOf: (ex: Executor, groupId: string) =>
    ex.selectFrom('users').innerJoin('group_members', 'group_members.user_id', 'users.id')
      .selectAll('users').where('group_members.group_id', '=', groupId).orderBy('users.name').execute(),
  groupsOfUser: (ex: Executor, userId: string) =>
    ex.selectFrom('groups').innerJoin('group_members', 'group_members.group_id', 'groups.id')
      .selectAll('groups').where('group_members.user_id', '=', userId).orderBy('groups.name').execute(),

  // ---- grants to groups (grants to users are in identity-repo's role_assignments) ----
  grantToGroup: (ex: Executor, roleId: string, groupId: string, scopeType: GrantScope, scopeId: string) =>
    ex.insertInto('group_assignments').values({ role_id: roleId, group_id: groupId, scope_type: scopeType, scope_id: scopeId })
      .onConflict((oc) => oc.doNothing()).execute(),
  revokeFromGroup: (ex: Executor, roleId: string, groupId: string, scopeType: GrantScope, scopeId: string) =>
    ex.deleteFrom('group_assignments').where('role_id', '=', roleId).where('group_id', '=', groupId)
      .where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).executeTakeFirst(),
  listGroupAssignments: (ex: Executor, f: { groupId?: string; groupIds?: readonly string[]; scopeType?: GrantScope; scopeId?: string; roleId?: string }) => {
    let q = ex.selectFrom('group_assignments').selectAll().orderBy('group_id').orderBy('scope_type').orderBy('scope_id').orderBy('role_id');
    if (f.groupId) q = q.where('group_id', '=', f.groupId);
    if (f.groupIds) q = f.groupIds.length ? q.where('group_id', 'in', [...f.groupIds]) : q.where('group_id', '=', '\u0000');
    if (f.scopeType) q = q.where('scope_type', '=', f.scopeType);
    if (f.scopeId) q = q.where('scope_id', '=', f.scopeId);
    if (f.roleId) q = q.where('role_id', '=', f.roleId);
    return q.execute();
  },
  deleteGroupAssignmentsOfScope: (ex: Executor, scopeType: GrantScope, scopeId: string) =>
    ex.deleteFrom('group_assignments').where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).execute(),
  /** How many grants (to users and groups) name a role: OTC's `references`. */
  referencesOf: async (ex: Executor, roleId: string) => {
    const u = await ex.selectFrom('role_assignments').select((eb) => eb.fn.countAll().as('n')).where('role_id', '=', roleId).executeTakeFirstOrThrow();
    const g = await ex.selectFrom('group_assignments').select((eb) => eb.fn.countAll().as('n')).where('role_id', '=', roleId).executeTakeFirstOrThrow();
    return Number(u.n) + Number(g.n);
  },

  // ---- custom policies ----
  customRoleNames: (ex: Executor, domainId: string) =>
    ex.selectFrom('roles').select('name').where('kind', '=', 'custom').where('domain_id', '=', domainId).execute(),
  listCustomRoles: (ex: Executor, domainId: string) =>
    ex.selectFrom('roles').selectAll().where('kind', '=', 'custom').where('domain_id', '=', domainId).orderBy('created_time').orderBy('id').execute(),
  updateRole: (ex: Executor, id: string, patch: Partial<Pick<Selectable<RolesTable>, 'display_name' | 'type' | 'description' | 'policy' | 'updated_time'>>) =>
    ex.updateTable('roles').set(patch).where('id', '=', id).executeTakeFirst(),

  /**
   * Everything granted to a user, directly or through a group, that applies at a scope:
   * on a project = grants on the project + inherited grants of its domain; on a domain =
   * grants on the domain. One statement, so a token's permissions are one consistent read.
   */
  effectiveRoles: (ex: Executor, userId: string, at: { projectId: string; domainId: string } | { domainId: string }) => {
    const applies = (eb: ExpressionBuilder<any, any>) => ('projectId' in at
      ? eb.or([
        eb.and([eb('scope_type', '=', 'project'), eb('scope_id', '=', at.projectId)]),
        eb.and([eb('scope_type', '=', 'inherited'), eb('scope_id', '=', at.domainId)]),
      ])
      : eb.and([eb('scope_type', '=', 'domain'), eb('scope_id', '=', at.domainId)]));
    const direct = ex.selectFrom('role_assignments').select('role_id').where('user_id', '=', userId)
      .where((eb) => applies(eb as ExpressionBuilder<any, any>));
    const viaGroups = ex.selectFrom('group_assignments').select('role_id')
      .where('group_id', 'in', ex.selectFrom('group_members').select('group_id').where('user_id', '=', userId))
      .where((eb) => applies(eb as ExpressionBuilder<any, any>));
    return ex.selectFrom('roles').select(['id', 'name', 'kind', 'policy'])
      .where('id', 'in', direct.union(viaGroups))
      .orderBy('name').execute() as Promise<EffectiveRoleRow[]>;
  },
  /** Projects where a user holds anything (directly, via a group, or inherited from the domain). */
  projectIdsOfUser: async (ex: Executor, userId: string): Promise<string[]> => {
    const direct = await ex.selectFrom('role_assignments').select(['scope_type', 'scope_id']).where('user_id', '=', userId)
      .where('scope_type', 'in', ['project', 'inherited']).execute();
    const viaGroups = await ex.selectFrom('group_assignments as ga').innerJoin('group_members as gm', 'gm.group_id', 'ga.group_id')
      .select(['ga.scope_type as scope_type', 'ga.scope_id as scope_id']).where('gm.user_id', '=', userId)
      .where('ga.scope_type', 'in', ['project', 'inherited']).execute();
    const ids = new Set<string>();
    const domains = new Set<string>();
    for (const r of [...direct, ...viaGroups]) (r.scope_type === 'project' ? ids : domains).add(r.scope_id);
    if (domains.size > 0) {
      for (const p of await ex.selectFrom('projects').select('id').where('domain_id', 'in', [...domains]).execute()) ids.add(p.id);
    }
    return [...ids].sort();
  },
};
