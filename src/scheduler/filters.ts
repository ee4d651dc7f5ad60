import { freeMemory, freeVcpus, type Demand } from '../domain/capacity.js';
import { hostTypeAccepts } from '../domain/flavors.js';
import type { Host } from '../domain/host.js';

// Placement filters in the nova style: small pure predicates over one host and the request,
// each naming why it rejected (nova NumInstancesFilter logs the same way). The rules are the
// user manual's: the host must be the caller's, available, in the requested AZ, accept the
// flavor (its host type's list), and have the free vCPUs and memory; auto placement only
// considers hosts with auto_placement "on", a named host is used whatever its setting
// (getting_started/allocating_dehs.rst, deh_management/configuring_auto_placement_for_dehs.rst).

export interface PlacementRequest {
  readonly projectId: string;
  readonly flavor: string;
  readonly demand: Demand;
  /** The AZ asked for; undefined = any. */
  readonly availabilityZone?: string;
  /** True when the client named the host (dedicated_host_id): auto_placement does not matter. */
  readonly namedHost: boolean;
}

/** Which rule a host broke; the service maps each kind to its error (and HTTP status). */
export type RejectionKind = 'project' | 'state' | 'availability_zone' | 'auto_placement' | 'flavor' | 'capacity';

export interface Filter {
  readonly name: string;
  readonly kind: RejectionKind;
  /** Why the host is rejected, or null when it passes. */
  readonly reject: (host: Host, req: PlacementRequest) => string | null;
}

export const ProjectFilter: Filter = {
  name: 'ProjectFilter', kind: 'project',
  reject: (h, r) => (h.projectId === r.projectId ? null : `DeH ${h.id} belongs to another project`),
};

export const HostStateFilter: Filter = {
  name: 'HostStateFilter', kind: 'state',
  reject: (h) => (h.state === 'available' ? null : `DeH ${h.id} is ${h.state}, not available`),
};

export const AvailabilityZoneFilter: Filter = {
  name: 'AvailabilityZoneFilter', kind: 'availability_zone',
  reject: (h, r) => (r.availabilityZone === undefined || h.availabilityZone === r.availabilityZone
    ? null : `DeH ${h.id} is in ${h.availabilityZone}, not in the requested ${r.availabilityZone}`),
};

export const AutoPlacementFilter: Filter = {
  name: 'AutoPlacementFilter', kind: 'auto_placement',
  reject: (h, r) => (r.namedHost || h.autoPlacement === 'on' ? null : `DeH ${h.id} has auto placement off`),
};

export const FlavorFilter: Filter = {
  name: 'FlavorFilter', kind: 'flavor',
  reject: (h, r) => (hostTypeAccepts(h.hostType, r.flavor) ? null : `DeH ${h.id} (type ${h.hostType}) does not accept flavor ${r.flavor}`),
};

export const VcpuFilter: Filter = {
  name: 'VcpuFilter', kind: 'capacity',
  reject: (h, r) => {
    const free = freeVcpus(h);
    return r.demand.vcpus <= free ? null : `DeH ${h.id} has ${free} free vCPUs, ${r.demand.vcpus} needed`;
  },
};

export const RamFilter: Filter = {
  name: 'RamFilter', kind: 'capacity',
  reject: (h, r) => {
    const free = freeMemory(h);
    return r.demand.ramMb <= free ? null : `DeH ${h.id} has ${free} MB of free memory, ${r.demand.ramMb} MB needed`;
  },
};

/** In the order they run: cheap identity checks first, capacity last. */
export const FILTERS: readonly Filter[] = [
  ProjectFilter, HostStateFilter, AvailabilityZoneFilter, AutoPlacementFilter, FlavorFilter, VcpuFilter, RamFilter,
];

export interface Rejection { readonly hostId: string; readonly filter: string; readonly kind: RejectionKind; readonly reason: string }

/** The first filter that rejects the host, or null when every filter passes. */
export function firstRejection(host: Host, req: PlacementRequest, filters: readonly Filter[] = FILTERS): Rejection | null {
  for (const f of filters) {
    const reason = f.reject(host, req);
    if (reason !== null) return { hostId: host.id, filter: f.name, kind: f.kind, reason };
  }
  return null;
}
