import { writesOf } from '../write-context.js';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { BadRequest } from '../../domain/errors.js';
import type { IdentityService } from '../../services/identity.js';
import { one, type RawQuery } from '../query.js';
import { groupView, listLinks, userView } from '../views/keystone-view.js';
import { callerDomain, iamGuard } from './keystone-common.js';
import { DomainNameQuery } from '../schemas/queries.js';
import { GroupResponse, GroupsResponse, UsersResponse } from '../schemas/keystone-responses.js';

// Keystone groups (CONTRACT §9.4): CRUD with ?name=, membership (PUT/HEAD/DELETE → 204, as
// the Go SDK accepts only 204), members of a group, groups of a user. `links` is always
// present: openstackclient pops it from the created group.

const GroupBody = Type.Object({
  group: Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    description: Type.Optional(Type.String({ maxLength: 255 })),
    domain_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
type GroupBody = Static<typeof GroupBody>;
type G = { Params: { gid: string } };
type GU = { Params: { gid: string; uid: string } };
const GroupParams = Type.Object({ gid: Type.String() });
const MemberParams = Type.Object({ gid: Type.String(), uid: Type.String() });
const UserParams = Type.Object({ uid: Type.String() });

export function groupRoutes(app: FastifyInstance, identity: IdentityService, base: string): void {
  const guard = iamGuard(identity);
  const iam = identity.iam;

  app.get('/groups', { schema: { querystring: DomainNameQuery, summary: 'List groups (of the caller\'s domain unless domain_id)', answers: { 200: GroupsResponse } }, preHandler: guard }, async (req) => {
    const q = req.query as RawQuery;
    const groups = await iam.listGroups({ domainId: one(q, 'domain_id') ?? callerDomain(req.auth!), name: one(q, 'name') });
    return { groups: groups.map((g) => groupView(g, base)), links: listLinks(base, 'groups') };
  });
  app.post<{ Body: GroupBody }>('/groups', { schema: { body: GroupBody, summary: 'Create a group', answers: { 201: GroupResponse } }, preHandler: guard }, async (req, reply) => {
    const g = req.body.group;
    if (g.name === undefined || g.name.trim() === '') throw new BadRequest('group name is required');
    const row = await iam.createGroup({ name: g.name, domainId: g.domain_id ?? callerDomain(req.auth!), description: g.description }, writesOf(req));
    return reply.code(201).send({ group: groupView(row, base) });
  });
  app.get<G>('/groups/:gid', { schema: { params: GroupParams, summary: 'Show a group', answers: { 200: GroupResponse } }, preHandler: guard }, async (req) => ({ group: groupView(await iam.getGroup(req.params.gid), base) }));
  app.patch<G & { Body: GroupBody }>('/groups/:gid', { schema: { params: GroupParams, body: GroupBody, summary: 'Update a group', answers: { 200: GroupResponse } }, preHandler: guard }, async (req) => {
    const g = req.body.group;
    return { group: groupView(await iam.updateGroup(req.params.gid, { name: g.name, description: g.description }, writesOf(req)), base) };
  });
  app.delete<G>('/groups/:gid', { schema: { params: GroupParams, summary: 'Delete a group', answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
    await iam.deleteGroup(req.params.gid, writesOf(req));
    return reply.code(204).send();
  });

  app.get<G>('/groups/:gid/users', { schema: { params: GroupParams, summary: 'Members of a group', answers: { 200: UsersResponse } }, preHandler: guard }, async (req) => ({
    users: (await iam.membersOf(req.params.gid)).map((u) => userView(u, base)), links: listLinks(base, `groups/${req.params.gid}/users`),
  }));
  app.put<GU>('/groups/:gid/users/:uid', { schema: { params: MemberParams, summary: 'Add a user to a group', answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
    await iam.addUser(req.params.gid, req.params.uid, writesOf(req));
    return reply.code(204).send();
  });
  app.head<GU>('/groups/:gid/users/:uid', { schema: { params: MemberParams, summary: 'Is the user a member (204) or not (404)', answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
    await iam.checkMember(req.params.gid, req.params.uid);
    return reply.code(204).send();
  });
  app.delete<GU>('/groups/:gid/users/:uid', { schema: { params: MemberParams, summary: 'Remove a user from a group', answers: { 204: null } }, preHandler: guard }, async (req, reply) => {
    await iam.removeUser(req.params.gid, req.params.uid, writesOf(req));
    return reply.code(204).send();
  });
  app.get<{ Params: { uid: string } }>('/users/:uid/groups', { schema: { params: UserParams, summary: 'Groups of a user', answers: { 200: GroupsResponse } }, preHandler: guard }, async (req) => ({
    groups: (await iam.groupsOfUser(req.params.uid)).map((g) => groupView(g, base)), links: listLinks(base, `users/${req.params.uid}/groups`),
  }));
}
