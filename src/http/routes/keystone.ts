import { writesOf } from '../write-context.js';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { BadRequest, NotFound } from '../../domain/errors.js';
import type { IdentityService } from '../../services/identity.js';
import { callerDomain, iamGuard } from './keystone-common.js';
import { groupRoutes } from './keystone-groups.js';
import { grantRoutes } from './keystone-grants.js';
import { one, type RawQuery } from '../query.js';
import { DomainNameQuery, NameQuery, TokenQuery, UserListQuery } from '../schemas/queries.js';
import {
  CatalogResponse, DomainResponse, DomainsResponse, ProjectResponse, ProjectsResponse, RoleResponse, RolesResponse,
  TokenResponse, UserResponse, UsersResponse,
} from '../schemas/keystone-responses.js';
import {
  domainView, listLinks, projectView, roleView, tokenView, userView, type CatalogOptions,
} from '../views/keystone-view.js';

// Keystone v3 subset, mounted at /identity/v3 and /v3. Token calls: POST 201 / GET 200 /
// DELETE 204. Admin calls (projects, users, roles, domains, assignments) need the admin role.

const Ref = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });
const AuthBody = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String(), { minItems: 1 }),
      password: Type.Optional(Type.Object({
        user: Type.Object({
          id: Type.Optional(Type.String()), name: Type.Optional(Type.String()),
          password: Type.String(), domain: Type.Optional(Ref),
        }),
      })),
      token: Type.Optional(Type.Object({ id: Type.String() })),
    }),
    scope: Type.Optional(Type.Union([
      Type.Literal('unscoped'),
      Type.Object({
        project: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), domain: Type.Optional(Ref) })),
        domain: Type.Optional(Ref),
      }),
    ])),
  }),
});
type AuthBody = Static<typeof AuthBody>;

const ProjectBody = Type.Object({
  project: Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), domain_id: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()), enabled: Type.Optional(Type.Boolean()),
    is_domain: Type.Optional(Type.Boolean()), parent_id: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(Type.String())),
    options: Type.Optional(Type.Object({})),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
const UserBody = Type.Object({
  user: Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), domain_id: Type.Optional(Type.String()),
    password: Type.Optional(Type.String({ minLength: 1 })), enabled: Type.Optional(Type.Boolean()),
    default_project_id: Type.Optional(Type.String()), description: Type.Optional(Type.String()), email: Type.Optional(Type.String()),
    options: Type.Optional(Type.Object({})),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
const RoleBody = Type.Object({
  role: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), domain_id: Type.Optional(Type.Null()), description: Type.Optional(Type.String()), options: Type.Optional(Type.Object({})) }, { additionalProperties: false }),
}, { additionalProperties: false });
const DomainBody = Type.Object({
  domain: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), description: Type.Optional(Type.String()), enabled: Type.Optional(Type.Boolean()), options: Type.Optional(Type.Object({})), tags: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
}, { additionalProperties: false });

type P = { id: string };
const IdParams = Type.Object({ id: Type.String() });
const SubjectHeader = Type.Object({ 'x-subject-token': Type.Optional(Type.String({ description: 'the token to validate or revoke (required)' })) });
const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const ENABLED_VALUES = new Set([...TRUE_VALUES, 'false', '0', 'no', 'off']);

export function keystoneRoutes(app: FastifyInstance, identity: IdentityService, catalog: CatalogOptions): void {
  // Token and permission were checked by the app-level hooks (access-control.ts, route-policy.ts).
  const auth = iamGuard();
  const admin = iamGuard();
  const base = `${catalog.publicUrl}/identity/v3`;

  app.post<{ Body: AuthBody }>('/auth/tokens', { schema: { body: AuthBody, querystring: TokenQuery, summary: 'Issue a token (answered in X-Subject-Token)', answers: { 201: TokenResponse } } }, async (req, reply) => {
    const a = req.body.auth;
    const { token, ctx } = await identity.issueToken({ methods: a.identity.methods, password: a.identity.password, token: a.identity.token, scope: a.scope }, req.ip, writesOf(req));
    const nocatalog = (req.query as RawQuery).nocatalog !== undefined;
    return reply.code(201).header('X-Subject-Token', token).send(tokenView(ctx, catalog, !nocatalog));
  });
  app.get('/auth/tokens', { schema: { querystring: TokenQuery, headers: SubjectHeader, summary: 'Validate a token', answers: { 200: TokenResponse } }, preHandler: auth }, async (req, reply) => {
    const subject = req.headers['x-subject-token'];
    if (typeof subject !== 'string') throw new BadRequest('X-Subject-Token header is required');
    const ctx = await identity.validate(subject).catch(() => { throw new NotFoundToken(); });
    return reply.header('X-Subject-Token', subject).send(tokenView(ctx, catalog, (req.query as RawQuery).nocatalog === undefined));
  });
  app.delete('/auth/tokens', { schema: { headers: SubjectHeader, summary: 'Revoke a token', answers: { 204: null } }, preHandler: auth }, async (req, reply) => {
    const subject = req.headers['x-subject-token'];
    if (typeof subject !== 'string') throw new BadRequest('X-Subject-Token header is required');
    await identity.revoke(subject, writesOf(req));
    return reply.code(204).send();
  });
  app.get('/auth/catalog', { schema: { summary: 'Catalog of the caller\'s token', answers: { 200: CatalogResponse } }, preHandler: auth }, async (req) => ({ catalog: tokenView(req.auth!, catalog).token.catalog ?? [], links: listLinks(base, 'auth/catalog') }));
  app.get('/auth/projects', { schema: { summary: 'Projects the caller can scope to', answers: { 200: ProjectsResponse } }, preHandler: auth }, async (req) => ({
    projects: (await identity.projectsOfUser(req.auth!.user.id)).map((p) => projectView(p, base)), links: listLinks(base, 'auth/projects'),
  }));

  // ---- projects ----
  app.get('/projects', { schema: { querystring: DomainNameQuery, summary: 'List projects', answers: { 200: ProjectsResponse } }, preHandler: admin }, async (req) => {
    const q = req.query as RawQuery;
    return { projects: (await identity.listProjects({ domainId: one(q, 'domain_id'), name: one(q, 'name') })).map((p) => projectView(p, base)), links: listLinks(base, 'projects') };
  });
  app.get<{ Params: P }>('/projects/:id', { schema: { params: IdParams, summary: 'Show a project', answers: { 200: ProjectResponse } }, preHandler: admin }, async (req) => ({ project: projectView(await identity.getProject(req.params.id), base) }));
  app.post<{ Body: Static<typeof ProjectBody> }>('/projects', { schema: { body: ProjectBody, summary: 'Create a project', answers: { 201: ProjectResponse } }, preHandler: admin }, async (req, reply) => {
    const p = req.body.project;
    if (!p.name) throw new BadRequest('project name is required');
    const row = await identity.createProject({ name: p.name, domainId: p.domain_id ?? callerDomain(req.auth!), description: p.description, enabled: p.enabled }, writesOf(req));
    return reply.code(201).send({ project: projectView(row, base) });
  });
  app.patch<{ Params: P; Body: Static<typeof ProjectBody> }>('/projects/:id', { schema: { params: IdParams, body: ProjectBody, summary: 'Update a project', answers: { 200: ProjectResponse } }, preHandler: admin }, async (req) => {
    const p = req.body.project;
    return { project: projectView(await identity.updateProject(req.params.id, { name: p.name, description: p.description, enabled: p.enabled }, writesOf(req)), base) };
  });
  app.delete<{ Params: P }>('/projects/:id', { schema: { params: IdParams, summary: 'Delete a project', answers: { 204: null } }, preHandler: admin }, async (req, reply) => {
    await identity.deleteProject(req.params.id, writesOf(req));
    return reply.code(204).send();
  });
  app.get<{ Params: P }>('/users/:id/projects', { schema: { params: IdParams, summary: 'Projects of a user', answers: { 200: ProjectsResponse } }, preHandler: auth }, async (req) => {
    return { projects: (await identity.projectsOfUser(req.params.id)).map((p) => projectView(p, base)), links: listLinks(base, `users/${req.params.id}/projects`) };
  });

  // ---- users ----
  app.get('/users', { schema: { querystring: UserListQuery, summary: 'List users', answers: { 200: UsersResponse } }, preHandler: admin }, async (req) => {
    const q = req.query as RawQuery;
    const enabled = one(q, 'enabled');
    if (enabled !== undefined && !ENABLED_VALUES.has(enabled.toLowerCase())) throw new BadRequest('enabled must be true or false');
    const users = (await identity.listUsers({ domainId: one(q, 'domain_id'), name: one(q, 'name') }))
      .filter((u) => enabled === undefined || (u.enabled === 1) === TRUE_VALUES.has(enabled.toLowerCase()));
    return { users: users.map((u) => userView(u, base)), links: listLinks(base, 'users') };
  });
  app.get<{ Params: P }>('/users/:id', { schema: { params: IdParams, summary: 'Show a user', answers: { 200: UserResponse } }, preHandler: auth }, async (req) => {
    return { user: userView(await identity.getUser(req.params.id), base) };
  });
  app.post<{ Body: Static<typeof UserBody> }>('/users', { schema: { body: UserBody, summary: 'Create a user', answers: { 201: UserResponse } }, preHandler: admin }, async (req, reply) => {
    const u = req.body.user;
    if (!u.name) throw new BadRequest('user name is required');
    const row = await identity.createUser({ name: u.name, domainId: u.domain_id ?? callerDomain(req.auth!), password: u.password, enabled: u.enabled, defaultProjectId: u.default_project_id }, writesOf(req));
    return reply.code(201).send({ user: userView(row, base) });
  });
  app.patch<{ Params: P; Body: Static<typeof UserBody> }>('/users/:id', { schema: { params: IdParams, body: UserBody, summary: 'Update a user', answers: { 200: UserResponse } }, preHandler: admin }, async (req) => {
    const u = req.body.user;
    return { user: userView(await identity.updateUser(req.params.id, { name: u.name, password: u.password, enabled: u.enabled, defaultProjectId: u.default_project_id }, writesOf(req)), base) };
  });
  app.delete<{ Params: P }>('/users/:id', { schema: { params: IdParams, summary: 'Delete a user', answers: { 204: null } }, preHandler: admin }, async (req, reply) => {
    await identity.deleteUser(req.params.id, writesOf(req));
    return reply.code(204).send();
  });

  // ---- roles and assignments ----
  // Keystone roles, the system policies and the caller's domain's custom policies.
  app.get('/roles', { schema: { querystring: NameQuery, summary: 'List roles and policies', answers: { 200: RolesResponse } }, preHandler: admin }, async (req) => ({
    roles: (await identity.listRoles(one(req.query as RawQuery, 'name'), callerDomain(req.auth!))).map((r) => roleView(r, base)), links: listLinks(base, 'roles'),
  }));
  app.get<{ Params: P }>('/roles/:id', { schema: { params: IdParams, summary: 'Show a role', answers: { 200: RoleResponse } }, preHandler: admin }, async (req) => {
    const role = await identity.getRole(req.params.id);
    if (role.kind === 'custom' && role.domain_id !== callerDomain(req.auth!)) throw new NotFound(`Could not find role: ${req.params.id}.`);
    return { role: roleView(role, base) };
  });
  app.post<{ Body: Static<typeof RoleBody> }>('/roles', { schema: { body: RoleBody, summary: 'Create a role', answers: { 201: RoleResponse } }, preHandler: admin }, async (req, reply) =>
    reply.code(201).send({ role: roleView(await identity.createRole(req.body.role.name, req.body.role.description, writesOf(req)), base) }));
  app.delete<{ Params: P }>('/roles/:id', { schema: { params: IdParams, summary: 'Delete a role', answers: { 204: null } }, preHandler: admin }, async (req, reply) => {
    await identity.deleteRole(req.params.id, writesOf(req));
    return reply.code(204).send();
  });
  groupRoutes(app, identity, base);
  grantRoutes(app, identity, base);

  // ---- domains ----
  app.get('/domains', { schema: { querystring: NameQuery, summary: 'List domains', answers: { 200: DomainsResponse } }, preHandler: admin }, async (req) => {
    const name = one(req.query as RawQuery, 'name');
    const all = await identity.listDomains();
    return { domains: all.filter((d) => name === undefined || d.name === name).map((d) => domainView(d, base)), links: listLinks(base, 'domains') };
  });
  app.get<{ Params: P }>('/domains/:id', { schema: { params: IdParams, summary: 'Show a domain', answers: { 200: DomainResponse } }, preHandler: admin }, async (req) => ({ domain: domainView(await identity.getDomain(req.params.id), base) }));
  app.post<{ Body: Static<typeof DomainBody> }>('/domains', { schema: { body: DomainBody, summary: 'Create a domain', answers: { 201: DomainResponse } }, preHandler: admin }, async (req, reply) =>
    reply.code(201).send({ domain: domainView(await identity.createDomain(req.body.domain.name, req.body.domain.description, writesOf(req)), base) }));
}

// Keystone answers 404 for a subject token that does not validate.
class NotFoundToken extends NotFound {
  constructor() {
    super('The subject token is unknown, expired or revoked.');
  }
}
