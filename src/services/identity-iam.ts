import { BadRequest, Conflict, NotFound } from '../domain/errors.js';
import { keystoneId } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import { iamRepo, type GroupRow } from '../store/iam-repo.js';
import { identityRepo, type RoleRow, type UserRow } from '../store/identity-repo.js';
import type { Executor, Store } from '../store/store.js';
import type { WriteContext } from '../store/write-context.js';
import { traceResource } from '../store/trace-scope.js';
import type { GrantScope } from '../store/tables.js';
import { CustomPolicies } from './identity-policies.js';

// OTC IAM administration (CONTRACT §9.4): groups, membership, and grants of a role or policy
// to a user or a group on a project, on a domain, or on every project of a domain
// (`inherited`, Keystone's OS-INHERIT). Every change calls `changed`, which empties this
// process's token cache so the change applies to existing tokens at once here (and within
// the cache bound on other processes).

export type { GroupRow };
export type Actor = { readonly kind: 'user' | 'group'; readonly id: string };
export type Scope = { readonly type: GrantScope; readonly id: string };

/** One assignment as GET /v3/role_assignments shows it. */
export interface AssignmentRow {
  readonly roleId: string;
  readonly actor: Actor;
  readonly scope: Scope;
  /** With ?effective: the group the user holds it through (Keystone's links.membership). */
  readonly viaGroup?: string;
  /** With ?effective: the domain an inherited grant came from. */
  readonly inheritedFrom?: string;
}

/** A name as Keystone's `?include_names` shows it; `domain` for users, groups and projects. */
export interface NamedEntity { readonly id: string; readonly name: string; readonly domain?: { readonly id: string; readonly name: string } }
/** Names of everything a list of assignments mentions, by kind and id. */
export type AssignmentNames = Record<'role' | 'user' | 'group' | 'project' | 'domain', ReadonlyMap<string, NamedEntity>>;

export interface AssignmentFilter {
  readonly userId?: string;
  readonly groupId?: string;
  readonly roleId?: string;
  readonly projectId?: string;
  readonly domainId?: string;
  /** `scope.OS-INHERIT:inherited_to=projects`: only inherited grants. */
  readonly inheritedOnly?: boolean;
  /** Keystone `?effective`: group grants expanded to their members, inherited ones to the domain's projects. */
  readonly effective?: boolean;
}

export class IamAdmin {
  readonly policies: CustomPolicies;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly changed: () => void) {
    this.policies = new CustomPolicies(store, clock, changed);
  }

  // ---- groups ----

  listGroups(f: { domainId?: string; name?: string }) { return this.store.read((ex) => iamRepo.listGroups(ex, f)); }

  async getGroup(id: string): Promise<GroupRow> {
    const g = await this.store.read((ex) => iamRepo.groupById(ex, id));
    if (!g) throw new NotFound(`Could not find group: ${id}.`);
    return g;
  }

  async createGroup(g: { name: string; domainId: string; description?: string }, writes?: WriteContext): Promise<GroupRow> {
    const row: GroupRow = { id: keystoneId(), name: g.name, domain_id: g.domainId, description: g.description ?? '', created_at: toStored(this.clock()) };
    await insertInDomain(this.store, 'group', row, (tx) => iamRepo.insertGroup(tx, row), writes);
    return row;
  }

  async updateGroup(id: string, patch: { name?: string; description?: string }, writes?: WriteContext): Promise<GroupRow> {
    const set = { ...(patch.name !== undefined && { name: patch.name }), ...(patch.description !== undefined && { description: patch.description }) };
    await this.store.write(async (tx) => {
      if (!(await iamRepo.groupById(tx, id))) throw new NotFound(`Could not find group: ${id}.`);
      if (Object.keys(set).length > 0) await iamRepo.updateGroup(tx, id, set);
    }, writes).catch(conflictAs(`Conflict occurred attempting to store group - Duplicate entry ${patch.name ?? ''}.`));
    return this.getGroup(id);
  }

  async deleteGroup(id: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      const r = await iamRepo.deleteGroup(tx, id);
      if (Number(r.numDeletedRows) === 0) throw new NotFound(`Could not find group: ${id}.`);
    }, writes);
    this.changed();
  }

  // ---- membership ----

  async addUser(groupId: string, userId: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      await this.groupAndUser(tx, groupId, userId);
      await iamRepo.addMember(tx, groupId, userId);
    }, writes);
    this.changed();
  }

  async removeUser(groupId: string, userId: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      await this.groupAndUser(tx, groupId, userId);
      const r = await iamRepo.removeMember(tx, groupId, userId);
      if (Number(r.numDeletedRows) === 0) throw new NotFound(`User ${userId} is not in group ${groupId}.`);
    }, writes);
    this.changed();
  }

  /** HEAD/GET /v3/groups/{g}/users/{u}: NotFound unless the user is a member. */
  async checkMember(groupId: string, userId: string): Promise<void> {
    await this.store.read(async (ex) => {
      await this.groupAndUser(ex, groupId, userId);
      if (!(await iamRepo.isMember(ex, groupId, userId))) throw new NotFound(`User ${userId} is not in group ${groupId}.`);
    });
  }

  async membersOf(groupId: string): Promise<UserRow[]> {
    return this.store.read(async (ex) => {
      if (!(await iamRepo.groupById(ex, groupId))) throw new NotFound(`Could not find group: ${groupId}.`);
      return iamRepo.membersOf(ex, groupId);
    });
  }

  async groupsOfUser(userId: string): Promise<GroupRow[]> {
    return this.store.read(async (ex) => {
      if (!(await identityRepo.userById(ex, userId))) throw new NotFound(`Could not find user: ${userId}.`);
      return iamRepo.groupsOfUser(ex, userId);
    });
  }

  // ---- grants ----

  async grant(actor: Actor, scope: Scope, roleId: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      await this.mustExist(tx, actor, scope, roleId);
      if (actor.kind === 'user') await identityRepo.grant(tx, roleId, actor.id, scope.type, scope.id);
      else await iamRepo.grantToGroup(tx, roleId, actor.id, scope.type, scope.id);
    }, writes);
    this.changed();
  }

  async revoke(actor: Actor, scope: Scope, roleId: string, writes?: WriteContext): Promise<void> {
    await this.store.write(async (tx) => {
      await this.mustExist(tx, actor, scope, roleId);
      const r = actor.kind === 'user'
        ? await identityRepo.revoke(tx, roleId, actor.id, scope.type, scope.id)
        : await iamRepo.revokeFromGroup(tx, roleId, actor.id, scope.type, scope.id);
      if (Number(r.numDeletedRows) === 0) throw new NotFound(`Could not find role assignment of ${roleId} to ${actor.kind} ${actor.id} on ${scope.type} ${scope.id}.`);
    }, writes);
    this.changed();
  }

  /** NotFound unless exactly this grant exists (HEAD/GET of the grant URL). */
  async checkGrant(actor: Actor, scope: Scope, roleId: string): Promise<void> {
    await this.store.read(async (ex) => {
      await this.mustExist(ex, actor, scope, roleId);
      const rows = actor.kind === 'user'
        ? await identityRepo.listAssignments(ex, { userId: actor.id, scopeType: scope.type, scopeId: scope.id, roleId })
        : await iamRepo.listGroupAssignments(ex, { groupId: actor.id, scopeType: scope.type, scopeId: scope.id, roleId });
      if (rows.length === 0) throw new NotFound('Could not find role assignment.');
    });
  }

  /** The roles granted to exactly this actor on exactly this scope. */
  async rolesGranted(actor: Actor, scope: Scope): Promise<RoleRow[]> {
    return this.store.read(async (ex) => {
      await this.mustExist(ex, actor, scope, null);
      const rows = actor.kind === 'user'
        ? await identityRepo.listAssignments(ex, { userId: actor.id, scopeType: scope.type, scopeId: scope.id })
        : await iamRepo.listGroupAssignments(ex, { groupId: actor.id, scopeType: scope.type, scopeId: scope.id });
      const out: RoleRow[] = [];
      for (const r of rows) {
        const role = await identityRepo.roleById(ex, r.role_id);
        if (role) out.push(role);
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  /** GET /v3/role_assignments: grants to users and groups, filtered; `effective` expands them. */
  async assignments(f: AssignmentFilter): Promise<AssignmentRow[]> {
    return this.store.read(async (ex) => {
      const users = (await identityRepo.listAssignments(ex, { ...(f.roleId && { roleId: f.roleId }) }))
        .map((a): AssignmentRow => ({ roleId: a.role_id, actor: { kind: 'user', id: a.user_id }, scope: { type: a.scope_type, id: a.scope_id } }));
      const groups = (await iamRepo.listGroupAssignments(ex, { ...(f.roleId && { roleId: f.roleId }) }))
        .map((a): AssignmentRow => ({ roleId: a.role_id, actor: { kind: 'group', id: a.group_id }, scope: { type: a.scope_type, id: a.scope_id } }));
      let rows = [...users, ...groups];
      if (f.effective) rows = await this.expand(ex, rows);
      return rows.filter((r) => {
        if (f.userId && !(r.actor.kind === 'user' && r.actor.id === f.userId)) return false;
        if (f.groupId && !(r.actor.kind === 'group' && r.actor.id === f.groupId)) return false;
        if (f.inheritedOnly && r.scope.type !== 'inherited') return false;
        if (f.projectId && !(r.scope.type === 'project' && r.scope.id === f.projectId)) return false;
        if (f.domainId && !((r.scope.type === 'domain' || r.scope.type === 'inherited') && r.scope.id === f.domainId)) return false;
        return true;
      });
    });
  }

  /**
   * Keystone's `?include_names` (`openstack role assignment list --names` reads
   * `role.name`, `user.name@user.domain.name`, `project.name@project.domain.name`, …).
   */
  async assignmentNames(rows: readonly AssignmentRow[]): Promise<AssignmentNames> {
    return this.store.read(async (ex) => {
      const out = { role: new Map(), user: new Map(), group: new Map(), project: new Map(), domain: new Map() } satisfies Record<keyof AssignmentNames, Map<string, NamedEntity>>;
      const domain = async (id: string) => {
        if (!out.domain.has(id)) out.domain.set(id, { id, name: (await identityRepo.domainById(ex, id))?.name ?? '' });
        return { id, name: out.domain.get(id)!.name };
      };
      for (const r of rows) {
        if (!out.role.has(r.roleId)) out.role.set(r.roleId, { id: r.roleId, name: (await identityRepo.roleById(ex, r.roleId))?.name ?? '' });
        const a = r.actor;
        if (!out[a.kind].has(a.id)) {
          const row = a.kind === 'user' ? await identityRepo.userById(ex, a.id) : await iamRepo.groupById(ex, a.id);
          out[a.kind].set(a.id, { id: a.id, name: row?.name ?? '', ...(row && { domain: await domain(row.domain_id) }) });
        }
        if (r.scope.type === 'project') {
          if (!out.project.has(r.scope.id)) {
            const p = await identityRepo.projectById(ex, r.scope.id);
            out.project.set(r.scope.id, { id: r.scope.id, name: p?.name ?? '', ...(p && { domain: await domain(p.domain_id) }) });
          }
        } else await domain(r.scope.id);
      }
      return out;
    });
  }

  /** Keystone's effective view: group grants per member user, inherited grants per project of the domain. */
  private async expand(ex: Executor, rows: AssignmentRow[]): Promise<AssignmentRow[]> {
    const out: AssignmentRow[] = [];
    const members = new Map<string, string[]>();
    const projects = new Map<string, string[]>();
    for (const r of rows) {
      let actors: { actor: Actor; viaGroup?: string }[] = [{ actor: r.actor }];
      if (r.actor.kind === 'group') {
        if (!members.has(r.actor.id)) members.set(r.actor.id, (await iamRepo.membersOf(ex, r.actor.id)).map((u) => u.id));
        actors = members.get(r.actor.id)!.map((id) => ({ actor: { kind: 'user', id }, viaGroup: r.actor.id }));
      }
      let scopes: { scope: Scope; inheritedFrom?: string }[] = [{ scope: r.scope }];
      if (r.scope.type === 'inherited') {
        if (!projects.has(r.scope.id)) projects.set(r.scope.id, (await identityRepo.listProjects(ex, { domainId: r.scope.id })).map((p) => p.id));
        scopes = projects.get(r.scope.id)!.map((id) => ({ scope: { type: 'project', id }, inheritedFrom: r.scope.id }));
      }
      for (const a of actors) for (const s of scopes) {
        out.push({ roleId: r.roleId, actor: a.actor, scope: s.scope, ...(a.viaGroup && { viaGroup: a.viaGroup }), ...(s.inheritedFrom && { inheritedFrom: s.inheritedFrom }) });
      }
    }
    return out;
  }

  private async groupAndUser(ex: Executor, groupId: string, userId: string): Promise<void> {
    if (!(await iamRepo.groupById(ex, groupId))) throw new NotFound(`Could not find group: ${groupId}.`);
    if (!(await identityRepo.userById(ex, userId))) throw new NotFound(`Could not find user: ${userId}.`);
  }

  /**
   * The actor, the scope and the role must exist; a custom policy is visible only within
   * the domain that owns it, so granting it elsewhere is "not found" too.
   */
  private async mustExist(ex: Executor, actor: Actor, scope: Scope, roleId: string | null): Promise<void> {
    let domainId: string;
    if (scope.type === 'project') {
      const p = await identityRepo.projectById(ex, scope.id);
      if (!p) throw new NotFound(`Could not find project: ${scope.id}.`);
      domainId = p.domain_id;
    } else {
      if (!(await identityRepo.domainById(ex, scope.id))) throw new NotFound(`Could not find domain: ${scope.id}.`);
      domainId = scope.id;
    }
    if (actor.kind === 'user') {
      if (!(await identityRepo.userById(ex, actor.id))) throw new NotFound(`Could not find user: ${actor.id}.`);
    } else if (!(await iamRepo.groupById(ex, actor.id))) throw new NotFound(`Could not find group: ${actor.id}.`);
    if (roleId === null) return;
    const role = await identityRepo.roleById(ex, roleId);
    if (!role || (role.kind === 'custom' && role.domain_id !== domainId)) throw new NotFound(`Could not find role: ${roleId}.`);
  }
}

/**
 * Stores a new project, user or group of a domain as Keystone answers it: 404 naming the
 * domain when there is none, 409 naming the duplicate name and its domain; the change's trace
 * names the new record.
 */
export async function insertInDomain(store: Store, kind: 'project' | 'user' | 'group', row: { readonly id: string; readonly name: string; readonly domain_id: string },
  insert: (tx: Executor) => Promise<unknown>, writes?: WriteContext): Promise<void> {
  await store.write(async (tx) => {
    if (!(await identityRepo.domainById(tx, row.domain_id))) throw new NotFound(`Could not find domain: ${row.domain_id}.`);
    traceResource(writes, row.id, row.name);
    await insert(tx);
  }, writes).catch(conflictAs(`Conflict occurred attempting to store ${kind} - Duplicate entry ${row.name} in domain ${row.domain_id}.`));
}

export function conflictAs(message: string) {
  return (e: unknown): never => {
    if (e instanceof Conflict) throw new Conflict(message);
    throw e;
  };
}

export function requireName(name: string | undefined, what: string): string {
  if (name === undefined || name.trim() === '') throw new BadRequest(`${what} name is required`);
  return name;
}
