import { writesOf } from '../write-context.js';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { BadRequest } from '../../domain/errors.js';
import type { IdentityService } from '../../services/identity.js';
import type { CustomPolicy } from '../../services/identity-policies.js';
import { one, type RawQuery } from '../query.js';
import { customRoleView } from '../views/keystone-view.js';
import { callerDomain, iamGuard } from './keystone-common.js';
import { PageQuery } from '../schemas/queries.js';
import { CustomRoleResponse, CustomRolesResponse } from '../schemas/keystone-responses.js';

// OTC custom policies, `{identity}/v3.0/OS-ROLE/roles` (CONTRACT §9.2), mounted under both
// /identity/v3.0 (Go/Terraform: the auth URL with v3 → v3.0) and /v3.0 (Python otcextensions:
// scheme://host + /v3.0). Create 201, get 200, PATCH 200, DELETE **200** (the Go SDK accepts
// nothing else), list 200 `{links: {self, previous, next}, roles, total_number}`. A policy
// belongs to the caller's domain. The body's shape is checked here only as far as the route
// needs; the documented limits are checked by the service (400 with the reason).

const RoleBody = Type.Object({
  role: Type.Object({
    display_name: Type.Optional(Type.Unknown()), type: Type.Optional(Type.Unknown()),
    description: Type.Optional(Type.Unknown()), description_cn: Type.Optional(Type.Unknown()),
    policy: Type.Optional(Type.Unknown()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
type RoleBody = Static<typeof RoleBody>;
type P = { Params: { id: string } };
const IdParams = Type.Object({ id: Type.String() });

const MAX_PER_PAGE = 300;

export function customRoleRoutes(app: FastifyInstance, identity: IdentityService, identityBase: string): void {
  const guard = iamGuard(identity);
  const policies = identity.iam.policies;
  const view = (p: CustomPolicy) => customRoleView(p.row, p.references, identityBase);
  const listBase = `${identityBase.replace(/\/v3$/, '/v3.0')}/OS-ROLE/roles`;

  app.post<{ Body: RoleBody }>('/OS-ROLE/roles', { schema: { body: RoleBody, summary: 'Create a custom policy', answers: { 201: CustomRoleResponse } }, preHandler: guard }, async (req, reply) =>
    reply.code(201).send({ role: view(await policies.create(callerDomain(req.auth!), req.body.role, writesOf(req))) }));
  app.get('/OS-ROLE/roles', { schema: { querystring: PageQuery, summary: 'List custom policies', answers: { 200: CustomRolesResponse } }, preHandler: guard }, async (req) => {
    const q = req.query as RawQuery;
    const page = pageParam(one(q, 'page'), 'page', Number.MAX_SAFE_INTEGER);
    const perPage = pageParam(one(q, 'per_page'), 'per_page', MAX_PER_PAGE);
    if ((page === undefined) !== (perPage === undefined)) throw new BadRequest('page and per_page must be given together');
    const all = await policies.list(callerDomain(req.auth!));
    const start = page && perPage ? (page - 1) * perPage : 0;
    const rows = page && perPage ? all.slice(start, start + perPage) : all;
    const more = page !== undefined && perPage !== undefined && start + perPage < all.length;
    const at = (n: number) => `${listBase}?page=${n}&per_page=${perPage}`;
    return {
      links: {
        self: page ? at(page) : listBase,
        previous: page && page > 1 ? at(page - 1) : null,
        next: more ? at(page! + 1) : null,
      },
      roles: rows.map(view),
      total_number: all.length,
    };
  });
  app.get<P>('/OS-ROLE/roles/:id', { schema: { params: IdParams, summary: 'Show a custom policy', answers: { 200: CustomRoleResponse } }, preHandler: guard }, async (req) => ({ role: view(await policies.get(callerDomain(req.auth!), req.params.id)) }));
  app.patch<P & { Body: RoleBody }>('/OS-ROLE/roles/:id', { schema: { params: IdParams, body: RoleBody, summary: 'Update a custom policy', answers: { 200: CustomRoleResponse } }, preHandler: guard }, async (req) =>
    ({ role: view(await policies.update(callerDomain(req.auth!), req.params.id, req.body.role, writesOf(req))) }));
  app.delete<P>('/OS-ROLE/roles/:id', { schema: { params: IdParams, summary: 'Delete a custom policy (200, no body, as OTC)', answers: { 200: null } }, preHandler: guard }, async (req, reply) => {
    await policies.delete(callerDomain(req.auth!), req.params.id, writesOf(req));
    return reply.code(200).send();
  });
}

function pageParam(raw: string | undefined, name: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new BadRequest(`${name} must be an integer from 1 to ${max}`);
  return Number(raw);
}
