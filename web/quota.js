// The quota view (the manual's "How do I view my quotas?"): DeHs per host type from the DeH
// API, and the ECS quota (instances, vCPUs, RAM) from the compute API's limits.
import { ctx } from './context.js';
import { $, h, usage } from './dom.js';
import { ACTION, can, deniedReason } from './permissions.js';

const limitCell = (limit) => (limit === -1 ? 'unlimited' : String(limit));
const usageCell = (used, limit) => (limit === -1 ? h('span', { class: 'sub', text: 'no limit' }) : usage(used, limit));

/** One quota table body: rows of [resource, used, limit]. */
export function quotaRows(rows) {
  return rows.map(([name, used, limit]) => h('tr', { 'data-resource': name },
    h('td', { text: name }), h('td', { class: 'num', text: used }), h('td', { class: 'num', text: limitCell(limit) }), h('td', {}, usageCell(used, limit))));
}

export async function loadQuota() {
  const denied = (action) => [h('tr', {}, h('td', { colspan: 4, class: 'sub', text: deniedReason(action) }))];
  const deh = can(ACTION.dehQuota) ? quotaRows((await ctx.client.deh.quota()).map((e) => [e.resource, e.used, e.hard_limit])) : denied(ACTION.dehQuota);
  $('#quota tbody').replaceChildren(...deh);
  if (!ctx.client.compute) return $('#ecs-quota tbody').replaceChildren();
  if (!can(ACTION.ecsQuota)) return $('#ecs-quota tbody').replaceChildren(...denied(ACTION.ecsQuota));
  const l = await ctx.client.compute.limits();
  $('#ecs-quota tbody').replaceChildren(...quotaRows([
    ['ECSs', l.totalInstancesUsed, l.maxTotalInstances], ['vCPUs', l.totalCoresUsed, l.maxTotalCores], ['Memory (MB)', l.totalRAMUsed, l.maxTotalRAMSize],
  ]));
}
