import { BadRequest, ErrorCodes, Forbidden, QuotaExceeded } from '../domain/errors.js';
import { serverRepo, type ProjectUsage } from '../store/server-repo.js';

export type { ProjectUsage };
import type { Executor, Store } from '../store/store.js';
import type { Caller } from './hosts.js';

// ECS quotas per project (instances, cores, ram in MB). Defaults come from config
// (OPENDEH_ECS_QUOTA); compute_quotas holds per-project overrides. -1 = unlimited.
// Usage is recorded on the project's guard row and moved by `consume` in the same transaction
// as the server rows it describes (migration 0004 says why it is not counted per create);
// `show` still counts, so the API exposes any difference. `consume` runs after
// hostRepo.lockProject, so two concurrent creates of one project cannot both see the same headroom.

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
   * Adds `delta` to the project's usage; fails, changing nothing, when a positive part would
   * pass a limit (checked in Nova's order: instances, cores, ram). Negative deltas always pass.
   * @raises QuotaExceeded (403)
   */
  async consume(tx: Executor, projectId: string, delta: ProjectUsage): Promise<void> {
    if (delta.instances > 0 || delta.cores > 0 || delta.ram > 0) await this.check(tx, projectId, delta);
    await serverRepo.addUsage(tx, projectId, delta);
  }

  private async check(tx: Executor, projectId: string, delta: ProjectUsage): Promise<void> {
    const [limits, used] = await Promise.all([this.limits(tx, projectId), serverRepo.recordedUsage(tx, projectId)]);
    for (const r of COMPUTE_RESOURCES) {
      const want = delta[r];
      if (want <= 0 || limits[r] === -1) continue;
      if (used[r] + want > limits[r]) {
        throw new QuotaExceeded(`Quota exceeded for ${r}: Requested ${want}, but already used ${used[r]} of ${limits[r]} ${r}`,
          { resource: r, requested: want, used: used[r], hard_limit: limits[r] });
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
    });
  }
}
