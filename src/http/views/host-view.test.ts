import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_TYPES } from '../../domain/host-type-catalog.js';
import type { Host } from '../../domain/host.js';
import { hostJson, hostListJson, hostView } from './host-view.js';

// The hand-written serializer of the hot paths must produce exactly hostView's JSON.

function host(i: number, hostType: string, over: Partial<Host> = {}): Host {
  const spec = HOST_TYPES.find((t) => t.hostType === hostType)!;
  return {
    id: `0000000${i}-0000-7000-8000-000000000000`, projectId: 'p"q\\', name: `näme "${i}"\n`, hostType, availabilityZone: 'eu-de-01',
    autoPlacement: i % 2 ? 'on' : 'off', state: 'available', vcpus: spec.vcpus, memoryMb: spec.memoryMb, usedVcpus: i, usedMemoryMb: 1024 * i,
    instanceTotal: i, generation: 3, allocatedAt: '2026-01-01T00:00:00.123Z', releasedAt: null, updatedAt: '2026-01-01T00:00:00.123Z', ...over,
  };
}

test('hostJson is hostView, for every host type, with and without detail fields', () => {
  HOST_TYPES.forEach((t, i) => {
    const h = host(i, t.hostType);
    assert.deepEqual(JSON.parse(hostJson(h)), hostView(h));
    const extra = { instanceUuids: ['a', 'b'], tags: [{ key: 'k', value: 'v"' }] };
    assert.deepEqual(JSON.parse(hostJson(h, extra)), hostView(h, extra));
    assert.equal(hostJson(h, extra), JSON.stringify(hostView(h, extra)), 'same key order too');
  });
  const released = host(1, 'c4', { state: 'released', releasedAt: '2026-02-02T00:00:00.000Z' });
  assert.equal(hostJson(released), JSON.stringify(hostView(released)));
  assert.ok(hostView(released).available_instance_counts.every((c) => c.count === 0), 'a released DeH takes nothing');
  const faulty = host(2, 'm4', { state: 'fault' });
  assert.equal(hostJson(faulty), JSON.stringify(hostView(faulty)));
});

test('hostListJson wraps the page and the total', () => {
  const hs = [host(1, 'c4'), host(2, 's3')];
  assert.deepEqual(JSON.parse(hostListJson(hs, 7)), { dedicated_hosts: hs.map((h) => hostView(h)), total: 7 });
  assert.deepEqual(JSON.parse(hostListJson([], 0)), { dedicated_hosts: [], total: 0 });
});
