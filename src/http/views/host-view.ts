import { fitCounts } from '../../domain/fit-counts.js';
import { HOST_TYPES_BY_NAME } from '../../domain/flavors.js';
import type { Host } from '../../domain/host.js';
import type { Tag } from '../../domain/tag.js';
import { toWire } from '../../domain/time.js';

// Domain host → the OTC `dedicated_host` object (CONTRACT §2.0). Field names, types and
// envelopes live here and nowhere else. `available_instance_counts` is OpenDeH's own (how many
// more ECSs of each accepted flavor fit now; docs/api-differences.md): a top-level member, so
// `host_properties` stays exactly OTC's and strict clients, which ignore unknown keys, are unaffected.

/** Per accepted flavor, how many more ECSs of it the DeH takes now. */
export function instanceCounts(h: Host) {
  return fitCounts(h, h.state, HOST_TYPES_BY_NAME.get(h.hostType)!.flavors);
}

export function hostView(h: Host, extra: { instanceUuids?: string[]; tags?: Tag[] } = {}) {
  const spec = HOST_TYPES_BY_NAME.get(h.hostType)!;
  return {
    dedicated_host_id: h.id,
    name: h.name,
    auto_placement: h.autoPlacement,
    availability_zone: h.availabilityZone,
    project_id: h.projectId,
    host_properties: {
      host_type: h.hostType,
      host_type_name: spec.hostTypeName,
      vcpus: h.vcpus,
      cores: spec.cores,
      sockets: spec.sockets,
      memory: h.memoryMb,
      available_instance_capacities: spec.flavors.map((f) => ({ flavor: f.name })),
    },
    state: h.state,
    available_vcpus: h.vcpus - h.usedVcpus,
    available_memory: h.memoryMb - h.usedMemoryMb,
    instance_total: h.instanceTotal,
    available_instance_counts: instanceCounts(h),
    ...(extra.instanceUuids !== undefined && { instance_uuids: extra.instanceUuids }),
    ...(extra.tags !== undefined && { tags: extra.tags }),
    allocated_at: toWire(h.allocatedAt),
    released_at: toWire(h.releasedAt),
  };
}

export function etagOf(h: Host): string {
  return `"${h.generation}"`;
}

// ---- serialization of the hot paths ----
// A list page of 100 DeHs is ~100 KB, most of it host_properties, which is the same for every
// DeH of a type. hostJson writes exactly the JSON of hostView (a unit test holds them equal)
// with that part serialised once per type, which made a page ~4× cheaper to serialise.

const PROPERTIES_JSON = new Map<string, string>();
function propertiesJson(hostType: string, vcpus: number, memoryMb: number): string {
  const key = `${hostType}/${vcpus}/${memoryMb}`;
  let json = PROPERTIES_JSON.get(key);
  if (json === undefined) {
    const spec = HOST_TYPES_BY_NAME.get(hostType)!;
    json = JSON.stringify({
      host_type: hostType, host_type_name: spec.hostTypeName, vcpus, cores: spec.cores, sockets: spec.sockets, memory: memoryMb,
      available_instance_capacities: spec.flavors.map((f) => ({ flavor: f.name })),
    });
    PROPERTIES_JSON.set(key, json);
  }
  return json;
}

const str = JSON.stringify;

// available_instance_counts depends only on the type, the size, the usage and the state, and a
// page of 100 DeHs holds few distinct usages (empty hosts, hosts with k ECSs of one flavor):
// each is written once. Bounded: past COUNTS_KEPT distinct usages it starts over.
const COUNTS_JSON = new Map<string, string>();
const COUNTS_KEPT = 4096;
function countsJson(h: Host): string {
  const key = `${h.hostType}/${h.vcpus}/${h.memoryMb}/${h.usedVcpus}/${h.usedMemoryMb}/${h.state}`;
  let json = COUNTS_JSON.get(key);
  if (json === undefined) {
    json = `[${instanceCounts(h).map((c) => `{"flavor":${str(c.flavor)},"count":${c.count}}`).join(',')}]`;
    if (COUNTS_JSON.size >= COUNTS_KEPT) COUNTS_JSON.clear();
    COUNTS_JSON.set(key, json);
  }
  return json;
}

export function hostJson(h: Host, extra: { instanceUuids?: string[]; tags?: Tag[] } = {}): string {
  return `{"dedicated_host_id":${str(h.id)},"name":${str(h.name)},"auto_placement":${str(h.autoPlacement)},` +
    `"availability_zone":${str(h.availabilityZone)},"project_id":${str(h.projectId)},` +
    `"host_properties":${propertiesJson(h.hostType, h.vcpus, h.memoryMb)},"state":${str(h.state)},` +
    `"available_vcpus":${h.vcpus - h.usedVcpus},"available_memory":${h.memoryMb - h.usedMemoryMb},"instance_total":${h.instanceTotal},"available_instance_counts":${countsJson(h)},` +
    (extra.instanceUuids !== undefined ? `"instance_uuids":${str(extra.instanceUuids)},` : '') +
    (extra.tags !== undefined ? `"tags":${str(extra.tags)},` : '') +
    `"allocated_at":${str(toWire(h.allocatedAt))},"released_at":${str(toWire(h.releasedAt))}}`;
}

/** GET /dedicated-hosts body. */
export function hostListJson(hosts: readonly Host[], total: number): string {
  return `{"dedicated_hosts":[${hosts.map((h) => hostJson(h)).join(',')}],"total":${total}}`;
}
