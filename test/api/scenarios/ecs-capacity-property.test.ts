import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIALECTS } from '../../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../../support/app.js';
import { action, createServer, hostAccounting, hostRow, nova, serverRowsOn } from '../../support/compute.js';
import { FLAVORS } from '../../../src/domain/flavors.js';

// Property: whatever sequence of creates, deletes, resizes (confirmed, reverted or left
// waiting), migrations and concurrent bursts a client sends — and whichever of them are
// refused — no DeH ever has negative free capacity, and each DeH's available_vcpus /
// available_memory / instance_total equal its capacity minus the sum of the flavors of the
// ECSs on it (an ECS waiting in VERIFY_RESIZE counts the larger of its old and new flavor).
// Checked after every command through the API (the DeH and the compute views, which are
// kept separately) and on the rows themselves.

const HOST = { vcpus: 74, mem: 303104 };
const FLAVOR_NAMES = ['c4.large.2', 'c4.xlarge.4', 'c4.4xlarge.4', 'c4.8xlarge.2', 'c4.16xlarge.4', 's3.large.2'];
const RUNS = 30;
const COMMANDS = 25;

type Target = { kind: 'host'; i: number } | { kind: 'auto' } | { kind: 'shared' };
type Cmd =
  | { op: 'create'; flavor: string; target: Target }
  | { op: 'burst'; flavors: string[]; target: Target }
  | { op: 'delete'; s: number }
  | { op: 'resize'; s: number; flavor: string; then: 'confirm' | 'revert' | 'wait' }
  | { op: 'finish'; s: number; confirm: boolean }
  | { op: 'migrate'; s: number; to: number | null };

const flavor = fc.constantFrom(...FLAVOR_NAMES);
const target: fc.Arbitrary<Target> = fc.oneof(
  fc.record({ kind: fc.constant('host' as const), i: fc.nat(2) }),
  fc.constant({ kind: 'auto' as const }),
  fc.constant({ kind: 'shared' as const }),
);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('create' as const), flavor, target }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), flavors: fc.array(flavor, { minLength: 2, maxLength: 4 }), target }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), s: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('resize' as const), s: fc.nat(), flavor, then: fc.constantFrom('confirm' as const, 'revert' as const, 'wait' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('finish' as const), s: fc.nat(), confirm: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('migrate' as const), s: fc.nat(), to: fc.option(fc.nat(2), { nil: null }) }) },
);

for (const dialect of DIALECTS) {
  describe(`property: DeH accounting never drifts [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    async function run(cmds: Cmd[]): Promise<void> {
      const p = await t.newProject();
      const hosts = await allocate(t, p, { quantity: 3 });
      const hints = (tg: Target) => (tg.kind === 'shared' ? undefined
        : { tenancy: 'dedicated', ...(tg.kind === 'host' && { dedicated_host_id: hosts[tg.i] }) });
      const live = async (): Promise<any[]> => (await nova(t, p, 'GET', '/servers/detail')).json().servers;
      for (const c of cmds) {
        const servers = await live();
        const pick = (i: number) => servers[i % servers.length]?.id as string | undefined;
        if (c.op === 'create') {
          assertCode(await createServer(t, p, { flavor: c.flavor, hints: hints(c.target) }), [202, 409]);
        } else if (c.op === 'burst') {
          const rs = await Promise.all(c.flavors.map((f) => createServer(t, p, { flavor: f, hints: hints(c.target) })));
          for (const r of rs) assertCode(r, [202, 409]);
        } else if (c.op === 'delete' && pick(c.s)) {
          assertCode(await nova(t, p, 'DELETE', `/servers/${pick(c.s)}`), [204]);
        } else if (c.op === 'resize' && pick(c.s)) {
          const id = pick(c.s)!;
          const r = await action(t, p, id, { resize: { flavorRef: c.flavor } });
          assertCode(r, [202, 400, 409]);
          if (r.statusCode === 202 && c.then !== 'wait') {
            assertCode(await action(t, p, id, c.then === 'confirm' ? { confirmResize: null } : { revertResize: null }), [202, 204]);
          }
        } else if (c.op === 'finish') {
          const waiting = servers.filter((x) => x.status === 'VERIFY_RESIZE');
          const s = waiting[c.s % Math.max(1, waiting.length)];
          if (s) assertCode(await action(t, p, s.id, c.confirm ? { confirmResize: null } : { revertResize: null }), [202, 204]);
        } else if (c.op === 'migrate' && pick(c.s)) {
          const id = pick(c.s)!;
          const s = servers.find((x) => x.id === id);
          if (s.status === 'ACTIVE') assertCode(await action(t, p, id, { 'os-stop': null }), [202]);
          const to = c.to === null ? null : hosts[c.to];
          // 409 also when the ECS waits in VERIFY_RESIZE (only a stopped ECS migrates).
          assertCode(await action(t, p, id, { migrate: to === null ? null : { host: to } }), [202, 400, 409]);
        }
        await checkInvariant(t, p, hosts, await live());
      }
    }

    test(`${RUNS} runs × ${COMMANDS} commands`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: COMMANDS }), run), { numRuns: RUNS });
    });
  });
}

function assertCode(r: { statusCode: number; body: string }, ok: number[]): void {
  assert.ok(ok.includes(r.statusCode), `unexpected ${r.statusCode}: ${r.body}`);
}

/** What an ECS holds: its flavor, or during a resize the larger of old and new (per dimension). */
function claim(flavorId: string, oldFlavorId: string | null): { vcpus: number; ramMb: number } {
  const f = FLAVORS.get(flavorId)!;
  const o = oldFlavorId ? FLAVORS.get(oldFlavorId)! : f;
  return { vcpus: Math.max(f.vcpus, o.vcpus), ramMb: Math.max(f.ramMb, o.ramMb) };
}

async function checkInvariant(t: TestApp, p: TestProject, hosts: string[], servers: any[]): Promise<void> {
  for (const h of hosts) {
    const rows = await serverRowsOn(t, h);
    const oldFlavor = new Map(rows.map((r) => [r.id, r.old_flavor_id]));
    const on = servers.filter((s) => s['OS-EXT-SRV-ATTR:host'] === h);
    for (const s of on) assert.equal(oldFlavor.get(s.id) !== null, s.status === 'VERIFY_RESIZE', 'an old flavor is kept exactly while a resize waits');
    const claims = on.map((s) => claim(s.flavor.id, oldFlavor.get(s.id) ?? null));
    const vcpus = claims.reduce((n, c) => n + c.vcpus, 0);
    const mem = claims.reduce((n, c) => n + c.ramMb, 0);
    const a = await hostAccounting(t, p, h);
    assert.deepEqual(a, {
      availableVcpus: HOST.vcpus - vcpus, availableMemory: HOST.mem - mem, instanceTotal: on.length,
      instanceUuids: on.map((s) => s.id).sort(),
    });
    assert.ok(a.availableVcpus >= 0 && a.availableMemory >= 0);
    const row = await hostRow(t, h);
    const rowClaims = rows.map((r) => claim(r.flavor_id, r.old_flavor_id));
    const rowMem = rowClaims.reduce((n, c) => n + c.ramMb, 0);
    assert.deepEqual([row.used_vcpus, row.used_memory_mb, row.free_memory_mb, row.instance_total],
      [rowClaims.reduce((n, c) => n + c.vcpus, 0), rowMem, HOST.mem - rowMem, rows.length]);
    assert.deepEqual([row.used_vcpus, row.used_memory_mb], [vcpus, mem]);
  }
  // The project's recorded ECS usage (what quota checks read) equals the counted one.
  const quota = (await t.call('GET', `/compute/v2.1/${p.projectId}/os-quota-sets/${p.projectId}/detail`, { token: p.token })).json().quota_set;
  const guard = await t.services.store.read((ex) => ex.selectFrom('project_guards').selectAll().where('project_id', '=', p.projectId).executeTakeFirst());
  assert.deepEqual([Number(guard?.ecs_instances ?? 0), Number(guard?.ecs_cores ?? 0), Number(guard?.ecs_ram ?? 0)],
    [quota.instances.in_use, quota.cores.in_use, quota.ram.in_use]);
  assert.equal(quota.instances.in_use, servers.length);
}
