import { writesOf } from '../write-context.js';
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../domain/errors.js';
import type { Actor, AssignmentNames, AssignmentRow, Scope } from '../../services/identity-iam.js';
import type { IdentityService } from '../../services/identity.js';
import { one, type RawQuery } from '../query.js';
import { listLinks, roleView } from '../views/keystone-view.js';
import { iamGuard } from './keystone-common.js';
import { Type } from 'typebox';
import { RoleAssignmentsQuery } from '../schemas/queries.js';
import { RoleAssignmentsResponse, RolesResponse } from '../schemas/keystone-responses.js';

// Grants of a role or policy (CONTRACT §9.4), to a user or a group:
//   /projects/{p}/{users|groups}/{a}/roles/{r}        on a project
//   /domains/{d}/{users|groups}/{a}/roles/{r}         on a domain (never applies to projects)
//   /OS-INHERIT/domains/{d}/{users|groups}/{a}/roles/{r}/inherited_to_projects
//                                                     on every project of the domain
// PUT grants, GET/HEAD checks, DELETE revokes: all 204 (the Go SDK accepts nothing else);
// the list of one actor's roles on one scope is GET …/roles. Plus GET /role_assignments.

type GrantParams = { Params: { sid: string; aid: string; rid: string } };
type ListParams = { Params: { sid: string; aid: string } };
const GrantParamsSchema = Type.Object({ sid: Type.String(), aid: Type.String(), rid: Type.String() });
const ListParamsSchema = Type.Object({ sid: Type.String(), aid: Type.String() });

const SCOPES = [
  { path: (a: string) => `/projects/:sid/${a}/:aid/roles`, type: 'project', suffix: '' },
  { path: (a: string) => `/domains/:sid/${a}/:aid/roles`, type: 'domain', suffix: '' },
  { path: (a: string) => `/OS-INHERIT/domains/:sid/${a}/:aid/roles`, type: 'inherited', suffix: '/inherited_to_projects' },
] as const;

export function grantRoutes(app: FastifyInstance, identity: IdentityService, base: string): void {
  const guard = iamGuard(identity);
  const iam = identity.iam;

  for (const actors of ['users', 'groups'] as const) {
    const kind = actors === 'users' ? 'user' : 'group';
    for (const s of SCOPES) {
      const actor = (p: { aid: string }): Actor => ({ kind, id: p.aid });
      const scope = (p: { sid: string }): Scope => ({ type: s.type, id: p.sid });
      const grantPath = `${s.path(actors)}/:rid${s.suffix}`;
      app.put<GrantParams>(grantPath, { schema: { params: GrantParamsSchema, summary: `Grant a role to a ${kind} on a ${s.type} scope`, answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
        await iam.grant(actor(req.params), scope(req.params), req.params.rid, writesOf(req));
        return reply.code(204).send();
      });
      app.get<GrantParams>(grantPath, { schema: { params: GrantParamsSchema, summary: `Check a grant to a ${kind} on a ${s.type} scope (204 or 404)`, answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
        await iam.checkGrant(actor(req.params), scope(req.params), req.params.rid);
        return reply.code(204).send();
      });
      app.delete<GrantParams>(grantPath, { schema: { params: GrantParamsSchema, summary: `Revoke a grant from a ${kind} on a ${s.type} scope`, answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
        await iam.revoke(actor(req.params), scope(req.params), req.params.rid, writesOf(req));
        return reply.code(204).send();
      });
      app.get<ListParams>(`${s.path(actors)}${s.suffix}`, { schema: { params: ListParamsSchema, summary: `Roles of a ${kind} on a ${s.type} scope`, answers: { 200: RolesResponse } }, preHandler: guard }, async (req) => {
        const roles = await iam.rolesGranted(actor(req.params), scope(req.params));
        return { roles: roles.map((r) => roleView(r, base)), links: listLinks(base, req.url.replace(/^\/(identity\/)?v3\//, '').split('?')[0]) };
      });
    }
  }

  app.get('/role_assignments', { schema: { querystring: RoleAssignmentsQuery, summary: 'List role assignments', answers: { 200: RoleAssignmentsResponse } }, preHandler: guard }, async (req) => {
    const q = req.query as RawQuery;
    const inheritedTo = one(q, 'scope.OS-INHERIT:inherited_to');
    if (inheritedTo !== undefined && inheritedTo !== 'projects') throw new BadRequest('scope.OS-INHERIT:inherited_to must be "projects"');
    const rows = await iam.assignments({
      userId: one(q, 'user.id'), groupId: one(q, 'group.id'), roleId: one(q, 'role.id'),
      projectId: one(q, 'scope.project.id'), domainId: one(q, 'scope.domain.id'),
      inheritedOnly: inheritedTo !== undefined, effective: q.effective !== undefined,
    });
    // Keystone's boolean query: present and not "0"/"false" means yes.
    const withNames = q.include_names !== undefined && !/^(0|false)$/i.test(one(q, 'include_names') ?? '');
    const names = withNames ? await iam.assignmentNames(rows) : undefined;
    return { role_assignments: rows.map((r) => assignmentView(r, base, names)), links: listLinks(base, 'role_assignments') };
  });
}

function grantUrl(base: string, roleId: string, actor: Actor, scope: Scope): string {
  const a = `${actor.kind}s/${actor.id}/roles/${roleId}`;
  if (scope.type === 'inherited') return `${base}/OS-INHERIT/domains/${scope.id}/${a}/inherited_to_projects`;
  return `${base}/${scope.type}s/${scope.id}/${a}`;
}

/** Keystone's assignment entity; an inherited grant carries `scope["OS-INHERIT:inherited_to"]`. */
function assignmentView(r: AssignmentRow, base: string, names?: AssignmentNames) {
  const named = (kind: keyof AssignmentNames, id: string) => names?.[kind].get(id) ?? { id };
  const scope = r.scope.type === 'project' ? { project: named('project', r.scope.id) }
    : r.scope.type === 'domain' ? { domain: named('domain', r.scope.id) }
      : { domain: named('domain', r.scope.id), 'OS-INHERIT:inherited_to': 'projects' };
  // With ?effective, the link names the grant the assignment comes from.
  const origin: Actor = r.viaGroup ? { kind: 'group', id: r.viaGroup } : r.actor;
  const originScope: Scope = r.inheritedFrom ? { type: 'inherited', id: r.inheritedFrom } : r.scope;
  return {
    role: named('role', r.roleId),
    [r.actor.kind]: named(r.actor.kind, r.actor.id),
    scope,
    links: {
      assignment: grantUrl(base, r.roleId, origin, originScope),
      ...(r.viaGroup && { membership: `${base}/groups/${r.viaGroup}/users/${r.actor.id}` }),
    },
  };
}
