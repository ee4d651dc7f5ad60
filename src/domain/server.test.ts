import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PowerState, claimOf, effectivePowerState, effectiveStatus, effectiveTaskState, settledStatus, vmStateOf, type ServerStatus } from './server.js';
import { assertAllowed, isAllowed, type ServerAction } from './server-actions.js';

const T0 = '2024-01-01T00:00:00.000Z';
const T1 = '2024-01-01T00:00:05.000Z';

describe('server status (lazy transitions)', () => {
  const settles: [ServerStatus, string | null, number, ServerStatus][] = [
    ['BUILD', 'spawning', PowerState.RUNNING, 'ACTIVE'],
    ['REBOOT', 'rebooting', PowerState.RUNNING, 'ACTIVE'],
    ['HARD_REBOOT', 'rebooting_hard', PowerState.RUNNING, 'ACTIVE'],
    ['RESIZE', 'resize_migrating', PowerState.RUNNING, 'VERIFY_RESIZE'],
    ['RESIZE', 'resize_migrating', PowerState.SHUTDOWN, 'VERIFY_RESIZE'],
    ['RESIZE', 'migrating', PowerState.SHUTDOWN, 'SHUTOFF'],
    ['REVERT_RESIZE', 'resize_reverting', PowerState.RUNNING, 'ACTIVE'],
    ['REVERT_RESIZE', 'resize_reverting', PowerState.SHUTDOWN, 'SHUTOFF'],
    ['ACTIVE', null, PowerState.RUNNING, 'ACTIVE'],
    ['SHUTOFF', null, PowerState.SHUTDOWN, 'SHUTOFF'],
    ['VERIFY_RESIZE', null, PowerState.RUNNING, 'VERIFY_RESIZE'],
    ['ERROR', null, PowerState.NOSTATE, 'ERROR'],
  ];
  for (const [status, taskState, powerState, settled] of settles) {
    test(`${status}/${taskState ?? '-'}/power ${powerState} settles to ${settled}`, () => {
      const s = { status, taskState, powerState, buildUntil: T1 };
      assert.equal(settledStatus(s), settled);
      assert.equal(effectiveStatus(s, T0), status, 'before buildUntil the stored status shows');
      assert.equal(effectiveStatus(s, T1), settled, 'at buildUntil it has settled');
      assert.equal(effectiveTaskState(s, T0), taskState);
      assert.equal(effectiveTaskState(s, T1), null);
    });
  }

  test('a building server has no power state yet', () => {
    const s = { status: 'BUILD' as const, taskState: 'spawning', powerState: PowerState.RUNNING, buildUntil: T1 };
    assert.equal(effectivePowerState(s, T0), PowerState.NOSTATE);
    assert.equal(effectivePowerState(s, T1), PowerState.RUNNING);
  });

  test('vm_state follows Nova', () => {
    assert.equal(vmStateOf('BUILD', 0), 'building');
    assert.equal(vmStateOf('SHUTOFF', 4), 'stopped');
    assert.equal(vmStateOf('RESIZE', 4), 'stopped');
    assert.equal(vmStateOf('RESIZE', 1), 'active');
    assert.equal(vmStateOf('VERIFY_RESIZE', 1), 'resized');
    assert.equal(vmStateOf('ERROR', 0), 'error');
  });
});

describe('claimOf', () => {
  test('a settled server claims its flavor', () => {
    assert.deepEqual(claimOf({ vcpus: 2, ramMb: 8192, oldFlavorId: null }), { vcpus: 2, ramMb: 8192 });
  });
  test('during a resize it claims the larger of old and new in each dimension', () => {
    // c4.xlarge.2 = 4 vCPUs / 8 GB → c4.large.4 = 2 vCPUs / 8 GB … and a mixed case
    assert.deepEqual(claimOf({ vcpus: 2, ramMb: 8192, oldFlavorId: 'c4.xlarge.2' }), { vcpus: 4, ramMb: 8192 });
    assert.deepEqual(claimOf({ vcpus: 2, ramMb: 8192, oldFlavorId: 'c4.large.2' }), { vcpus: 2, ramMb: 8192 });
    assert.deepEqual(claimOf({ vcpus: 4, ramMb: 8192, oldFlavorId: 'c4.large.4' }), { vcpus: 4, ramMb: 8192 });
    assert.deepEqual(claimOf({ vcpus: 2, ramMb: 4096, oldFlavorId: 'c4.xlarge.4' }), { vcpus: 4, ramMb: 16384 });
  });
});

describe('server actions allowed per status', () => {
  const table: [ServerAction, ServerStatus[]][] = [
    ['os-start', ['SHUTOFF']],
    ['os-stop', ['ACTIVE', 'ERROR']],
    ['reboot-soft', ['ACTIVE']],
    ['reboot-hard', ['ACTIVE', 'SHUTOFF', 'ERROR']],
    ['resize', ['ACTIVE', 'SHUTOFF']],
    ['confirmResize', ['VERIFY_RESIZE']],
    ['revertResize', ['VERIFY_RESIZE']],
    ['migrate', ['SHUTOFF']],
  ];
  const all: ServerStatus[] = ['BUILD', 'ACTIVE', 'SHUTOFF', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'VERIFY_RESIZE', 'REVERT_RESIZE', 'ERROR'];
  for (const [action, allowed] of table) {
    test(`${action}: allowed only in ${allowed.join(', ')}`, () => {
      for (const s of all) assert.equal(isAllowed(action, s), allowed.includes(s), `${action} in ${s}`);
    });
  }
  test('the conflict message is Nova\'s', () => {
    assert.throws(() => assertAllowed('os-stop', 'SHUTOFF', 'x'), /Cannot 'os-stop' instance x while it is in vm_state stopped/);
    assert.throws(() => assertAllowed('migrate', 'ACTIVE', 'x'), /only a stopped ECS can be migrated/);
  });
});
