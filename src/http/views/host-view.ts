import { HOST_TYPES_BY_NAME } from '../../domain/flavors.js';
import type { Host } from '../../domain/host.js';
import type { Tag } from '../../domain/tag.js';
import { toWire } from '../../domain/time.js';

// Domain host → the OTC `dedicated_host` object (CONTRACT §2.0). Field names, types and
// envelopes live here and nowhere else.

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
    ...(extra.instanceUuids !== undefined && { instance_uuids: extra.instanceUuids }),
    ...(extra.tags !== undefined && { tags: extra.tags }),
    allocated_at: toWire(h.allocatedAt),
    released_at: toWire(h.releasedAt),
  };
}

export function etagOf(h: Host): string {
  return `"${h.generation}"`;
}
