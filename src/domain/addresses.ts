import { createHash } from 'node:crypto';
import { BadRequest, ErrorCodes } from './errors.js';

// Fixed IPs, MACs and port ids for the networks a server asks for. There is no network
// service: a network is whatever id the client names, every project has one "default"
// network (used when the client names none, or asks for "auto"), and each network hands out
// 192.168.0.0/16 addresses, the lowest free one first, unique within the project.

const FIRST = 10; // 192.168.0.10: the low addresses are left for gateways, as clouds do
const LAST = 256 * 256 - 2;

/** A UUID-shaped id derived from a seed, so the same seed always names the same thing. */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function defaultNetworkId(projectId: string): string {
  return derivedUuid(`network:${projectId}`);
}

export const DEFAULT_NETWORK_LABEL = 'default';

export function ipOf(offset: number): string {
  return `192.168.${offset >> 8}.${offset & 255}`;
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * The address for a new NIC: `wanted` if it is free, else the lowest free one.
 * @raises BadRequest (wanted is not IPv4 or already in use — Nova's FixedIpAlreadyInUse is a 400)
 */
export function allocateIp(used: ReadonlySet<string>, wanted?: string): string {
  if (wanted !== undefined) {
    if (!IPV4_RE.test(wanted)) throw new BadRequest(`fixed_ip "${wanted}" is not an IPv4 address`, ErrorCodes.InvalidParameter);
    if (used.has(wanted)) throw new BadRequest(`Fixed IP address ${wanted} is already in use on this network`, ErrorCodes.InvalidParameter);
    return wanted;
  }
  for (let o = FIRST; o <= LAST; o++) {
    if ((o & 255) === 0 || (o & 255) === 255) continue;
    const ip = ipOf(o);
    if (!used.has(ip)) return ip;
  }
  throw new BadRequest('no free fixed IP address left on this network', ErrorCodes.InvalidParameter);
}

/** A locally administered MAC in OpenStack's fa:16:3e prefix, stable per server and NIC. */
export function macFor(serverId: string, index: number): string {
  const h = createHash('sha256').update(`mac:${serverId}:${index}`).digest('hex');
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

export function portIdFor(serverId: string, index: number): string {
  return derivedUuid(`port:${serverId}:${index}`);
}
