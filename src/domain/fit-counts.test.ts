import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyDemand, fits, type Inventory } from './capacity.js';
import { fitCounts } from './fit-counts.js';
import { HOST_TYPES } from './host-type-catalog.js';

// The per-flavor fit counts against brute force: starting from a random usage of a DeH of
// every type, claim the flavor one ECS at a time (the same `fits`/`applyDemand` placement
// uses) until it no longer fits, and count.

function bruteForce(inv: Inventory, f: { vcpus: number; ramMb: number }): number {
  let n = 0;
  let cur = inv;
  while (fits(cur, { vcpus: f.vcpus, ramMb: f.ramMb })) {
    cur = applyDemand(cur, { vcpus: f.vcpus, ramMb: f.ramMb }, 1);
    n++;
  }
  return n;
}

for (const type of HOST_TYPES) {
  test(`fit counts equal brute force on every usage of a ${type.hostType} DeH`, () => {
    // Usage is reached by real claims of the type's flavors, so it is always a usage the DeH can have.
    const claims = fc.array(fc.constantFrom(...type.flavors), { maxLength: 40 });
    fc.assert(fc.property(claims, (picked) => {
      let inv: Inventory = { vcpus: type.vcpus, memoryMb: type.memoryMb, usedVcpus: 0, usedMemoryMb: 0 };
      for (const f of picked) if (fits(inv, f)) inv = applyDemand(inv, f, 1);
      const counts = fitCounts(inv, 'available', type.flavors);
      assert.deepEqual(counts.map((c) => c.flavor), type.flavors.map((f) => f.name));
      for (const [i, f] of type.flavors.entries()) assert.equal(counts[i].count, bruteForce(inv, f), f.name);
      assert.ok(fitCounts(inv, 'fault', type.flavors).every((c) => c.count === 0));
    }), { numRuns: 150 });
  });
}

test('arbitrary usage (not only sums of flavors), and the exact-fill flavors', () => {
  fc.assert(fc.property(fc.constantFrom(...HOST_TYPES), fc.nat(), fc.nat(), (type, a, b) => {
    const inv: Inventory = { vcpus: type.vcpus, memoryMb: type.memoryMb, usedVcpus: a % (type.vcpus + 1), usedMemoryMb: b % (type.memoryMb + 1) };
    for (const c of fitCounts(inv, 'available', type.flavors)) {
      assert.equal(c.count, bruteForce(inv, type.flavors.find((f) => f.name === c.flavor)!));
    }
  }), { numRuns: 500 });
  const c3 = HOST_TYPES.find((t) => t.hostType === 'c3')!;
  const empty: Inventory = { vcpus: c3.vcpus, memoryMb: c3.memoryMb, usedVcpus: 0, usedMemoryMb: 0 };
  assert.equal(fitCounts(empty, 'available', c3.flavors).find((c) => c.flavor === 'c3.15xlarge.4')!.count, 1);
});
