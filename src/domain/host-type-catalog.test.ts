import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_TYPES, type HostTypeSpec } from './host-type-catalog.js';

// Expectations written down independently of the catalog, from
// reference/user-manual/product_introduction/categories_and_types/*.rst.

/** Host types the manual documents, in the manual's order, with the flavor-name prefix its tables use. */
const EXPECTED: ReadonlyArray<{ hostType: string; hostTypeName: string; prefix: string; flavorCount: number }> = [
  { hostType: 's2', hostTypeName: 'general_purpose', prefix: 's2.', flavorCount: 24 },
  // s2-medium DeHs take S2 ECSs (general-purpose_dehs.rst, Table 5).
  { hostType: 's2-medium', hostTypeName: 'general_purpose', prefix: 's2.', flavorCount: 24 },
  { hostType: 's3', hostTypeName: 'general_purpose', prefix: 's3.', flavorCount: 24 },
  { hostType: 'c3', hostTypeName: 'dedicated_general_purpose', prefix: 'c3.', flavorCount: 12 },
  { hostType: 'c4', hostTypeName: 'dedicated_general_purpose', prefix: 'c4.', flavorCount: 16 },
  { hostType: 'm3', hostTypeName: 'memory_optimized', prefix: 'm3.', flavorCount: 6 },
  { hostType: 'm4', hostTypeName: 'memory_optimized', prefix: 'm4.', flavorCount: 8 },
  { hostType: 'i3', hostTypeName: 'disk_intensive', prefix: 'i3.', flavorCount: 5 },
  // i3_pro DeHs take i3.*.8 ECSs (disk-intensive_dehs.rst, Table 5).
  { hostType: 'i3_pro', hostTypeName: 'disk_intensive', prefix: 'i3.', flavorCount: 5 },
  { hostType: 'i3m', hostTypeName: 'disk_intensive', prefix: 'i3m.', flavorCount: 5 },
];

/**
 * "Number of vCPUs = (sockets x cores x threads - CPU overheads) x CPU overcommitment ratio",
 * with the overheads and ratios from the notes in the rst files. Disk-intensive types have no formula.
 */
const VCPU_FORMULA: Readonly<Record<string, { overhead: number; ratio: number }>> = {
  s2: { overhead: 16, ratio: 2 },
  's2-medium': { overhead: 12, ratio: 2 },
  s3: { overhead: 16, ratio: 3 },
  c3: { overhead: 12, ratio: 1 },
  c4: { overhead: 14, ratio: 1 },
  m3: { overhead: 12, ratio: 1 },
  m4: { overhead: 12, ratio: 1 },
};

/** Rows whose RAM the manual states differently from vCPUs × the name's ".N" suffix (GiB). */
const RATIO_EXCEPTIONS: ReadonlyMap<string, number> = new Map([
  ['c3/c3.15xlarge.2', 128],
  ['c3/c3.15xlarge.4', 256],
  ['m3/m3.15xlarge.8', 512],
  ['i3_pro/i3.8xlarge.8', 192],
  ['i3_pro/i3.12xlarge.8', 256],
]);

function byType(hostType: string): HostTypeSpec {
  const spec = HOST_TYPES.find((h) => h.hostType === hostType);
  assert.ok(spec, `host type ${hostType} missing`);
  return spec;
}

test('catalog holds exactly the ten documented host types, each once', () => {
  const names = HOST_TYPES.map((h) => h.hostType);
  assert.equal(new Set(names).size, names.length, 'duplicate hostType');
  assert.deepEqual(names, EXPECTED.map((e) => e.hostType));
});

test('hostTypeName follows the manual category of each type', () => {
  for (const e of EXPECTED) {
    assert.equal(byType(e.hostType).hostTypeName, e.hostTypeName, e.hostType);
    assert.match(byType(e.hostType).hostTypeName, /^[a-z]+(_[a-z]+)*$/);
  }
});

test('flavor counts equal the row counts of the manual tables', () => {
  for (const e of EXPECTED) {
    assert.equal(byType(e.hostType).flavors.length, e.flavorCount, e.hostType);
  }
});

test('flavor names are unique within a type and carry the family prefix', () => {
  for (const e of EXPECTED) {
    const spec = byType(e.hostType);
    const names = spec.flavors.map((f) => f.name);
    assert.equal(new Set(names).size, names.length, `duplicate flavor in ${e.hostType}`);
    for (const name of names) {
      assert.ok(name.startsWith(e.prefix), `${name} on ${e.hostType} should start with ${e.prefix}`);
      assert.match(name, /^[a-z][a-z0-9]*\.(medium|large|\d*xlarge)\.\d+$/, name);
    }
  }
});

test('every flavor fits on an empty host of its type', () => {
  for (const spec of HOST_TYPES) {
    assert.ok(spec.flavors.length > 0, `${spec.hostType} has no flavors`);
    for (const f of spec.flavors) {
      assert.ok(Number.isInteger(f.vcpus) && f.vcpus > 0, `${f.name} vcpus`);
      assert.ok(Number.isInteger(f.ramMb) && f.ramMb > 0 && f.ramMb % 1024 === 0, `${f.name} ramMb`);
      assert.ok(f.vcpus <= spec.vcpus, `${f.name} vcpus ${f.vcpus} > ${spec.hostType} ${spec.vcpus}`);
      assert.ok(f.ramMb <= spec.memoryMb, `${f.name} ramMb ${f.ramMb} > ${spec.hostType} ${spec.memoryMb}`);
    }
  }
});

test('host capacity is consistent with sockets x cores and the manual vCPU formula', () => {
  for (const spec of HOST_TYPES) {
    assert.equal(spec.memoryMb % 1024, 0, `${spec.hostType} memory is whole GB`);
    const threads = spec.sockets * spec.cores * 2;
    const formula = VCPU_FORMULA[spec.hostType];
    if (formula) {
      assert.equal(spec.vcpus, (threads - formula.overhead) * formula.ratio, spec.hostType);
    } else {
      // No formula for disk-intensive DeHs: they are not overcommitted (vCPUs <= hyper-threads).
      assert.ok(spec.vcpus <= threads, spec.hostType);
    }
  }
});

test('flavor vCPUs follow the size name (medium 1, large 2, xlarge 4, Nxlarge 4N)', () => {
  for (const spec of HOST_TYPES) {
    for (const f of spec.flavors) {
      const size = f.name.split('.')[1] ?? '';
      const n = /^(\d*)xlarge$/.exec(size);
      const expected = size === 'medium' ? 1 : size === 'large' ? 2 : n ? 4 * Number(n[1] || '1') : NaN;
      assert.equal(f.vcpus, expected, `${spec.hostType}/${f.name}`);
    }
  }
});

test('flavor RAM is vCPUs x the name suffix in GiB, except the rows the manual states otherwise', () => {
  for (const spec of HOST_TYPES) {
    for (const f of spec.flavors) {
      const key = `${spec.hostType}/${f.name}`;
      const suffix = Number(f.name.split('.')[2]);
      const gib = RATIO_EXCEPTIONS.get(key) ?? f.vcpus * suffix;
      assert.equal(f.ramMb, gib * 1024, key);
    }
  }
  // Every listed exception must still exist in the catalog.
  for (const key of RATIO_EXCEPTIONS.keys()) {
    const [hostType, name] = key.split('/');
    assert.ok(byType(hostType ?? '').flavors.some((f) => f.name === name), `${key} not in catalog`);
  }
});

test('spot values checked by hand against the manual', () => {
  const s2 = byType('s2');
  assert.equal(s2.vcpus, 144);
  assert.equal(s2.memoryMb, 720896);
  assert.equal(s2.sockets, 2);
  assert.equal(s2.cores, 22);

  assert.equal(byType('s2-medium').vcpus, 72);
  assert.equal(byType('s2-medium').memoryMb, 335872);
  assert.equal(byType('s3').vcpus, 264);
  assert.equal(byType('s3').memoryMb, 718848);
  assert.equal(byType('m4').vcpus, 76);
  assert.equal(byType('m4').memoryMb, 622592);
  assert.equal(byType('i3m').vcpus, 64);
  assert.equal(byType('i3_pro').memoryMb, 655360);

  // The API reference's c4 example host (api/querying_details_about_a_deh.rst, CONTRACT.md 2.0).
  const c4 = byType('c4');
  assert.deepEqual(
    { vcpus: c4.vcpus, cores: c4.cores, sockets: c4.sockets, memory: c4.memoryMb, name: c4.hostTypeName },
    { vcpus: 74, cores: 22, sockets: 2, memory: 303104, name: 'dedicated_general_purpose' },
  );
  for (const flavor of ['c4.large.4', 'c4.xlarge.4', 'c4.2xlarge.4', 'c4.3xlarge.4', 'c4.6xlarge.4', 'c4.16xlarge.4']) {
    assert.ok(c4.flavors.some((f) => f.name === flavor), flavor);
  }

  assert.deepEqual(c4.flavors[0], { name: 'c4.large.2', vcpus: 2, ramMb: 4096 });
  assert.deepEqual(c4.flavors.at(-1), { name: 'c4.16xlarge.4', vcpus: 64, ramMb: 262144 });
  assert.deepEqual(byType('c3').flavors[5], { name: 'c3.15xlarge.2', vcpus: 60, ramMb: 131072 });
  assert.deepEqual(byType('m3').flavors.at(-1), { name: 'm3.15xlarge.8', vcpus: 60, ramMb: 524288 });
  assert.deepEqual(byType('i3_pro').flavors[2], { name: 'i3.8xlarge.8', vcpus: 32, ramMb: 196608 });
  assert.deepEqual(byType('i3m').flavors[3], { name: 'i3m.12xlarge.8', vcpus: 48, ramMb: 393216 });
  assert.deepEqual(byType('s2-medium').flavors[0], { name: 's2.medium.1', vcpus: 1, ramMb: 1024 });
});
