import { createHash } from 'node:crypto';
import { BadRequest, ErrorCodes } from './errors.js';

// Fixed IPs, MACs and port ids for the networks a server asks for. There is no network
// service: a network is whatever id the client names, every project has one "default"
// network (used when the client names none, or asks for "auto"), and each network hands out
// 192.168.0.0/16 addresses, the lowest free one first, unique within the project.

export const FIRST_OFFSET = 10; // 192.168.0.10: the low addresses are left for gateways, as clouds do
export const LAST_OFFSET = 256 * 256 - 2;

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

/** The offset of an address in 192.168.0.0/16, or null outside it. */
export function offsetOf(ip: string): number | null {
  const m = /^192\.168\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) return null;
  return Number(m[1]) * 256 + Number(m[2]);
}

/** The first offset ≥ o that is neither a network (.0) nor a broadcast (.255) address. */
export function nextUsableOffset(o: number): number {
  let x = Math.max(o, FIRST_OFFSET);
  while ((x & 255) === 0 || (x & 255) === 255) x++;
  return x;
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** A fixed_ip asked for by the client. @raises BadRequest (not IPv4) */
export function validateWantedIp(wanted: string): string {
  if (!IPV4_RE.test(wanted)) throw new BadRequest(`fixed_ip "${wanted}" is not an IPv4 address`, ErrorCodes.InvalidParameter);
  return wanted;
}

export function ipInUse(ip: string): BadRequest {
  // Nova's FixedIpAlreadyInUse is a 400.
  return new BadRequest(`Fixed IP address ${ip} is already in use on this network`, ErrorCodes.InvalidParameter);
}

export function networkFull(): BadRequest {
  return new BadRequest('no free fixed IP address left on this network', ErrorCodes.InvalidParameter);
}

/** A locally administered MAC in OpenStack's fa:16:3e prefix, stable per server and NIC. */
export function macFor(serverId: string, index: number): string {
  const h = createHash('sha256').update(`mac:${serverId}:${index}`).digest('hex');
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

export function portIdFor(serverId: string, index: number): string {
  return derivedUuid(`port:${serverId}:${index}`);
}
