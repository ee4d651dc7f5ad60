import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../domain/host.js';
import {
  AutoPlacementFilter, AvailabilityZoneFilter, FILTERS, FlavorFilter, HostStateFilter, ProjectFilter, RamFilter, VcpuFilter,
  firstRejection, type Filter, type PlacementRequest,
} from './filters.js';
import { fakeHost } from './fake-host.js';

// Table-driven tests of every filter over fake hosts (nova's FakeHostState style).

const req = (over: Partial<PlacementRequest> = {}): PlacementRequest => ({
  projectId: 'p1', flavor: 'c4.large.4', demand: { vcpus: 2, ramMb: 8192 }, availabilityZone: 'eu-de-01', namedHost: false, ...over,
});

interface Row { readonly name: string; readonly host: Partial<Host>; readonly req?: Partial<PlacementRequest>; readonly passes: boolean; readonly reason?: RegExp }

const TABLE: [Filter, Row[]][] = [
  [ProjectFilter, [
    { name: 'own host', host: {}, passes: true },
    { name: 'other project', host: { projectId: 'p2' }, passes: false, reason: /belongs to another project/ },
  ]],
  [HostStateFilter, [
    { name: 'available', host: { state: 'available' }, passes: true },
    { name: 'fault', host: { state: 'fault' }, passes: false, reason: /is fault, not available/ },
    { name: 'released', host: { state: 'released' }, passes: false, reason: /is released/ },
  ]],
  [AvailabilityZoneFilter, [
    { name: 'same AZ', host: { availabilityZone: 'eu-de-01' }, passes: true },
    { name: 'other AZ', host: { availabilityZone: 'eu-de-02' }, passes: false, reason: /in eu-de-02, not in the requested eu-de-01/ },
    { name: 'no AZ requested', host: { availabilityZone: 'eu-de-03' }, req: { availabilityZone: undefined }, passes: true },
  ]],
  [AutoPlacementFilter, [
    { name: 'on, auto', host: { autoPlacement: 'on' }, passes: true },
    { name: 'off, auto', host: { autoPlacement: 'off' }, passes: false, reason: /auto placement off/ },
    { name: 'off, named host', host: { autoPlacement: 'off' }, req: { namedHost: true }, passes: true },
  ]],
  [FlavorFilter, [
    { name: 'c4 flavor on c4', host: { hostType: 'c4' }, passes: true },
    { name: 'c4 flavor on s3', host: { hostType: 's3' }, passes: false, reason: /type s3\) does not accept flavor c4.large.4/ },
    { name: 's2 flavor on s2-medium', host: { hostType: 's2-medium' }, req: { flavor: 's2.medium.1' }, passes: true },
    { name: 'shared-only flavor', host: { hostType: 'c4' }, req: { flavor: 't2.micro' }, passes: false, reason: /does not accept/ },
    { name: 'unknown flavor', host: { hostType: 'c4' }, req: { flavor: 'nope' }, passes: false },
  ]],
  [VcpuFilter, [
    { name: 'empty host', host: {}, passes: true },
    { name: 'exactly enough', host: { usedVcpus: 72 }, passes: true },
    { name: 'one short', host: { usedVcpus: 73 }, passes: false, reason: /has 1 free vCPUs, 2 needed/ },
    { name: 'zero demand on a full host', host: { usedVcpus: 74 }, req: { demand: { vcpus: 0, ramMb: 0 } }, passes: true },
  ]],
  [RamFilter, [
    { name: 'empty host', host: {}, passes: true },
    { name: 'exactly enough', host: { usedMemoryMb: 303104 - 8192 }, passes: true },
    { name: 'one MB short', host: { usedMemoryMb: 303104 - 8191 }, passes: false, reason: /has 8191 MB of free memory, 8192 MB needed/ },
  ]],
];

describe('scheduler filters', () => {
  for (const [filter, rows] of TABLE) {
    for (const row of rows) {
      test(`${filter.name}: ${row.name} → ${row.passes ? 'passes' : 'rejects'}`, () => {
        const reason = filter.reject(fakeHost(row.host), req(row.req));
        if (row.passes) assert.equal(reason, null);
        else {
          assert.equal(typeof reason, 'string');
          if (row.reason) assert.match(reason!, row.reason);
        }
      });
    }
  }

  test('firstRejection names the first failing filter and its kind, in FILTERS order', () => {
    const r = firstRejection(fakeHost({ state: 'fault', hostType: 's3', usedVcpus: 74 }), req());
    assert.deepEqual({ filter: r?.filter, kind: r?.kind }, { filter: 'HostStateFilter', kind: 'state' });
    assert.equal(firstRejection(fakeHost(), req()), null);
    assert.deepEqual(FILTERS.map((f) => f.name), [
      'ProjectFilter', 'HostStateFilter', 'AvailabilityZoneFilter', 'AutoPlacementFilter', 'FlavorFilter', 'VcpuFilter', 'RamFilter',
    ]);
  });
});
