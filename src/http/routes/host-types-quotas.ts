import type { FastifyInstance } from 'fastify';
import type { HostsService } from '../../services/hosts.js';
import { callerOf, requireProject } from '../auth.js';
import { one, type RawQuery } from '../query.js';
import { AzParams, QuotaParams } from '../schemas/deh.js';
import { HostTypesResponse, QuotaResponse } from '../schemas/deh-responses.js';
import { DehQuotaQuery } from '../schemas/queries.js';

// GET /availability-zone/{az}/dedicated-host-types (200) and GET /quota-sets/{tenant_id} (200).

export function hostTypeAndQuotaRoutes(app: FastifyInstance, hosts: HostsService): void {
  app.get<{ Params: { project_id: string; az: string } }>('/availability-zone/:az/dedicated-host-types', { schema: { params: AzParams, summary: 'Host types of an AZ', answers: { 200: HostTypesResponse } }, preHandler: requireProject }, async (req) => ({
    dedicated_host_types: (await hosts.allocatableHostTypesIn(req.params.az)).map((t) => ({ host_type: t.hostType, host_type_name: t.hostTypeName })),
  }));

  app.get<{ Params: { project_id: string; tenant_id: string } }>('/quota-sets/:tenant_id', { schema: { params: QuotaParams, querystring: DehQuotaQuery, summary: 'DeH quotas of a project', answers: { 200: QuotaResponse } }, preHandler: requireProject }, async (req) => {
    const q = await hosts.quota(callerOf(req), req.params.tenant_id, one(req.query as RawQuery, 'resource'));
    return { quota_set: q.map((e) => ({ resource: e.resource, hard_limit: e.hardLimit, used: e.used })) };
  });
}
