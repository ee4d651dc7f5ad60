import { createHash, randomUUID } from 'node:crypto';
import { NotFound } from '../domain/errors.js';
import { serverRepo } from '../store/server-repo.js';
import type { Executor } from '../store/store.js';
import type { Caller } from './hosts.js';
import type { ServerActions } from './server-actions.js';
import type { CreateServerRequest, ServersService } from './servers.js';

// The OTC ECS v1 API is job-based: create, delete and migrate answer a job id that clients
// poll at /jobs/{job_id} until SUCCESS (gophertelekomcloud cloudservers.WaitForJobSuccess).
// The work itself is done (and its claims written) when the job is accepted, in the same
// transaction as the job row; a job is RUNNING until the transient status of its servers has
// settled (`done_at`), then SUCCESS. Placement failures are answered at once (4xx), so no
// job ever has to report FAIL.

export type JobType = 'createServer' | 'deleteServer' | 'migrateServer';

export interface Job {
  readonly id: string;
  readonly type: JobType;
  readonly status: 'RUNNING' | 'SUCCESS';
  readonly beginTime: string;
  /** '' while running. */
  readonly endTime: string;
  readonly subJobs: readonly { id: string; type: string; serverId: string }[];
}

const SUB_TYPE: Record<JobType, string> = { createServer: 'createSingleServer', deleteServer: 'deleteSingleServer', migrateServer: 'migrateSingleServer' };

export class EcsJobs {
  constructor(private readonly servers: ServersService, private readonly actions: ServerActions) {}

  /** Creates the servers and the job. @raises as ServersService.create */
  async create(caller: Caller, req: CreateServerRequest): Promise<{ jobId: string; serverIds: string[] }> {
    return this.servers.store.write(async (tx) => {
      const { servers } = await this.servers.createIn(tx, caller, req);
      const doneAt = servers.reduce((m, s) => (s.buildUntil > m ? s.buildUntil : m), this.servers.stamps().now);
      const jobId = await this.record(tx, caller, 'createServer', servers.map((s) => s.id), doneAt);
      return { jobId, serverIds: servers.map((s) => s.id) };
    }, caller.writes);
  }

  /** Deletes every named server, all or none. @raises NotFound */
  async delete(caller: Caller, ids: readonly string[]): Promise<string> {
    return this.servers.store.write(async (tx) => {
      for (const id of ids) await this.servers.deleteIn(tx, caller, id);
      return this.record(tx, caller, 'deleteServer', [...ids], this.servers.stamps().now);
    }, caller.writes);
  }

  /** @raises as ServerActions.migrate */
  async migrate(caller: Caller, id: string, hostId: string | null): Promise<string> {
    return this.servers.store.write(async (tx) => {
      const s = await this.actions.migrateIn(tx, caller, id, hostId);
      return this.record(tx, caller, 'migrateServer', [id], s.buildUntil);
    }, caller.writes);
  }

  /** @raises NotFound */
  async get(caller: Caller, jobId: string): Promise<Job> {
    const row = await this.servers.store.read((ex) => serverRepo.getJob(ex, caller.projectId, jobId));
    if (!row) throw new NotFound(`job ${jobId} could not be found`);
    const done = row.done_at <= this.servers.stamps().now;
    const type = row.job_type as JobType;
    return {
      id: row.id, type, status: done ? 'SUCCESS' : 'RUNNING', beginTime: row.created_at, endTime: done ? row.done_at : '',
      subJobs: (JSON.parse(row.server_ids) as string[]).map((serverId) => ({ id: subJobId(row.id, serverId), type: SUB_TYPE[type], serverId })),
    };
  }

  private async record(tx: Executor, caller: Caller, type: JobType, serverIds: string[], doneAt: string): Promise<string> {
    // OTC job ids are 32 hex characters.
    const id = randomUUID().replace(/-/g, '');
    await serverRepo.insertJob(tx, {
      id, project_id: caller.projectId, job_type: type, server_ids: JSON.stringify(serverIds),
      created_at: this.servers.stamps().now, done_at: doneAt,
    });
    return id;
  }
}

function subJobId(jobId: string, serverId: string): string {
  return createHash('sha256').update(`${jobId}:${serverId}`).digest('hex').slice(0, 32);
}
