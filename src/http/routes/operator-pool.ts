import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Forbidden } from '../../domain/errors.js';
import { PHYSICAL_SERVER_STATES, type PhysicalServer, type PoolCount } from '../../domain/pool.js';
import type { PoolService } from '../../services/pool.js';
import type { RecoveryJob, RecoveryService } from '../../services/recovery.js';
import { callerOf } from '../auth.js';
import { enumParam, intParam, one, type RawQuery } from '../query.js';
import { PoolServersQuery, RecoveriesQuery } from '../schemas/queries.js';
import {
  PhysicalServerResponse, PhysicalServersResponse, PoolSummaryResponse, RecoveriesResponse,
} from '../schemas/pool-responses.js';

// Operator API of the physical pool (docs/operations.md#physical-pool): the inventory per AZ
// and host type that DeH allocation and automatic recovery take servers from.
//   GET  /opendeh/v1/pool                         counts per AZ and type (free, allocated, faulty, retired)
//   GET  /opendeh/v1/pool/servers                 the servers (filters, keyset paging by name)
//   POST /opendeh/v1/pool/servers                 add servers, all or none (201)
//   POST /opendeh/v1/pool/servers/{name}/retire   take one out of service (200)
//   GET  /opendeh/v1/recoveries                   automatic recovery jobs (docs/recovery.md)

const Spec = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  availability_zone: Type.String({ minLength: 1, maxLength: 64 }),
  host_type: Type.String({ minLength: 1, maxLength: 32 }),
}, { additionalProperties: false });
const AddBody = Type.Object({ physical_servers: Type.Array(Spec, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
const NameParams = Type.Object({ name: Type.String() });

export function physicalServerView(p: PhysicalServer) {
  return {
    id: p.id, name: p.name, availability_zone: p.availabilityZone, host_type: p.hostType, state: p.state,
    dedicated_host_id: p.hostId, created_at: p.createdAt, updated_at: p.updatedAt,
  };
}

function countView(c: PoolCount) {
  return { availability_zone: c.availabilityZone, host_type: c.hostType, free: c.free, allocated: c.allocated, faulty: c.faulty, retired: c.retired };
}

function recoveryView(j: RecoveryJob) {
  return {
    id: j.id, dedicated_host_id: j.hostId, project_id: j.projectId, availability_zone: j.availabilityZone, host_type: j.hostType,
    state: j.state, new_dedicated_host_id: j.newHostId, attempts: j.attempts, detail: j.detail, created_at: j.createdAt, updated_at: j.updatedAt,
  };
}

const RECOVERY_STATES = ['pending', 'waiting', 'done', 'cancelled'] as const;

export function operatorPoolRoutes(app: FastifyInstance, pool: PoolService, recovery: RecoveryService): void {
  // Token and permission (opendeh:pool:* — the admin role) are checked by the app-level hooks.
  const admin = async (req: FastifyRequest) => {
    if (!req.auth!.project) throw new Forbidden('a project-scoped admin token is required');
  };
  app.get('/opendeh/v1/pool', { schema: { summary: 'Physical pool counts per AZ and host type', answers: { 200: PoolSummaryResponse } }, preHandler: admin }, async (req) => {
    const s = await pool.summary(callerOf(req));
    return { configured: s.configured, pool: s.counts.map(countView) };
  });
  app.get('/opendeh/v1/pool/servers', { schema: { querystring: PoolServersQuery, summary: 'Physical servers of the pool', answers: { 200: PhysicalServersResponse } }, preHandler: admin }, async (req) => {
    const q = req.query as RawQuery;
    const list = await pool.list(callerOf(req), {
      availabilityZone: one(q, 'availability_zone'), hostType: one(q, 'host_type'),
      state: enumParam('state', one(q, 'state'), PHYSICAL_SERVER_STATES),
    }, { limit: intParam(q, 'limit', 1, 1000) ?? 1000, marker: one(q, 'marker') });
    return { physical_servers: list.map(physicalServerView) };
  });
  app.post<{ Body: Static<typeof AddBody> }>('/opendeh/v1/pool/servers', { schema: { body: AddBody, summary: 'Add physical servers (all or none)', answers: { 201: PhysicalServersResponse } }, preHandler: admin }, async (req, reply) => {
    const added = await pool.add(callerOf(req), req.body.physical_servers.map((s) => ({ name: s.name, availabilityZone: s.availability_zone, hostType: s.host_type })));
    return reply.code(201).send({ physical_servers: added.map(physicalServerView) });
  });
  app.post<{ Params: { name: string } }>('/opendeh/v1/pool/servers/:name/retire', { schema: { params: NameParams, summary: 'Retire a physical server', answers: { 200: PhysicalServerResponse } }, preHandler: admin }, async (req) => {
    return { physical_server: physicalServerView(await pool.retire(callerOf(req), req.params.name)) };
  });
  app.get('/opendeh/v1/recoveries', { schema: { querystring: RecoveriesQuery, summary: 'Automatic recovery jobs', answers: { 200: RecoveriesResponse } }, preHandler: admin }, async (req) => {
    const q = req.query as RawQuery;
    if (!callerOf(req).isAdmin) throw new Forbidden('only operators (admin role) may read recovery jobs');
    const jobs = await recovery.list({
      state: enumParam('state', one(q, 'state'), RECOVERY_STATES), hostId: one(q, 'dedicated_host_id'), limit: intParam(q, 'limit', 1, 1000) ?? 100,
    });
    return { recoveries: jobs.map(recoveryView) };
  });
}
