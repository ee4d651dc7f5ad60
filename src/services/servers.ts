import { DEFAULT_NETWORK_LABEL, defaultNetworkId, macFor, portIdFor, validateWantedIp } from '../domain/addresses.js';
import { BadRequest, ConcurrentUpdate, ErrorCodes, NotFound } from '../domain/errors.js';
import { FLAVORS, type Flavor } from '../domain/flavors.js';
import { nameProblem } from '../domain/host.js';
import { nameMatcher } from '../domain/name-filter.js';
import { UUID_RE, pooledRandomBytes, timeOrderedUuid } from '../domain/ids.js';
import { keptHints, tenancyOf } from '../domain/scheduler-hints.js';
import { PowerState, claimOf, effectiveStatus as effectiveStatusOf, type Nic, type Server } from '../domain/server.js';
import { mergeServerTags, validateServerTags } from '../domain/server-tags.js';
import type { Tag } from '../domain/tag.js';
import { toStored, type Clock } from '../domain/time.js';
import { fixedIpRepo } from '../store/fixed-ip-repo.js';
import { serverRepo } from '../store/server-repo.js';
import type { Executor, Store } from '../store/store.js';
import { traceResource } from '../store/trace-scope.js';
import type { ComputeQuotas } from './compute-quotas.js';
import type { Caller, HostsService } from './hosts.js';
import type { Placement } from './placement.js';

// ECS use cases: create (quota + placement + insert in one transaction), read, rename,
// delete (the claim goes back in the same transaction). State-changing actions live in
// server-actions.ts, metadata/tags/auto-recovery in server-details.ts.

export interface ServersOptions {
  /** Seconds every transient status (BUILD, REBOOT, RESIZE, …) lasts; 0 = settles at once. */
  readonly serverBuildSeconds: number;
  readonly availabilityZones: readonly string[];
}

/** A NIC asked for: a network (with an optional fixed IP) or a port. */
export type NetworkRequest = { readonly uuid?: string; readonly port?: string; readonly fixedIp?: string };

export interface CreateServerRequest {
  readonly name: string;
  readonly flavorRef: string;
  readonly imageRef: string;
  readonly availabilityZone?: string;
  /** 'auto' (or absent) = the project's default network; 'none' = no NIC. */
  readonly networks: 'auto' | 'none' | readonly NetworkRequest[];
  readonly metadata: Record<string, string>;
  readonly hints: Record<string, unknown>;
  readonly count: number;
  readonly keyName?: string;
  readonly userData?: string;
  readonly securityGroups: readonly { name: string }[];
  readonly description?: string | null;
  readonly configDrive: boolean;
  readonly tags: readonly Tag[];
  readonly adminPass?: string;
}

export interface Created { readonly servers: Server[]; readonly adminPass: string }

export interface ServerListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly flavor?: string;
  readonly image?: string;
  readonly ip?: string;
  readonly changesSince?: Date;
  readonly limit?: number;
  readonly marker?: string;
}

export const MAX_CREATE_COUNT = 100;

export class ServersService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly hosts: HostsService,
    readonly opts: ServersOptions,
    readonly placement: Placement,
    readonly quotas: ComputeQuotas,
  ) {}

  /** ISO text now, and the end of a transient status that starts now. */
  stamps(): { now: string; until: string } {
    const d = this.clock();
    return { now: toStored(d), until: toStored(new Date(d.getTime() + this.opts.serverBuildSeconds * 1000)) };
  }

  /** A live server of the caller's project. @raises NotFound (404, Nova's wording) */
  async mustGet(ex: Executor, caller: Caller, id: string): Promise<Server> {
    const s = UUID_RE.test(id) ? await serverRepo.get(ex, caller.projectId, id) : undefined;
    if (!s) throw new NotFound(`Instance ${id} could not be found.`);
    return s;
  }

  /** A flavor of the catalog. @raises BadRequest (Nova answers 400 for a flavorRef it cannot find) */
  static flavorOf(ref: string): Flavor {
    const f = FLAVORS.get(ref);
    if (!f) throw new BadRequest(`Flavor ${ref} could not be found.`, ErrorCodes.InvalidParameter);
    return f;
  }

  /**
   * Creates `count` servers, all or none: quota, placement and the rows in one transaction.
   * @raises BadRequest (name, flavor, AZ, hints, networks, unknown DeH), QuotaExceeded (403),
   *         InvalidState / Conflict / FlavorNotAllowed / InsufficientCapacity (409)
   */
  async create(caller: Caller, req: CreateServerRequest): Promise<Created> {
    this.validate(req);
    return this.store.write((tx) => this.createIn(tx, caller, req), caller.writes);
  }

  /** `create` inside the caller's transaction (the ECS v1 API adds its job record to it). */
  async createIn(tx: Executor, caller: Caller, req: CreateServerRequest): Promise<Created> {
    this.validate(req);
    const flavor = ServersService.flavorOf(req.flavorRef);
    const tenancy = tenancyOf(req.hints);
    const demand = { vcpus: flavor.vcpus, ramMb: flavor.ramMb };
    // consume takes the project's guard first (the lock order of every ECS write).
    await this.quotas.consume(tx, caller.projectId, { instances: req.count, cores: req.count * demand.vcpus, ram: req.count * demand.ramMb });
    const { now, until } = this.stamps();
    const servers: Server[] = [];
    for (let i = 0; i < req.count; i++) {
      const claim = { projectId: caller.projectId, flavor: flavor.name, demand, availabilityZone: req.availabilityZone };
      const host = tenancy.kind === 'shared' ? null
        : tenancy.hostId !== undefined ? await this.placement.claimNamed(tx, tenancy.hostId, claim)
          : await this.placement.claimAuto(tx, claim);
      const id = timeOrderedUuid(this.clock().getTime());
      const nics = await buildNics(tx, id, caller.projectId, req.networks);
      servers.push({
        id, projectId: caller.projectId, userId: caller.userId, name: req.count > 1 ? `${req.name}-${i + 1}` : req.name,
        hostId: host?.id ?? null, flavorId: flavor.name, vcpus: flavor.vcpus, ramMb: flavor.ramMb, diskGb: flavor.diskGb,
        availabilityZone: host?.availabilityZone ?? req.availabilityZone ?? this.opts.availabilityZones[0],
        status: 'BUILD', taskState: 'spawning', powerState: PowerState.RUNNING, imageRef: req.imageRef,
        networks: nics, metadata: { ...req.metadata }, addresses: addressesOf(nics), fault: null,
        keyName: req.keyName ?? null, userData: req.userData ?? null, securityGroups: [...req.securityGroups],
        schedulerHints: keptHints(req.hints), oldFlavorId: null, oldHostId: null, buildUntil: until,
        createdAt: now, updatedAt: now, deletedAt: null, generation: 0, description: req.description ?? null,
        configDrive: req.configDrive, autoRecovery: false,
      });
    }
    for (const s of servers) traceResource(caller.writes, s.id, s.name);
    await serverRepo.insert(tx, servers);
    if (req.tags.length) for (const s of servers) await serverRepo.replaceTags(tx, s.id, mergeServerTags([], req.tags));
    // Nova returns a generated password when the client set none; one the client chose is
    // not echoed back (so it is never stored with an idempotent replay).
    return { servers, adminPass: req.adminPass === undefined ? generatedPassword() : '' };
  }

  private validate(req: CreateServerRequest): void {
    const problem = nameProblem(req.name);
    if (problem) throw new BadRequest(`Invalid server name: ${problem}`, ErrorCodes.InvalidParameter);
    if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_CREATE_COUNT) {
      throw new BadRequest(`min_count/max_count must be from 1 to ${MAX_CREATE_COUNT}`, ErrorCodes.InvalidParameter);
    }
    if (req.availabilityZone !== undefined && !this.opts.availabilityZones.includes(req.availabilityZone)) {
      throw new BadRequest(`The requested availability zone ${req.availabilityZone} is not available (known: ${this.opts.availabilityZones.join(', ')})`, ErrorCodes.InvalidParameter);
    }
    validateServerTags(req.tags, 'create');
    mergeServerTags([], req.tags);
  }

  /** @raises NotFound */
  async get(caller: Caller, id: string): Promise<Server> {
    return this.store.read((ex) => this.mustGet(ex, caller, id));
  }

  /**
   * The caller's servers, newest first, filtered as Nova filters (name is its regex filter
   * limited to anchors and `.*`, so a pattern can never be expensive). In memory over the
   * project's servers, which the instances quota bounds.
   * @raises BadRequest (marker not found)
   */
  async list(caller: Caller, q: ServerListQuery): Promise<{ servers: Server[]; more: boolean }> {
    const all = await this.store.read((ex) => serverRepo.listByProject(ex, caller.projectId));
    const now = toStored(this.clock());
    let start = 0;
    if (q.marker !== undefined) {
      const i = all.findIndex((s) => s.id === q.marker);
      if (i < 0) throw new BadRequest(`marker [${q.marker}] not found`, ErrorCodes.InvalidMarker);
      start = i + 1;
    }
    const match = serverMatcher(q, now);
    const out: Server[] = [];
    for (let i = start; i < all.length; i++) {
      if (!match(all[i])) continue;
      if (q.limit !== undefined && out.length === q.limit) return { servers: out, more: true };
      out.push(all[i]);
    }
    return { servers: out, more: false };
  }

  /** ECSs on a DeH the caller can see. @raises NotFound (host), BadRequest (marker) */
  async listOnHost(caller: Caller, hostId: string, page: { limit?: number; marker?: string }): Promise<Server[]> {
    return this.store.read(async (ex) => {
      await this.hosts.mustGet(ex, caller, hostId);
      let afterId: string | undefined;
      if (page.marker !== undefined) {
        const onHost = UUID_RE.test(page.marker) ? await serverRepo.get(ex, caller.projectId, page.marker) : undefined;
        if (!onHost || onHost.hostId !== hostId) throw new BadRequest(`marker "${page.marker}" is not an ECS on this DeH`, ErrorCodes.InvalidMarker);
        afterId = onHost.id;
      }
      return serverRepo.listOnHost(ex, hostId, { limit: page.limit, afterId });
    });
  }

  /** PUT /servers/{id}: name and description. @raises NotFound, BadRequest */
  async update(caller: Caller, id: string, patch: { name?: string; description?: string | null }): Promise<Server> {
    if (patch.name !== undefined) {
      const problem = nameProblem(patch.name);
      if (problem) throw new BadRequest(`Invalid server name: ${problem}`, ErrorCodes.InvalidParameter);
    }
    return this.store.write(async (tx) => {
      const s = await this.mustGet(tx, caller, id);
      // A field the client did not send is undefined here: it must not erase the stored one
      // from the answer (PUT with only a description answered a server without its name).
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next = { ...s, ...given, updatedAt: this.stamps().now };
      traceResource(caller.writes, s.id, next.name);
      if (!await serverRepo.casUpdate(tx, s.id, s.generation, { name: next.name, description: next.description, updatedAt: next.updatedAt })) {
        throw new ConcurrentUpdate();
      }
      return { ...next, generation: s.generation + 1 };
    }, caller.writes);
  }

  /** Deletes a server; its claim goes back to its DeH in the same transaction. @raises NotFound */
  async delete(caller: Caller, id: string): Promise<void> {
    await this.store.write((tx) => this.deleteIn(tx, caller, id), caller.writes);
  }

  async deleteIn(tx: Executor, caller: Caller, id: string): Promise<Server> {
    const s = await this.mustGet(tx, caller, id);
    traceResource(caller.writes, s.id, s.name);
    // Lock order of every ECS write: project guard, server row, host row. Taking the guard
    // last here (for the usage counters) deadlocked against creates on PostgreSQL. consume takes
    // the guard and moves the usage in one statement; a lost race below rolls it back.
    await this.quotas.consume(tx, s.projectId, { instances: -1, cores: -s.vcpus, ram: -s.ramMb });
    const { now } = this.stamps();
    // The server row first: a concurrent delete of the same server then fails here (and is
    // retried into a 404) before it could give the claim back a second time.
    if (!await serverRepo.casUpdate(tx, s.id, s.generation, { status: 'DELETED', taskState: null, deletedAt: now, updatedAt: now })) {
      throw new ConcurrentUpdate();
    }
    if (s.hostId !== null) await this.placement.release(tx, s.hostId, claimOf(s), 1);
    await fixedIpRepo.release(tx, s.id);
    return s;
  }
}

function generatedPassword(): string {
  // From the id pool (ids.ts): a randomBytes call per create was ~3 % of its CPU here.
  return pooledRandomBytes(9).toString('base64').replace(/[+/]/g, 'x');
}

/** The NICs of a new server, with fixed IPs unique per network label in the project. */
async function buildNics(tx: Executor, serverId: string, projectId: string, networks: CreateServerRequest['networks']): Promise<Nic[]> {
  if (networks === 'none') return [];
  const wanted: NetworkRequest[] = networks === 'auto' || networks.length === 0 ? [{}] : [...networks];
  const nics: Nic[] = [];
  for (const [i, n] of wanted.entries()) {
    const dflt = defaultNetworkId(projectId);
    // The default network named by its id or its label is the network "auto" gives: same id, label and addresses.
    const uuid = n.uuid === DEFAULT_NETWORK_LABEL ? dflt : n.uuid;
    const networkId = uuid ?? (n.port !== undefined ? null : dflt);
    const label = uuid === dflt ? DEFAULT_NETWORK_LABEL : uuid ?? (n.port !== undefined ? n.port : DEFAULT_NETWORK_LABEL);
    const addr = await fixedIpRepo.allocate(tx, projectId, label, serverId, n.fixedIp === undefined ? undefined : validateWantedIp(n.fixedIp));
    nics.push({ label, networkId, portId: n.port ?? portIdFor(serverId, i), addr, mac: macFor(serverId, i) });
  }
  return nics;
}

export function addressesOf(nics: readonly Nic[]): Server['addresses'] {
  // Labels are client-chosen network ids: a prototype-less map, so `constructor` is a label.
  const out: Server['addresses'] = Object.create(null);
  for (const n of nics) {
    (out[n.label] ??= []).push({ addr: n.addr, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': n.mac });
  }
  return out;
}

/** Nova's list filters as one predicate. */
function serverMatcher(q: ServerListQuery, now: string): (s: Server) => boolean {
  const name = q.name !== undefined ? nameMatcher(q.name) : undefined;
  const since = q.changesSince ? toStored(q.changesSince) : undefined;
  const status = q.status?.toUpperCase();
  return (s) => (name === undefined || name(s.name))
    && (status === undefined || effectiveStatusOf(s, now) === status)
    && (q.flavor === undefined || s.flavorId === q.flavor)
    && (q.image === undefined || s.imageRef === q.image)
    && (q.ip === undefined || s.networks.some((n) => n.addr.includes(q.ip!)))
    && (since === undefined || s.updatedAt >= since);
}
