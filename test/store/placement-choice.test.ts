import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FLAVORS } from '../../src/domain/flavors.js';
import { HOST_TYPES } from '../../src/domain/host-type-catalog.js';
import type { Host } from '../../src/domain/host.js';
import { timeOrderedUuid } from '../../src/domain/ids.js';
import { firstRejection } from '../../src/scheduler/filters.js';
import { selectHost } from '../../src/scheduler/select-host.js';
import { weighersFor } from '../../src/scheduler/weighers.js';
import { Placement } from '../../src/services/placement.js';
import { loadConfig } from '../../src/config.js';
import { hostRepo, hostRowToHost } from '../../src/store/host-repo.js';
import type { Store } from '../../src/store/store.js';
import type { HostsTable } from '../../src/store/tables.js';
import { freshServices } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';

// Property: auto-placement (SQL candidate walks, one row per AZ and host type, then the pure
// filters and weighers) picks exactly the host the pure scheduler picks from EVERY host of the
// project — or refuses exactly when it finds none. Hosts of random types, AZs, states,
// auto_placement and usage, beside another project's; both strategies; with and without an AZ.

const AZS = ['eu-de-01', 'eu-de-02'];
const TYPES = HOST_TYPES.map((t) => t.hostType);
const DEH_FLAVORS = [...FLAVORS.values()].filter((f) => f.hostTypes.length > 0).map((f) => f.name);
const RUNS = 60;

// Types mostly among those that accept the flavor, so candidates compete (and tie).
const hostArb = (fitting: readonly string[]) => fc.record({
  type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fitting) }, { weight: 1, arbitrary: fc.constantFrom(...TYPES) }), az: fc.constantFrom(...AZS),
  state: fc.constantFrom('available', 'available', 'available', 'available', 'available', 'fault', 'released'),
  auto: fc.constantFrom('on', 'on', 'on', 'on', 'off'),
  // Usage as a share of the capacity; 1 = full. Equal shares give ties on free memory.
  vcpuShare: fc.constantFrom(0, 0, 0, 0.5, 0.99, 1), memShare: fc.constantFrom(0, 0, 0, 0.5, 0.99, 1),
  other: fc.boolean(),
});

for (const dialect of DIALECTS) {
  describe(`auto-placement choice [${dialect}]`, () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => {
      const fresh = await freshServices(dialect, loadConfig({ OPENDEH_LOG_LEVEL: 'silent' }), 2);
      store = fresh.services.store;
      close = fresh.close;
    });
    after(async () => close());

    test('property: the SQL walks choose what the pure scheduler chooses from every host', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...DEH_FLAVORS).chain((f) => fc.tuple(fc.constant(f), fc.array(fc.tuple(hostArb(FLAVORS.get(f)!.hostTypes), fc.integer({ min: 1, max: 3 })), { maxLength: 8 })
          // Identical hosts (1–3 of each spec) tie on free memory: the tie-break is checked too.
          .map((groups) => groups.flatMap(([h, n]) => Array.from({ length: n }, () => h))))),
        fc.constantFrom(undefined, ...AZS), fc.constantFrom('spread' as const, 'pack' as const),
        async ([flavorName, specs], az, strategy) => {
          const projectId = `p-choice-${run++}`;
          const now = Date.now();
          const rows: HostsTable[] = specs.map((s) => {
            const t = HOST_TYPES.find((x) => x.hostType === s.type)!;
            const usedVcpus = Math.floor(t.vcpus * s.vcpuShare);
            const usedMem = Math.floor(t.memoryMb * s.memShare);
            return {
              id: timeOrderedUuid(now), project_id: s.other ? `${projectId}-other` : projectId, name: 'h', host_type: t.hostType,
              availability_zone: s.az, auto_placement: s.auto, state: s.state as HostsTable['state'], vcpus: t.vcpus, memory_mb: t.memoryMb,
              used_vcpus: usedVcpus, used_memory_mb: usedMem, free_memory_mb: t.memoryMb - usedMem, instance_total: 0, generation: 0,
              allocated_at: '2026-12-07T00:00:00Z', released_at: s.state === 'released' ? '2026-12-07T00:00:00Z' : null, updated_at: '2026-12-07T00:00:00Z',
            };
          });
          if (rows.length) await store.write((tx) => hostRepo.insert(tx, rows));
          const flavor = FLAVORS.get(flavorName)!;
          const req = { projectId, flavor: flavorName, demand: { vcpus: flavor.vcpus, ramMb: flavor.ramMb }, availabilityZone: az };
          const placement = new Placement(() => new Date(now), { strategy, availabilityZones: AZS });
          const everyHost: Host[] = rows.filter((r) => r.project_id === projectId).map(hostRowToHost);
          const expected = selectHost(everyHost, { ...req, namedHost: false }, weighersFor(strategy)).host;
          let chosen: string | null = null;
          // Rolled back: each run sees only its own hosts' usage as inserted.
          const rollback = new Error('rollback');
          await store.write(async (tx) => {
            try {
              chosen = (await placement.claimAuto(tx, req)).id;
            } catch (e) {
              if (e === rollback) throw e;
              chosen = null;
            }
            throw rollback;
          }).catch((e) => { if (e !== rollback) throw e; });
          assert.equal(chosen, expected?.id ?? null, `flavor ${flavorName}, az ${az}, ${strategy}`);
        },
      ), { numRuns: RUNS, seed: 20261207 });
    });

    // A named host is claimed in one conditional update (host-repo claimNamedInOne) and read
    // and filtered in code only when that claims nothing: the outcome must be exactly the pure
    // filters' — claimed with the demand added, or the error kind of the first rejection.
    test('property: a named claim succeeds exactly when the pure filters pass it, and adds exactly the demand', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...DEH_FLAVORS).chain((f) => fc.tuple(fc.constant(f), hostArb(FLAVORS.get(f)!.hostTypes))),
        fc.constantFrom(undefined, ...AZS),
        async ([flavorName, spec], az) => {
          const projectId = `p-named-${run++}`;
          const t = HOST_TYPES.find((x) => x.hostType === spec.type)!;
          const usedVcpus = Math.floor(t.vcpus * spec.vcpuShare);
          const usedMem = Math.floor(t.memoryMb * spec.memShare);
          const row: HostsTable = {
            id: timeOrderedUuid(), project_id: spec.other ? `${projectId}-other` : projectId, name: 'h', host_type: t.hostType,
            availability_zone: spec.az, auto_placement: spec.auto, state: spec.state as HostsTable['state'], vcpus: t.vcpus, memory_mb: t.memoryMb,
            used_vcpus: usedVcpus, used_memory_mb: usedMem, free_memory_mb: t.memoryMb - usedMem, instance_total: 2, generation: 5,
            allocated_at: '2026-12-07T00:00:00Z', released_at: spec.state === 'released' ? '2026-12-07T00:00:00Z' : null, updated_at: '2026-12-07T00:00:00Z',
          };
          await store.write((tx) => hostRepo.insert(tx, [row]));
          const flavor = FLAVORS.get(flavorName)!;
          const req = { projectId, flavor: flavorName, demand: { vcpus: flavor.vcpus, ramMb: flavor.ramMb }, availabilityZone: az };
          const placement = new Placement(() => new Date(), { strategy: 'spread', availabilityZones: AZS });
          const host = hostRowToHost(row);
          // A host of another project, or released, is "not found" (400) before any filter.
          const visible = row.project_id === projectId && row.state !== 'released';
          const rejection = visible ? firstRejection(host, { ...req, namedHost: true }) : { kind: 'project' };
          let outcome: string;
          try {
            await store.write((tx) => placement.claimNamed(tx, row.id, req));
            outcome = 'claimed';
          } catch (e) {
            outcome = (e as Error).constructor.name;
          }
          const after = (await store.read((ex) => hostRepo.get(ex, null, row.id)))!;
          if (rejection === null) {
            assert.equal(outcome, 'claimed', `${flavorName} on ${t.hostType}, az ${az}`);
            assert.deepEqual([after.usedVcpus, after.usedMemoryMb, after.instanceTotal, after.generation],
              [usedVcpus + flavor.vcpus, usedMem + flavor.ramMb, 3, 6]);
          } else {
            const expected = { project: 'BadRequest', state: 'InvalidState', availability_zone: 'Conflict', flavor: 'Conflict', capacity: 'InsufficientCapacity' }[rejection.kind as string];
            assert.equal(outcome, expected, `${flavorName} on ${t.hostType} (${spec.state}), az ${az}: ${rejection.kind}`);
            assert.deepEqual([after.usedVcpus, after.usedMemoryMb, after.instanceTotal, after.generation], [usedVcpus, usedMem, 2, 5]);
          }
        },
      ), { numRuns: 150, seed: 20261208 });
    });
  });
}
