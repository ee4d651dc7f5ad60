import { BadRequest, Conflict, ConcurrentUpdate, ErrorCodes, Forbidden, NotFound, PreconditionFailed, QuotaExceeded } from '../domain/errors.js';
import { HOST_TYPES_BY_NAME, FLAVORS } from '../domain/flavors.js';
import { HOST_TYPES } from '../domain/host-type-catalog.js';
import { nameProblem, type Host, type HostState } from '../domain/host.js';
import { timeOrderedUuid, UUID_RE } from '../domain/ids.js';
import { mergeTags, validateTagBatch, type Tag } from '../domain/tag.js';
import { toStored, type Clock } from '../domain/time.js';
import { hostRepo, type HostFilter } from '../store/host-repo.js';
import { queryHostsByTags, type TagQueryRequest, type TagQueryResult } from './tag-query.js';
import type { HostsTable } from '../store/tables.js';
import type { Executor, Store } from '../store/store.js';
import type { PoolService } from './pool.js';
import type { WriteContext } from '../store/write-context.js';
import { traceResource } from '../store/trace-scope.js';

// DeH use cases: allocate, list, show, update, release, host types, quota, tags.
// Every write is one transaction; quota and capacity are checked inside it.

export interface Caller {
  readonly projectId: string;
  readonly userId: string;
  readonly isAdmin: boolean;
  /** The request's trace and client token, for its writes (store/write-context.ts); absent offline. */
  readonly writes?: WriteContext;
}

export interface HostsOptions {
  readonly availabilityZones: readonly string[];
  readonly azHostTypes: Readonly<Record<string, readonly string[]>>;
  readonly defaultHostQuota: number;
  readonly releasedRetentionSeconds: number;
}

export interface AllocateRequest {
  readonly name: string;
  readonly autoPlacement: 'on' | 'off';
  readonly availabilityZone: string;
  readonly hostType: string;
  readonly quantity: number;
  readonly tags: readonly Tag[];
}

export interface ListQuery {
  readonly tenant?: string;
  readonly id?: string;
  readonly name?: string;
  readonly hostType?: string;
  readonly hostTypeName?: string;
  readonly flavor?: string;
  readonly state?: HostState;
  readonly availabilityZone?: string;
  readonly instanceUuid?: string;
  readonly tags?: readonly { key: string; value?: string }[];
  readonly changesSince?: Date;
  readonly limit?: number;
  readonly marker?: string;
}

export interface HostDetail { readonly host: Host; readonly instanceUuids: string[]; readonly tags: Tag[] }

export const MAX_ALLOCATE_QUANTITY = 100;

/** Host types offered in an AZ by configuration; [] for an AZ the service does not have. */
export function offeredHostTypes(
  opts: { availabilityZones: readonly string[]; azHostTypes: Readonly<Record<string, readonly string[]>> }, az: string,
): { hostType: string; hostTypeName: string }[] {
  if (!opts.availabilityZones.includes(az)) return [];
  const allowed = Object.hasOwn(opts.azHostTypes, az) ? opts.azHostTypes[az] : undefined;
  return HOST_TYPES.filter((t) => !allowed || allowed.includes(t.hostType)).map((t) => ({ hostType: t.hostType, hostTypeName: t.hostTypeName }));
}

/** The project a caller's look-up is confined to: null (any) only for an admin's read. */
function scopeOf(caller: Caller, readable: boolean): string | null {
  return readable && caller.isAdmin ? null : caller.projectId;
}

/** @raises NotFound unless `h` is a live (not released) DeH */
function mustBeLive(h: Host | undefined, id: string): asserts h is Host {
  if (!h || h.state === 'released') throw new NotFound(`DeH ${id} could not be found`);
}

export class HostsService {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly opts: HostsOptions, private readonly pool: PoolService) {}

  /** Host types offered in an AZ; [] for an AZ the service does not have. */
  hostTypesIn(az: string): { hostType: string; hostTypeName: string }[] {
    return offeredHostTypes(this.opts, az);
  }

  /**
   * GET …/availability-zone/{az}/dedicated-host-types: the offered types that can still be
   * allocated there — with a physical pool configured, those with a free server in the AZ.
   */
  async allocatableHostTypesIn(az: string): Promise<{ hostType: string; hostTypeName: string }[]> {
    const offered = this.hostTypesIn(az);
    if (offered.length === 0) return offered;
    const ok = new Set(await this.pool.allocatable(az, offered.map((t) => t.hostType)));
    return offered.filter((t) => ok.has(t.hostType));
  }

  /**
   * Allocates `quantity` DeHs, all or none.
   * @raises BadRequest (unknown AZ, bad name/tags), NotFound (type not offered in the AZ), QuotaExceeded,
   *         InsufficientResources (too few free physical servers)
   */
  async allocate(caller: Caller, req: AllocateRequest): Promise<string[]> {
    const problem = nameProblem(req.name);
    if (problem) throw new BadRequest(problem, ErrorCodes.InvalidParameter);
    if (!Number.isInteger(req.quantity) || req.quantity < 1 || req.quantity > MAX_ALLOCATE_QUANTITY) {
      throw new BadRequest(`quantity must be an integer from 1 to ${MAX_ALLOCATE_QUANTITY}`, ErrorCodes.InvalidParameter);
    }
    if (!this.opts.availabilityZones.includes(req.availabilityZone)) {
      throw new BadRequest(`availability zone "${req.availabilityZone}" does not exist (known: ${this.opts.availabilityZones.join(', ')})`, ErrorCodes.InvalidParameter);
    }
    const spec = HOST_TYPES_BY_NAME.get(req.hostType);
    if (!spec || !this.hostTypesIn(req.availabilityZone).some((t) => t.hostType === req.hostType)) {
      throw new NotFound(`host type "${req.hostType}" is not offered in ${req.availabilityZone}`, ErrorCodes.HostTypeNotFound);
    }
    validateTagBatch(req.tags, 'create');
    mergeTags([], req.tags);

    return this.store.write(async (tx) => {
      await hostRepo.lockProject(tx, caller.projectId);
      const limit = (await hostRepo.hardLimits(tx, caller.projectId)).get(req.hostType) ?? this.opts.defaultHostQuota;
      // Counting is skipped when nothing limits it (it walks the project's hosts of the type).
      const used = limit === -1 ? 0 : await hostRepo.countActiveOfType(tx, caller.projectId, req.hostType);
      if (limit !== -1 && used + req.quantity > limit) {
        throw new QuotaExceeded(`quota exceeded for host type ${req.hostType}: ${used} used, ${req.quantity} requested, limit ${limit}`,
          { resource: req.hostType, used, requested: req.quantity, hard_limit: limit });
      }
      const now = this.clock();
      const stamp = toStored(now);
      const rows: HostsTable[] = [];
      for (let i = 0; i < req.quantity; i++) {
        rows.push({
          id: timeOrderedUuid(now.getTime()), project_id: caller.projectId, name: req.name, host_type: spec.hostType,
          availability_zone: req.availabilityZone, auto_placement: req.autoPlacement, state: 'available',
          vcpus: spec.vcpus, memory_mb: spec.memoryMb, used_vcpus: 0, used_memory_mb: 0, free_memory_mb: spec.memoryMb,
          instance_total: 0, generation: 0, allocated_at: stamp, released_at: null, updated_at: stamp,
        });
      }
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
      // One free physical server per DeH, in this transaction (all or none); unlimited without a pool.
      await this.pool.claimFor(tx, req.availabilityZone, req.hostType, rows.map((r) => r.id));
      // One trace per allocated DeH (CONTRACT §10.6).
      for (const r of rows) traceResource(caller.writes, r.id, r.name);
      await hostRepo.insert(tx, rows);
      await hostRepo.insertTags(tx, rows.map((r) => r.id), req.tags);
      return rows.map((r) => r.id);
    }, caller.writes);
  }

  /** @raises Forbidden (tenant without admin), BadRequest (invalid marker) */
  async list(caller: Caller, q: ListQuery): Promise<{ hosts: Host[]; total: number }> {
    const filter = this.filterFor(caller, q);
    return this.store.read(async (ex) => {
      let afterId: string | undefined;
      if (q.marker !== undefined) {
        // The marker must name a host the caller could see; anything else is the REF's 400.
        const m = UUID_RE.test(q.marker) ? await hostRepo.get(ex, filter.projectId, q.marker) : undefined;
        if (!m) throw new BadRequest(`marker "${q.marker}" is not a DeH of this listing`, ErrorCodes.InvalidMarker);
        afterId = m.id;
      }
      const [hosts, total] = await Promise.all([hostRepo.list(ex, filter, { limit: q.limit, afterId }), hostRepo.cachedCount(ex, this.store.counts, filter)]);
      return { hosts, total };
    });
  }

  private filterFor(caller: Caller, q: ListQuery): HostFilter {
    let projectId: string | null = caller.projectId;
    if (q.tenant !== undefined && q.tenant !== caller.projectId) {
      if (!caller.isAdmin) throw new Forbidden('only DeH administrators may list the DeHs of other tenants (tenant)');
      projectId = q.tenant === 'all' ? null : q.tenant;
    }
    let hostTypes: string[] | undefined;
    const narrow = (types: string[]) => { hostTypes = hostTypes ? hostTypes.filter((t) => types.includes(t)) : types; };
    if (q.hostType !== undefined) narrow([q.hostType]);
    if (q.hostTypeName !== undefined) narrow(HOST_TYPES.filter((t) => t.hostTypeName === q.hostTypeName).map((t) => t.hostType));
    if (q.flavor !== undefined) narrow([...(FLAVORS.get(q.flavor)?.hostTypes ?? [])]);
    return {
      projectId, id: q.id, name: q.name, hostTypes, state: q.state, availabilityZone: q.availabilityZone,
      instanceUuid: q.instanceUuid, tags: q.tags,
      changesSince: q.changesSince ? toStored(q.changesSince) : undefined,
      releasedVisibleAfter: this.retentionCutoff(),
    };
  }

  private retentionCutoff(): string {
    return toStored(new Date(this.clock().getTime() - this.opts.releasedRetentionSeconds * 1000));
  }

  /**
   * A live (not released) DeH of the caller's own project: what every write and every ECS
   * placement acts on. Admins read other tenants' DeHs (`readable`) but never change them.
   * @raises NotFound
   */
  async mustGet(ex: Executor, caller: Caller, id: string, readable = false): Promise<Host> {
    const h = UUID_RE.test(id) ? await hostRepo.get(ex, scopeOf(caller, readable), id) : undefined;
    mustBeLive(h, id);
    return h;
  }

  /** mustGet for reading, with the DeH's tags and ECS ids (one statement). @raises NotFound */
  async get(caller: Caller, id: string): Promise<HostDetail> {
    const d = UUID_RE.test(id) ? await this.store.read((ex) => hostRepo.detail(ex, scopeOf(caller, true), id)) : undefined;
    mustBeLive(d?.host, id);
    return d!;
  }

  /**
   * Changes name and/or auto_placement. `ifMatch` is the generation from the ETag.
   * @raises NotFound, BadRequest, PreconditionFailed
   */
  async update(caller: Caller, id: string, patch: { name?: string; autoPlacement?: 'on' | 'off' }, ifMatch?: number): Promise<void> {
    if (patch.name !== undefined) {
      const problem = nameProblem(patch.name);
      if (problem) throw new BadRequest(problem, ErrorCodes.InvalidParameter);
    }
    await this.store.write(async (tx) => {
      const h = await this.mustGet(tx, caller, id);
      if (ifMatch !== undefined && ifMatch !== h.generation) {
        throw new PreconditionFailed(`DeH ${id} changed since it was read (ETag "${h.generation}", If-Match "${ifMatch}")`);
      }
      traceResource(caller.writes, h.id, patch.name ?? h.name);
      if (patch.name === undefined && patch.autoPlacement === undefined) return;
      const ok = await hostRepo.casUpdate(tx, id, h.generation, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.autoPlacement !== undefined && { auto_placement: patch.autoPlacement }),
        updated_at: toStored(this.clock()),
      });
      if (!ok) throw new ConcurrentUpdate();
    }, caller.writes);
  }

  /** @raises NotFound, Conflict (ECSs still on the DeH) */
  async release(caller: Caller, id: string): Promise<void> {
    await this.store.write(async (tx) => {
      const h = await this.mustGet(tx, caller, id);
      if (h.instanceTotal > 0) {
        throw new Conflict(`DeH ${id} still has ${h.instanceTotal} ECS(s); delete or migrate them before releasing it`, ErrorCodes.HostInUse);
      }
      traceResource(caller.writes, h.id, h.name);
      const now = toStored(this.clock());
      const ok = await hostRepo.casUpdate(tx, id, h.generation, { state: 'released', released_at: now, updated_at: now });
      if (!ok) throw new ConcurrentUpdate();
      // Its physical server goes back to the pool (a faulty one stays out of it).
      await this.pool.hostReleased(tx, id);
    }, caller.writes);
  }

  /** Quota of a tenant, one entry per host type (or just `resource`). @raises Forbidden */
  async quota(caller: Caller, tenantId: string, resource?: string): Promise<{ resource: string; hardLimit: number; used: number }[]> {
    if (tenantId !== caller.projectId && !caller.isAdmin) throw new Forbidden('only DeH administrators may read the quota of another tenant');
    const types = HOST_TYPES.map((t) => t.hostType).filter((t) => resource === undefined || t === resource);
    return this.store.read(async (ex) => {
      const [limits, usage] = await Promise.all([hostRepo.hardLimits(ex, tenantId), hostRepo.usageByType(ex, tenantId)]);
      return types.map((t) => ({ resource: t, hardLimit: limits.get(t) ?? this.opts.defaultHostQuota, used: usage.get(t) ?? 0 }));
    });
  }

  /** Operator call (admin API / CLI): set a tenant's hard limit for one host type. */
  async setQuota(caller: Caller, tenantId: string, resource: string, hardLimit: number): Promise<void> {
    if (!caller.isAdmin) throw new Forbidden('only DeH administrators may change quotas');
    if (!HOST_TYPES_BY_NAME.has(resource)) throw new NotFound(`host type "${resource}" does not exist`, ErrorCodes.HostTypeNotFound);
    if (!Number.isInteger(hardLimit) || hardLimit < -1) throw new BadRequest('hard_limit must be an integer ≥ -1', ErrorCodes.InvalidParameter);
    await this.store.write((tx) => {
      traceResource(caller.writes, tenantId, resource);
      return hostRepo.setHardLimit(tx, tenantId, resource, hardLimit);
    }, caller.writes);
  }

  /** POST /dedicated-host-tags/resource_instances/action. @raises BadRequest */
  queryByTags(caller: Caller, req: TagQueryRequest): Promise<TagQueryResult> {
    return queryHostsByTags(this.store, caller, req);
  }

  async tags(caller: Caller, id: string): Promise<Tag[]> {
    return this.store.read(async (ex) => {
      await this.mustGet(ex, caller, id);
      return hostRepo.tags(ex, id);
    });
  }

  /**
   * create = upsert by key (≤ 10 tags in all); delete = remove by key when the value matches
   * the stored one or is empty; unknown keys are ignored.
   * @raises NotFound, BadRequest
   */
  async tagAction(caller: Caller, id: string, action: 'create' | 'delete', tags: readonly Tag[]): Promise<void> {
    validateTagBatch(tags, action);
    await this.store.write(async (tx) => {
      const h = await this.mustGet(tx, caller, id);
      traceResource(caller.writes, h.id, h.name);
      const existing = await hostRepo.tags(tx, id);
      const next = action === 'create'
        ? mergeTags(existing, tags)
        : existing.filter((e) => !tags.some((t) => t.key === e.key && (t.value === '' || t.value === e.value)));
      await hostRepo.replaceTags(tx, id, next);
      const ok = await hostRepo.casUpdate(tx, id, h.generation, { updated_at: toStored(this.clock()) });
      if (!ok) throw new ConcurrentUpdate();
    }, caller.writes);
  }
}
