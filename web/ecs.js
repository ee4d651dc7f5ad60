// The "ECSs on the DeH" tab and the ECS dialogs: create (on a DeH, or anywhere by auto
// placement), start / stop / restart / delete one ECS or a selection in a batch, modify the
// specifications of a stopped ECS, migrate a stopped ECS to another DeH or out of DeH.
// The state rules shown on the buttons are the manual's (managing_the_ecss_on_a_deh_in_batches,
// migrating_ecss, modifying_the_specifications…); the service enforces its own and any refusal
// is shown in its words.
import { ctx } from './context.js';
import { $, act, addresses, batch, errorText, h, info, serverBadge, showResults, sleep } from './dom.js';
import { ACTION, can, guard } from './permissions.js';

const RUNNING = 'ACTIVE';
const STOPPED = 'SHUTOFF';
/** States that settle by themselves; the tab re-reads while one is shown. */
export const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'REVERT_RESIZE', 'MIGRATING']);

/** Image id → name, from the image catalog (read once, if the user may list images). */
const imageNames = new Map();
let imagesRead = false;
export async function ensureImages() {
  if (imagesRead || !ctx.client.compute || !can('ims:images:list')) return;
  imagesRead = true;
  for (const i of await ctx.client.compute.images().catch(() => [])) imageNames.set(i.id, i.name);
}

/** Selected ECS ids of the DeH shown. */
const selected = new Set();
let selectedHost = null;

const noCompute = () => (ctx.client.compute ? null : 'The token\'s catalog has no compute service.');
/** Permission first, then "no compute endpoint", then the state rule. */
const guardEcs = (button, action, stateReason = null) => guard(button, action, noCompute() ?? stateReason);

// ---- the batch and single actions ----

const OPS = {
  start: { label: 'Start', action: ACTION.start, done: 'started', needs: STOPPED, rule: 'Start is allowed only when the ECS is stopped.', run: (id) => ctx.client.compute.start(id) },
  stop: { label: 'Stop', action: ACTION.stop, done: 'stopped', needs: RUNNING, rule: 'Stop is allowed only when the ECS is running.', run: (id) => ctx.client.compute.stop(id) },
  restart: { label: 'Restart', action: ACTION.reboot, done: 'restarted', needs: RUNNING, rule: 'Restart is allowed only when the ECS is running.', run: (id) => ctx.client.compute.reboot(id, 'SOFT') },
  delete: { label: 'Delete', action: ACTION.ecsDelete, done: 'deleted', needs: null, rule: null, run: (id) => ctx.client.compute.delete(id) },
};

/** Why `op` cannot run on these servers now (the manual's rule for batches: all in the state it needs). */
function stateReason(op, servers) {
  if (servers.length === 0) return 'Select one or more ECSs in the list first.';
  if (op.needs && servers.some((s) => s.status !== op.needs)) {
    return servers.length === 1 ? op.rule : `${op.rule.replace('the ECS is', 'every selected ECS is').replace(/\.$/, '')} (ECSs in a batch must be in the same state).`;
  }
  return null;
}

async function runOp(button, op, servers, reload) {
  if (op === OPS.delete && !confirm(`Delete ${servers.length === 1 ? `ECS "${servers[0].name}"` : `${servers.length} ECSs`}?`)) return;
  await act(button, async () => {
    if (servers.length === 1) {
      try {
        await op.run(servers[0].id); // a refusal is shown as the service words it
      } catch (e) {
        await reload().catch(() => {}); // and the list then shows the state that made it refuse
        throw e;
      }
      info(`${op.label}: ${servers[0].name} (${servers[0].id}) ${op.done}.`);
    } else {
      showResults(op.label, await batch(servers, (s) => op.run(s.id).then(() => op.done)));
    }
    selected.clear();
    await reload();
  });
}

// ---- the tab ----

/** The "ECSs on the DeH" tab of `host`, with its servers; `reload` re-reads the page. */
export function ecsTab(host, servers, reload) {
  if (selectedHost !== host.dedicated_host_id) { selected.clear(); selectedHost = host.dedicated_host_id; }
  for (const id of [...selected]) if (!servers.some((s) => s.id === id)) selected.delete(id);
  const chosen = () => servers.filter((s) => selected.has(s.id));

  const batchButtons = Object.entries(OPS).map(([key, op]) => h('button', {
    type: 'button', class: key === 'delete' ? 'danger' : undefined, 'data-op': key, text: op.label,
    onclick: (e) => runOp(e.currentTarget, op, chosen(), reload),
  }));
  const sync = () => {
    for (const b of batchButtons) guardEcs(b, OPS[b.dataset.op].action, stateReason(OPS[b.dataset.op], chosen()));
    all.checked = servers.length > 0 && selected.size === servers.length;
    all.indeterminate = selected.size > 0 && selected.size < servers.length;
  };
  const all = h('input', {
    type: 'checkbox', 'aria-label': 'Select all ECSs',
    onchange: (e) => {
      for (const s of servers) if (e.target.checked) selected.add(s.id); else selected.delete(s.id);
      for (const cb of document.querySelectorAll('#ecs-table tbody input[type=checkbox]')) cb.checked = e.target.checked;
      sync();
    },
  });

  const create = h('button', { type: 'button', class: 'primary', text: 'Create ECS', onclick: () => openCreateEcs(host, reload) });
  guardEcs(create, ACTION.ecsCreate, host.state === 'available' ? null : `A DeH in state ${host.state} takes no new ECS.`);

  const row = (s) => {
    const op = (key) => {
      const o = OPS[key];
      return guardEcs(h('button', { type: 'button', class: `small${key === 'delete' ? ' danger' : ''}`, text: o.label, onclick: (e) => runOp(e.currentTarget, o, [s], reload) }),
        o.action, stateReason(o, [s]));
    };
    const stoppedOnly = (what) => (s.status === STOPPED ? null : `Only a stopped ECS can be ${what}; stop it first.`);
    return h('tr', { 'data-id': s.id, class: selected.has(s.id) ? 'selected' : undefined },
      h('td', { class: 'pick' }, h('input', {
        type: 'checkbox', 'aria-label': `Select ${s.name}`, checked: selected.has(s.id),
        onchange: (e) => { if (e.target.checked) selected.add(s.id); else selected.delete(s.id); e.target.closest('tr').classList.toggle('selected', e.target.checked); sync(); },
      })),
      h('td', {}, h('div', { class: 'name', text: s.name }), h('div', { class: 'id', text: s.id })),
      h('td', {}, serverBadge(s.status)),
      h('td', { text: s.flavor.id }),
      h('td', { class: 'sub', text: imageNames.get(s.image?.id) ?? (s.image?.id || '—') }),
      h('td', { text: addresses(s) }),
      h('td', { class: 'right ops' },
        op('start'), op('stop'), op('restart'),
        guardEcs(h('button', { type: 'button', class: 'small', text: 'Modify specifications', onclick: () => openResize(host, s, reload) }), ACTION.resize, stoppedOnly('modified')),
        guardEcs(h('button', { type: 'button', class: 'small', text: 'Migrate', onclick: () => openMigrate(host, s, reload) }), ACTION.migrate, stoppedOnly('migrated')),
        op('delete')));
  };

  const table = servers.length === 0
    ? h('p', { class: 'empty', text: 'No ECSs on this DeH.' })
    : h('div', { class: 'table-wrap' }, h('table', { id: 'ecs-table', class: 'servers' },
      h('thead', {}, h('tr', {}, h('th', { class: 'pick' }, all), ['Name', 'Status', 'Specifications', 'Image', 'Private IP'].map((c) => h('th', { text: c })), h('th', { class: 'right', text: 'Operation' }))),
      h('tbody', {}, servers.map(row))));
  sync();
  return h('div', { class: 'ecs-tab' },
    h('div', { class: 'section-head' },
      h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'ECS batch actions' }, create, batchButtons),
      h('span', { class: 'sub', text: 'Except Delete, the ECSs of a batch must be in the same state: Start needs stopped ECSs, Stop and Restart running ones.' })),
    table);
}

// ---- dialogs ----

/** Opens the page's <dialog> with a form; `submit(formData)` runs as an action and closes it on success. */
function openDialog(title, fields, submitLabel, submit) {
  const dialog = $('#dialog');
  const form = h('form', {
    class: 'dialog-form', 'aria-label': title,
    onsubmit: (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const error = form.querySelector('.dialog-error');
      error.hidden = true;
      act(form.querySelector('button[type=submit]'), async () => {
        try {
          await submit(data);
        } catch (err) {
          // The page's message area is under the modal: repeat the service's words here.
          error.textContent = errorText(err);
          error.hidden = false;
          throw err;
        }
        dialog.close();
      });
    },
  },
  h('h3', { text: title }), h('div', { class: 'dialog-body' }, fields),
  h('p', { class: 'dialog-error', role: 'alert', hidden: true }),
  h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'primary', text: submitLabel }),
    h('button', { type: 'button', text: 'Cancel', onclick: () => dialog.close() })));
  dialog.replaceChildren(form);
  dialog.showModal();
  return form;
}

/** Polls one server until `done(status)` (bounded: the service settles in seconds). */
async function waitFor(id, done) {
  for (let i = 0; i < 120; i++) {
    const s = await ctx.client.compute.show(id);
    if (done(s.status)) return s;
    await sleep(500);
  }
  throw new Error(`ECS ${id} did not settle; refresh to see its state`);
}

const IMAGE_FALLBACK = ['Standard_Ubuntu_22.04_latest', 'Standard_Debian_12_latest'];

/**
 * "Create ECS": on `host` (the DeH's Operation column or its ECS tab), or without a DeH
 * (`host` null): the service places it on a DeH with auto placement on (tenancy=dedicated).
 */
export async function openCreateEcs(host, reload = async () => {}) {
  await act(null, async () => {
    const [flavors, images] = await Promise.all([
      can(ACTION.flavors) ? ctx.client.compute.flavors() : [],
      can('ims:images:list') ? ctx.client.compute.images().catch(() => []) : [],
    ]);
    const flavorOptions = host
      ? host.available_instance_counts.map((c) => h('option', { value: c.flavor, text: `${c.flavor} — ${c.count} more fit on this DeH`, disabled: c.count === 0 }))
      : flavors.filter((f) => /^[a-z0-9]+\.\w+\.\d+$/.test(f.id)).map((f) => h('option', { value: f.id, text: `${f.id} (${f.vcpus} vCPUs, ${f.ram / 1024} GiB)` }));
    const imageOptions = images.length ? images.map((i) => h('option', { value: i.id, text: i.name })) : IMAGE_FALLBACK.map((n) => h('option', { value: '', text: n }));
    const fields = [
      h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 255 })),
      host
        ? h('p', { class: 'sub', text: `On DeH ${host.name} (${host.dedicated_host_id}), ${host.availability_zone}. Only the flavors of its type ${host.host_properties.host_type} can be placed.` })
        : [h('p', { class: 'sub', text: 'Without a DeH: the ECS is placed on a DeH of its flavor\'s type with auto placement on (the one with the most free memory).' }),
          h('label', {}, 'Availability zone', h('input', { name: 'az', value: 'eu-de-01', list: 'az-list', required: true }))],
      h('label', {}, 'Flavor', h('select', { name: 'flavor', required: true }, flavorOptions)),
      h('label', {}, 'Image', h('select', { name: 'image' }, imageOptions)),
    ];
    const form = openDialog(host ? `Create ECS on ${host.name}` : 'Create ECS (auto placement)', fields, 'Create', async (f) => {
      const r = await ctx.client.compute.create({
        name: String(f.get('name')), flavorRef: String(f.get('flavor')), imageRef: String(f.get('image') ?? ''),
        availability_zone: host ? host.availability_zone : String(f.get('az')).trim(),
        ...(host ? { dedicatedHostId: host.dedicated_host_id } : { dedicated: true }),
      });
      const s = await ctx.client.compute.show(r.id);
      info(`Created ECS ${s.name} (${s.id}) on DeH ${s['OS-EXT-SRV-ATTR:host'] ?? '—'}.`);
      await reload();
    });
    const first = form.querySelector('select[name=flavor] option:not([disabled])');
    if (first) form.querySelector('select[name=flavor]').value = first.value;
  });
}

/** "Modify Specifications" of a stopped ECS: resize to a flavor of the DeH's type, then confirm. */
function openResize(host, s, reload) {
  const options = host.available_instance_counts.filter((c) => c.flavor !== s.flavor.id)
    .map((c) => h('option', { value: c.flavor, text: `${c.flavor} — ${c.count} more fit now` }));
  openDialog(`Modify specifications of ${s.name}`, [
    h('p', { class: 'sub', text: `Current: ${s.flavor.id}. The DeH must have room for the new flavor.` }),
    h('label', {}, 'New flavor', h('select', { name: 'flavor', required: true }, options)),
  ], 'OK', async (f) => {
    const flavor = String(f.get('flavor'));
    await ctx.client.compute.resize(s.id, flavor);
    await waitFor(s.id, (st) => st === 'VERIFY_RESIZE');
    await ctx.client.compute.confirmResize(s.id);
    info(`Modified specifications of ${s.name}: ${s.flavor.id} → ${flavor}.`);
    await reload();
  });
}

/** "Migrate ECS" of a stopped ECS: to another DeH (same AZ) or out of DeH to the shared pool. */
async function openMigrate(host, s, reload) {
  await act(null, async () => {
    const { hosts } = await ctx.client.deh.list({ availability_zone: host.availability_zone, state: 'available', limit: 100 });
    const targets = hosts.filter((x) => x.dedicated_host_id !== host.dedicated_host_id);
    const select = h('select', { name: 'target', 'aria-label': 'Destination DeH' },
      targets.map((x) => h('option', { value: x.dedicated_host_id, text: `${x.name} (${x.host_properties.host_type}, ${x.available_vcpus} vCPUs free) ${x.dedicated_host_id}` })));
    const form = openDialog(`Migrate ECS ${s.name}`, [
      h('fieldset', {}, h('legend', { text: 'Migrated' }),
        h('label', { class: 'check' }, h('input', { type: 'radio', name: 'to', value: 'deh', checked: targets.length > 0, disabled: targets.length === 0 }), 'To another DeH'),
        select,
        h('label', { class: 'check' }, h('input', { type: 'radio', name: 'to', value: 'pool', checked: targets.length === 0 }), 'Out of DeH (to the shared pool)')),
      h('p', { class: 'sub', text: 'The ECS status changes from RESIZE to SHUTOFF during migration.' }),
    ], 'OK', async (f) => {
      const target = f.get('to') === 'pool' ? null : String(f.get('target'));
      await ctx.client.compute.migrate(s.id, target);
      await waitFor(s.id, (st) => !TRANSITIONAL.has(st));
      info(`Migrated ${s.name} ${target === null ? 'out of DeH to the shared pool' : `to DeH ${target}`}.`);
      await reload();
    });
    form.querySelector('select[name=target]').disabled = targets.length === 0;
  });
}

