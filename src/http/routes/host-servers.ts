import type { FastifyInstance } from 'fastify';
import { toStored } from '../../domain/time.js';
import type { HostsService } from '../../services/hosts.js';
import { callerOf, requireProject } from '../auth.js';
import { intParam, one, type RawQuery } from '../query.js';
import { HostParams } from '../schemas/deh.js';
import { HostServersResponse } from '../schemas/deh-responses.js';
import { HostServersQuery } from '../schemas/queries.js';
import { dehServerView } from '../views/server-view.js';
import type { ComputeDeps } from './compute.js';

// GET /v1.0/{project_id}/dedicated-hosts/{id}/servers — 200 {"servers":[…]}; 404 unknown host.

export function hostServerRoutes(app: FastifyInstance, _hosts: HostsService, compute: ComputeDeps): void {
  app.get<{ Params: HostParams }>('/dedicated-hosts/:host_id/servers', { schema: { params: HostParams, querystring: HostServersQuery, summary: 'ECSs on a DeH', answers: { 200: HostServersResponse } }, preHandler: requireProject }, async (req) => {
    const q = req.query as RawQuery;
    const list = await compute.servers.listOnHost(callerOf(req), req.params.host_id, { limit: intParam(q, 'limit', 1, 10_000), marker: one(q, 'marker') });
    const now = toStored(compute.servers.clock());
    return { servers: list.map((s) => dehServerView(s, now)) };
  });
}
