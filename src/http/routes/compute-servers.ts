import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, ErrorCodes } from '../../domain/errors.js';
import { toStored } from '../../domain/time.js';
import type { Created, CreateServerRequest } from '../../services/servers.js';
import { callerOf } from '../auth.js';
import { intParam, one, timeParam, type RawQuery } from '../query.js';
import { ProjectParams, ServerCreateBody, ServerParams, ServerUpdateBody } from '../schemas/compute.js';
import { ServerCreatedResponse, ServerDetailListResponse, ServerListResponse, ServerResponse } from '../schemas/compute-responses.js';
import { NovaServerListQuery } from '../schemas/queries.js';
import { novaServerSummary, novaServerView, serverLinks } from '../views/nova-server-view.js';
import type { ComputeDeps } from './compute.js';
import type { Idempotency } from './idempotency.js';

// /compute/v2.1/{project_id}/servers — create 202, list/detail 200, show 200, update 200,
// delete 204; unknown server 404 itemNotFound.

type Base = (req: FastifyRequest) => string;

export function computeServerRoutes(app: FastifyInstance, deps: ComputeDeps, idem: Idempotency, base: Base): void {
  app.post<{ Body: ServerCreateBody }>('/servers', { schema: { params: ProjectParams, body: ServerCreateBody, summary: 'Create servers (X-Client-Token: idempotent)', answers: { 202: ServerCreatedResponse } } }, async (req, reply) => {
    const caller = callerOf(req);
    const wantsReservation = ['true', 'True', true].includes(req.body.server.return_reservation_id as string | boolean);
    return idem.run(req, reply, caller.projectId, 'server-create',
      () => deps.servers.create(caller, novaCreateRequest(req.body)),
      (r) => ({ status: 202, body: wantsReservation ? { reservation_id: `r-${r.servers[0].id.slice(0, 8)}` } : createdView(r, base(req)) }));
  });

  for (const detail of [false, true]) {
    app.get(detail ? '/servers/detail' : '/servers', {
      schema: {
        params: ProjectParams, querystring: NovaServerListQuery,
        summary: detail ? 'List servers with details' : 'List servers', answers: { 200: detail ? ServerDetailListResponse : ServerListResponse },
      },
    }, async (req) => {
      const q = req.query as RawQuery;
      const limit = intParam(q, 'limit', 0, 1000);
      const { servers, more } = await deps.servers.list(callerOf(req), {
        name: one(q, 'name'), status: one(q, 'status'), flavor: one(q, 'flavor'), image: one(q, 'image'), ip: one(q, 'ip'),
        changesSince: timeParam(q, 'changes-since') ?? timeParam(q, 'changes_since'), limit, marker: one(q, 'marker'),
      });
      const now = toStored(deps.servers.clock());
      const b = base(req);
      const page = servers.map((s) => (detail ? novaServerView(s, now, b) : novaServerSummary(s, b)));
      const next = `${b}/servers${detail ? '/detail' : ''}?limit=${limit}&marker=${servers[servers.length - 1]?.id}`;
      return { servers: page, ...(more && servers.length > 0 && { servers_links: [{ rel: 'next', href: next }] }) };
    });
  }

  app.get<{ Params: ServerParams }>('/servers/:server_id', { schema: { params: ServerParams, summary: 'Show a server', answers: { 200: ServerResponse } } }, async (req) => {
    const s = await deps.servers.get(callerOf(req), req.params.server_id);
    return { server: novaServerView(s, toStored(deps.servers.clock()), base(req)) };
  });

  app.put<{ Params: ServerParams; Body: ServerUpdateBody }>('/servers/:server_id', { schema: { params: ServerParams, body: ServerUpdateBody, summary: 'Update a server', answers: { 200: ServerResponse } } }, async (req) => {
    const b = req.body.server;
    const s = await deps.servers.update(callerOf(req), req.params.server_id, { name: b.name, description: b.description });
    return { server: novaServerView(s, toStored(deps.servers.clock()), base(req)) };
  });

  app.delete<{ Params: ServerParams }>('/servers/:server_id', { schema: { params: ServerParams, summary: 'Delete a server', answers: { 204: null } } }, async (req, reply) => {
    await deps.servers.delete(callerOf(req), req.params.server_id);
    return reply.code(204).send();
  });
}

function createdView(r: Created, base: string) {
  const s = r.servers[0];
  return {
    server: {
      id: s.id, links: serverLinks(base, s.id), 'OS-DCF:diskConfig': 'MANUAL', security_groups: s.securityGroups,
      ...(r.adminPass && { adminPass: r.adminPass }),
    },
  };
}

/** A reference may be an id or a URL ending in it (Nova accepts both for flavorRef/imageRef). */
export function refId(ref: string | number | undefined): string {
  const v = ref === undefined ? '' : String(ref);
  return v.includes('/') ? v.slice(v.lastIndexOf('/') + 1) : v;
}

function countOf(v: string | number | undefined, fallback: number): number {
  return v === undefined ? fallback : Number(v);
}

/** The Nova create body in the service's terms. @raises BadRequest (min_count > max_count) */
export function novaCreateRequest(body: ServerCreateBody): CreateServerRequest {
  const s = body.server;
  const min = countOf(s.min_count, 1);
  const max = countOf(s.max_count, min);
  if (min > max) throw new BadRequest('min_count must be <= max_count', ErrorCodes.InvalidParameter);
  const networks = s.networks === undefined ? 'auto'
    : typeof s.networks === 'string' ? s.networks
      : s.networks.map((n) => ({ uuid: n.uuid, port: n.port, fixedIp: n.fixed_ip }));
  return {
    name: s.name, flavorRef: refId(s.flavorRef), imageRef: refId(s.imageRef),
    availabilityZone: s.availability_zone ? s.availability_zone.split(':')[0] : undefined,
    networks, metadata: s.metadata ?? {},
    // openstacksdk sends OS-SCH-HNT:scheduler_hints, novaclient and Terraform os:scheduler_hints.
    hints: { ...(body['OS-SCH-HNT:scheduler_hints'] ?? {}), ...(body['os:scheduler_hints'] ?? {}) },
    count: max, keyName: s.key_name ?? undefined, userData: s.user_data ?? undefined,
    securityGroups: s.security_groups?.length ? s.security_groups : [{ name: 'default' }],
    description: s.description, configDrive: s.config_drive === true || /^(true|1|yes)$/i.test(String(s.config_drive ?? '')),
    tags: (s.tags ?? []).map((key) => ({ key, value: '' })), adminPass: s.adminPass,
  };
}
