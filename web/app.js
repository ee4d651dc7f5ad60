// The OpenDeH console: a thin page over the API. Every action is one call of the shared
// client (served compiled from /console/client/); the service decides what is allowed and
// its error text is shown as is. No rule of the service is repeated here.
import { ApiError, ConnectionError, connect, reconnect } from '/console/client/index.js';

const KEY = 'opendeh.console.session';
const authUrl = `${location.origin}/identity/v3`;
/** @type {import('../src/client/index.js').Client | null} */
let client = null;
let selectedId = null;

const $ = (sel) => document.querySelector(sel);

/** Element builder; text always goes through textContent, never HTML. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

// ---- messages ----

function show(text, kind) {
  $('#message-text').textContent = text;
  $('#message').className = `message ${kind}`;
  $('#message').hidden = false;
}
const info = (text) => show(text, 'info');
function fail(e) {
  if (e instanceof ApiError) {
    show(`${e.status} ${e.code} ${e.message}`, 'error');
    if (e.status === 401 && client) signOut(false); // token gone: back to the sign-in form, message kept
  } else if (e instanceof ConnectionError) show(e.message, 'error');
  else show(String(e?.message ?? e), 'error');
}
function clearMessage() {
  $('#message').hidden = true;
}

/** Runs an action with its button disabled; any error goes to the message area. */
let pending = 0;
async function act(button, fn) {
  clearMessage(); // a message belongs to the action that caused it
  if (button) button.disabled = true;
  // aria-busy until every action in flight is done (assistive tech, and tests, wait for it).
  document.body.setAttribute('aria-busy', String(++pending > 0));
  try {
    await fn();
  } catch (e) {
    fail(e);
  } finally {
    if (button) button.disabled = false;
    document.body.setAttribute('aria-busy', String(--pending > 0));
  }
}

// ---- formatting (presentation only) ----

const gib = (mb) => `${Math.round(mb / 1024).toLocaleString()} GiB`;
const tagText = (t) => (t.value ? `${t.key}=${t.value}` : t.key);

/** A bar of `part` out of `total`; `tone` colours it by how close it is to running out. */
function bar(share, tone, label, title) {
  const fill = h('span', { class: `fill ${tone}` });
  fill.style.width = `${Math.round(Math.min(Math.max(share, 0), 1) * 100)}%`; // CSSOM, allowed by the page's CSP
  return h('div', { class: 'capacity', title },
    h('span', { class: 'capacity-text', text: label }),
    h('span', { class: 'bar', role: 'img', 'aria-label': title }, fill));
}
/** Free capacity of a host: a full green bar is an empty host. */
function capacity(free, total, label) {
  const share = total > 0 ? free / total : 0;
  return bar(share, share <= 0.1 ? 'high' : share <= 0.4 ? 'mid' : '', label, `${Math.round(share * 100)}% free`);
}
/** Quota use: the bar fills as the limit is approached. */
function usage(used, limit) {
  const share = limit > 0 ? used / limit : 1;
  return bar(share, share >= 0.9 ? 'high' : share >= 0.6 ? 'mid' : '', `${used} of ${limit}`, `${Math.round(share * 100)}% of the quota used`);
}

const stateBadge = (s) => h('span', { class: `badge state-${s}`, text: s });
const tagChips = (tags) => h('div', { class: 'chips' }, (tags ?? []).map((t) => h('span', { class: 'chip', text: tagText(t) })));

// ---- sign in / out ----

async function signIn(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  await act(e.target.querySelector('button'), async () => {
    client = await connect({
      authUrl, username: String(f.get('user')), password: String(f.get('password')),
      projectName: String(f.get('project')), domainName: String(f.get('domain')), endpointOrigin: location.origin,
    });
    sessionStorage.setItem(KEY, client.session.token);
    e.target.reset();
    clearMessage();
    await enter();
  });
}

function signOut(revoke = true) {
  if (revoke && client) client.session.logout().catch(() => {});
  client = null;
  selectedId = null;
  sessionStorage.removeItem(KEY);
  $('#app-view').hidden = true;
  $('#who').hidden = true;
  $('#login-view').hidden = false;
  $('#detail').hidden = true;
}

async function enter() {
  const t = client.session.body;
  $('#who-text').textContent = `${t.user.name} · project ${t.project?.name ?? ''}`;
  $('#who').hidden = false;
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  await Promise.all([loadHosts(), loadQuota()]);
}

// ---- hosts ----

async function loadHosts() {
  // The list has no tags; one tag query brings those of every host.
  const [{ hosts, total }, tags] = await Promise.all([client.deh.list(), client.deh.tagsOfAll()]);
  const body = $('#hosts tbody');
  body.replaceChildren(...hosts.map((host) => hostRow(host, tags.get(host.dedicated_host_id) ?? [])));
  $('#hosts-empty').hidden = hosts.length > 0;
  $('#host-count').textContent = String(total);
  const azs = new Set(hosts.map((x) => x.availability_zone));
  $('#az-list').replaceChildren(...[...azs].map((az) => h('option', { value: az })));
  if (selectedId && !hosts.some((x) => x.dedicated_host_id === selectedId)) closeDetail();
}

function hostRow(host, tags) {
  const p = host.host_properties;
  const id = host.dedicated_host_id;
  return h('tr', { 'data-id': id, class: id === selectedId ? 'selected' : undefined },
    h('td', {},
      h('button', { type: 'button', class: 'link name', text: host.name, title: 'Show details', onclick: () => act(null, () => openDetail(id)) }),
      h('div', { class: 'id', text: id })),
    h('td', {}, h('span', { text: p.host_type }), h('div', { class: 'sub', text: p.host_type_name })),
    h('td', { text: host.availability_zone }),
    h('td', {}, stateBadge(host.state)),
    h('td', {}, capacity(host.available_vcpus, p.vcpus, `${host.available_vcpus} / ${p.vcpus}`)),
    h('td', {}, capacity(host.available_memory, p.memory, `${gib(host.available_memory)} / ${gib(p.memory)}`)),
    h('td', { class: 'num', text: host.instance_total }),
    h('td', {}, h('button', {
      type: 'button', class: `toggle ${host.auto_placement}`, role: 'switch', 'aria-checked': String(host.auto_placement === 'on'),
      'aria-label': `Auto placement of ${host.name}`, text: host.auto_placement,
      onclick: (e) => act(e.currentTarget, async () => {
        await client.deh.update(id, { auto_placement: host.auto_placement === 'on' ? 'off' : 'on' });
        await refreshAll();
      }),
    })),
    h('td', {}, tagChips(tags)),
    h('td', { class: 'right' }, h('button', { type: 'button', class: 'danger small', text: 'Release', onclick: (e) => release(e.currentTarget, host) })),
  );
}

function release(button, host) {
  if (!confirm(`Release dedicated host "${host.name}" (${host.dedicated_host_id})?`)) return;
  return act(button, async () => {
    await client.deh.release(host.dedicated_host_id);
    info(`Released ${host.name} (${host.dedicated_host_id}).`);
    if (selectedId === host.dedicated_host_id) closeDetail();
    await Promise.all([loadHosts(), loadQuota()]);
  });
}

async function refreshAll() {
  await Promise.all([loadHosts(), loadQuota(), selectedId ? openDetail(selectedId) : null]);
}

// ---- allocation ----

async function loadHostTypes() {
  const az = $('#allocate-form [name=az]').value.trim();
  const select = $('#allocate-form [name=host_type]');
  if (!az) return select.replaceChildren();
  const types = await client.deh.hostTypes(az);
  select.replaceChildren(...types.map((t) => h('option', { value: t.host_type, text: `${t.host_type} — ${t.host_type_name}` })));
  if (types.length === 0) select.append(h('option', { value: '', text: `no host types in ${az}` }));
}

async function allocate(e) {
  e.preventDefault();
  const form = e.target;
  const f = new FormData(form);
  const tags = String(f.get('tags') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.indexOf('=');
    return i < 0 ? { key: s, value: '' } : { key: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
  });
  await act(form.querySelector('button[type=submit]'), async () => {
    const ids = await client.deh.allocate({
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

// ---- detail ----

function closeDetail() {
  selectedId = null;
  $('#detail').hidden = true;
  for (const tr of document.querySelectorAll('#hosts tr.selected')) tr.classList.remove('selected');
}

async function openDetail(id) {
  const [host, servers] = await Promise.all([client.deh.show(id), client.deh.servers(id)]);
  selectedId = id;
  for (const tr of document.querySelectorAll('#hosts tbody tr')) tr.classList.toggle('selected', tr.dataset.id === id);
  const p = host.host_properties;
  const panel = $('#detail');

  const edit = h('form', {
    class: 'inline', 'aria-label': 'Edit host',
    onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(e.target);
      const patch = {};
      if (f.get('name') !== host.name) patch.name = String(f.get('name'));
      if (f.get('auto_placement') !== host.auto_placement) patch.auto_placement = String(f.get('auto_placement'));
      return act(e.target.querySelector('button'), async () => {
        await client.deh.update(id, patch);
        info(`Saved ${id}.`);
        await refreshAll();
      });
    },
  },
  h('label', {}, 'Name ', h('input', { name: 'name', value: host.name, maxlength: 255 })),
  h('label', {}, 'Auto placement ', h('select', { name: 'auto_placement' },
    ['on', 'off'].map((v) => h('option', { value: v, selected: v === host.auto_placement, text: v })))),
  h('button', { type: 'submit', class: 'primary', text: 'Save' }));

  const addTag = h('form', {
    class: 'inline', 'aria-label': 'Add tag',
    onsubmit: (e) => {
      e.preventDefault();
      const raw = String(new FormData(e.target).get('tag') ?? '').trim();
      const i = raw.indexOf('=');
      const tag = i < 0 ? { key: raw, value: '' } : { key: raw.slice(0, i), value: raw.slice(i + 1) };
      return act(e.target.querySelector('button'), async () => {
        await client.deh.addTags(id, [tag]);
        await refreshAll();
      });
    },
  }, h('input', { name: 'tag', placeholder: 'key=value', 'aria-label': 'New tag (key=value)', required: true }), h('button', { type: 'submit', text: 'Add tag' }));

  const tags = h('div', { class: 'chips' }, (host.tags ?? []).map((t) => h('span', { class: 'chip' }, tagText(t),
    h('button', {
      type: 'button', class: 'chip-x', 'aria-label': `Remove tag ${t.key}`, text: '×',
      onclick: (e) => act(e.currentTarget, async () => {
        await client.deh.removeTags(id, [t.key]);
        await refreshAll();
      }),
    }))));

  const dl = h('dl', { class: 'props' }, [
    ['ID', host.dedicated_host_id], ['State', stateBadge(host.state)], ['Availability zone', host.availability_zone],
    ['Host type', `${p.host_type} (${p.host_type_name})`], ['Cores × sockets', `${p.cores} × ${p.sockets}`],
    ['vCPUs free', capacity(host.available_vcpus, p.vcpus, `${host.available_vcpus} / ${p.vcpus}`)],
    ['Memory free', capacity(host.available_memory, p.memory, `${gib(host.available_memory)} / ${gib(p.memory)}`)],
    ['Instances', String(host.instance_total)], ['Allocated', host.allocated_at ?? ''],
    ['Flavors', p.available_instance_capacities.map((c) => c.flavor).join(', ')],
  ].map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));

  const serverTable = servers.length === 0
    ? h('p', { class: 'empty', text: 'No servers on this host.' })
    : h('table', { class: 'servers' },
      h('thead', {}, h('tr', {}, ['Name', 'ID', 'Status', 'Flavor', 'Addresses', 'Created'].map((c) => h('th', { text: c })))),
      h('tbody', {}, servers.map((s) => h('tr', {},
        h('td', { text: s.name }), h('td', { class: 'id', text: s.id }), h('td', {}, h('span', { class: `badge server-${s.status.toLowerCase()}`, text: s.status })),
        h('td', { text: s.flavor.id }), h('td', { text: Object.values(s.addresses ?? {}).flat().map((a) => a.addr).join(', ') }),
        h('td', { text: s.created ?? '' })))));

  panel.replaceChildren(
    h('div', { class: 'detail-head' },
      h('h3', {}, host.name),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger', text: 'Release', onclick: (e) => release(e.currentTarget, host) }),
        h('button', { type: 'button', class: 'ghost', text: 'Close', 'aria-label': 'Close detail', onclick: closeDetail }))),
    h('div', { class: 'detail-grid' },
      h('div', {}, dl),
      h('div', {}, h('h4', { text: 'Settings' }), edit, h('h4', { text: 'Tags' }), tags, addTag)),
    h('h4', { text: `Servers on this host (${servers.length})` }), serverTable,
  );
  panel.hidden = false;
  panel.scrollIntoView({ block: 'nearest' });
}

// ---- quota ----

async function loadQuota() {
  const q = await client.deh.quota();
  $('#quota tbody').replaceChildren(...q.map((e) => h('tr', {},
    h('td', { text: e.resource }), h('td', { class: 'num', text: e.used }),
    h('td', { class: 'num', text: e.hard_limit === -1 ? 'unlimited' : e.hard_limit }),
    h('td', {}, e.hard_limit === -1 ? h('span', { class: 'sub', text: 'no limit' }) : usage(e.used, e.hard_limit)))));
}

// ---- start ----

$('#login-form').addEventListener('submit', signIn);
$('#logout').addEventListener('click', () => signOut(true));
$('#message-close').addEventListener('click', clearMessage);
$('#refresh').addEventListener('click', (e) => act(e.currentTarget, refreshAll));
$('#show-allocate').addEventListener('click', () => {
  const form = $('#allocate-form');
  form.hidden = !form.hidden;
  if (!form.hidden) {
    form.querySelector('[name=name]').focus();
    act(null, loadHostTypes);
  }
});
$('#cancel-allocate').addEventListener('click', () => { $('#allocate-form').hidden = true; });
$('#allocate-form [name=az]').addEventListener('change', () => act(null, loadHostTypes));
$('#allocate-form').addEventListener('submit', allocate);

const saved = sessionStorage.getItem(KEY);
if (saved) {
  // A reload keeps the session for as long as the token is valid.
  act(null, async () => {
    try {
      client = await reconnect(authUrl, saved, location.origin);
    } catch {
      return signOut(false); // expired or revoked: just ask to sign in again
    }
    await enter();
  });
} else {
  $('#login-view').hidden = false;
}
