import type { Kysely } from 'kysely';

// Schema v3: fixed IPs get a table of their own. Picking "the lowest free address" used to
// read the networks of every live server of the project on every create — O(servers), and
// the cost the auto-placement benchmark saw grow with the project. Now:
// * fixed_ips holds one row per address ever handed out on a (project, network); server_id is
//   NULL while the address is free again. The primary key makes an address unique per network.
// * fixed_ip_cursors holds the next never-used offset of each network.
// The lowest free address is then the smallest freed offset (an index seek) or the cursor.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('fixed_ips')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('network', 'varchar(255)', (c) => c.notNull())
    .addColumn('ip', 'varchar(45)', (c) => c.notNull())
    .addColumn('ip_offset', 'integer') // position in 192.168.0.0/16; NULL for a fixed_ip outside it
    .addColumn('server_id', 'varchar(36)')
    .addPrimaryKeyConstraint('fixed_ips_pk', ['project_id', 'network', 'ip'])
    .execute();
  await db.schema.createIndex('fixed_ips_free_idx').on('fixed_ips').columns(['project_id', 'network', 'server_id', 'ip_offset']).execute();
  await db.schema.createIndex('fixed_ips_server_idx').on('fixed_ips').column('server_id').execute();
  await db.schema.createTable('fixed_ip_cursors')
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('network', 'varchar(255)', (c) => c.notNull())
    .addColumn('next_offset', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('fixed_ip_cursors_pk', ['project_id', 'network'])
    .execute();

  // Backfill from the servers that exist: their addresses are taken; each network's cursor
  // starts after its highest offset (lower gaps are recorded as free).
  const rows = await db.selectFrom('servers').select(['id', 'project_id', 'networks']).where('deleted_at', 'is', null).execute();
  const taken = new Map<string, { projectId: string; network: string; offsets: Set<number>; ips: [string, number | null, string][] }>();
  for (const r of rows as { id: string; project_id: string; networks: string }[]) {
    for (const nic of JSON.parse(r.networks) as { label: string; addr: string }[]) {
      const key = `${r.project_id}\n${nic.label}`;
      const e = taken.get(key) ?? { projectId: r.project_id, network: nic.label, offsets: new Set<number>(), ips: [] };
      const off = offsetOf(nic.addr);
      if (off !== null) e.offsets.add(off);
      e.ips.push([nic.addr, off, r.id]);
      taken.set(key, e);
    }
  }
  for (const e of taken.values()) {
    const max = Math.max(FIRST - 1, ...e.offsets);
    const values = e.ips.map(([ip, off, sid]) => ({ project_id: e.projectId, network: e.network, ip, ip_offset: off, server_id: sid }));
    for (let o = FIRST; o < max; o++) {
      if (!e.offsets.has(o) && usable(o)) values.push({ project_id: e.projectId, network: e.network, ip: ipOf(o), ip_offset: o, server_id: null as unknown as string });
    }
    for (let i = 0; i < values.length; i += 100) await db.insertInto('fixed_ips').values(values.slice(i, i + 100)).execute();
    await db.insertInto('fixed_ip_cursors').values({ project_id: e.projectId, network: e.network, next_offset: max + 1 }).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fixed_ip_cursors').execute();
  await db.schema.dropTable('fixed_ips').execute();
}

// Frozen copies of the address arithmetic of this schema version (migrations never import
// code that may change later).
const FIRST = 10;
const usable = (o: number) => (o & 255) !== 0 && (o & 255) !== 255;
const ipOf = (o: number) => `192.168.${o >> 8}.${o & 255}`;
function offsetOf(ip: string): number | null {
  const m = /^192\.168\.(\d+)\.(\d+)$/.exec(ip);
  return m ? Number(m[1]) * 256 + Number(m[2]) : null;
}
