import { ipInUse, ipOf, LAST_OFFSET, networkFull, nextUsableOffset, offsetOf } from '../domain/addresses.js';
import type { Executor } from './store.js';
import { statement } from './statement.js';

// Fixed IPs per (project, network), in O(log n): the lowest free address is the smallest
// freed offset (index seek on fixed_ips_free_idx) or else the network's cursor. Callers hold
// the project's write guard (ComputeQuotas.consume), so two creates never pick the same one;
// the primary key would refuse it anyway.

// The statements of every ECS create without a fixed_ip, compiled once (statement.ts).
const head = statement<{ free_ip: string | null; next_offset: number | null }>((db, $) => db.selectNoFrom((eb) => [
  eb.selectFrom('fixed_ips').select('ip')
    .where('project_id', '=', $(0)).where('network', '=', $(1)).where('server_id', 'is', null)
    .where('ip_offset', 'is not', null).orderBy('ip_offset').limit(1).as('free_ip'),
  eb.selectFrom('fixed_ip_cursors').select('next_offset')
    .where('project_id', '=', $(0)).where('network', '=', $(1)).as('next_offset'),
]));
const takeFreed = statement((db, $) => db.updateTable('fixed_ips').set({ server_id: $(3) })
  .where('project_id', '=', $(0)).where('network', '=', $(1)).where('ip', '=', $(2)));
const claimNew = statement<{ ip: string }>((db, $) => db.insertInto('fixed_ips')
  .values({ project_id: $(0), network: $(1), ip: $(2), ip_offset: $(3), server_id: $(4) })
  .onConflict((oc) => oc.columns(['project_id', 'network', 'ip']).doNothing()).returning('ip'));
const moveCursor = statement((db, $) => db.insertInto('fixed_ip_cursors').values({ project_id: $(0), network: $(1), next_offset: $(2) })
  .onConflict((oc) => oc.columns(['project_id', 'network']).doUpdateSet({ next_offset: $(2) })));

export const fixedIpRepo = {
  /** Hands out `wanted` or the lowest free address to `serverId`. @raises BadRequest (in use, network full) */
  async allocate(tx: Executor, projectId: string, network: string, serverId: string, wanted?: string): Promise<string> {
    if (wanted !== undefined) {
      const row = await tx.selectFrom('fixed_ips').select('server_id')
        .where('project_id', '=', projectId).where('network', '=', network).where('ip', '=', wanted).executeTakeFirst();
      if (row && row.server_id !== null) throw ipInUse(wanted);
      if (row) {
        await tx.updateTable('fixed_ips').set({ server_id: serverId })
          .where('project_id', '=', projectId).where('network', '=', network).where('ip', '=', wanted).execute();
      } else {
        await tx.insertInto('fixed_ips').values({ project_id: projectId, network, ip: wanted, ip_offset: offsetOf(wanted), server_id: serverId }).execute();
      }
      return wanted;
    }
    // One read for both sources: the lowest freed address and the network's cursor.
    const h = await head.first(tx, [projectId, network]);
    if (!h) throw new Error('fixed IP head: a select without FROM returned no row');
    if (h.free_ip !== null && h.free_ip !== undefined) {
      await takeFreed.affected(tx, [projectId, network, h.free_ip, serverId]);
      return h.free_ip;
    }
    let o = nextUsableOffset(h.next_offset === null || h.next_offset === undefined ? 0 : Number(h.next_offset));
    // Offsets a client took explicitly (fixed_ip) ahead of the cursor are stepped over: the
    // insert claims the address unless its row exists already (the primary key decides).
    for (;;) {
      if (o > LAST_OFFSET) throw networkFull();
      const ins = await claimNew.first(tx, [projectId, network, ipOf(o), o, serverId]);
      if (ins) break;
      o = nextUsableOffset(o + 1);
    }
    await moveCursor.affected(tx, [projectId, network, o + 1]);
    return ipOf(o);
  },

  /** The server's addresses are free again (its row stays, so the cursor never goes back). */
  async release(tx: Executor, serverId: string): Promise<void> {
    await tx.updateTable('fixed_ips').set({ server_id: null }).where('server_id', '=', serverId).execute();
  },
};
