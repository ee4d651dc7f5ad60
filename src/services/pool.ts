import { BadRequest, ConcurrentUpdate, Conflict, ErrorCodes, Forbidden, InsufficientResources, InvalidState, NotFound } from '../domain/errors.js';
import { timeOrderedUuid } from '../domain/ids.js';
import { physicalNameProblem, type PhysicalServer, type PhysicalServerSpec, type PhysicalServerState, type PoolCount } from '../domain/pool.js';
import { toStored, type Clock } from '../domain/time.js';
import { poolRepo, type PoolFilter } from '../store/pool-repo.js';
import type { Executor, Store } from '../store/store.js';
import type { WriteContext } from '../store/write-context.js';
import { traceResource } from '../store/trace-scope.js';
import { offeredHostTypes, type Caller } from './hosts.js';

// The physical pool (issue 12): the operator declares physical servers per AZ and host type
// (OPENDEH_POOL_FILE at start-up, the operator API, `opendeh pool`); every DeH allocation then
// takes one free server per DeH in its own transaction, a release gives it back, a failure
// takes it out of the pool. With no server declared at all the pool is "not configured" and
// allocation is unlimited, exactly as before the pool existed.

export interface PoolOptions {
  readonly availabilityZones: readonly string[];
  /** az → host types offered there (OPENDEH_AZ_HOST_TYPES); an AZ not named offers every type. */
  readonly azHostTypes: Readonly<Record<string, readonly string[]>>;
}

export const MAX_ADD = 1000;

export class PoolService {
  /** Called after inventory was added (automatic recovery waits for it). */
  private readonly addedListeners: (() => void)[] = [];

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly opts: PoolOptions) {}

  onInventoryAdded(fn: () => void): void {
    this.addedListeners.push(fn);
  }

  /** Operator API / CLI: adds physical servers, all or none. @raises Forbidden, BadRequest, Conflict (name taken) */
  async add(caller: Caller, specs: readonly PhysicalServerSpec[]): Promise<PhysicalServer[]> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may change the physical pool');
    this.validate(specs);
    const rows = await this.store.write(async (tx) => {
      const taken = await poolRepo.namesTaken(tx, specs.map((s) => s.name));
      if (taken.length) throw new Conflict(`physical server name(s) already in the pool: ${taken.slice(0, 10).join(', ')}`);
      return this.insert(tx, specs, caller.writes);
    }, caller.writes);
    this.announceAdded();
    return rows;
  }

  /**
   * OPENDEH_POOL_FILE at start-up: adds the servers whose names are not in the pool yet and
   * leaves every existing one as it is (its state is the database's), so a restart with the
   * same file changes nothing. @returns how many were added
   */
  async declare(specs: readonly PhysicalServerSpec[]): Promise<number> {
    this.validate(specs);
    const added = await this.store.write(async (tx) => {
      const taken = new Set(await poolRepo.namesTaken(tx, specs.map((s) => s.name)));
      const fresh = specs.filter((s) => !taken.has(s.name));
      if (fresh.length) await this.insert(tx, fresh);
      return fresh.length;
    });
    if (added) this.announceAdded();
    return added;
  }

  private announceAdded(): void {
    for (const fn of this.addedListeners) fn();
  }

  private validate(specs: readonly PhysicalServerSpec[]): void {
    if (specs.length === 0 || specs.length > MAX_ADD) throw new BadRequest(`give 1 to ${MAX_ADD} physical servers`, ErrorCodes.InvalidParameter);
    const seen = new Set<string>();
    for (const s of specs) {
      const problem = physicalNameProblem(s.name);
      if (problem) throw new BadRequest(problem, ErrorCodes.InvalidParameter);
      if (seen.has(s.name)) throw new BadRequest(`physical server name "${s.name}" is given twice`, ErrorCodes.InvalidParameter);
      seen.add(s.name);
      if (!this.opts.availabilityZones.includes(s.availabilityZone)) {
        throw new BadRequest(`availability zone "${s.availabilityZone}" does not exist (known: ${this.opts.availabilityZones.join(', ')})`, ErrorCodes.InvalidParameter);
      }
      if (!offeredHostTypes(this.opts, s.availabilityZone).some((t) => t.hostType === s.hostType)) {
        throw new NotFound(`host type "${s.hostType}" is not offered in ${s.availabilityZone}`, ErrorCodes.HostTypeNotFound);
      }
    }
  }

  private async insert(tx: Executor, specs: readonly PhysicalServerSpec[], writes?: WriteContext): Promise<PhysicalServer[]> {
    const now = toStored(this.clock());
    const rows = specs.map((s) => ({
      id: timeOrderedUuid(), name: s.name, availability_zone: s.availabilityZone, host_type: s.hostType,
      state: 'free' as const, host_id: null, generation: 0, created_at: now, updated_at: now,
    }));
    for (const r of rows) traceResource(writes, r.id, r.name);
    await poolRepo.insert(tx, rows);
    return rows.map((r) => ({ id: r.id, name: r.name, availabilityZone: r.availability_zone, hostType: r.host_type, state: r.state, hostId: null, createdAt: now, updatedAt: now }));
  }

  /** @raises Forbidden */
  async list(caller: Caller, f: PoolFilter, page: { limit: number; marker?: string }): Promise<PhysicalServer[]> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may read the physical pool');
    return this.store.read((ex) => poolRepo.list(ex, f, { limit: page.limit, afterName: page.marker }));
  }

  /** Per (AZ, host type): free, allocated, faulty, retired. @raises Forbidden */
  async summary(caller: Caller): Promise<{ configured: boolean; counts: PoolCount[] }> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may read the physical pool');
    const counts = await this.store.read((ex) => poolRepo.counts(ex));
    return { configured: counts.length > 0, counts };
  }

  /**
   * Takes a server out of service for good: a free one, or a faulty one (broken hardware; its
   * DeH, if still there, stays in fault). Never one backing a working DeH.
   * @raises Forbidden, NotFound, InvalidState
   */
  async retire(caller: Caller, name: string): Promise<PhysicalServer> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may change the physical pool');
    return this.store.write(async (tx) => {
      const p = await poolRepo.getByName(tx, name);
      if (!p) throw new NotFound(`physical server ${name} is not in the pool`);
      if (p.state === 'retired') throw new InvalidState(`physical server ${name} is already retired`);
      if (p.state === 'allocated') throw new InvalidState(`physical server ${name} backs DeH ${p.hostId}; it can be retired once the DeH is released or has failed`);
      traceResource(caller.writes, p.id, p.name);
      const now = toStored(this.clock());
      if (!await poolRepo.retire(tx, p.id, p.state, now)) throw new ConcurrentUpdate();
      return { ...p, state: 'retired' as const, hostId: null, updatedAt: now };
    }, caller.writes);
  }

  /** Host types of `types` that can still be allocated in the AZ (all of them when the pool is not configured). */
  async allocatable(az: string, types: readonly string[]): Promise<string[]> {
    return this.store.read(async (ex) => {
      if (!await poolRepo.configured(ex)) return [...types];
      const free = await poolRepo.typesWithFree(ex, az);
      return types.filter((t) => free.has(t));
    });
  }

  // ---- inside other use cases' transactions ----

  /**
   * Backs each of `hostIds` (new DeHs of one AZ and type) with a free server, all or none.
   * No-op when the pool is not configured.
   * @raises InsufficientResources (too few free servers), ConcurrentUpdate (free servers are
   *         being claimed by other transactions right now; the store retries)
   */
  async claimFor(tx: Executor, az: string, hostType: string, hostIds: readonly string[]): Promise<boolean> {
    if (!await poolRepo.configured(tx)) return false;
    const want = hostIds.length;
    const picked = await poolRepo.pickFree(tx, { availabilityZone: az, hostType, limit: want, skipLocked: this.store.caps.skipLocked });
    if (picked.length < want) {
      // Rows another transaction holds are skipped: if enough are free in committed state,
      // that transaction may still roll back, so this one retries rather than refuses.
      const free = await poolRepo.countFree(tx, az, hostType);
      if (free >= want) throw new ConcurrentUpdate('physical servers are being claimed concurrently; try again');
      throw new InsufficientResources(
        `insufficient resources: ${free} free physical server(s) of host type ${hostType} in ${az}, ${want} requested`,
        { availability_zone: az, host_type: hostType, free, requested: want });
    }
    const now = toStored(this.clock());
    for (let i = 0; i < want; i++) {
      if (!await poolRepo.claim(tx, picked[i].id, hostIds[i], now)) throw new ConcurrentUpdate();
    }
    return true;
  }

  /** A DeH was released: its server is free again (a faulty one stays out of the pool). */
  async hostReleased(tx: Executor, hostId: string): Promise<void> {
    await this.move(tx, hostId, 'allocated', 'free');
  }

  /** A DeH failed: its server leaves the pool. */
  async hostFailed(tx: Executor, hostId: string): Promise<void> {
    await this.move(tx, hostId, 'allocated', 'faulty');
  }

  /** A failed DeH was repaired: its server backs it again. */
  async hostRepaired(tx: Executor, hostId: string): Promise<void> {
    await this.move(tx, hostId, 'faulty', 'allocated');
  }

  private async move(tx: Executor, hostId: string, from: PhysicalServerState, to: PhysicalServerState): Promise<void> {
    await poolRepo.moveBacking(tx, hostId, from, to, toStored(this.clock()));
  }
}
