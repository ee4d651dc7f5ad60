import { sql, type Kysely } from 'kysely';
import { openDb } from '../../src/store/dialects.js';
import type { Database } from '../../src/store/tables.js';

// Invariants read straight from the database the servers write to, not through the API.

export interface Violations { readonly problems: string[]; readonly hosts: number; readonly servers: number }

export async function checkInvariants(dbUrl: string): Promise<Violations> {
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    return await checkDb(db);
  } finally {
    await db.destroy();
  }
}

/** The same checks on an open database (the in-process API tests pass their store's). */
export async function checkDb(db: Kysely<Database>): Promise<Violations> {
  const problems: string[] = [];
  {
    const hosts = await db.selectFrom('hosts').selectAll().execute();
    const sums = await db.selectFrom('servers').select(['host_id',
      sql<number>`sum(vcpus)`.as('v'), sql<number>`sum(ram_mb)`.as('m'), sql<number>`count(*)`.as('n')])
      .where('deleted_at', 'is', null).where('host_id', 'is not', null).groupBy('host_id').execute();
    const byHost = new Map(sums.map((s) => [s.host_id, { v: Number(s.v), m: Number(s.m), n: Number(s.n) }]));
    for (const h of hosts) {
      const s = byHost.get(h.id) ?? { v: 0, m: 0, n: 0 };
      if (h.used_vcpus !== s.v) problems.push(`host ${h.id}: used_vcpus ${h.used_vcpus} ≠ sum of its ECSs ${s.v}`);
      if (h.used_memory_mb !== s.m) problems.push(`host ${h.id}: used_memory_mb ${h.used_memory_mb} ≠ sum of its ECSs ${s.m}`);
      if (h.instance_total !== s.n) problems.push(`host ${h.id}: instance_total ${h.instance_total} ≠ ${s.n}`);
      if (h.used_vcpus > h.vcpus || h.used_memory_mb > h.memory_mb) problems.push(`host ${h.id}: over capacity`);
      if (h.state === 'released' && s.n > 0) problems.push(`host ${h.id}: released with ${s.n} ECSs`);
    }
    // Quota: no project holds more live hosts of a type than its hard limit.
    const limits = await db.selectFrom('host_quotas').selectAll().execute();
    for (const l of limits) {
      if (l.hard_limit < 0) continue;
      const n = hosts.filter((h) => h.project_id === l.project_id && h.host_type === l.resource && h.state !== 'released').length;
      if (n > l.hard_limit) problems.push(`project ${l.project_id}: ${n} ${l.resource} hosts > hard limit ${l.hard_limit}`);
    }
    // Recorded ECS usage per project equals what counting the live servers gives.
    const usage = await db.selectFrom('servers').select(['project_id', sql<number>`count(*)`.as('n'), sql<number>`sum(vcpus)`.as('v'), sql<number>`sum(ram_mb)`.as('m')])
      .where('deleted_at', 'is', null).groupBy('project_id').execute();
    const counted = new Map(usage.map((u) => [u.project_id, [Number(u.n), Number(u.v), Number(u.m)]]));
    for (const g of await db.selectFrom('project_guards').selectAll().execute()) {
      const want = counted.get(g.project_id) ?? [0, 0, 0];
      const got = [Number(g.ecs_instances), Number(g.ecs_cores), Number(g.ecs_ram)];
      if (got.join() !== want.join()) problems.push(`project ${g.project_id}: recorded ECS usage ${got} ≠ counted ${want}`);
    }
    // Fixed IPs: every address of a live server is its own in fixed_ips, and no two live
    // servers of a project hold the same address on a network.
    const owners = new Map((await db.selectFrom('fixed_ips').select(['project_id', 'network', 'ip', 'server_id']).execute())
      .map((f) => [`${f.project_id}|${f.network}|${f.ip}`, f.server_id]));
    const holder = new Map<string, string>();
    for (const sv of await db.selectFrom('servers').select(['id', 'project_id', 'networks']).where('deleted_at', 'is', null).execute()) {
      for (const nic of JSON.parse(sv.networks) as { label: string; addr: string }[]) {
        const key = `${sv.project_id}|${nic.label}|${nic.addr}`;
        if (holder.has(key)) problems.push(`address ${nic.addr} on ${nic.label}: held by servers ${holder.get(key)} and ${sv.id}`);
        holder.set(key, sv.id);
        if (owners.get(key) !== sv.id) problems.push(`address ${nic.addr} on ${nic.label}: server ${sv.id} holds it, fixed_ips says ${owners.get(key) ?? 'nothing'}`);
      }
    }
    // Physical pool: a server backs at most one DeH and a DeH at most one server; an allocated
    // server backs a working DeH, a faulty one a failed (or released) one, a free one nothing.
    const physical = await db.selectFrom('physical_servers').selectAll().execute();
    const hostById = new Map(hosts.map((h) => [h.id, h]));
    const backed = new Map<string, string>();
    for (const p of physical) {
      if (p.host_id !== null) {
        if (backed.has(p.host_id)) problems.push(`host ${p.host_id}: backed by physical servers ${backed.get(p.host_id)} and ${p.name}`);
        backed.set(p.host_id, p.name);
      }
      const h = p.host_id === null ? undefined : hostById.get(p.host_id);
      if (p.state === 'free' && p.host_id !== null) problems.push(`physical ${p.name}: free but backs ${p.host_id}`);
      if (p.state === 'allocated' && h?.state !== 'available') problems.push(`physical ${p.name}: allocated to ${p.host_id} in state ${h?.state ?? 'missing'}`);
      if (p.state === 'allocated' && h && (h.availability_zone !== p.availability_zone || h.host_type !== p.host_type)) problems.push(`physical ${p.name}: backs a DeH of another AZ/type`);
      if (p.state === 'faulty' && h && h.state === 'available') problems.push(`physical ${p.name}: faulty but its DeH ${h.id} is available`);
    }
    const servers = await db.selectFrom('servers').select('id').where('deleted_at', 'is', null).execute();
    return { problems, hosts: hosts.length, servers: servers.length };
  }
}

/** Hosts per allocation name: all-or-nothing means every name has 0 or exactly `quantity` hosts. */
export async function hostsByName(dbUrl: string, projectId: string): Promise<Map<string, number>> {
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    const rows = await db.selectFrom('hosts').select(['name', sql<number>`count(*)`.as('n')]).where('project_id', '=', projectId).groupBy('name').execute();
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  } finally {
    await db.destroy();
  }
}
