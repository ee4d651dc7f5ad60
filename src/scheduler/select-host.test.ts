import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlacementRequest } from './filters.js';
import { selectHost } from './select-host.js';
import { weighersFor } from './weighers.js';
import { fakeHost } from './fake-host.js';

const req: PlacementRequest = { projectId: 'p1', flavor: 'c4.large.4', demand: { vcpus: 2, ramMb: 8192 }, availabilityZone: 'eu-de-01', namedHost: false };

describe('selectHost', () => {
  test('spread picks the most free memory; the manual\'s example (DeH B, untouched, wins)', () => {
    const a = fakeHost({ id: 'A', usedVcpus: 17, usedMemoryMb: 65 * 1024 });
    const b = fakeHost({ id: 'B' });
    const s = selectHost([a, b], req, weighersFor('spread'));
    assert.equal(s.host?.id, 'B');
  });

  test('pack picks the least free memory that still fits', () => {
    const hosts = [fakeHost({ id: 'a' }), fakeHost({ id: 'b', usedMemoryMb: 290_000 }), fakeHost({ id: 'c', usedMemoryMb: 303104 - 4096 })];
    assert.equal(selectHost(hosts, req, weighersFor('pack')).host?.id, 'b');
  });

  test('ties go to the lowest id, whatever the input order', () => {
    const hosts = [fakeHost({ id: 'h3' }), fakeHost({ id: 'h1' }), fakeHost({ id: 'h2' })];
    assert.equal(selectHost(hosts, req, weighersFor('spread')).host?.id, 'h1');
    assert.equal(selectHost([...hosts].reverse(), req, weighersFor('pack')).host?.id, 'h1');
  });

  test('hosts rejected by a filter never win, and each rejection is explained', () => {
    const hosts = [
      fakeHost({ id: 'off', autoPlacement: 'off' }),
      fakeHost({ id: 'full', usedVcpus: 74 }),
      fakeHost({ id: 's3', hostType: 's3' }),
      fakeHost({ id: 'ok', usedMemoryMb: 300_000 - 8192 }),
    ];
    const s = selectHost(hosts, req, weighersFor('spread'));
    assert.equal(s.host?.id, 'ok');
    const none = selectHost(hosts.slice(0, 3), req, weighersFor('spread'));
    assert.equal(none.host, null);
    if (none.host === null) {
      assert.deepEqual(none.rejections.map((r) => [r.hostId, r.filter]), [['off', 'AutoPlacementFilter'], ['full', 'VcpuFilter'], ['s3', 'FlavorFilter']]);
    }
  });

  test('no hosts → no selection', () => {
    const s = selectHost([], req, weighersFor('spread'));
    assert.equal(s.host, null);
  });
});
