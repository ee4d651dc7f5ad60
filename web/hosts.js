// The "Dedicated Host" page: search and filter (name, type, state, AZ, tag) done by the API,
// server-side paging with limit/marker (one page per request, so 10,000 DeHs cost what 20
// do), allocation, auto placement, release of one DeH or of a selection in a batch.
import { ctx, showView } from './context.js';
import { $, act, batch, block, capacity, clearMessage, gib, h, info, parseTags, showResults, stateBadge, tagChips } from './dom.js';
import { ACTION, can, guard } from './permissions.js';
import { openCreateEcs } from './ecs.js';
import { loadQuota } from './quota.js';

const list = {
  filters: {}, size: 20, page: 0,
  /** markers[n] is the marker of page n (the last id of page n-1). */
  markers: [undefined],
  hosts: [], total: 0,
  selected: new Map(),
};
/** Host types, from the quota (one entry per type); filled on sign-in. */
export const hostTypes = [];

export function resetHosts() {
  Object.assign(list, { filters: {}, page: 0, markers: [undefined], hosts: [], total: 0 });
  list.selected.clear();
  $('#filter-form').reset();
}

export async function loadHosts() {
  const { hosts, total } = await ctx.client.deh.list({ ...list.filters, limit: list.size, marker: list.markers[list.page] });
  if (hosts.length === 0 && list.page > 0) { // the last page emptied (released): show the one before
    list.page -= 1;
    return loadHosts();
  }
  // The list carries no tags: one small request per host of this page, never all hosts.
  const tags = can(ACTION.tagList) ? await Promise.all(hosts.map((x) => ctx.client.deh.tags(x.dedicated_host_id).catch(() => null))) : hosts.map(() => null);
  Object.assign(list, { hosts, total });
  list.markers[list.page + 1] = hosts.at(-1)?.dedicated_host_id;
  for (const id of [...list.selected.keys()]) if (!hosts.some((x) => x.dedicated_host_id === id)) list.selected.delete(id);

  $('#hosts tbody').replaceChildren(...hosts.map((x, i) => hostRow(x, tags[i])));
  const filtered = Object.keys(list.filters).length > 0;
  $('#hosts-empty').textContent = filtered ? 'No dedicated host matches the search.' : 'No dedicated hosts yet. Use “Allocate DeH” to get one.';
  $('#hosts-empty').hidden = hosts.length > 0;
  $('#host-count').textContent = String(total);
  const from = list.page * list.size;
  $('#page-info').textContent = total === 0 ? '0 of 0' : `${from + 1}–${from + hosts.length} of ${total.toLocaleString()}`;
  // block(), not .disabled: the button that ran this keeps the state set here.
  block($('#page-prev'), list.page === 0 ? 'This is the first page.' : null);
  block($('#page-next'), from + hosts.length >= total ? 'This is the last page.' : null);
  for (const az of new Set(hosts.map((x) => x.availability_zone))) {
    if (![...$('#az-list').options].some((o) => o.value === az)) $('#az-list').append(h('option', { value: az }));
  }
  syncSelection();
}

function hostRow(host, tags) {
  const p = host.host_properties;
  const id = host.dedicated_host_id;
  const toggle = h('button', {
    type: 'button', class: `toggle ${host.auto_placement}`, role: 'switch', 'aria-checked': String(host.auto_placement === 'on'),
    'aria-label': `Auto placement of ${host.name}`, text: host.auto_placement,
    onclick: (e) => act(e.currentTarget, async () => {
      await ctx.client.deh.update(id, { auto_placement: host.auto_placement === 'on' ? 'off' : 'on' });
      await loadHosts();
    }),
  });
  const create = h('button', { type: 'button', class: 'small', text: 'Create ECS', onclick: () => openCreateEcs(host) });
  const release = h('button', { type: 'button', class: 'danger small', text: 'Release', onclick: (e) => releaseHosts(e.currentTarget, [host]) });
  return h('tr', { 'data-id': id, class: list.selected.has(id) ? 'selected' : undefined },
    h('td', { class: 'pick' }, h('input', {
      type: 'checkbox', 'aria-label': `Select ${host.name}`, checked: list.selected.has(id),
      onchange: (e) => { if (e.target.checked) list.selected.set(id, host); else list.selected.delete(id); syncSelection(); },
    })),
    h('td', {},
      h('button', { type: 'button', class: 'link name', text: host.name, title: 'Show details', onclick: () => act(null, () => showView('detail', id)) }),
      h('div', { class: 'id', text: id })),
    h('td', {}, h('span', { text: p.host_type }), h('div', { class: 'sub', text: p.host_type_name })),
    h('td', { text: host.availability_zone }),
    h('td', {}, stateBadge(host.state)),
    h('td', {}, capacity(host.available_vcpus, p.vcpus, `${host.available_vcpus} / ${p.vcpus}`)),
    h('td', {}, capacity(host.available_memory, p.memory, `${gib(host.available_memory)} / ${gib(p.memory)}`)),
    h('td', { class: 'num', text: host.instance_total }),
    h('td', {}, guard(toggle, ACTION.update)),
    h('td', {}, tags === null ? h('span', { class: 'sub', text: '—' }) : tagChips(tags)),
    h('td', { class: 'right ops' },
      guard(create, ACTION.ecsCreate, host.state === 'available' ? null : `A DeH in state ${host.state} takes no new ECS.`),
      guard(release, ACTION.release)),
  );
}

/** Selection → the header checkbox and the batch Release button. */
function syncSelection() {
  const n = list.selected.size;
  const all = $('#select-all');
  all.checked = n > 0 && n === list.hosts.length;
  all.indeterminate = n > 0 && n < list.hosts.length;
  for (const tr of document.querySelectorAll('#hosts tbody tr')) tr.classList.toggle('selected', list.selected.has(tr.dataset.id));
  const b = $('#release-selected');
  b.textContent = n > 0 ? `Release (${n})` : 'Release';
  guard(b, ACTION.release, n === 0 ? 'Select one or more DeHs in the list first.' : null);
}

/** Release one DeH or many (the manual's "Releasing DeHs in Batches"): one result per DeH. */
function releaseHosts(button, hosts) {
  const names = hosts.map((x) => `"${x.name}" (${x.dedicated_host_id})`).join(', ');
  if (!confirm(`Release ${hosts.length === 1 ? 'dedicated host' : `${hosts.length} dedicated hosts`} ${names}?`)) return;
  return act(button, async () => {
    if (hosts.length === 1) {
      await ctx.client.deh.release(hosts[0].dedicated_host_id).catch(async (err) => {
        await loadHosts().catch(() => {}); // an error is shown as the service words it, over the current list
        throw err;
      });
      info(`Released ${hosts[0].name} (${hosts[0].dedicated_host_id}).`);
      list.selected.delete(hosts[0].dedicated_host_id);
    } else {
      const rows = await batch(hosts.map((x) => ({ name: x.name, id: x.dedicated_host_id })), (x) => ctx.client.deh.release(x.id).then(() => 'released'));
      showResults('Release', rows);
      for (const r of rows) if (!r.error) list.selected.delete(r.id);
    }
    await Promise.all([loadHosts(), loadQuota()]);
  });
}

// ---- allocation ----

async function loadAllocTypes() {
  const az = $('#allocate-form [name=az]').value.trim();
  const select = $('#allocate-form [name=host_type]');
  if (!az) return select.replaceChildren();
  const types = await ctx.client.deh.hostTypes(az);
  select.replaceChildren(...types.map((t) => h('option', { value: t.host_type, text: `${t.host_type} — ${t.host_type_name}` })));
  if (types.length === 0) select.append(h('option', { value: '', text: `no host types in ${az}` }));
}

async function allocate(e) {
  e.preventDefault();
  const form = e.target;
  const f = new FormData(form);
  const tags = parseTags(f.get('tags'));
  await act(form.querySelector('button[type=submit]'), async () => {
    const ids = await ctx.client.deh.allocate({
      name: String(f.get('name')), availability_zone: String(f.get('az')).trim(), host_type: String(f.get('host_type')),
      quantity: Number(f.get('quantity')), auto_placement: f.get('auto_placement') ? 'on' : 'off',
      ...(tags.length && { tags }),
    });
    info(`Allocated ${ids.length} host${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`);
    form.hidden = true;
    form.querySelector('[name=name]').value = '';
    form.querySelector('[name=tags]').value = '';
    await Promise.all([loadHosts(), loadQuota()]);
  });
}

// ---- wiring ----

export function applyHostPermissions() {
  guard($('#show-allocate'), ACTION.allocate);
  guard($('#create-ecs-auto'), ACTION.ecsCreate);
  const type = $('#filter-form [name=host_type]');
  type.replaceChildren(h('option', { value: '', text: 'any type' }), ...hostTypes.map((t) => h('option', { value: t, text: t })));
}

export function initHosts() {
  $('#refresh').addEventListener('click', (e) => act(e.currentTarget, () => Promise.all([loadHosts(), loadQuota()])));
  $('#show-allocate').addEventListener('click', () => {
    const form = $('#allocate-form');
    form.hidden = !form.hidden;
    if (!form.hidden) {
      form.querySelector('[name=name]').focus();
      act(null, loadAllocTypes);
    }
  });
  $('#cancel-allocate').addEventListener('click', () => { $('#allocate-form').hidden = true; });
  $('#allocate-form [name=az]').addEventListener('change', () => act(null, loadAllocTypes));
  $('#allocate-form').addEventListener('submit', allocate);
  $('#create-ecs-auto').addEventListener('click', () => openCreateEcs(null));
  $('#release-selected').addEventListener('click', (e) => releaseHosts(e.currentTarget, [...list.selected.values()]));
  $('#select-all').addEventListener('change', (e) => {
    for (const x of list.hosts) if (e.target.checked) list.selected.set(x.dedicated_host_id, x); else list.selected.delete(x.dedicated_host_id);
    for (const cb of document.querySelectorAll('#hosts tbody input[type=checkbox]')) cb.checked = e.target.checked;
    syncSelection();
  });
  $('#filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    list.filters = {};
    for (const [k, v] of f.entries()) if (String(v).trim()) list.filters[k] = String(v).trim();
    Object.assign(list, { page: 0, markers: [undefined] });
    list.selected.clear();
    act(e.target.querySelector('button[type=submit]'), loadHosts);
  });
  $('#filter-form').addEventListener('reset', () => {
    if (Object.keys(list.filters).length === 0) return;
    Object.assign(list, { filters: {}, page: 0, markers: [undefined] });
    clearMessage();
    act(null, loadHosts);
  });
  $('#page-size').addEventListener('change', (e) => {
    Object.assign(list, { size: Number(e.target.value), page: 0, markers: [undefined] });
    act(null, loadHosts);
  });
  $('#page-prev').addEventListener('click', (e) => { list.page -= 1; act(e.currentTarget, loadHosts); });
  $('#page-next').addEventListener('click', (e) => { list.page += 1; act(e.currentTarget, loadHosts); });
  block($('#release-selected'), 'Select one or more DeHs in the list first.');
}
