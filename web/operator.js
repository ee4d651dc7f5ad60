// The operator view (admin role only; hidden for everyone else): failure injection and
// repair of any tenant's DeH, tenant quotas, and the physical pool (free / allocated / faulty
// / retired servers per AZ and type, and adding servers to it).
import { ctx } from './context.js';
import { $, act, block, h, info, stateBadge } from './dom.js';
import { ACTION, can, deniedReason, guard } from './permissions.js';
import { quotaRows } from './quota.js';

const faults = { name: '', state: '', markers: [undefined], page: 0, size: 20 };

export async function loadOperator() {
  await Promise.all([loadPool(), loadFaultHosts(), loadTenants()]);
}

// ---- physical pool ----

/** Counts per AZ and host type (GET /opendeh/v1/pool); no inventory = unlimited allocation. */
async function loadPool() {
  const box = $('#op-pool');
  if (!can(ACTION.pool)) return box.replaceChildren(h('p', { class: 'sub', text: deniedReason(ACTION.pool) }));
  const { configured, pool } = await ctx.client.operator.pool();
  if (!configured) {
    return box.replaceChildren(h('p', { class: 'sub', text: 'No inventory is declared: allocation is unlimited up to each tenant\'s quota. Adding physical servers below (or with `opendeh pool add`) makes the pool finite.' }));
  }
  box.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { id: 'op-pool-table' },
    h('thead', {}, h('tr', {}, ['AZ', 'Host type'].map((c) => h('th', { text: c })), ['Free', 'Allocated', 'Faulty', 'Retired'].map((c) => h('th', { class: 'num', text: c })))),
    h('tbody', {}, pool.map((c) => h('tr', { 'data-key': `${c.availability_zone}/${c.host_type}` },
      h('td', { text: c.availability_zone }), h('td', { text: c.host_type }),
      [c.free, c.allocated, c.faulty, c.retired].map((n) => h('td', { class: 'num', text: n }))))))));
}

/** Adds physical servers (all or none): names separated by commas or spaces, one AZ and type. */
async function addServers(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const names = String(f.get('names') ?? '').split(/[\s,]+/).filter(Boolean);
  const az = String(f.get('availability_zone')).trim();
  const type = String(f.get('host_type')).trim();
  await act(e.target.querySelector('button[type=submit]'), async () => {
    const added = await ctx.client.operator.addPhysicalServers(names.map((name) => ({ name, availability_zone: az, host_type: type })));
    info(`Added ${added.length} physical server${added.length === 1 ? '' : 's'} of type ${type} in ${az}: ${added.map((x) => x.name).join(', ')}.`);
    e.target.querySelector('[name=names]').value = '';
    await loadPool();
  });
}

// ---- failure injection and repair ----

async function loadFaultHosts() {
  const { hosts, total } = await ctx.client.deh.list({
    tenant: 'all', limit: faults.size, marker: faults.markers[faults.page], name: faults.name || undefined, state: faults.state || undefined,
  });
  faults.markers[faults.page + 1] = hosts.at(-1)?.dedicated_host_id;
  $('#op-hosts tbody').replaceChildren(...hosts.map((x) => {
    const id = x.dedicated_host_id;
    const fault = guard(h('button', {
      type: 'button', class: 'danger small', text: 'Inject fault',
      onclick: (e) => act(e.currentTarget, async () => {
        const reason = $('#op-fault-reason').value.trim() || undefined;
        const r = await ctx.client.operator.fault(id, reason);
        info(`DeH ${x.name} (${id}) is in fault; ${r.failed_servers} ECS(s) went to ERROR.`);
        await loadFaultHosts();
      }),
    }), ACTION.fault, x.state === 'available' ? null : `Only an available DeH can fail (this one is ${x.state}).`);
    const repair = guard(h('button', {
      type: 'button', class: 'small', text: 'Repair',
      onclick: (e) => act(e.currentTarget, async () => {
        await ctx.client.operator.repair(id);
        info(`DeH ${x.name} (${id}) is repaired.`);
        await loadFaultHosts();
      }),
    }), ACTION.repair, x.state === 'fault' ? null : 'Only a DeH in fault can be repaired.');
    return h('tr', { 'data-id': id },
      h('td', {}, h('div', { class: 'name', text: x.name }), h('div', { class: 'id', text: id })),
      h('td', { class: 'id', text: x.project_id }), h('td', { text: `${x.host_properties.host_type} · ${x.availability_zone}` }),
      h('td', {}, stateBadge(x.state)), h('td', { class: 'num', text: x.instance_total }),
      h('td', { class: 'right ops' }, fault, repair));
  }));
  const from = faults.page * faults.size;
  $('#op-page-info').textContent = total === 0 ? '0 of 0' : `${from + 1}–${from + hosts.length} of ${total.toLocaleString()}`;
  block($('#op-prev'), faults.page === 0 ? 'This is the first page.' : null);
  block($('#op-next'), from + hosts.length >= total ? 'This is the last page.' : null);
}

// ---- tenant quotas ----

async function loadTenants() {
  const select = $('#op-tenant');
  const keep = select.value;
  const projects = await ctx.client.iam.listProjects();
  select.replaceChildren(...projects.map((p) => h('option', { value: p.id, text: `${p.name} (${p.id})` })));
  select.value = projects.some((p) => p.id === keep) ? keep : ctx.client.session.projectId;
  await loadTenantQuota();
}

async function loadTenantQuota() {
  const tenant = $('#op-tenant').value;
  const q = await ctx.client.deh.quota(tenant);
  const rows = quotaRows(q.map((e) => [e.resource, e.used, e.hard_limit]));
  rows.forEach((tr, i) => {
    const e = q[i];
    const input = h('input', { type: 'number', min: -1, value: e.hard_limit, 'aria-label': `New limit for ${e.resource}`, class: 'limit' });
    const save = guard(h('button', {
      type: 'button', class: 'small', text: 'Set',
      onclick: (ev) => act(ev.currentTarget, async () => {
        await ctx.client.operator.setQuota(tenant, e.resource, Number(input.value));
        info(`Quota of ${e.resource} for tenant ${tenant} set to ${Number(input.value) === -1 ? 'unlimited' : input.value}.`);
        await loadTenantQuota();
      }),
    }), ACTION.setQuota);
    tr.append(h('td', { class: 'right ops' }, input, save));
  });
  $('#op-quota tbody').replaceChildren(...rows);
}

export function applyOperatorPermissions() {
  guard($('#op-pool-add button[type=submit]'), ACTION.poolAdd);
}

export function initOperator() {
  $('#op-pool-add').addEventListener('submit', addServers);
  $('#op-refresh').addEventListener('click', (e) => act(e.currentTarget, loadOperator));
  $('#op-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    Object.assign(faults, { name: String(f.get('name') ?? '').trim(), state: String(f.get('state') ?? ''), page: 0, markers: [undefined] });
    act(e.target.querySelector('button[type=submit]'), loadFaultHosts);
  });
  $('#op-prev').addEventListener('click', (e) => { faults.page -= 1; act(e.currentTarget, loadFaultHosts); });
  $('#op-next').addEventListener('click', (e) => { faults.page += 1; act(e.currentTarget, loadFaultHosts); });
  $('#op-tenant').addEventListener('change', () => act(null, loadTenantQuota));
}
