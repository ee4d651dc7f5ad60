import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ConcurrentUpdate, InsufficientResources } from '../domain/errors.js';
import type { Host } from '../domain/host.js';
import { timeOrderedUuid } from '../domain/ids.js';
import { hintsAfterMigration } from '../domain/scheduler-hints.js';
import { claimOf, settledStatus, type Server, type ServerStatus } from '../domain/server.js';
import { toStored, type Clock } from '../domain/time.js';
import { hostRepo } from '../store/host-repo.js';
import { poolRepo } from '../store/pool-repo.js';
import { recoveryRepo } from '../store/recovery-repo.js';
import { serverRepo } from '../store/server-repo.js';
import type { Executor, Store } from '../store/store.js';
import { traceRepo } from '../store/trace-repo.js';
import { nextTraceId } from '../domain/trace.js';
import type { RecoveryJobState, RecoveryJobsTable } from '../store/tables.js';
import type { Placement } from './placement.js';
import type { PoolService } from './pool.js';

// Automatic recovery (user manual: product_advantages.rst, "Differences between ECSs in
// resource pools and ECSs on DeHs"): when a DeH fails while a physical pool is configured,
// an idle server of the same type in the same AZ becomes a new DeH of the tenant (same name,
// tags and auto placement) and every ECS of the failed DeH with automatic recovery on moves
// to it: MIGRATING for OPENDEH_SERVER_BUILD_SECONDS, then the status it had before the
// failure, with its addresses (they belong to the ECS, not to the host). ECSs with automatic
// recovery off stay in ERROR. With no idle server the job waits, and the ECSs' fault says so;
// it runs by itself once a server of that AZ and type is free (added, or released).
//
// Exactly once, whatever process runs it and whenever one dies: a job is taken by a
// conditional update of its lease; all of its work — the spare's claim, the new DeH, every
// ECS row and both hosts' capacity, the job's end state and its trace — commits in ONE
// transaction whose first write re-asserts the lease. A process killed in the middle leaves
// nothing (the transaction rolls back) and its lease expires; another process, or the same
// one restarted, then does the whole job. docs/recovery.md has the states and guarantees.

export interface RecoveryOptions {
  readonly leaseSeconds: number;
  readonly pollSeconds: number;
  readonly serverBuildSeconds: number;
  /** Testing aid (OPENDEH_RECOVERY_STEP_DELAY_MS): a pause per ECS moved, inside the job's transaction. */
  readonly stepDelayMs: number;
}

export interface SnapshotEntry { readonly id: string; readonly status: ServerStatus; readonly powerState: number }

export interface RecoveryJob {
  readonly id: string;
  readonly hostId: string;
  readonly projectId: string;
  readonly availabilityZone: string;
  readonly hostType: string;
  readonly state: RecoveryJobState;
  readonly newHostId: string | null;
  readonly attempts: number;
  readonly detail: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Log = (obj: object, msg: string) => void;

export class RecoveryService {
  /** This process's name on the leases it takes (host, pid: an operator can tell who holds a job). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private log: Log = () => {};

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly placement: Placement,
    private readonly pool: PoolService,
    private readonly opts: RecoveryOptions,
  ) {
    pool.onInventoryAdded(() => this.kick());
  }

  /** Runs pending work every pollSeconds from now on (main.ts; each process does it). */
  start(log?: Log): void {
    if (log) this.log = log;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.opts.pollSeconds * 1000);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for a job in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
  }

  /** Looks for work now (after a failure, after inventory was added); never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.runPending();
        } catch (e) {
          this.log({ err: e }, 'automatic recovery: a pass failed; the next one retries');
        }
      } while (this.again && !this.stopped);
    })().finally(() => { this.running = null; });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Takes and runs every runnable job. @returns the number of jobs run to an end or a wait */
  async runPending(): Promise<number> {
    let ran = 0;
    for (let round = 0; round < 1000 && !this.stopped; round++) {
      const now = toStored(this.clock());
      const candidates = await this.store.read((ex) => recoveryRepo.runnable(ex, now, 10));
      let took = false;
      for (const c of candidates) {
        const until = toStored(new Date(this.clock().getTime() + this.opts.leaseSeconds * 1000));
        if (!await this.store.write((tx) => recoveryRepo.lease(tx, c.id, this.owner, now, until))) continue;
        took = true;
        await this.run(c.id);
        ran++;
      }
      if (!took) return ran;
    }
    return ran;
  }

  // ---- inside the failure's transaction (HostHealth.markFault) ----

  /**
   * Opens the recovery of a DeH that just failed, when a physical pool is configured (without
   * one there is no spare to take; the DeH waits for its repair, as before the pool existed).
   * `servers` are its live ECSs as they were before the failure.
   */
  async open(tx: Executor, host: Host, servers: readonly Server[], reason: string): Promise<string | null> {
    if (!await poolRepo.configured(tx)) return null;
    const now = toStored(this.clock());
    const snapshot: SnapshotEntry[] = servers.map((s) => ({ id: s.id, status: settledStatus(s), powerState: s.powerState }));
    const id = timeOrderedUuid();
    await recoveryRepo.insert(tx, {
      id, host_id: host.id, project_id: host.projectId, availability_zone: host.availabilityZone, host_type: host.hostType,
      state: 'pending', snapshot: JSON.stringify(snapshot), new_host_id: null, lease_owner: null, lease_until: null,
      attempts: 0, detail: `DeH failed: ${reason}`, created_at: now, updated_at: now,
    });
    await trace(tx, now, id, host.projectId, 'recoveryOpened', host.id, `DeH ${host.id} failed (${reason}); ${servers.length} ECS(s) on it`);
    return id;
  }

  /** The DeH was repaired before recovery ran: nothing to recover any more. */
  async cancel(tx: Executor, host: Host): Promise<void> {
    const now = toStored(this.clock());
    for (const id of await recoveryRepo.cancelOpen(tx, host.id, 'the DeH was repaired', now)) {
      await trace(tx, now, id, host.projectId, 'recoveryCancelled', host.id, 'the DeH was repaired before a spare took over');
    }
  }

  /** Operator API: recovery jobs, newest first. */
  async list(f: { state?: RecoveryJobState; hostId?: string; limit: number }): Promise<RecoveryJob[]> {
    const rows = await this.store.read((ex) => recoveryRepo.list(ex, f));
    return rows.map((r) => ({
      id: r.id, hostId: r.host_id, projectId: r.project_id, availabilityZone: r.availability_zone, hostType: r.host_type,
      state: r.state, newHostId: r.new_host_id, attempts: Number(r.attempts), detail: r.detail, createdAt: r.created_at, updatedAt: r.updated_at,
    }));
  }

  // ---- the job ----

  private async run(jobId: string): Promise<void> {
    try {
      await this.store.write((tx) => this.runIn(tx, jobId));
    } catch (e) {
      // The lease stays until it expires; the job is retried then (by any process).
      this.log({ err: e, job: jobId }, 'automatic recovery: job failed; retried after its lease');
    }
  }

  private async runIn(tx: Executor, jobId: string): Promise<void> {
    const now = toStored(this.clock());
    const job = await recoveryRepo.holdIfOwner(tx, jobId, this.owner, now);
    if (!job) return; // another process took the job over (our lease expired); it does the work
    const host = await hostRepo.get(tx, null, job.host_id);
    if (!host || host.state !== 'fault') {
      await recoveryRepo.finish(tx, job.id, 'cancelled', { detail: `the DeH is ${host?.state ?? 'gone'}`, now });
      await trace(tx, now, job.id, job.project_id, 'recoveryCancelled', job.host_id, `the DeH is ${host?.state ?? 'gone'}; nothing to recover`);
      return;
    }
    const onHost = await serverRepo.listOnHost(tx, host.id, {});
    const movers = onHost.filter((s) => s.autoRecovery);
    const stayers = onHost.filter((s) => !s.autoRecovery);
    // Traced once, on the job's first run (a waiting job runs again when a server frees up).
    for (const s of job.state === 'pending' ? stayers : []) {
      await setFault(tx, s, `The DeH ${host.id} the ECS runs on failed; automatic recovery is off for this ECS, so it stays in ERROR`, now);
      await trace(tx, now, job.id, job.project_id, 'serverNotRecovered', s.id, 'automatic recovery is off for this ECS');
    }
    if (movers.length === 0) {
      await recoveryRepo.finish(tx, job.id, 'done', { detail: `no ECS with automatic recovery on (${stayers.length} left in ERROR)`, now });
      await trace(tx, now, job.id, job.project_id, 'recoveryDone', host.id, 'no ECS had automatic recovery on');
      return;
    }

    // The spare: a free physical server of the same type in the same AZ, claimed for the new DeH.
    const newHostId = timeOrderedUuid(this.clock().getTime());
    try {
      await this.pool.claimFor(tx, host.availabilityZone, host.hostType, [newHostId]);
    } catch (e) {
      if (!(e instanceof InsufficientResources)) throw e;
      const why = `no idle physical server of host type ${host.hostType} in ${host.availabilityZone}; automatic recovery waits for the operator to add one`;
      if (job.state !== 'waiting') {
        for (const s of movers) await setFault(tx, s, `The DeH ${host.id} the ECS runs on failed; ${why}`, now);
        await trace(tx, now, job.id, job.project_id, 'recoveryWaiting', host.id, why);
      }
      await recoveryRepo.finish(tx, job.id, 'waiting', { detail: why, now });
      return;
    }
    const spare = (await tx.selectFrom('physical_servers').select('name').where('host_id', '=', newHostId).executeTakeFirst())?.name ?? '?';
    await hostRepo.insert(tx, [{
      id: newHostId, project_id: host.projectId, name: host.name, host_type: host.hostType, availability_zone: host.availabilityZone,
      auto_placement: host.autoPlacement, state: 'available', vcpus: host.vcpus, memory_mb: host.memoryMb,
      used_vcpus: 0, used_memory_mb: 0, free_memory_mb: host.memoryMb, instance_total: 0, generation: 0,
      allocated_at: now, released_at: null, updated_at: now,
    }]);
    await hostRepo.insertTags(tx, [newHostId], await hostRepo.tags(tx, host.id));
    await trace(tx, now, job.id, job.project_id, 'spareAllocated', newHostId, `physical server ${spare} became DeH ${newHostId} (name "${host.name}", tags and auto placement of ${host.id})`);

    const before = new Map((JSON.parse(job.snapshot) as SnapshotEntry[]).map((e) => [e.id, e]));
    const until = toStored(new Date(this.clock().getTime() + this.opts.serverBuildSeconds * 1000));
    for (const s of movers) {
      if (this.opts.stepDelayMs > 0) await new Promise((r) => setTimeout(r, this.opts.stepDelayMs));
      // The status to come back to: the one before the failure while the ECS is still in the
      // failure's ERROR; whatever the user made of it since (e.g. stopped it) otherwise.
      const snap = before.get(s.id);
      const target = s.status === 'ERROR' && snap ? snap : { status: settledStatus(s), powerState: s.powerState };
      const stillBroken = target.status === 'ERROR';
      const ok = await serverRepo.casUpdate(tx, s.id, s.generation, {
        hostId: newHostId, oldHostId: host.id, schedulerHints: hintsAfterMigration(s.schedulerHints, newHostId),
        ...(stillBroken
          ? { status: 'ERROR', buildUntil: now }
          : { status: 'MIGRATING', taskState: 'migrating', powerState: target.powerState, buildUntil: until, fault: null }),
        updatedAt: now,
      });
      if (!ok) throw new ConcurrentUpdate(); // the ECS changed meanwhile: the store reruns the whole job
      const claim = claimOf(s);
      await this.placement.release(tx, host.id, claim, 1);
      await this.placement.claimNamed(tx, newHostId, { projectId: s.projectId, flavor: s.flavorId, demand: claim, availabilityZone: s.availabilityZone });
      await trace(tx, now, job.id, job.project_id, 'serverMigrated', s.id, `from DeH ${host.id} to DeH ${newHostId}; back to ${target.status}`);
    }
    const detail = `${movers.length} ECS(s) moved to DeH ${newHostId} (physical server ${spare})${stayers.length ? `, ${stayers.length} left in ERROR (automatic recovery off)` : ''}`;
    await recoveryRepo.finish(tx, job.id, 'done', { newHostId, detail, now });
    await trace(tx, now, job.id, job.project_id, 'recoveryDone', host.id, detail);
  }
}

async function setFault(tx: Executor, s: Server, message: string, now: string): Promise<void> {
  const fault = { code: 500, message, created: now.replace(/\.\d{3}Z$/, 'Z') };
  await tx.updateTable('servers').set((eb) => ({ fault: JSON.stringify(fault), updated_at: now, generation: eb('generation', '+', 1) }))
    .where('id', '=', s.id).where('deleted_at', 'is', null).execute();
}

/**
 * One step of a recovery as a CTS trace of the DeH's project (docs/traces.md), in the step's own
 * transaction: a step is traced exactly when it happened. The service acted, not a user:
 * user `opendeh-recovery`; request_id names the job, message says what happened.
 */
async function trace(tx: Executor, at: string, jobId: string, projectId: string, step: string, resourceId: string, detail: string): Promise<void> {
  const ms = Date.parse(at);
  await traceRepo.insert(tx, [{
    trace_id: nextTraceId(ms), time: ms, record_time: ms, project_id: projectId, domain_id: null,
    trace_name: step, trace_rating: 'normal', trace_type: 'SystemAction', service_type: 'DEH',
    resource_type: step.startsWith('server') ? 'servers' : 'dedicatedHosts', resource_id: resourceId, resource_name: null,
    source_ip: '', user_id: null, user_name: 'opendeh-recovery', user_domain_id: null, user_domain_name: null,
    request: '', response: '', code: '200', api_version: '', message: detail.slice(0, 1024), request_id: `recovery-${jobId}`,
  }]);
}

export type { RecoveryJobsTable };
