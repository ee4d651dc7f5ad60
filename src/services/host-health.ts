import { ConcurrentUpdate, Forbidden, InvalidState, NotFound } from '../domain/errors.js';
import { UUID_RE } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import { hostRepo } from '../store/host-repo.js';
import type { Store } from '../store/store.js';
import { traceResource } from '../store/trace-scope.js';
import type { Caller } from './hosts.js';
import type { PoolService } from './pool.js';
import type { RecoveryService } from './recovery.js';
import { serverRepo } from '../store/server-repo.js';

// Hardware failure, as an operator sees it: a DeH goes to `fault` (the reference's third
// state) and every ECS on it goes to ERROR with a `fault` naming the cause — including one
// still in BUILD, whose placement thereby fails after it was accepted. Auto-placement and
// named placement skip a faulty DeH; it keeps its claims (the ECSs are still there, broken)
// until they are deleted or the DeH is repaired and the ECSs hard-rebooted.
// Users of OpenDeH inject this to test how their automation handles a failed host.

export class HostHealth {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly pool: PoolService, private readonly recovery: RecoveryService) {}

  /** @raises Forbidden (not admin), NotFound, InvalidState (already in fault) */
  async markFault(caller: Caller, hostId: string, reason: string): Promise<{ failedServers: number; recoveryJob: string | null }> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may mark a DeH as failed');
    const r = await this.store.write(async (tx) => {
      const h = UUID_RE.test(hostId) ? await hostRepo.get(tx, null, hostId) : undefined;
      if (!h || h.state === 'released') throw new NotFound(`DeH ${hostId} could not be found`);
      if (h.state === 'fault') throw new InvalidState(`DeH ${hostId} is already in fault`);
      traceResource(caller.writes, h.id, h.name);
      const now = toStored(this.clock());
      if (!(await hostRepo.casUpdate(tx, h.id, h.generation, { state: 'fault', updated_at: now }))) throw new ConcurrentUpdate();
      // What each ECS was before the failure: automatic recovery brings it back to that.
      const before = await serverRepo.listOnHost(tx, h.id, {});
      const fault = JSON.stringify({ code: 500, message: `The DeH ${h.id} the ECS runs on failed: ${reason}`, created: now.replace(/\.\d{3}Z$/, 'Z') });
      const failed = await tx.updateTable('servers')
        .set((eb) => ({ status: 'ERROR', task_state: null, power_state: 0, fault, updated_at: now, generation: eb('generation', '+', 1) }))
        .where('host_id', '=', h.id).where('deleted_at', 'is', null).executeTakeFirst();
      // Its physical server leaves the pool; with a pool, a spare takes over (services/recovery.ts).
      await this.pool.hostFailed(tx, h.id);
      const recoveryJob = await this.recovery.open(tx, h, before, reason);
      return { failedServers: Number(failed.numUpdatedRows), recoveryJob };
    }, caller.writes);
    if (r.recoveryJob) this.recovery.kick();
    return r;
  }

  /** The DeH is available again; its ECSs stay in ERROR until hard-rebooted. @raises Forbidden, NotFound, InvalidState */
  async repair(caller: Caller, hostId: string): Promise<void> {
    if (!caller.isAdmin) throw new Forbidden('only operators (admin role) may repair a DeH');
    await this.store.write(async (tx) => {
      const h = UUID_RE.test(hostId) ? await hostRepo.get(tx, null, hostId) : undefined;
      if (!h || h.state === 'released') throw new NotFound(`DeH ${hostId} could not be found`);
      if (h.state !== 'fault') throw new InvalidState(`DeH ${hostId} is not in fault`);
      traceResource(caller.writes, h.id, h.name);
      if (!(await hostRepo.casUpdate(tx, h.id, h.generation, { state: 'available', updated_at: toStored(this.clock()) }))) throw new ConcurrentUpdate();
      await this.pool.hostRepaired(tx, h.id);
      await this.recovery.cancel(tx, h);
    }, caller.writes);
  }
}

