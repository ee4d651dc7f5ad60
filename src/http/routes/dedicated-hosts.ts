import type { FastifyInstance } from 'fastify';
import { HOST_STATES } from '../../domain/host.js';
import { BadRequest, ErrorCodes } from '../../domain/errors.js';
import type { HostsService } from '../../services/hosts.js';
import { callerOf, requireProject } from '../auth.js';
import { enumParam, intParam, one, oneOf, tagsParam, timeParam, type RawQuery } from '../query.js';
import { AllocateBody, HostParams, ProjectParams, UpdateBody } from '../schemas/deh.js';
import { AllocateResponse, HostListResponse, HostShowResponse } from '../schemas/deh-responses.js';
import { HostListQuery } from '../schemas/queries.js';
import { etagOf, hostJson, hostListJson } from '../views/host-view.js';
import type { Idempotency } from './idempotency.js';

// /v1.0/{project_id}/dedicated-hosts[/{id}] — allocate 200, list 200, show 200, update 204, release 204.

export function dedicatedHostRoutes(app: FastifyInstance, hosts: HostsService, idem: Idempotency): void {
  app.post<{ Body: AllocateBody }>('/dedicated-hosts', { schema: { params: ProjectParams, body: AllocateBody, summary: 'Allocate DeHs', answers: { 200: AllocateResponse } }, preHandler: requireProject }, async (req, reply) => {
    const b = req.body;
    const caller = callerOf(req);
    return idem.run(req, reply, caller.projectId, 'allocate',
      () => hosts.allocate(caller, {
        name: b.name, autoPlacement: b.auto_placement ?? 'on', availabilityZone: b.availability_zone,
        hostType: b.host_type, quantity: b.quantity, tags: b.tags ?? [],
      }),
      (ids) => ({ status: 200, body: { dedicated_host_ids: ids } }));
  });

  app.get('/dedicated-hosts', { schema: { params: ProjectParams, querystring: HostListQuery, summary: 'List DeHs', answers: { 200: HostListResponse } }, preHandler: requireProject }, async (req, reply) => {
    const q = req.query as RawQuery;
    const { hosts: page, total } = await hosts.list(callerOf(req), {
      tenant: one(q, 'tenant'),
      id: oneOf(q, 'dedicated_host_id', 'id'),
      name: one(q, 'name'),
      hostType: one(q, 'host_type'),
      hostTypeName: one(q, 'host_type_name'),
      flavor: one(q, 'flavor'),
      state: enumParam('state', oneOf(q, 'state', 'status'), HOST_STATES),
      availabilityZone: one(q, 'availability_zone'),
      instanceUuid: one(q, 'instance_uuid'),
      tags: tagsParam(q, 'tags'),
      changesSince: timeParam(q, 'changes-since') ?? timeParam(q, 'changes_since'),
      limit: intParam(q, 'limit', 1, 10_000),
      marker: one(q, 'marker'),
    });
    return reply.type('application/json; charset=utf-8').send(hostListJson(page, total));
  });

  app.get<{ Params: HostParams }>('/dedicated-hosts/:host_id', { schema: { params: HostParams, summary: 'Show a DeH', answers: { 200: HostShowResponse } }, preHandler: requireProject }, async (req, reply) => {
    const d = await hosts.get(callerOf(req), req.params.host_id);
    reply.header('ETag', etagOf(d.host));
    return reply.type('application/json; charset=utf-8').send(`{"dedicated_host":${hostJson(d.host, { instanceUuids: d.instanceUuids, tags: d.tags })}}`);
  });

  app.put<{ Params: HostParams; Body: UpdateBody }>('/dedicated-hosts/:host_id', { schema: { params: HostParams, body: UpdateBody, summary: 'Update a DeH (If-Match: its ETag)', answers: { 204: null } }, preHandler: requireProject }, async (req, reply) => {
    const p = req.body.dedicated_host;
    if (p.dedicated_host_id !== undefined && p.dedicated_host_id !== req.params.host_id) {
      throw new BadRequest('dedicated_host_id in the body differs from the one in the path', ErrorCodes.InvalidParameter);
    }
    await hosts.update(callerOf(req), req.params.host_id, { name: p.name, autoPlacement: p.auto_placement }, ifMatchOf(req.headers['if-match']));
    return reply.code(204).send();
  });

  app.delete<{ Params: HostParams }>('/dedicated-hosts/:host_id', { schema: { params: HostParams, summary: 'Release a DeH', answers: { 204: null } }, preHandler: requireProject }, async (req, reply) => {
    await hosts.release(callerOf(req), req.params.host_id);
    return reply.code(204).send();
  });
}

/** `If-Match: "3"` (or W/"3") → 3; a value that is no ETag of ours can never match → 412 via -1. */
function ifMatchOf(h: string | string[] | undefined): number | undefined {
  if (h === undefined) return undefined;
  const v = (Array.isArray(h) ? h[0] : h).trim();
  if (v === '*') return undefined;
  const m = /^(?:W\/)?"(\d+)"$/.exec(v);
  if (!m) throw new BadRequest('If-Match must be an ETag such as "3"', ErrorCodes.InvalidParameter);
  return Number(m[1]);
}
