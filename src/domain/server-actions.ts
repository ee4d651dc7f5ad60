import { InvalidState } from './errors.js';
import type { ServerStatus } from './server.js';

// Which server actions a status allows: Nova's @check_instance_state rules for the subset
// this service implements, plus the user manual's rule that only a stopped ECS is migrated
// between DeHs or the shared pool (ecs_management/migrating_ecss.rst).

export type ServerAction =
  | 'os-start' | 'os-stop' | 'reboot-soft' | 'reboot-hard' | 'resize' | 'confirmResize' | 'revertResize' | 'migrate';

const ALLOWED: Record<ServerAction, readonly ServerStatus[]> = {
  'os-start': ['SHUTOFF'],
  'os-stop': ['ACTIVE', 'ERROR'],
  'reboot-soft': ['ACTIVE'],
  'reboot-hard': ['ACTIVE', 'SHUTOFF', 'ERROR'],
  resize: ['ACTIVE', 'SHUTOFF'],
  confirmResize: ['VERIFY_RESIZE'],
  revertResize: ['VERIFY_RESIZE'],
  migrate: ['SHUTOFF'],
};

/** Nova's wording of the vm_state in its conflict messages. */
const VM_STATE_WORD: Partial<Record<ServerStatus, string>> = {
  BUILD: 'building', ACTIVE: 'active', SHUTOFF: 'stopped', VERIFY_RESIZE: 'resized', REVERT_RESIZE: 'resized',
  RESIZE: 'resizing', REBOOT: 'rebooting', HARD_REBOOT: 'rebooting', ERROR: 'error', MIGRATING: 'migrating',
};

export function isAllowed(action: ServerAction, status: ServerStatus): boolean {
  return ALLOWED[action].includes(status);
}

/** @raises InvalidState (409) naming the action, the server and its state, as Nova does. */
export function assertAllowed(action: ServerAction, status: ServerStatus, serverId: string): void {
  if (isAllowed(action, status)) return;
  const name = action.startsWith('reboot') ? 'reboot' : action;
  const hint = action === 'migrate' ? ' (only a stopped ECS can be migrated)' : '';
  throw new InvalidState(`Cannot '${name}' instance ${serverId} while it is in vm_state ${VM_STATE_WORD[status] ?? status.toLowerCase()}${hint}`);
}
