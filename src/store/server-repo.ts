import type { Server, ServerStatus } from '../domain/server.js';
import type { Executor } from './store.js';
import type { ServersTable } from './tables.js';

// Queries of the server aggregate; JSON columns are parsed here, nowhere else.

export function serverRowToServer(r: ServersTable): Server {
  return {
    id: r.id, projectId: r.project_id, userId: r.user_id, name: r.name, hostId: r.host_id, flavorId: r.flavor_id,
    vcpus: r.vcpus, ramMb: r.ram_mb, diskGb: r.disk_gb, availabilityZone: r.availability_zone,
    status: r.status as ServerStatus, taskState: r.task_state, powerState: r.power_state, imageRef: r.image_ref,
    networks: JSON.parse(r.networks), metadata: JSON.parse(r.metadata), addresses: JSON.parse(r.addresses),
    fault: r.fault ? JSON.parse(r.fault) : null, keyName: r.key_name, userData: r.user_data,
    securityGroups: JSON.parse(r.security_groups), schedulerHints: JSON.parse(r.scheduler_hints),
    oldFlavorId: r.old_flavor_id, oldHostId: r.old_host_id, buildUntil: r.build_until,
    createdAt: r.created_at, updatedAt: r.updated_at, deletedAt: r.deleted_at,
  };
}

export const serverRepo = {
  /** Live servers on one host, keyset-paginated by id. */
  async listOnHost(ex: Executor, hostId: string, page: { limit?: number; afterId?: string }): Promise<Server[]> {
    let q = ex.selectFrom('servers').selectAll().where('host_id', '=', hostId).where('deleted_at', 'is', null).orderBy('id');
    if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
    if (page.limit !== undefined) q = q.limit(page.limit);
    return (await q.execute()).map(serverRowToServer);
  },
  async get(ex: Executor, projectId: string, id: string): Promise<Server | undefined> {
    const r = await ex.selectFrom('servers').selectAll().where('project_id', '=', projectId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return r ? serverRowToServer(r) : undefined;
  },
};
