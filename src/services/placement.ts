import { applyDemand, type Demand } from '../domain/capacity.js';
import { BadRequest, ConcurrentUpdate, Conflict, ErrorCodes, InsufficientCapacity, InvalidState } from '../domain/errors.js';
import { FLAVORS } from '../domain/flavors.js';
import type { Host } from '../domain/host.js';
import { UUID_RE } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import { firstRejection, type PlacementRequest, type Rejection } from '../scheduler/filters.js';
import { selectHost } from '../scheduler/select-host.js';
import { weighersFor, type PlacementStrategy } from '../scheduler/weighers.js';
import { hostRepo } from '../store/host-repo.js';
import type { Executor } from '../store/store.js';

// Claims on DeHs. Every change of a host's usage goes through `adjust`: compute the new usage
// in pure code (capacity.ts), then compare-and-swap the host row on its generation. A lost
// race throws ConcurrentUpdate and Store.write re-runs the whole transaction, so the server
// row and the claim are always written together or not at all.

export interface PlacementOptions {
  readonly strategy: PlacementStrategy;
  readonly availabilityZones: readonly string[];
}

/** How many auto-placement candidates SQL hands to the pure filters and weighers. */
export const CANDIDATE_LIMIT = 8;

export interface ClaimRequest {
  readonly projectId: string;
  readonly flavor: string;
  readonly demand: Demand;
  readonly availabilityZone?: string;
}

export class Placement {
  constructor(private readonly clock: Clock, private readonly opts: PlacementOptions) {}

  /**
   * Claims `req.demand` (and one instance) on the named DeH, whatever its auto_placement;
   * the DeH as claimed.
   * @raises BadRequest (no such DeH of the caller), InvalidState (not available),
   *         Conflict (other AZ), Conflict FlavorNotAllowed, InsufficientCapacity, ConcurrentUpdate
   */
  async claimNamed(tx: Executor, hostId: string, req: ClaimRequest): Promise<Host> {
    // The usual case in one statement (host-repo claimNamedInOne: the filters below, in SQL);
    // when it claims nothing, the read and the filters in code say why (or claim after all,
    // if the host changed in between).
    if (UUID_RE.test(hostId)) {
      const claimed = await hostRepo.claimNamedInOne(tx, {
        projectId: req.projectId, hostId, hostTypes: FLAVORS.get(req.flavor)?.hostTypes ?? [], availabilityZone: req.availabilityZone,
        vcpus: req.demand.vcpus, ramMb: req.demand.ramMb, now: toStored(this.clock()),
      });
      if (claimed) return claimed;
    }
    const host = await this.mustFind(tx, req.projectId, hostId);
    const rejection = firstRejection(host, { ...req, namedHost: true });
    if (rejection) throw errorFor(rejection);
    await this.adjust(tx, host, req.demand, 1, 1);
    return host;
  }

  /**
   * Claims on the best DeH with auto placement on (spread: most free memory; pack: least).
   * @raises FlavorNotAllowed (no DeH type takes the flavor), InsufficientCapacity (no host fits), ConcurrentUpdate
   */
  async claimAuto(tx: Executor, req: ClaimRequest): Promise<Host> {
    const hostTypes = FLAVORS.get(req.flavor)?.hostTypes ?? [];
    if (hostTypes.length === 0) {
      throw new Conflict(`flavor ${req.flavor} is offered only in the shared pool; no DeH type accepts it`, ErrorCodes.FlavorNotAllowed);
    }
    const zones = req.availabilityZone !== undefined ? [req.availabilityZone] : this.opts.availabilityZones;
    if (this.opts.strategy === 'spread' && zones.length === 1 && hostTypes.length === 1) {
      // One (AZ, host type) walk: its first host is the pick (see below), claimed in the same
      // statement that finds it (host-repo claimBestInOne). None: the reads below explain why.
      const claimed = await hostRepo.claimBestInOne(tx, {
        projectId: req.projectId, availabilityZone: zones[0], hostType: hostTypes[0], vcpus: req.demand.vcpus, ramMb: req.demand.ramMb,
        now: toStored(this.clock()),
      });
      if (claimed) return claimed;
    }
    const candidatesOf = async (limit: number): Promise<Host[]> => {
      const candidates: Host[] = [];
      // One index walk per (AZ, host type); the best host over all of them is the best overall.
      for (const az of zones) {
        for (const hostType of hostTypes) {
          candidates.push(...await hostRepo.placementCandidates(tx, {
            projectId: req.projectId, availabilityZone: az, hostType, vcpus: req.demand.vcpus, ramMb: req.demand.ramMb,
            strategy: this.opts.strategy, limit,
          }));
        }
      }
      return candidates;
    };
    const placing = { ...req, namedHost: false };
    const weighers = weighersFor(this.opts.strategy);
    // The SQL applies every filter and orders by the only weigher (free RAM, ties by id), so the
    // first row of each walk is that walk's pick: one row each is enough. Reading 8 full host
    // rows was a third of an auto-placed create's SQL time. Should a filter ever reject what
    // the SQL let through, the wider read decides, as before.
    let sel = selectHost(await candidatesOf(1), placing, weighers);
    if (sel.host === null) sel = selectHost(await candidatesOf(CANDIDATE_LIMIT), placing, weighers);
    if (sel.host === null) throw await this.noValidHost(tx, req);
    await this.adjust(tx, sel.host, req.demand, 1, 1);
    return sel.host;
  }

  /**
   * Adds `extra` to the claim of a server already on the DeH (a resize up), after checking
   * the DeH is available, takes `flavor` and has room for the extra.
   * @raises InvalidState, Conflict FlavorNotAllowed, InsufficientCapacity, ConcurrentUpdate
   */
  async growClaim(tx: Executor, projectId: string, hostId: string, flavor: string, extra: Demand): Promise<void> {
    const host = await this.mustFind(tx, projectId, hostId);
    const rejection = firstRejection(host, { projectId, flavor, demand: extra, namedHost: true });
    if (rejection) throw errorFor(rejection);
    await this.adjust(tx, host, extra, 1, 0);
  }

  /** Gives back `demand` (and `instances`) on a DeH. @raises ConcurrentUpdate */
  async release(tx: Executor, hostId: string, demand: Demand, instances: 0 | 1): Promise<void> {
    const host = await hostRepo.get(tx, null, hostId);
    if (!host) throw new Error(`server claims on DeH ${hostId}, which does not exist`);
    await this.adjust(tx, host, demand, -1, -instances);
  }

  private async adjust(tx: Executor, host: Host, demand: Demand, sign: 1 | -1, instancesDelta: number): Promise<void> {
    const next = applyDemand(host, demand, sign);
    const ok = await hostRepo.casUpdate(tx, host.id, host.generation, {
      used_vcpus: next.usedVcpus, used_memory_mb: next.usedMemoryMb, free_memory_mb: host.memoryMb - next.usedMemoryMb,
      instance_total: host.instanceTotal + instancesDelta, updated_at: toStored(this.clock()),
    });
    if (!ok) throw new ConcurrentUpdate();
  }

  /** A DeH of the project named in a request. @raises BadRequest */
  async mustFind(tx: Executor, projectId: string, hostId: string): Promise<Host> {
    // A DeH named in a request body that does not exist is the request's fault: 400, as Nova
    // answers for any referenced resource it cannot find.
    const host = UUID_RE.test(hostId) ? await hostRepo.get(tx, projectId, hostId) : undefined;
    if (!host || host.state === 'released') throw new BadRequest(`DeH ${hostId} could not be found`, ErrorCodes.InvalidParameter);
    return host;
  }

  /** Why no DeH was found: the filters' reasons over a sample of the project's DeHs. */
  private async noValidHost(tx: Executor, req: ClaimRequest): Promise<InsufficientCapacity> {
    const where = req.availabilityZone ?? 'any availability zone';
    const sample = await hostRepo.sample(tx, req.projectId, req.availabilityZone, 20);
    const pr: PlacementRequest = { ...req, namedHost: false };
    const reasons = sample.map((h) => firstRejection(h, pr)?.reason).filter((r): r is string => !!r);
    const why = reasons.length === 0 ? `you have no DeH in ${where}` : reasons.slice(0, 5).join('; ') + (reasons.length > 5 ? '; …' : '');
    return new InsufficientCapacity(`No valid host was found: no DeH with auto placement on in ${where} can take ${req.flavor} ` +
      `(${req.demand.vcpus} vCPUs, ${req.demand.ramMb} MB): ${why}`);
  }
}

function errorFor(r: Rejection): Error {
  switch (r.kind) {
    case 'flavor': return new Conflict(r.reason, ErrorCodes.FlavorNotAllowed);
    case 'capacity': return new InsufficientCapacity(r.reason);
    case 'state': return new InvalidState(r.reason);
    case 'availability_zone': return new Conflict(r.reason);
    default: return new BadRequest(r.reason, ErrorCodes.InvalidParameter);
  }
}
