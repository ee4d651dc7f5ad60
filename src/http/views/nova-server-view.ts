import { createHash } from 'node:crypto';
import {
  effectivePowerState, effectiveStatus, effectiveTaskState, vmStateOf, type Server,
} from '../../domain/server.js';
import { toWire } from '../../domain/time.js';

// A server as Nova v2.1 shows it (up to 2.60), with what Terraform and openstackclient read
// (CONTRACT §5.4): `flavor` carries both the <2.47 `id` (= the name) and the ≥2.47 fields,
// `image` is an object with a string id, AZ and extended attributes are always present.

/** Nova's hostId: an opaque per-project hash of the host; "" when not on a host. */
export function novaHostId(projectId: string, hostId: string | null): string {
  return hostId === null ? '' : createHash('sha224').update(`${projectId}${hostId}`).digest('hex');
}

export function serverLinks(base: string, id: string) {
  return [{ rel: 'self', href: `${base}/servers/${id}` }, { rel: 'bookmark', href: `${base}/servers/${id}` }];
}

export function novaServerSummary(s: Server, base: string) {
  return { id: s.id, name: s.name, links: serverLinks(base, s.id) };
}

export function novaServerView(s: Server, now: string, base: string) {
  const status = effectiveStatus(s, now);
  const power = effectivePowerState(s, now);
  return {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: novaHostId(s.projectId, s.hostId),
    image: { id: s.imageRef, links: [{ rel: 'bookmark', href: `${base}/images/${s.imageRef}` }] },
    flavor: {
      id: s.flavorId, links: [{ rel: 'bookmark', href: `${base}/flavors/${s.flavorId}` }],
      original_name: s.flavorId, vcpus: s.vcpus, ram: s.ramMb, disk: s.diskGb, ephemeral: 0, swap: 0,
      extra_specs: {},
    },
    created: toWire(s.createdAt),
    updated: toWire(s.updatedAt),
    addresses: s.addresses,
    accessIPv4: '',
    accessIPv6: '',
    links: serverLinks(base, s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: status === 'BUILD' ? 0 : 100,
    'OS-EXT-AZ:availability_zone': s.availabilityZone,
    config_drive: s.configDrive ? 'True' : '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': status === 'BUILD' ? null : toWire(s.buildUntil > s.createdAt ? s.buildUntil : s.createdAt).replace(/Z$/, '.000000'),
    'OS-SRV-USG:terminated_at': null,
    security_groups: s.securityGroups,
    // The DeH the ECS is on (null in the shared pool): the caller's own resource, so shown to
    // every member of the project, unlike a physical hypervisor name in Nova.
    'OS-EXT-SRV-ATTR:host': s.hostId,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': s.hostId,
    'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}`,
    'OS-EXT-STS:task_state': effectiveTaskState(s, now),
    'OS-EXT-STS:vm_state': vmStateOf(status, power),
    'OS-EXT-STS:power_state': power,
    'os-extended-volumes:volumes_attached': [] as { id: string; delete_on_termination: boolean }[],
    locked: false,
    description: s.description,
    host_status: status === 'ERROR' ? 'UNKNOWN' : 'UP',
    ...(s.fault && status === 'ERROR' && { fault: { code: s.fault.code, message: s.fault.message, created: toWire(s.fault.created) } }),
  };
}
