import { FLAVORS } from './flavors.js';
import type { Demand } from './capacity.js';

// The ECS (server) aggregate as the services see it.
//
// Transient statuses (BUILD, REBOOT, HARD_REBOOT, RESIZE, REVERT_RESIZE) last until
// `buildUntil` and then settle, derived on read: every API process agrees on the status
// without a background worker or a timer per server. Settling never changes a capacity
// claim (claims move when the action is accepted), so a lazy status cannot drift the books.

export type ServerStatus =
  | 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'REBOOT' | 'HARD_REBOOT' | 'RESIZE' | 'VERIFY_RESIZE' | 'REVERT_RESIZE'
  | 'MIGRATING' | 'ERROR' | 'DELETED';

/** Nova's power states (nova/compute/power_state.py). */
export const PowerState = { NOSTATE: 0, RUNNING: 1, SHUTDOWN: 4 } as const;

export interface Nic {
  /** The key of the server's `addresses`. */
  readonly label: string;
  readonly networkId: string | null;
  readonly portId: string;
  readonly addr: string;
  readonly mac: string;
}

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
  /** The stored status; read it through effectiveStatus. */
  readonly status: ServerStatus;
  /** Task of the current transient status (spawning, rebooting, resize_migrating, migrating, resize_reverting). */
  readonly taskState: string | null;
  /** Power state once the transient status has settled. */
  readonly powerState: number;
  readonly imageRef: string;
  readonly networks: Nic[];
  readonly metadata: Record<string, string>;
  readonly addresses: Record<string, { addr: string; version: number; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr'?: string }[]>;
  readonly fault: { code: number; message: string; created: string } | null;
  readonly keyName: string | null;
  readonly userData: string | null;
  readonly securityGroups: { name: string }[];
  readonly schedulerHints: Record<string, string>;
  readonly oldFlavorId: string | null;
  readonly oldHostId: string | null;
  /** End of the current transient status (ISO text). */
  readonly buildUntil: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly generation: number;
  readonly description: string | null;
  readonly configDrive: boolean;
  readonly autoRecovery: boolean;
}

type StatusFields = Pick<Server, 'status' | 'buildUntil' | 'taskState' | 'powerState'>;

/** The status a transient status settles to once `buildUntil` has passed. */
export function settledStatus(s: Pick<Server, 'status' | 'taskState' | 'powerState'> & { oldFlavorId?: string | null }): ServerStatus {
  switch (s.status) {
    case 'BUILD':
    case 'REBOOT':
    case 'HARD_REBOOT':
      return 'ACTIVE';
    case 'RESIZE':
      // A cold migration between DeHs ends stopped (user manual: "Resizing" → "Stopped");
      // a resize ends waiting for confirmation, as in Nova.
      return s.taskState === 'migrating' ? 'SHUTOFF' : 'VERIFY_RESIZE';
    case 'REVERT_RESIZE':
      return s.powerState === PowerState.RUNNING ? 'ACTIVE' : 'SHUTOFF';
    case 'MIGRATING':
      // Automatic recovery moving the ECS off a failed DeH (services/recovery.ts): it ends in
      // the status it had before the failure — waiting for a resize confirmation, running or stopped.
      return s.oldFlavorId ? 'VERIFY_RESIZE' : s.powerState === PowerState.RUNNING ? 'ACTIVE' : 'SHUTOFF';
    default:
      return s.status;
  }
}

export function isSettled(s: Pick<Server, 'buildUntil'>, now: string): boolean {
  return s.buildUntil <= now;
}

/** The status a reader sees at `now` (ISO text). */
export function effectiveStatus(s: StatusFields, now: string): ServerStatus {
  return isSettled(s, now) ? settledStatus(s) : s.status;
}

export function effectiveTaskState(s: StatusFields, now: string): string | null {
  return isSettled(s, now) ? null : s.taskState;
}

export function effectivePowerState(s: StatusFields, now: string): number {
  return effectiveStatus(s, now) === 'BUILD' ? PowerState.NOSTATE : s.powerState;
}

/** Nova's vm_state for a status (OS-EXT-STS:vm_state). */
export function vmStateOf(status: ServerStatus, powerState: number): string {
  switch (status) {
    case 'BUILD': return 'building';
    case 'SHUTOFF': return 'stopped';
    case 'RESIZE': return powerState === PowerState.RUNNING ? 'active' : 'stopped';
    case 'VERIFY_RESIZE':
    case 'REVERT_RESIZE': return 'resized';
    case 'ERROR': return 'error';
    case 'DELETED': return 'deleted';
    default: return 'active';
  }
}

/**
 * What a server holds on its DeH. During a resize (until confirmed or reverted) it holds the
 * larger of the old and the new flavor in each dimension, so that both the confirm and the
 * revert always fit without a new check (the same-host analogue of Nova keeping the old
 * allocation on the migration record).
 */
export function claimOf(s: Pick<Server, 'vcpus' | 'ramMb' | 'oldFlavorId'>): Demand {
  const old = s.oldFlavorId ? FLAVORS.get(s.oldFlavorId) : undefined;
  if (!old) return { vcpus: s.vcpus, ramMb: s.ramMb };
  return { vcpus: Math.max(s.vcpus, old.vcpus), ramMb: Math.max(s.ramMb, old.ramMb) };
}
