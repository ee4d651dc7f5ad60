import { sql } from 'kysely';
import type { Nic, Server, ServerStatus } from '../domain/server.js';
import type { Tag } from '../domain/tag.js';
import type { Executor } from './store.js';
import type { ComputeJobsTable, ServersTable } from './tables.js';
import { insertStatement, statement } from './statement.js';

// Queries of the server aggregate; JSON columns are parsed and written here, nowhere else.

export function serverRowToServer(r: ServersTable): Server {
  return {
    id: r.id, projectId: r.project_id, userId: r.user_id, name: r.name, hostId: r.host_id, flavorId: r.flavor_id,
    vcpus: r.vcpus, ramMb: r.ram_mb, diskGb: r.disk_gb, availabilityZone: r.availability_zone,
    status: r.status as ServerStatus, taskState: r.task_state, powerState: r.power_state, imageRef: r.image_ref,
    networks: JSON.parse(r.networks) as Nic[], metadata: JSON.parse(r.metadata), addresses: JSON.parse(r.addresses),
    fault: r.fault ? JSON.parse(r.fault) : null, keyName: r.key_name, userData: r.user_data,
    securityGroups: JSON.parse(r.security_groups), schedulerHints: JSON.parse(r.scheduler_hints),
    oldFlavorId: r.old_flavor_id, oldHostId: r.old_host_id, buildUntil: r.build_until,
    createdAt: r.created_at, updatedAt: r.updated_at, deletedAt: r.deleted_at,
    generation: r.generation, description: r.description, configDrive: r.config_drive === 1, autoRecovery: r.auto_recovery === 1,
  };
}

export function serverToRow(s: Server): ServersTable {
  return {
    id: s.id, project_id: s.projectId, user_id: s.userId, name: s.name, host_id: s.hostId, flavor_id: s.flavorId,
    vcpus: s.vcpus, ram_mb: s.ramMb, disk_gb: s.diskGb, availability_zone: s.availabilityZone, status: s.status,
    task_state: s.taskState, power_state: s.powerState, image_ref: s.imageRef, networks: JSON.stringify(s.networks),
    metadata: JSON.stringify(s.metadata), addresses: JSON.stringify(s.addresses), fault: s.fault ? JSON.stringify(s.fault) : null,
    key_name: s.keyName, user_data: s.userData, security_groups: JSON.stringify(s.securityGroups),
    scheduler_hints: JSON.stringify(s.schedulerHints), old_flavor_id: s.oldFlavorId, old_host_id: s.oldHostId,
    build_until: s.buildUntil, created_at: s.createdAt, updated_at: s.updatedAt, deleted_at: s.deletedAt,
    generation: s.generation, description: s.description, config_drive: s.configDrive ? 1 : 0, auto_recovery: s.autoRecovery ? 1 : 0,
  };
}

/** The columns a server update may change (the id, project and creation time never do). */
export type ServerPatch = Partial<Omit<Server, 'id' | 'projectId' | 'userId' | 'createdAt' | 'generation'>>;

function patchToRow(p: ServerPatch): Partial<ServersTable> {
  const full = serverToRow({ ...({} as Server), ...p } as Server);
  const out: Partial<ServersTable> = {};
  const keys: Record<keyof ServerPatch, keyof ServersTable> = {
    name: 'name', hostId: 'host_id', flavorId: 'flavor_id', vcpus: 'vcpus', ramMb: 'ram_mb', diskGb: 'disk_gb',
    availabilityZone: 'availability_zone', status: 'status', taskState: 'task_state', powerState: 'power_state',
    imageRef: 'image_ref', networks: 'networks', metadata: 'metadata', addresses: 'addresses', fault: 'fault',
    keyName: 'key_name', userData: 'user_data', securityGroups: 'security_groups', schedulerHints: 'scheduler_hints',
    oldFlavorId: 'old_flavor_id', oldHostId: 'old_host_id', buildUntil: 'build_until', updatedAt: 'updated_at',
    deletedAt: 'deleted_at', description: 'description', configDrive: 'config_drive', autoRecovery: 'auto_recovery',
  };
  for (const k of Object.keys(p) as (keyof ServerPatch)[]) (out as Record<string, unknown>)[keys[k]] = full[keys[k]];
  return out;
}

export interface ProjectUsage { readonly instances: number; readonly cores: number; readonly ram: number }

// The statements of every ECS create and show, compiled once (statement.ts).
const insertServer = insertStatement('servers');
const liveServer = statement<ServersTable>((db, $) => db.selectFrom('servers').selectAll()
  .where('project_id', '=', $(0)).where('id', '=', $(1)).where('deleted_at', 'is', null));
const quota = (db: Executor, projectId: unknown, resource: string) => db.selectFrom('compute_quotas').select('hard_limit')
  .where('project_id', '=', projectId as string).where('resource', '=', resource);
const addUsage = statement<{ ecs_instances: number; ecs_cores: number; ecs_ram: number; q_instances: number | null; q_cores: number | null; q_ram: number | null }>(
  (db, $) => db.insertInto('project_guards')
    .values({ project_id: $(0), generation: 1, ecs_instances: $(1), ecs_cores: $(2), ecs_ram: $(3) })
    .onConflict((oc) => oc.column('project_id').doUpdateSet((eb) => ({
      generation: eb(eb.ref('project_guards.generation'), '+', 1),
      ecs_instances: eb(eb.ref('project_guards.ecs_instances'), '+', $(1)),
      ecs_cores: eb(eb.ref('project_guards.ecs_cores'), '+', $(2)),
      ecs_ram: eb(eb.ref('project_guards.ecs_ram'), '+', $(3)),
    })))
    .returning((eb) => ['ecs_instances', 'ecs_cores', 'ecs_ram',
      eb.selectFrom(() => quota(db, $(0), 'instances').as('q')).select('q.hard_limit').as('q_instances'),
      eb.selectFrom(() => quota(db, $(0), 'cores').as('q')).select('q.hard_limit').as('q_cores'),
      eb.selectFrom(() => quota(db, $(0), 'ram').as('q')).select('q.hard_limit').as('q_ram'),
    ]));

export const serverRepo = {
  async insert(ex: Executor, servers: readonly Server[]): Promise<void> {
    for (const s of servers) await insertServer.run(ex, serverToRow(s) as unknown as Record<string, unknown>);
  },
  /** Live servers on one host, keyset-paginated by id. */
  async listOnHost(ex: Executor, hostId: string, page: { limit?: number; afterId?: string }): Promise<Server[]> {
    let q = ex.selectFrom('servers').selectAll().where('host_id', '=', hostId).where('deleted_at', 'is', null).orderBy('id');
    if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
    if (page.limit !== undefined) q = q.limit(page.limit);
    return (await q.execute()).map(serverRowToServer);
  },
  /** Every live server of a project, newest first (Nova's default order). Bounded by the instances quota. */
  async listByProject(ex: Executor, projectId: string): Promise<Server[]> {
    const rows = await ex.selectFrom('servers').selectAll().where('project_id', '=', projectId).where('deleted_at', 'is', null)
      .orderBy('id', 'desc').execute();
    return rows.map(serverRowToServer);
  },
  async get(ex: Executor, projectId: string, id: string): Promise<Server | undefined> {
    const r = await liveServer.first(ex, [projectId, id]);
    return r ? serverRowToServer(r) : undefined;
  },
  async getMany(ex: Executor, projectId: string, ids: readonly string[]): Promise<Server[]> {
    if (ids.length === 0) return [];
    const rows = await ex.selectFrom('servers').selectAll().where('project_id', '=', projectId).where('id', 'in', [...ids]).execute();
    return rows.map(serverRowToServer);
  },
  /** Compare-and-swap on generation; false when another writer changed (or deleted) the server first. */
  async casUpdate(ex: Executor, id: string, generation: number, patch: ServerPatch): Promise<boolean> {
    const r = await ex.updateTable('servers').set({ ...patchToRow(patch), generation: generation + 1 })
      .where('id', '=', id).where('generation', '=', generation).where('deleted_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /**
   * The project's guard row, locked (the upsert takes its row lock on PostgreSQL; SQLite
   * serialises writers anyway) and moved by `delta` (any sign): one statement returning the
   * new usage and the project's quota overrides (null = the default applies).
   */
  async lockAndAddUsage(ex: Executor, projectId: string, delta: ProjectUsage): Promise<{ usage: ProjectUsage; limits: Record<'instances' | 'cores' | 'ram', number | null> }> {
    const r = await addUsage.first(ex, [projectId, delta.instances, delta.cores, delta.ram]);
    if (!r) throw new Error('project guard upsert returned no row');
    const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      usage: { instances: Number(r.ecs_instances), cores: Number(r.ecs_cores), ram: Number(r.ecs_ram) },
      limits: { instances: n(r.q_instances), cores: n(r.q_cores), ram: n(r.q_ram) },
    };
  },
  /** Nova's counted usage: every live server of the project, whatever its status. */
  async usage(ex: Executor, projectId: string): Promise<ProjectUsage> {
    const r = await ex.selectFrom('servers')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('vcpus').as('cores'), eb.fn.sum<number>('ram_mb').as('ram')])
      .where('project_id', '=', projectId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    return { instances: Number(r.n), cores: Number(r.cores ?? 0), ram: Number(r.ram ?? 0) };
  },
  // ---- tags (ECS key/value tags) ----
  async tags(ex: Executor, serverId: string): Promise<Tag[]> {
    return ex.selectFrom('server_tags').select(['key', 'value']).where('server_id', '=', serverId).orderBy('key').execute();
  },
  async replaceTags(ex: Executor, serverId: string, tags: readonly Tag[]): Promise<void> {
    await ex.deleteFrom('server_tags').where('server_id', '=', serverId).execute();
    if (tags.length) await ex.insertInto('server_tags').values(tags.map((t) => ({ server_id: serverId, key: t.key, value: t.value }))).execute();
  },

  // ---- ECS v1 jobs ----
  async insertJob(ex: Executor, job: ComputeJobsTable): Promise<void> {
    await ex.insertInto('compute_jobs').values(job).execute();
  },
  async getJob(ex: Executor, projectId: string, id: string): Promise<ComputeJobsTable | undefined> {
    return ex.selectFrom('compute_jobs').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  },
};
