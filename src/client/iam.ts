import type { AssignmentWire, GroupWire, RoleWire, UserWire } from '../http/schemas/keystone-responses.js';
import { ApiError } from './errors.js';
import type { Session } from './session.js';
import { send, type Query } from './transport.js';

// OTC IAM through the `identity` endpoint of the session's catalog: groups and membership,
// grants (project, domain, all projects of a domain), role assignments, and custom policies
// at the same endpoint with v3 → v3.0 (`…/v3.0/OS-ROLE/roles`, as the Go SDK derives it).

// Answer types come from the schemas the server documents them with (type-only imports).
export type { AssignmentWire, GroupWire, RoleWire, UserWire };
export interface PolicyInput {
  readonly display_name?: string; readonly type?: 'AX' | 'XA'; readonly description?: string; readonly policy?: unknown;
}
export type GrantActor = { readonly group: string } | { readonly user: string };
/** `inherited`: every project of the domain (OS-INHERIT). */
export type GrantScope = { readonly project: string } | { readonly domain: string; readonly inherited?: boolean };

export class IamClient {
  constructor(private readonly session: Session) {}

  private get v3(): string {
    return this.session.endpoint('identity');
  }
  private get v30(): string {
    return this.v3.replace(/\/v3$/, '/v3.0');
  }
  private async call<T>(method: string, url: string, body?: unknown, query?: Query): Promise<T> {
    return (await send<T>(method, url, { token: this.session.token, body, query })).body;
  }
  private id = (s: string) => encodeURIComponent(s);

  // ---- projects ----
  /** Every project the token may list (the operator's tenant quota view). */
  async listProjects(): Promise<{ id: string; name: string; domain_id: string }[]> {
    return (await this.call<{ projects: { id: string; name: string; domain_id: string }[] }>('GET', `${this.v3}/projects`)).projects;
  }

  // ---- groups ----
  async listGroups(name?: string): Promise<GroupWire[]> {
    return (await this.call<{ groups: GroupWire[] }>('GET', `${this.v3}/groups`, undefined, { name })).groups;
  }
  async createGroup(name: string, description?: string): Promise<GroupWire> {
    return (await this.call<{ group: GroupWire }>('POST', `${this.v3}/groups`, { group: { name, ...(description !== undefined && { description }) } })).group;
  }
  async deleteGroup(id: string): Promise<void> {
    await this.call('DELETE', `${this.v3}/groups/${this.id(id)}`);
  }
  async addUser(groupId: string, userId: string): Promise<void> {
    await this.call('PUT', `${this.v3}/groups/${this.id(groupId)}/users/${this.id(userId)}`);
  }
  async removeUser(groupId: string, userId: string): Promise<void> {
    await this.call('DELETE', `${this.v3}/groups/${this.id(groupId)}/users/${this.id(userId)}`);
  }
  async members(groupId: string): Promise<UserWire[]> {
    return (await this.call<{ users: UserWire[] }>('GET', `${this.v3}/groups/${this.id(groupId)}/users`)).users;
  }

  /** A group, user, project or role given by id or by name (the way openstackclient resolves names). */
  async resolve(kind: 'groups' | 'users' | 'projects' | 'roles', idOrName: string): Promise<{ id: string; name: string }> {
    const singular = kind.slice(0, -1);
    try {
      return (await this.call<Record<string, { id: string; name: string }>>('GET', `${this.v3}/${kind}/${this.id(idOrName)}`))[singular];
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
    const found = (await this.call<Record<string, { id: string; name: string }[]>>('GET', `${this.v3}/${kind}`, undefined, { name: idOrName }))[kind];
    if (found.length === 1) return found[0];
    if (kind === 'roles' && found.length === 0) {
      // A custom policy is also known by its display name.
      const custom = (await this.listPolicies()).filter((p) => p.display_name === idOrName);
      if (custom.length === 1) return custom[0];
    }
    throw new ApiError(404, 'NotFound', found.length > 1 ? `several ${kind} are named "${idOrName}"; give the id` : `no ${singular} with id or name "${idOrName}"`, 'GET', `${this.v3}/${kind}`);
  }

  // ---- grants ----
  private grantBase(actor: GrantActor, scope: GrantScope): { base: string; suffix: string } {
    const a = 'group' in actor ? `groups/${this.id(actor.group)}` : `users/${this.id(actor.user)}`;
    if ('project' in scope) return { base: `${this.v3}/projects/${this.id(scope.project)}/${a}/roles`, suffix: '' };
    if (scope.inherited) return { base: `${this.v3}/OS-INHERIT/domains/${this.id(scope.domain)}/${a}/roles`, suffix: '/inherited_to_projects' };
    return { base: `${this.v3}/domains/${this.id(scope.domain)}/${a}/roles`, suffix: '' };
  }
  async grant(actor: GrantActor, scope: GrantScope, roleId: string): Promise<void> {
    const g = this.grantBase(actor, scope);
    await this.call('PUT', `${g.base}/${this.id(roleId)}${g.suffix}`);
  }
  async revoke(actor: GrantActor, scope: GrantScope, roleId: string): Promise<void> {
    const g = this.grantBase(actor, scope);
    await this.call('DELETE', `${g.base}/${this.id(roleId)}${g.suffix}`);
  }
  async assignments(q: { user?: string; group?: string; project?: string; domain?: string; role?: string; effective?: boolean } = {}): Promise<AssignmentWire[]> {
    const query: Query = {
      'user.id': q.user, 'group.id': q.group, 'scope.project.id': q.project, 'scope.domain.id': q.domain, 'role.id': q.role,
    };
    const url = q.effective ? `${this.v3}/role_assignments?effective` : `${this.v3}/role_assignments`;
    return (await this.call<{ role_assignments: AssignmentWire[] }>('GET', url, undefined, query)).role_assignments;
  }
  async roles(name?: string): Promise<RoleWire[]> {
    return (await this.call<{ roles: RoleWire[] }>('GET', `${this.v3}/roles`, undefined, { name })).roles;
  }

  // ---- custom policies ----
  async listPolicies(): Promise<RoleWire[]> {
    return (await this.call<{ roles: RoleWire[] }>('GET', `${this.v30}/OS-ROLE/roles`)).roles;
  }
  async showPolicy(id: string): Promise<RoleWire> {
    return (await this.call<{ role: RoleWire }>('GET', `${this.v30}/OS-ROLE/roles/${this.id(id)}`)).role;
  }
  async createPolicy(p: PolicyInput): Promise<RoleWire> {
    return (await this.call<{ role: RoleWire }>('POST', `${this.v30}/OS-ROLE/roles`, { role: p })).role;
  }
  async updatePolicy(id: string, p: PolicyInput): Promise<RoleWire> {
    return (await this.call<{ role: RoleWire }>('PATCH', `${this.v30}/OS-ROLE/roles/${this.id(id)}`, { role: p })).role;
  }
  async deletePolicy(id: string): Promise<void> {
    await this.call('DELETE', `${this.v30}/OS-ROLE/roles/${this.id(id)}`);
  }
}
