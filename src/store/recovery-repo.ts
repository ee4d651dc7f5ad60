import { sql } from 'kysely';
import type { Executor } from './store.js';
import type { RecoveryJobState, RecoveryJobsTable } from './tables.js';

// Queries of automatic recovery (services/recovery.ts). A job is taken by a conditional update
// on its lease, and every later write of the job names the lease owner and the open states,
// so a process that lost its lease (or crashed) can never finish a job a second time.

const OPEN: RecoveryJobState[] = ['pending', 'waiting'];

export const recoveryRepo = {
  async insert(ex: Executor, row: RecoveryJobsTable): Promise<void> {
    await ex.insertInto('recovery_jobs').values(row).execute();
  },
  /**
   * Jobs a worker may take now: pending ones, and waiting ones whose AZ and host type has a
   * free physical server again; none leased by a live holder. Oldest first.
   */
  async runnable(ex: Executor, now: string, limit: number): Promise<{ id: string; state: RecoveryJobState }[]> {
    return ex.selectFrom('recovery_jobs as j').select(['j.id', 'j.state'])
      .where((eb) => eb.or([
        eb('j.state', '=', 'pending'),
        eb.and([eb('j.state', '=', 'waiting'), eb.exists(eb.selectFrom('physical_servers as p').select('p.id')
          .whereRef('p.availability_zone', '=', 'j.availability_zone').whereRef('p.host_type', '=', 'j.host_type').where('p.state', '=', 'free'))]),
      ]))
      .where((eb) => eb.or([eb('j.lease_until', 'is', null), eb('j.lease_until', '<', now)]))
      .orderBy('j.created_at').orderBy('j.id').limit(limit).execute();
  },
  /** Takes the lease of an open job whose lease is free or expired; false when another process has it. */
  async lease(ex: Executor, id: string, owner: string, now: string, until: string): Promise<boolean> {
    const r = await ex.updateTable('recovery_jobs')
      .set((eb) => ({ lease_owner: owner, lease_until: until, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', id).where('state', 'in', OPEN)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  /**
   * The first write of a job's transaction: re-asserts that `owner` holds the open job (and,
   * on PostgreSQL, locks its row until commit). undefined = the lease was lost.
   */
  async holdIfOwner(ex: Executor, id: string, owner: string, now: string): Promise<RecoveryJobsTable | undefined> {
    const r = await ex.updateTable('recovery_jobs').set({ updated_at: now })
      .where('id', '=', id).where('lease_owner', '=', owner).where('state', 'in', OPEN).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return undefined;
    return ex.selectFrom('recovery_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Ends or parks a job and frees its lease. */
  async finish(ex: Executor, id: string, state: RecoveryJobState, patch: { newHostId?: string; detail: string; now: string }): Promise<void> {
    await ex.updateTable('recovery_jobs').set({
      state, detail: patch.detail, updated_at: patch.now, lease_owner: null, lease_until: null,
      ...(patch.newHostId !== undefined && { new_host_id: patch.newHostId }),
    }).where('id', '=', id).execute();
  },
  /** A repaired DeH needs no recovery: its open jobs are cancelled. @returns how many */
  async cancelOpen(ex: Executor, hostId: string, detail: string, now: string): Promise<string[]> {
    const open = await ex.selectFrom('recovery_jobs').select('id').where('host_id', '=', hostId).where('state', 'in', OPEN).execute();
    if (open.length === 0) return [];
    await ex.updateTable('recovery_jobs').set({ state: 'cancelled', detail, updated_at: now, lease_owner: null, lease_until: null })
      .where('host_id', '=', hostId).where('state', 'in', OPEN).execute();
    return open.map((o) => o.id);
  },
  async list(ex: Executor, f: { state?: RecoveryJobState; hostId?: string; limit: number }): Promise<RecoveryJobsTable[]> {
    let q = ex.selectFrom('recovery_jobs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (f.hostId !== undefined) q = q.where('host_id', '=', f.hostId);
    return q.execute();
  },
  async countOpen(ex: Executor): Promise<number> {
    const r = await ex.selectFrom('recovery_jobs').select(sql<number>`count(*)`.as('n')).where('state', 'in', OPEN).executeTakeFirstOrThrow();
    return Number(r.n);
  },
};
