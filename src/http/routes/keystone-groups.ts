import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { BadRequest } from '../../domain/errors.js';
import type { IdentityService } from '../../services/identity.js';
import { one, type RawQuery } from '../query.js';
import { groupView, listLinks, userView } from '../views/keystone-view.js';
import { callerDomain, iamGuard } from './keystone-common.js';

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

export function groupRoutes(app: FastifyInstance, identity: IdentityService, base: string): void {
  const guard = iamGuard(identity);
  const iam = identity.iam;

  app.get('/groups', { preHandler: guard }, async (req) => {
    const q = req.query as RawQuery;
    const groups = await iam.listGroups({ domainId: one(q, 'domain_id') ?? callerDomain(req.auth!), name: one(q, 'name') });
    return { groups: groups.map((g) => groupView(g, base)), links: listLinks(base, 'groups') };
  });
  app.post<{ Body: GroupBody }>('/groups', { schema: { body: GroupBody }, preHandler: guard }, async (req, reply) => {
    const g = req.body.group;
    if (g.name === undefined || g.name.trim() === '') throw new BadRequest('group name is required');
    const row = await iam.createGroup({ name: g.name, domainId: g.domain_id ?? callerDomain(req.auth!), description: g.description });
    return reply.code(201).send({ group: groupView(row, base) });
  });
  app.get<G>('/groups/:gid', { preHandler: guard }, async (req) => ({ group: groupView(await iam.getGroup(req.params.gid), base) }));
  app.patch<G & { Body: GroupBody }>('/groups/:gid', { schema: { body: GroupBody }, preHandler: guard }, async (req) => {
    const g = req.body.group;
    return { group: groupView(await iam.updateGroup(req.params.gid, { name: g.name, description: g.description }), base) };
  });
  app.delete<G>('/groups/:gid', { preHandler: guard }, async (req, reply) => {
    await iam.deleteGroup(req.params.gid);
    return reply.code(204).send();
  });

  app.get<G>('/groups/:gid/users', { preHandler: guard }, async (req) => ({
    users: (await iam.membersOf(req.params.gid)).map((u) => userView(u, base)), links: listLinks(base, `groups/${req.params.gid}/users`),
  }));
  app.put<GU>('/groups/:gid/users/:uid', { preHandler: guard }, async (req, reply) => {
    await iam.addUser(req.params.gid, req.params.uid);
    return reply.code(204).send();
  });
  app.head<GU>('/groups/:gid/users/:uid', { preHandler: guard }, async (req, reply) => {
    await iam.checkMember(req.params.gid, req.params.uid);
    return reply.code(204).send();
  });
  app.delete<GU>('/groups/:gid/users/:uid', { preHandler: guard }, async (req, reply) => {
    await iam.removeUser(req.params.gid, req.params.uid);
    return reply.code(204).send();
  });
  app.get<{ Params: { uid: string } }>('/users/:uid/groups', { preHandler: guard }, async (req) => ({
    groups: (await iam.groupsOfUser(req.params.uid)).map((g) => groupView(g, base)), links: listLinks(base, `users/${req.params.uid}/groups`),
  }));
}
