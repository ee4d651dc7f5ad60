import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { TraceService } from '../../services/traces.js';
import type { HostsService } from '../../services/hosts.js';
import type { HostHealth } from '../../services/host-health.js';
import type { HealthService } from '../../services/health.js';
import { callerOf } from '../auth.js';
import type { Metrics } from '../metrics.js';
import { one, type RawQuery } from '../query.js';
import { traceView } from '../views/trace-view.js';
import { traceListParams } from './cts.js';
import { Forbidden } from '../../domain/errors.js';
import { Int } from '../schemas/common.js';
import { OperatorTraceQuery } from '../schemas/queries.js';
import { OperatorTraceListResponse } from '../schemas/cts.js';
import { FaultResponse, HealthResponse, ReadyResponse, RepairResponse, TextBody } from '../schemas/service-responses.js';

// Operator endpoints outside the OTC API: health, metrics, quota changes, every project's traces.
// They live under /opendeh/ so they can never clash with an OTC path.

const FaultBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }, { additionalProperties: false });
const QuotaBody = Type.Object({ hard_limit: Int({ minimum: -1 }) }, { additionalProperties: false });
const QuotaParams = Type.Object({ tenant_id: Type.String(), resource: Type.String() });
const HostParams = Type.Object({ host_id: Type.String() });

export function operatorRoutes(app: FastifyInstance, d: { health: HealthService; hostHealth: HostHealth; hosts: HostsService; metrics: Metrics; traces: TraceService }): void {
  // Token and permission (opendeh:* — the admin role) are checked by the app-level hooks.
  const admin = async (req: FastifyRequest) => {
    if (!req.auth!.project) throw new Forbidden('a project-scoped admin token is required');
  };
  app.get('/opendeh/healthz', { schema: { summary: 'Liveness probe', answers: { 200: HealthResponse } } }, async () => ({ status: 'ok' }));
  app.get('/opendeh/readyz', { schema: { summary: 'Readiness probe (503 when the database is down)', answers: { 200: ReadyResponse } } }, async () => {
    await d.health.ready();
    return { status: 'ready', engine: d.health.engine };
  });
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', produces: 'text/plain', answers: { 200: TextBody } } }, async (_req, reply) => {
    const text = await d.metrics.registry.metrics();
    return reply.type(d.metrics.registry.contentType).send(text);
  });
  app.put<{ Params: { tenant_id: string; resource: string }; Body: Static<typeof QuotaBody> }>('/opendeh/v1/quotas/:tenant_id/:resource',
    { schema: { params: QuotaParams, body: QuotaBody, summary: 'Set a DeH quota of a project', answers: { 204: null } }, preHandler: admin }, async (req, reply) => {
      await d.hosts.setQuota(callerOf(req), req.params.tenant_id, req.params.resource, req.body.hard_limit);
      return reply.code(204).send();
    });
  // Failure injection: a DeH goes to `fault`, its ECSs to ERROR (services/host-health.ts).
  app.post<{ Params: { host_id: string }; Body: Static<typeof FaultBody> }>('/opendeh/v1/hosts/:host_id/fault',
    { schema: { params: HostParams, body: FaultBody, summary: 'Inject a host fault', answers: { 200: FaultResponse } }, preHandler: admin }, async (req) => {
      const r = await d.hostHealth.markFault(callerOf(req), req.params.host_id, req.body.reason ?? 'hardware failure');
      return { state: 'fault', failed_servers: r.failedServers, ...(r.recoveryJob && { recovery_job: r.recoveryJob }) };
    });
  app.post<{ Params: { host_id: string } }>('/opendeh/v1/hosts/:host_id/repair', { schema: { params: HostParams, summary: 'Repair a faulted host', answers: { 200: RepairResponse } }, preHandler: admin }, async (req) => {
    await d.hostHealth.repair(callerOf(req), req.params.host_id);
    return { state: 'available' };
  });
  // The CTS listing over every project (project_id narrows it), in the same shape.
  app.get('/opendeh/v1/traces', { schema: { querystring: OperatorTraceQuery, summary: 'Every project\'s CTS traces', answers: { 200: OperatorTraceListResponse } }, preHandler: admin }, async (req) => {
    const q = req.query as RawQuery;
    const page = await d.traces.list(traceListParams(q, one(q, 'project_id') ?? null));
    return {
      traces: page.traces.map((t) => ({ ...traceView(t), project_id: t.projectId ?? '', domain_id: t.domainId ?? '' })),
      meta_data: { count: page.traces.length, marker: page.marker },
    };
  });
}
