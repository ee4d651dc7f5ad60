import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toStored } from '../../domain/time.js';
import type { CreateServerRequest } from '../../services/servers.js';
import { callerOf } from '../auth.js';
import { AutoRecoveryBody, EcsCreateBody, EcsDeleteBody, EcsMigrateBody, ProjectParams, ServerParams } from '../schemas/compute.js';
import {
  AutoRecoveryResponse, EcsCreateResponse, EcsJobIdResponse, EcsJobResponse, EcsServerResponse, EcsTagsResponse,
} from '../schemas/compute-responses.js';
import { Type } from 'typebox';

const JobParams = Type.Object({ project_id: Type.String(), job_id: Type.String() });
import { TagActionBody } from '../schemas/deh.js';
import { ecsServerView, jobView } from '../views/ecs-view.js';
import type { ComputeDeps } from './compute.js';
import type { Idempotency } from './idempotency.js';

// OTC ECS v1 subset at /compute/v1/{project_id} (catalog type `ecs`), as Terraform's
// opentelekomcloud_ecs_instance_v1 and compute_instance_v2 use it: create / delete / migrate
// answer 200 with a job id; jobs, cloud server, tags and auto recovery read 200; tag action
// and auto recovery update 204.

export function ecsV1Routes(app: FastifyInstance, deps: ComputeDeps, idem: Idempotency, base: (req: FastifyRequest) => string): void {
  app.post<{ Body: EcsCreateBody }>('/cloudservers', { schema: { params: ProjectParams, body: EcsCreateBody, summary: 'Create ECSs (a job; X-Client-Token: idempotent)', answers: { 200: EcsCreateResponse } } }, async (req, reply) => {
    const caller = callerOf(req);
    return idem.run(req, reply, caller.projectId, 'ecs-create', () => deps.jobs.create(caller, ecsCreateRequest(req.body)),
      (r) => ({ status: 200, body: { job_id: r.jobId, serverIds: r.serverIds } }));
  });

  app.post<{ Body: EcsDeleteBody }>('/cloudservers/delete', { schema: { params: ProjectParams, body: EcsDeleteBody, summary: 'Delete ECSs (a job)', answers: { 200: EcsJobIdResponse } } }, async (req) => ({
    job_id: await deps.jobs.delete(callerOf(req), req.body.servers.map((s) => s.id)),
  }));

  app.get<{ Params: ServerParams }>('/cloudservers/:server_id', { schema: { params: ServerParams, summary: 'Show an ECS', answers: { 200: EcsServerResponse } } }, async (req) => {
    const caller = callerOf(req);
    const [s, tags] = await Promise.all([deps.servers.get(caller, req.params.server_id), deps.details.tags(caller, req.params.server_id)]);
    return { server: ecsServerView(s, toStored(deps.servers.clock()), base(req), tags) };
  });

  app.post<{ Params: ServerParams; Body: EcsMigrateBody }>('/cloudservers/:server_id/migrate', { schema: { params: ServerParams, body: EcsMigrateBody, summary: 'Migrate an ECS to a DeH or the shared pool (a job)', answers: { 200: EcsJobIdResponse } } }, async (req) => ({
    job_id: await deps.jobs.migrate(callerOf(req), req.params.server_id, req.body.migrate?.dedicated_host_id ?? null),
  }));

  app.get<{ Params: { project_id: string; job_id: string } }>('/jobs/:job_id', { schema: { params: JobParams, summary: 'Show a job', answers: { 200: EcsJobResponse } } }, async (req) => jobView(await deps.jobs.get(callerOf(req), req.params.job_id)));

  app.get<{ Params: ServerParams }>('/cloudservers/:server_id/tags', { schema: { params: ServerParams, summary: 'Tags of an ECS', answers: { 200: EcsTagsResponse } } }, async (req) => ({ tags: await deps.details.tags(callerOf(req), req.params.server_id) }));

  app.post<{ Params: ServerParams; Body: TagActionBody }>('/cloudservers/:server_id/tags/action', { schema: { params: ServerParams, body: TagActionBody, summary: 'Create or delete tags of an ECS', answers: { 204: null } } }, async (req, reply) => {
    const tags = req.body.tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
    await deps.details.tagAction(callerOf(req), req.params.server_id, req.body.action, tags);
    return reply.code(204).send();
  });

  app.get<{ Params: ServerParams }>('/cloudservers/:server_id/autorecovery', { schema: { params: ServerParams, summary: 'Auto recovery of an ECS', answers: { 200: AutoRecoveryResponse } } }, async (req) => {
    const s = await deps.servers.get(callerOf(req), req.params.server_id);
    return { support_auto_recovery: String(s.autoRecovery) };
  });

  app.put<{ Params: ServerParams; Body: AutoRecoveryBody }>('/cloudservers/:server_id/autorecovery', { schema: { params: ServerParams, body: AutoRecoveryBody, summary: 'Set auto recovery', answers: { 204: null } } }, async (req, reply) => {
    await deps.details.setAutoRecovery(callerOf(req), req.params.server_id, req.body.support_auto_recovery === 'true');
    return reply.code(204).send();
  });
}

/** The ECS v1 create body in the service's terms (hints inside `server`, NICs by subnet). */
export function ecsCreateRequest(body: EcsCreateBody): CreateServerRequest {
  const s = body.server;
  const tagOf = (t: string) => (t.includes('=') ? { key: t.slice(0, t.indexOf('=')), value: t.slice(t.indexOf('=') + 1) } : { key: t, value: '' });
  return {
    name: s.name, flavorRef: s.flavorRef, imageRef: s.imageRef, availabilityZone: s.availability_zone || undefined,
    networks: s.nics.map((n) => ({ uuid: n.subnet_id, fixedIp: n.ip_address || undefined })),
    // OTC keeps the VPC in the server's metadata; Terraform reads vpc_id back from there.
    metadata: { ...(s.metadata ?? {}), vpc_id: s.vpcid },
    hints: { ...(s['os:scheduler_hints'] ?? {}) }, count: s.count ?? 1,
    keyName: s.key_name || undefined, userData: s.user_data ?? undefined,
    securityGroups: s.security_groups?.length ? s.security_groups.map((g) => ({ name: g.id ?? 'default' })) : [{ name: 'default' }],
    description: s.description, configDrive: false,
    tags: [...(s.server_tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })), ...(s.tags ?? []).map(tagOf)],
    adminPass: s.adminPass,
  };
}
