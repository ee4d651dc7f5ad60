import { BadRequest, ConcurrentUpdate, ErrorCodes, InvalidState } from '../domain/errors.js';
import { hintsAfterMigration } from '../domain/scheduler-hints.js';
import { assertAllowed, type ServerAction } from '../domain/server-actions.js';
import { PowerState, claimOf, effectiveStatus, type Server } from '../domain/server.js';
import type { Demand } from '../domain/capacity.js';
import { hostRepo } from '../store/host-repo.js';
import { serverRepo, type ServerPatch } from '../store/server-repo.js';
import type { Executor } from '../store/store.js';
import { traceResource } from '../store/trace-scope.js';
import type { Caller } from './hosts.js';
import { ServersService } from './servers.js';

// Server actions (POST /servers/{id}/action, and the ECS v1 migrate). Each one reads the
// server, checks its *effective* status against the allowed ones, moves any claim, and
// compare-and-swaps the server row — all in one transaction. The server row is written
// before any host, so a concurrent action on the same server loses at the server and is
// retried before it can move a claim twice.

export class ServerActions {
  constructor(private readonly servers: ServersService) {}

  /** @raises NotFound, InvalidState (409) */
  async start(caller: Caller, id: string): Promise<void> {
    await this.simple(caller, id, 'os-start', () => ({ status: 'ACTIVE', powerState: PowerState.RUNNING, taskState: null }));
  }

  /** @raises NotFound, InvalidState */
  async stop(caller: Caller, id: string): Promise<void> {
    await this.simple(caller, id, 'os-stop', () => ({ status: 'SHUTOFF', powerState: PowerState.SHUTDOWN, taskState: null }));
  }

  /** SOFT: REBOOT → ACTIVE; HARD: HARD_REBOOT → ACTIVE (also from SHUTOFF). @raises NotFound, InvalidState */
  async reboot(caller: Caller, id: string, type: 'SOFT' | 'HARD'): Promise<void> {
    const hard = type === 'HARD';
    await this.simple(caller, id, hard ? 'reboot-hard' : 'reboot-soft', (until) => ({
      status: hard ? 'HARD_REBOOT' : 'REBOOT', taskState: hard ? 'rebooting_hard' : 'rebooting', powerState: PowerState.RUNNING, buildUntil: until,
      fault: null,
    }));
  }

  /**
   * RESIZE → VERIFY_RESIZE. On a DeH the new flavor must be one its type accepts, and the
   * DeH must have room for the larger of the two flavors (held until confirm or revert).
   * @raises NotFound, BadRequest (unknown or same flavor), InvalidState, QuotaExceeded,
   *         FlavorNotAllowed, InsufficientCapacity
   */
  async resize(caller: Caller, id: string, flavorRef: string): Promise<void> {
    const flavor = ServersService.flavorOf(flavorRef);
    await this.servers.store.write(async (tx) => {
      const s = await this.begin(tx, caller, id, 'resize');
      if (flavor.name === s.flavorId) throw new BadRequest('When resizing, instances must change flavor!', ErrorCodes.InvalidParameter);
      await this.servers.quotas.consume(tx, caller.projectId, { instances: 0, cores: flavor.vcpus - s.vcpus, ram: flavor.ramMb - s.ramMb });
      const { until } = this.servers.stamps();
      await this.write(tx, caller, s, {
        flavorId: flavor.name, vcpus: flavor.vcpus, ramMb: flavor.ramMb, diskGb: flavor.diskGb, oldFlavorId: s.flavorId,
        status: 'RESIZE', taskState: 'resize_migrating', buildUntil: until,
      });
      if (s.hostId !== null) {
        const after = claimOf({ vcpus: flavor.vcpus, ramMb: flavor.ramMb, oldFlavorId: s.flavorId });
        await this.servers.placement.growClaim(tx, caller.projectId, s.hostId, flavor.name, minus(after, claimOf(s)));
      }
    }, caller.writes);
  }

  /** VERIFY_RESIZE → ACTIVE/SHUTOFF; the old flavor's share of the claim goes back. @raises NotFound, InvalidState */
  async confirmResize(caller: Caller, id: string): Promise<void> {
    await this.servers.store.write(async (tx) => {
      const s = await this.begin(tx, caller, id, 'confirmResize');
      await this.write(tx, caller, s, { oldFlavorId: null, status: settled(s), taskState: null, buildUntil: this.servers.stamps().now });
      if (s.hostId !== null) await this.servers.placement.release(tx, s.hostId, minus(claimOf(s), { vcpus: s.vcpus, ramMb: s.ramMb }), 0);
    }, caller.writes);
  }

  /** VERIFY_RESIZE → REVERT_RESIZE → ACTIVE/SHUTOFF with the old flavor. @raises NotFound, InvalidState, QuotaExceeded */
  async revertResize(caller: Caller, id: string): Promise<void> {
    await this.servers.store.write(async (tx) => {
      const s = await this.begin(tx, caller, id, 'revertResize');
      const old = ServersService.flavorOf(s.oldFlavorId!);
      await this.servers.quotas.consume(tx, caller.projectId, { instances: 0, cores: old.vcpus - s.vcpus, ram: old.ramMb - s.ramMb });
      const { until } = this.servers.stamps();
      await this.write(tx, caller, s, {
        flavorId: old.name, vcpus: old.vcpus, ramMb: old.ramMb, diskGb: old.diskGb, oldFlavorId: null,
        status: 'REVERT_RESIZE', taskState: 'resize_reverting', buildUntil: until,
      });
      if (s.hostId !== null) await this.servers.placement.release(tx, s.hostId, minus(claimOf(s), { vcpus: old.vcpus, ramMb: old.ramMb }), 0);
    }, caller.writes);
  }

  /**
   * Cold-migrates a stopped ECS to another DeH (`hostId`) or out to the shared pool (null):
   * the claim moves from the source to the destination in one transaction. RESIZE → SHUTOFF.
   * @raises NotFound, InvalidState (not stopped), BadRequest (same place, unknown DeH),
   *         Conflict (other AZ) / FlavorNotAllowed / InsufficientCapacity
   */
  async migrate(caller: Caller, id: string, hostId: string | null): Promise<Server> {
    return this.servers.store.write((tx) => this.migrateIn(tx, caller, id, hostId), caller.writes);
  }

  async migrateIn(tx: Executor, caller: Caller, id: string, hostId: string | null): Promise<Server> {
    const s = await this.begin(tx, caller, id, 'migrate');
    if (hostId === null && s.hostId === null) throw new BadRequest(`ECS ${id} is already in the shared pool`, ErrorCodes.InvalidParameter);
    if (hostId !== null && hostId === s.hostId) throw new BadRequest(`ECS ${id} is already on DeH ${hostId}; the target host can't be the same one`, ErrorCodes.InvalidParameter);
    // The destination must exist before the server row may name it (foreign key).
    if (hostId !== null) await this.servers.placement.mustFind(tx, caller.projectId, hostId);
    const { until } = this.servers.stamps();
    const patch: ServerPatch = {
      hostId, oldHostId: s.hostId, schedulerHints: hintsAfterMigration(s.schedulerHints, hostId),
      status: 'RESIZE', taskState: 'migrating', powerState: PowerState.SHUTDOWN, buildUntil: until,
    };
    await this.write(tx, caller, s, patch);
    const claim = claimOf(s);
    // Hosts in id order, so two opposite migrations cannot deadlock on PostgreSQL.
    const steps: [string, () => Promise<unknown>][] = [];
    if (s.hostId !== null) steps.push([s.hostId, () => this.servers.placement.release(tx, s.hostId!, claim, 1)]);
    if (hostId !== null) {
      steps.push([hostId, () => this.servers.placement.claimNamed(tx, hostId, {
        projectId: caller.projectId, flavor: s.flavorId, demand: claim, availabilityZone: s.availabilityZone,
      })]);
    }
    steps.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [, step] of steps) await step();
    return { ...s, ...patch, generation: s.generation + 1 } as Server;
  }

  /** Reads the server and checks the action is allowed in its effective status. */
  private async begin(tx: Executor, caller: Caller, id: string, action: ServerAction): Promise<Server> {
    const s = await this.servers.mustGet(tx, caller, id);
    assertAllowed(action, effectiveStatus(s, this.servers.stamps().now), s.id);
    return s;
  }

  private async write(tx: Executor, caller: Caller, s: Server, patch: ServerPatch): Promise<void> {
    traceResource(caller.writes, s.id, s.name);
    if (!await serverRepo.casUpdate(tx, s.id, s.generation, { ...patch, updatedAt: this.servers.stamps().now })) throw new ConcurrentUpdate();
  }

  /** An action that only changes the server's status fields. */
  private async simple(caller: Caller, id: string, action: ServerAction, patch: (until: string) => ServerPatch): Promise<void> {
    await this.servers.store.write(async (tx) => {
      const s = await this.begin(tx, caller, id, action);
      if (s.hostId !== null && POWERS_ON.includes(action)) {
        // An ECS cannot run on a DeH in fault (see host-health.ts); it waits for the repair.
        const host = await hostRepo.get(tx, null, s.hostId);
        if (host?.state === 'fault') throw new InvalidState(`Cannot '${action}' instance ${id}: its DeH ${s.hostId} is in fault`);
      }
      const { now, until } = this.servers.stamps();
      await this.write(tx, caller, s, { buildUntil: now, ...patch(until) });
    }, caller.writes);
  }
}

const POWERS_ON: readonly ServerAction[] = ['os-start', 'reboot-soft', 'reboot-hard'];

/** The settled status after a resize is confirmed: back to the power state it had. */
function settled(s: Server): Server['status'] {
  return s.powerState === PowerState.RUNNING ? 'ACTIVE' : 'SHUTOFF';
}

function minus(a: Demand, b: Demand): Demand {
  return { vcpus: a.vcpus - b.vcpus, ramMb: a.ramMb - b.ramMb };
}
