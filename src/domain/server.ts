// The ECS (server) aggregate as the services see it.
// BUILD → ACTIVE happens when `buildUntil` has passed: the status is derived on read, so
// every API process agrees on it without a background worker or a timer per server.

export type ServerStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'RESIZE' | 'VERIFY_RESIZE' | 'REVERT_RESIZE' | 'MIGRATING' | 'REBOOT' | 'ERROR' | 'DELETED';

export interface Server {
  readonly id: string;
  readonly projectId: string;
  readonly userId: string;
  readonly name: string;
  readonly hostId: string | null;
  readonly flavorId: string;
  readonly vcpus: number;
  readonly ramMb: number;
  readonly diskGb: number;
  readonly availabilityZone: string;
  readonly status: ServerStatus;
  readonly taskState: string | null;
  readonly powerState: number;
  readonly imageRef: string;
  readonly networks: unknown[];
  readonly metadata: Record<string, string>;
  readonly addresses: Record<string, { addr: string; version: number; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr'?: string }[]>;
  readonly fault: { code: number; message: string; created: string } | null;
  readonly keyName: string | null;
  readonly userData: string | null;
  readonly securityGroups: { name: string }[];
  readonly schedulerHints: Record<string, string>;
  readonly oldFlavorId: string | null;
  readonly oldHostId: string | null;
  readonly buildUntil: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** The status a reader sees at `now` (ISO text). */
export function effectiveStatus(s: Pick<Server, 'status' | 'buildUntil'>, now: string): ServerStatus {
  if (s.status === 'BUILD' && s.buildUntil <= now) return 'ACTIVE';
  return s.status;
}
