import type { Server } from '../../domain/server.js';
import { toWire } from '../../domain/time.js';
import type { Job } from '../../services/ecs-jobs.js';
import { novaServerView } from './nova-server-view.js';

// The OTC ECS v1 shapes (gophertelekomcloud openstack/ecs/v1/cloudservers/results*.go):
// numbers the Go structs declare as strings are sent as strings (flavor vcpus/ram/disk,
// address version, volume fields), scheduler hints as arrays of strings (CONTRACT §5.2).

export function ecsServerView(s: Server, now: string, base: string, tags: readonly { key: string; value: string }[]) {
  const nova = novaServerView(s, now, base);
  const addresses: Record<string, unknown[]> = Object.create(null); // client-chosen labels
  for (const n of s.networks) {
    (addresses[n.label] ??= []).push({
      version: '4', addr: n.addr, 'OS-EXT-IPS-MAC:mac_addr': n.mac, 'OS-EXT-IPS:port_id': n.portId, 'OS-EXT-IPS:type': 'fixed',
    });
  }
  const hints = s.schedulerHints;
  const self = `${base}/cloudservers/${s.id}`;
  return {
    ...nova,
    links: [{ rel: 'self', href: self }, { rel: 'bookmark', href: self }],
    addresses,
    flavor: { id: s.flavorId, name: s.flavorId, vcpus: String(s.vcpus), ram: String(s.ramMb), disk: String(s.diskGb) },
    image: { id: s.imageRef },
    config_drive: s.configDrive ? 'True' : '',
    security_groups: s.securityGroups.map((g) => ({ name: g.name, id: g.name })),
    tags: tags.map((t) => (t.value === '' ? t.key : `${t.key}=${t.value}`)),
    sys_tags: [] as { key: string; value: string }[],
    'OS-EXT-SRV-ATTR:launch_index': 0,
    'OS-EXT-SRV-ATTR:user_data': s.userData ?? '',
    'os:scheduler_hints': {
      group: hints.group !== undefined ? [hints.group] : [],
      tenancy: hints.tenancy !== undefined ? [hints.tenancy] : [],
      dedicated_host_id: hints.dedicated_host_id !== undefined ? [hints.dedicated_host_id] : [],
    },
  };
}

export function jobView(j: Job) {
  const sub = j.subJobs.map((x) => ({
    job_id: x.id, job_type: x.type, status: j.status, begin_time: toWire(j.beginTime), end_time: toWire(j.endTime),
    error_code: null, fail_reason: null, entities: { server_id: x.serverId },
  }));
  return {
    job_id: j.id,
    job_type: j.type,
    status: j.status,
    begin_time: toWire(j.beginTime),
    end_time: toWire(j.endTime),
    error_code: null,
    fail_reason: null,
    entities: { sub_jobs_total: sub.length, sub_jobs: sub, ...(sub.length === 1 && { server_id: sub[0].entities.server_id }) },
  };
}
