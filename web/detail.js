// The DeH details page: "Basic information" (status, total and available resources, how many
// more ECSs of each flavor fit, rename, auto placement, tags, release) and "ECSs on the DeH".
import { ctx, showView } from './context.js';
import { $, act, capacity, gib, h, info, stateBadge, tagText } from './dom.js';
import { TRANSITIONAL, ecsTab, ensureImages, openCreateEcs } from './ecs.js';
import { ACTION, guard } from './permissions.js';
import { loadQuota } from './quota.js';

let current = { id: null, tab: 'basic' };
let poll = null;

export async function openHost(id, tab) {
  const same = current.id === id;
  current = { id, tab: tab ?? (same ? current.tab : 'basic') };
  await render();
}

export const reloadHost = () => render();

async function render() {
  const id = current.id;
  const [host, servers] = await Promise.all([ctx.client.deh.show(id), ctx.client.deh.servers(id), ensureImages()]);
  if (id !== current.id) return; // another DeH was opened meanwhile
  const view = $('#detail-view');
  const tabButton = (key, label) => h('button', {
    type: 'button', role: 'tab', id: `tab-${key}`, 'aria-selected': String(current.tab === key), class: 'tab', text: label,
    onclick: () => { current.tab = key; act(null, render); },
  });
  const create = guard(h('button', { type: 'button', text: 'Create ECS', onclick: () => openCreateEcs(host, render) }), ACTION.ecsCreate,
    host.state === 'available' ? null : `A DeH in state ${host.state} takes no new ECS.`);
  const release = guard(h('button', { type: 'button', class: 'danger', text: 'Release', onclick: (e) => releaseOne(e.currentTarget, host) }), ACTION.release);
  // Who did what to this DeH: the Traces view filtered on its id.
  const traces = guard(h('button', { type: 'button', text: 'Traces', onclick: () => act(null, () => showView('traces', { resource_id: host.dedicated_host_id })) }), ACTION.traceList);
  view.replaceChildren(
    h('div', { class: 'detail-head' },
      h('div', {},
        h('button', { type: 'button', class: 'link back', text: '‹ Dedicated hosts', onclick: () => act(null, () => showView('hosts')) }),
        h('h2', {}, host.name, ' ', stateBadge(host.state)),
        h('div', { class: 'id', text: host.dedicated_host_id })),
      // The ECS tab has its own Create button (the manual's "Create" above the list).
      h('div', { class: 'actions' }, current.tab === 'basic' ? create : null, traces, release)),
    h('div', { class: 'tabs', role: 'tablist' }, tabButton('basic', 'Basic information'), tabButton('ecss', `ECSs on the DeH (${servers.length})`)),
    h('section', { class: 'card', role: 'tabpanel', 'aria-labelledby': `tab-${current.tab}` },
      current.tab === 'basic' ? basic(host) : ecsTab(host, servers, render)),
  );
  // ECSs in a passing state (BUILD, RESIZE, REBOOT…) settle by themselves: re-read until they have.
  clearTimeout(poll);
  if (servers.some((s) => TRANSITIONAL.has(s.status))) {
    poll = setTimeout(() => { if (!$('#detail-view').hidden && current.id === id) render().catch(() => {}); }, 1000);
  }
}

function releaseOne(button, host) {
  if (!confirm(`Release dedicated host "${host.name}" (${host.dedicated_host_id})?`)) return;
  return act(button, async () => {
    await ctx.client.deh.release(host.dedicated_host_id);
    await showView('hosts');
    info(`Released ${host.name} (${host.dedicated_host_id}).`);
    await loadQuota();
  });
}

function basic(host) {
  const p = host.host_properties;
  const id = host.dedicated_host_id;
  const props = h('dl', { class: 'props' }, [
    ['Name', host.name], ['ID', id], ['Type', `${p.host_type} (${p.host_type_name})`], ['AZ', host.availability_zone],
    ['Auto placement', host.auto_placement], ['Status', stateBadge(host.state)],
    ['vCPUs (available / total)', capacity(host.available_vcpus, p.vcpus, `${host.available_vcpus} / ${p.vcpus}`)],
    ['Memory (available / total)', capacity(host.available_memory, p.memory, `${gib(host.available_memory)} / ${gib(p.memory)}`)],
    ['Sockets', String(p.sockets)], ['Cores', String(p.cores)], ['ECSs', String(host.instance_total)],
    ['Allocated', host.allocated_at ?? ''],
  ].map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));

  // How many more ECSs of each flavor fit now (OpenDeH's available_instance_counts).
  const resources = h('table', { class: 'fits', 'aria-label': 'Available resources' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Flavor' }), h('th', { class: 'num', text: 'More ECSs that fit now' }))),
    h('tbody', {}, host.available_instance_counts.map((c) => h('tr', { 'data-flavor': c.flavor }, h('td', { text: c.flavor }), h('td', { class: 'num', text: c.count })))));

  const save = guard(h('button', { type: 'submit', class: 'primary', text: 'Save' }), ACTION.update);
  const edit = h('form', {
    class: 'inline', 'aria-label': 'Edit host',
    onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(e.target);
      const patch = {};
      if (f.get('name') !== host.name) patch.name = String(f.get('name'));
      if (f.get('auto_placement') !== host.auto_placement) patch.auto_placement = String(f.get('auto_placement'));
      return act(save, async () => {
        await ctx.client.deh.update(id, patch);
        info(`Saved ${id}.`);
        await render();
      });
    },
  },
  h('label', {}, 'Name ', h('input', { name: 'name', value: host.name, maxlength: 255 })),
  h('label', {}, 'Auto placement ', h('select', { name: 'auto_placement' },
    ['on', 'off'].map((v) => h('option', { value: v, selected: v === host.auto_placement, text: v })))),
  save);

  const addButton = guard(h('button', { type: 'submit', text: 'Add tag' }), ACTION.tagCreate);
  const addTag = h('form', {
    class: 'inline', 'aria-label': 'Add tag',
    onsubmit: (e) => {
      e.preventDefault();
      const raw = String(new FormData(e.target).get('tag') ?? '').trim();
      const i = raw.indexOf('=');
      const tag = i < 0 ? { key: raw, value: '' } : { key: raw.slice(0, i), value: raw.slice(i + 1) };
      return act(addButton, async () => {
        await ctx.client.deh.addTags(id, [tag]);
        await render();
      });
    },
  }, h('input', { name: 'tag', placeholder: 'key=value', 'aria-label': 'New tag (key=value)', required: true }), addButton);

  const tags = h('div', { class: 'chips' }, (host.tags ?? []).map((t) => h('span', { class: 'chip' }, tagText(t),
    guard(h('button', {
      type: 'button', class: 'chip-x', 'aria-label': `Remove tag ${t.key}`, text: '×',
      onclick: (e) => act(e.currentTarget, async () => {
        await ctx.client.deh.removeTags(id, [t.key]);
        await render();
      }),
    }), ACTION.tagDelete))));

  return h('div', { class: 'detail-grid' },
    h('div', {}, h('h4', { text: 'Basic information' }), props),
    h('div', {},
      h('h4', { text: 'Available resources' }), resources,
      h('h4', { text: 'Settings' }), edit,
      h('h4', { text: 'Tags' }), tags, addTag));
}
