import { ipInUse, ipOf, LAST_OFFSET, networkFull, nextUsableOffset, offsetOf } from '../domain/addresses.js';
import type { Executor } from './store.js';

// Fixed IPs per (project, network), in O(log n): the lowest free address is the smallest
// freed offset (index seek on fixed_ips_free_idx) or else the network's cursor. Callers hold
// the project's write guard (ComputeQuotas.consume), so two creates never pick the same one;
// the primary key would refuse it anyway.

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
    const head = await tx.selectNoFrom((eb) => [
      eb.selectFrom('fixed_ips').select('ip')
        .where('project_id', '=', projectId).where('network', '=', network).where('server_id', 'is', null)
        .where('ip_offset', 'is not', null).orderBy('ip_offset').limit(1).as('free_ip'),
      eb.selectFrom('fixed_ip_cursors').select('next_offset')
        .where('project_id', '=', projectId).where('network', '=', network).as('next_offset'),
    ]).executeTakeFirstOrThrow();
    if (head.free_ip !== null && head.free_ip !== undefined) {
      await tx.updateTable('fixed_ips').set({ server_id: serverId })
        .where('project_id', '=', projectId).where('network', '=', network).where('ip', '=', head.free_ip).execute();
      return head.free_ip;
    }
    let o = nextUsableOffset(head.next_offset === null || head.next_offset === undefined ? 0 : Number(head.next_offset));
    // Offsets a client took explicitly (fixed_ip) ahead of the cursor are stepped over: the
    // insert claims the address unless its row exists already (the primary key decides).
    for (;;) {
      if (o > LAST_OFFSET) throw networkFull();
      const ins = await tx.insertInto('fixed_ips').values({ project_id: projectId, network, ip: ipOf(o), ip_offset: o, server_id: serverId })
        .onConflict((oc) => oc.columns(['project_id', 'network', 'ip']).doNothing()).returning('ip').executeTakeFirst();
      if (ins) break;
      o = nextUsableOffset(o + 1);
    }
    await tx.insertInto('fixed_ip_cursors').values({ project_id: projectId, network, next_offset: o + 1 })
      .onConflict((oc) => oc.columns(['project_id', 'network']).doUpdateSet({ next_offset: o + 1 })).execute();
    return ipOf(o);
  },

  /** The server's addresses are free again (its row stays, so the cursor never goes back). */
  async release(tx: Executor, serverId: string): Promise<void> {
    await tx.updateTable('fixed_ips').set({ server_id: null }).where('server_id', '=', serverId).execute();
  },
};
