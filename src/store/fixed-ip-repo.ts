import { ipInUse, ipOf, LAST_OFFSET, networkFull, nextUsableOffset, offsetOf } from '../domain/addresses.js';
import type { Executor } from './store.js';
import { statement } from './statement.js';

// Fixed IPs per (project, network), in O(log n): the lowest free address is the free row of
// the smallest offset (an index seek on fixed_ips_free_idx). Free rows are addresses given
// back by deleted servers and addresses made ready ahead of the network's cursor, POOL_STEP
// at a time, so the usual create takes its address in ONE statement (an update of that row,
// returning it) instead of three (read the lowest freed and the cursor; insert; move the
// cursor). Only free rows below the cursor are taken: an address a client chose ahead of the
// cursor and gave back waits until the cursor passes it, so what is taken is always the lowest
// free usable address (before the pool, such an address was taken before lower ones the cursor
// had not reached; the property test in test/store/fixed-ips.test.ts found it).
// Callers hold the project's write guard (ComputeQuotas.consume), so two creates never pick the
// same address; besides, taking a free row re-checks server_id IS NULL and a new row is an
// insert the primary key decides.

/** Addresses made ready per cursor move: the three extra statements are paid once per this many creates. */
export const POOL_STEP = 16;

// The statements of every ECS create without a fixed_ip, compiled once (statement.ts).
const takeLowestFree = statement<{ ip: string }>((db, $) => db.updateTable('fixed_ips').set({ server_id: $(2) })
  .where('project_id', '=', $(0)).where('network', '=', $(1))
  .where('ip', '=', (eb) => eb.selectFrom('fixed_ips as f').select('f.ip')
    .where('f.project_id', '=', $(0)).where('f.network', '=', $(1)).where('f.server_id', 'is', null)
    .where('f.ip_offset', '<', (c) => c.selectFrom('fixed_ip_cursors as k').select('k.next_offset')
      .where('k.project_id', '=', $(0)).where('k.network', '=', $(1)))
    .orderBy('f.ip_offset').limit(1))
  .where('server_id', 'is', null)
  .returning('ip'));
const cursorOf = statement<{ next_offset: number }>((db, $) => db.selectFrom('fixed_ip_cursors').select('next_offset')
  .where('project_id', '=', $(0)).where('network', '=', $(1)));
const moveCursor = statement((db, $) => db.insertInto('fixed_ip_cursors').values({ project_id: $(0), network: $(1), next_offset: $(2) })
  .onConflict((oc) => oc.columns(['project_id', 'network']).doUpdateSet({ next_offset: $(2) })));

export const fixedIpRepo = {
  /** Hands out `wanted` or the lowest free address to `serverId`. @raises BadRequest (in use, network full) */
  async allocate(tx: Executor, projectId: string, network: string, serverId: string, wanted?: string): Promise<string> {
    if (wanted !== undefined) {
      // Free (given back, or made ready) → taken; absent → a new row; anything else is in use.
      // Each step decides on the row itself (server_id IS NULL; the primary key), not on a read
      // before it.
      const took = await tx.updateTable('fixed_ips').set({ server_id: serverId })
        .where('project_id', '=', projectId).where('network', '=', network).where('ip', '=', wanted).where('server_id', 'is', null)
        .executeTakeFirst();
      if (Number(took.numUpdatedRows) === 1) return wanted;
      const inserted = await tx.insertInto('fixed_ips').values({ project_id: projectId, network, ip: wanted, ip_offset: offsetOf(wanted), server_id: serverId })
        .onConflict((oc) => oc.columns(['project_id', 'network', 'ip']).doNothing()).returning('ip').executeTakeFirst();
      if (!inserted) throw ipInUse(wanted);
      return wanted;
    }
    for (;;) {
      const taken = await takeLowestFree.first(tx, [projectId, network, serverId]);
      if (taken) return taken.ip;
      const c = await cursorOf.first(tx, [projectId, network]);
      await makeReady(tx, projectId, network, c ? Number(c.next_offset) : 0);
    }
  },

  /** The server's addresses are free again (its row stays, so the cursor never goes back). */
  async release(tx: Executor, serverId: string): Promise<void> {
    await tx.updateTable('fixed_ips').set({ server_id: null }).where('server_id', '=', serverId).execute();
  },
};

/**
 * The next POOL_STEP usable addresses from `cursor` (the network's) become free rows (those
 * a client took explicitly ahead of the cursor exist already and stay as they are), and the
 * cursor moves past them. @raises BadRequest (network full)
 */
async function makeReady(tx: Executor, projectId: string, network: string, cursor: number): Promise<void> {
  const offsets: number[] = [];
  for (let o = nextUsableOffset(cursor); o <= LAST_OFFSET && offsets.length < POOL_STEP; o = nextUsableOffset(o + 1)) offsets.push(o);
  if (offsets.length === 0) throw networkFull();
  await tx.insertInto('fixed_ips')
    .values(offsets.map((o) => ({ project_id: projectId, network, ip: ipOf(o), ip_offset: o, server_id: null })))
    .onConflict((oc) => oc.columns(['project_id', 'network', 'ip']).doNothing()).execute();
  await moveCursor.affected(tx, [projectId, network, offsets[offsets.length - 1] + 1]);
}
