import type { PhysicalServer, PhysicalServerState, PoolCount } from '../domain/pool.js';
import type { Executor } from './store.js';
import type { PhysicalServersTable } from './tables.js';

// Queries of the physical pool. A claim takes free rows by a conditional update (state =
// 'free' in the WHERE), so a row can never back two DeHs: the loser of a race updates 0 rows.

export function physicalRowToServer(r: PhysicalServersTable): PhysicalServer {
  return {
    id: r.id, name: r.name, availabilityZone: r.availability_zone, hostType: r.host_type, state: r.state,
    hostId: r.host_id, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export interface PoolFilter {
  readonly availabilityZone?: string;
  readonly hostType?: string;
  readonly state?: PhysicalServerState;
}

export const poolRepo = {
  /** Inventory is configured once any physical server was ever declared (retired ones count). */
  async configured(ex: Executor): Promise<boolean> {
    return (await ex.selectFrom('physical_servers').select('id').limit(1).executeTakeFirst()) !== undefined;
  },
  async insert(ex: Executor, rows: PhysicalServersTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 100) await ex.insertInto('physical_servers').values(rows.slice(i, i + 100)).execute();
  },
  async namesTaken(ex: Executor, names: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < names.length; i += 500) {
      const rows = await ex.selectFrom('physical_servers').select('name').where('name', 'in', names.slice(i, i + 500)).execute();
      out.push(...rows.map((r) => r.name));
    }
    return out;
  },
  async getByName(ex: Executor, name: string): Promise<PhysicalServer | undefined> {
    const r = await ex.selectFrom('physical_servers').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? physicalRowToServer(r) : undefined;
  },
  async list(ex: Executor, f: PoolFilter, page: { limit: number; afterName?: string }): Promise<PhysicalServer[]> {
    let q = ex.selectFrom('physical_servers').selectAll().orderBy('name').limit(page.limit);
    if (f.availabilityZone !== undefined) q = q.where('availability_zone', '=', f.availabilityZone);
    if (f.hostType !== undefined) q = q.where('host_type', '=', f.hostType);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (page.afterName !== undefined) q = q.where('name', '>', page.afterName);
    return (await q.execute()).map(physicalRowToServer);
  },
  /** Counts per (AZ, host type, state): one GROUP BY over the claim index. */
  async counts(ex: Executor): Promise<PoolCount[]> {
    const rows = await ex.selectFrom('physical_servers')
      .select(['availability_zone', 'host_type', 'state', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['availability_zone', 'host_type', 'state']).execute();
    const byKey = new Map<string, { availabilityZone: string; hostType: string; free: number; allocated: number; faulty: number; retired: number }>();
    for (const r of rows) {
      const key = `${r.availability_zone}\u0000${r.host_type}`;
      const c = byKey.get(key) ?? { availabilityZone: r.availability_zone, hostType: r.host_type, free: 0, allocated: 0, faulty: 0, retired: 0 };
      c[r.state] = Number(r.n);
      byKey.set(key, c);
    }
    return [...byKey.values()].sort((a, b) => (a.availabilityZone + a.hostType < b.availabilityZone + b.hostType ? -1 : 1));
  },
  /** Host types of an AZ with at least one free server. */
  async typesWithFree(ex: Executor, availabilityZone: string): Promise<Set<string>> {
    const rows = await ex.selectFrom('physical_servers').select('host_type').distinct()
      .where('availability_zone', '=', availabilityZone).where('state', '=', 'free').execute();
    return new Set(rows.map((r) => r.host_type));
  },
  async countFree(ex: Executor, availabilityZone: string, hostType: string): Promise<number> {
    const r = await ex.selectFrom('physical_servers').select((eb) => eb.fn.countAll().as('n'))
      .where('availability_zone', '=', availabilityZone).where('host_type', '=', hostType).where('state', '=', 'free').executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /**
   * Free servers of an (AZ, type) to claim, at most `limit`, lowest names first. With
   * `skipLocked` (PostgreSQL) rows that another open transaction is claiming are stepped over
   * and the ones returned are locked for this transaction.
   */
  async pickFree(ex: Executor, q: { availabilityZone: string; hostType: string; limit: number; skipLocked: boolean }): Promise<{ id: string; generation: number }[]> {
    let sel = ex.selectFrom('physical_servers').select(['id', 'generation'])
      .where('availability_zone', '=', q.availabilityZone).where('host_type', '=', q.hostType).where('state', '=', 'free')
      .orderBy('name').limit(q.limit);
    if (q.skipLocked) sel = sel.forUpdate().skipLocked();
    return (await sel.execute()).map((r) => ({ id: r.id, generation: Number(r.generation) }));
  },
  /** free → allocated for `hostId`; false when the row is no longer free (another claim won). */
  async claim(ex: Executor, id: string, hostId: string, now: string): Promise<boolean> {
    const r = await ex.updateTable('physical_servers')
      .set((eb) => ({ state: 'allocated', host_id: hostId, updated_at: now, generation: eb('generation', '+', 1) }))
      .where('id', '=', id).where('state', '=', 'free').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /** The server backing a DeH goes from `from` to `to` (host_id cleared when it becomes free). */
  async moveBacking(ex: Executor, hostId: string, from: PhysicalServerState, to: PhysicalServerState, now: string): Promise<number> {
    const r = await ex.updateTable('physical_servers')
      .set((eb) => ({ state: to, ...(to === 'free' && { host_id: null }), updated_at: now, generation: eb('generation', '+', 1) }))
      .where('host_id', '=', hostId).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
  /** `from` → retired (the service decides which states may retire); false when the row moved meanwhile. */
  async retire(ex: Executor, id: string, from: PhysicalServerState, now: string): Promise<boolean> {
    const r = await ex.updateTable('physical_servers')
      .set((eb) => ({ state: 'retired', host_id: null, updated_at: now, generation: eb('generation', '+', 1) }))
      .where('id', '=', id).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
};
