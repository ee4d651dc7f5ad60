import type { Host } from '../domain/host.js';

// A host for scheduler tests (nova's FakeHostState): an empty c4 DeH of project "p1" in
// eu-de-01 with auto placement on, with any field overridden.

export function fakeHost(over: Partial<Host> = {}): Host {
  return {
    id: 'h-0001', projectId: 'p1', name: 'h', hostType: 'c4', availabilityZone: 'eu-de-01', autoPlacement: 'on',
    state: 'available', vcpus: 74, memoryMb: 303104, usedVcpus: 0, usedMemoryMb: 0, instanceTotal: 0, generation: 0,
    allocatedAt: '2024-01-01T00:00:00.000Z', releasedAt: null, updatedAt: '2024-01-01T00:00:00.000Z',
    ...over,
  };
}
