import { BadRequest, ErrorCodes, Forbidden, QuotaExceeded } from '../domain/errors.js';
import { serverRepo, type ProjectUsage } from '../store/server-repo.js';

export type { ProjectUsage };
import type { Executor, Store } from '../store/store.js';
import type { Caller } from './hosts.js';

// ECS quotas per project (instances, cores, ram in MB). Defaults come from config
// (OPENDEH_ECS_QUOTA); compute_quotas holds per-project overrides. -1 = unlimited.
// Usage is recorded on the project's guard row and moved by `consume` in the same transaction
// as the server rows it describes (migration 0004 says why it is not counted per create);
// `show` still counts, so the API exposes any difference. `consume` takes the project's guard
// row itself, so two concurrent creates of one project cannot both see the same headroom.

export type ComputeResource = 'instances' | 'cores' | 'ram';
export const COMPUTE_RESOURCES: readonly ComputeResource[] = ['instances', 'cores', 'ram'];
export type ComputeLimits = Record<ComputeResource, number>;

export class ComputeQuotas {
  constructor(private readonly store: Store, private readonly defaults: ComputeLimits) {}

  async limits(ex: Executor, projectId: string): Promise<ComputeLimits> {
    const rows = await ex.selectFrom('compute_quotas').select(['resource', 'hard_limit']).where('project_id', '=', projectId).execute();
    const out: ComputeLimits = { ...this.defaults };
    for (const r of rows) if ((COMPUTE_RESOURCES as readonly string[]).includes(r.resource)) out[r.resource as ComputeResource] = r.hard_limit;
    return out;
  }

  /**
   * Takes the project's write guard and adds `delta` to its usage, in ONE statement (an upsert
   * of the guard row returning the new usage and the project's overrides); then fails, and the
   * caller's transaction rolls back, when a positive part passes a limit (checked in Nova's
   * order: instances, cores, ram). Negative deltas always pass. Callers need no separate
   * hostRepo.lockProject: this is it, so the lock order (guard first) is unchanged.
   * @raises QuotaExceeded (403)
   */
  async consume(tx: Executor, projectId: string, delta: ProjectUsage): Promise<void> {
    const r = await serverRepo.lockAndAddUsage(tx, projectId, delta);
    if (!(delta.instances > 0 || delta.cores > 0 || delta.ram > 0)) return;
    const limits: ComputeLimits = { ...this.defaults };
    for (const res of COMPUTE_RESOURCES) if (r.limits[res] !== null) limits[res] = r.limits[res]!;
    for (const res of COMPUTE_RESOURCES) {
      const want = delta[res];
      if (want <= 0 || limits[res] === -1) continue;
      const used = r.usage[res] - want;
      if (used + want > limits[res]) {
        throw new QuotaExceeded(`Quota exceeded for ${res}: Requested ${want}, but already used ${used} of ${limits[res]} ${res}`,
          { resource: res, requested: want, used, hard_limit: limits[res] });
      }
    }
  }

  /** Limits and usage of a tenant. @raises Forbidden (another tenant, not admin) */
  async show(caller: Caller, tenantId: string): Promise<{ limits: ComputeLimits; usage: ProjectUsage }> {
    if (tenantId !== caller.projectId && !caller.isAdmin) throw new Forbidden(`Policy doesn't allow reading the quota of project ${tenantId}`);
    return this.store.read(async (ex) => {
      const [limits, usage] = await Promise.all([this.limits(ex, tenantId), serverRepo.usage(ex, tenantId)]);
      return { limits, usage };
    });
  }

  defaultLimits(): ComputeLimits {
    return { ...this.defaults };
  }

  /** Admin: override some limits of a tenant. @raises Forbidden, BadRequest */
  async set(caller: Caller, tenantId: string, patch: Partial<ComputeLimits>): Promise<ComputeLimits> {
    if (!caller.isAdmin) throw new Forbidden('Policy doesn\'t allow changing quotas; the admin role is required');
    for (const [r, v] of Object.entries(patch)) {
      if (!Number.isInteger(v) || (v as number) < -1) throw new BadRequest(`quota ${r} must be an integer ≥ -1`, ErrorCodes.InvalidParameter);
    }
    return this.store.write(async (tx) => {
      for (const [resource, hardLimit] of Object.entries(patch) as [ComputeResource, number][]) {
        await tx.insertInto('compute_quotas').values({ project_id: tenantId, resource, hard_limit: hardLimit })
          .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: hardLimit })).execute();
      }
      return this.limits(tx, tenantId);
    }, caller.writes);
  }
}
