// The "Traces" view (issue 10): the project's CTS trail, newest first, as
// GET {cts}/system/trace answers it (docs/traces.md). Every filter is the API's own query
// parameter and the API filters; paging follows its marker (`meta_data.marker`, passed back
// as `next`). A row opens the trace as the API returned it, field by field. Reading needs
// cts:trace:list: the view always asks, so a user without it gets the service's 403 in the
// message area.
import { ctx } from './context.js';
import { $, act, block, h } from './dom.js';
import { ACTION, deniedReason, guard } from './permissions.js';

/** The windows offered, in ms before now; the first is the API's default (CONTRACT §10.5). */
const PERIODS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

const list = {
  /** The query of the shown pages, the window pinned when the search ran (paging keeps it). */
  query: {}, size: 10, page: 0,
  /** markers[n] is the `next` of page n (the API's marker after page n-1). */
  markers: [undefined],
  traces: [],
  open: null, // trace_id whose details are shown
};

/** A new sign-in starts from the default search. */
export function resetTraces() {
  $('#trace-filter').reset();
  syncPeriod();
  Object.assign(list, { query: {}, page: 0, markers: [undefined], traces: [], open: null });
  renderRows();
}

/** Entering the view; `preset` (from a DeH's details) replaces the filters, e.g. {resource_id}. */
export async function loadTraces(preset) {
  if (preset) {
    $('#trace-filter').reset();
    for (const [k, v] of Object.entries(preset)) $(`#trace-filter [name=${k}]`).value = v;
    syncPeriod();
  }
  search();
  await loadPage();
}

/** The form → the API's query; a relative window is turned into from/to now. */
function search() {
  const f = new FormData($('#trace-filter'));
  const query = {};
  for (const k of ['resource_id', 'resource_name', 'trace_name', 'user', 'service_type', 'trace_rating']) {
    const v = String(f.get(k) ?? '').trim();
    if (v) query[k] = v;
  }
  // The window is pinned now, so the next pages stay in it; the API's defaults (the hour up
  // to now) fill the ends a custom window leaves empty. datetime-local is the browser's time.
  const period = String(f.get('period'));
  const at = (name) => (f.get(name) ? new Date(String(f.get(name))).getTime() : undefined);
  query.to = (period === 'custom' ? at('to') : undefined) ?? Date.now();
  query.from = (period === 'custom' ? at('from') : query.to - PERIODS[period]) ?? query.to - PERIODS.hour;
  Object.assign(list, { query, page: 0, markers: [undefined], open: null });
}

async function loadPage() {
  let page;
  try {
    page = await ctx.client.cts.traces({ ...list.query, limit: list.size, ...(list.markers[list.page] && { next: list.markers[list.page] }) });
  } catch (e) {
    // The message area shows the service's words; the table says what is missing.
    list.traces = [];
    renderRows();
    $('#traces-empty').textContent = e?.status === 403 ? deniedReason(ACTION.traceList) : 'The traces could not be read.';
    $('#traces-empty').hidden = false;
    $('#trace-page-info').textContent = '';
    block($('#trace-prev'), 'No traces are shown.');
    block($('#trace-next'), 'No traces are shown.');
    throw e;
  }
  const { traces, marker } = page;
  list.markers[list.page + 1] = marker ?? undefined;
  list.traces = traces;
  renderRows();
  $('#traces-empty').textContent = 'No trace matches the search in this time range.';
  $('#traces-empty').hidden = traces.length > 0;
  const from = list.page * list.size;
  $('#trace-page-info').textContent = traces.length === 0 ? '' : `${from + 1}–${from + traces.length}, newest first`;
  $('#trace-window').textContent = windowText(list.query);
  guard($('#trace-prev'), ACTION.traceList, list.page === 0 ? 'This is the first page.' : null);
  guard($('#trace-next'), ACTION.traceList, marker ? null : 'This is the last page.');
}

const windowText = (q) => `From ${stamp(q.from)} to ${stamp(q.to)}.`;

// ---- the table ----

const pad = (n, w = 2) => String(n).padStart(w, '0');
/** ms → local "YYYY-MM-DD HH:MM:SS" (the ms and UTC in the element's datetime/title). */
function stamp(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
const time = (ms) => h('time', { datetime: new Date(ms).toISOString(), title: `${new Date(ms).toISOString()} (${ms})`, text: stamp(ms) });
const ratingBadge = (r) => h('span', { class: `badge rating-${r}`, text: r });

const renderRows = () => $('#traces tbody').replaceChildren(...list.traces.flatMap((x) => traceRows(x)));

function traceRows(x) {
  const open = list.open === x.trace_id;
  const toggle = () => {
    list.open = open ? null : x.trace_id;
    renderRows();
  };
  const row = h('tr', { class: `trace${open ? ' selected' : ''}`, 'data-id': x.trace_id, onclick: toggle },
    h('td', {}, time(x.time)),
    h('td', {}, h('button', {
      type: 'button', class: 'link name', text: x.trace_name, 'aria-expanded': String(open), title: 'Show the trace',
      onclick: (e) => { e.stopPropagation(); toggle(); },
    })),
    h('td', {}, ratingBadge(x.trace_rating)),
    h('td', {}, h('span', { text: x.resource_type }), h('div', { class: 'sub', text: x.service_type })),
    h('td', {}, h('span', { text: x.resource_name }), h('div', { class: 'id', text: x.resource_id })),
    h('td', { class: 'user', text: x.user?.name ?? '' }),
    h('td', { class: 'id', text: x.source_ip }),
    h('td', { class: 'num code', text: x.code }));
  return open ? [row, detailRow(x)] : [row];
}

/** The trace as the API returned it: every field in its order, `user` by its parts. */
function detailRow(x) {
  const rows = [];
  const add = (key, value) => rows.push(h('dt', { text: key }), h('dd', { 'data-key': key }, value));
  for (const [k, v] of Object.entries(x)) {
    if (k === 'user' && v && typeof v === 'object') {
      for (const [uk, uv] of Object.entries(v)) {
        if (uv && typeof uv === 'object') for (const [dk, dv] of Object.entries(uv)) add(`user.${uk}.${dk}`, String(dv));
        else add(`user.${uk}`, String(uv));
      }
    } else if (k === 'time' || k === 'record_time') {
      add(k, [time(v), h('span', { class: 'sub', text: ` ${v}` })]);
    } else if (k === 'request' || k === 'response' || k === 'message') {
      add(k, v === '' ? h('span', { class: 'sub', text: '(empty)' }) : h('pre', { class: 'payload', text: pretty(v) }));
    } else if (v === '') {
      add(k, h('span', { class: 'sub', text: '(empty)' }));
    } else {
      add(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return h('tr', { class: 'trace-detail', 'data-id': x.trace_id },
    h('td', { colspan: 8 }, h('dl', { class: 'props trace-props', 'aria-label': `Trace ${x.trace_id}` }, rows)));
}

/** A JSON text indented for reading; anything else as it is. */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ---- wiring ----

function syncPeriod() {
  const custom = $('#trace-filter [name=period]').value === 'custom';
  for (const el of document.querySelectorAll('#trace-filter .custom-window')) el.hidden = !custom;
}

export function applyTracePermissions() {
  guard($('#trace-search'), ACTION.traceList);
  guard($('#trace-refresh'), ACTION.traceList);
}

export function initTraces() {
  $('#trace-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    search();
    act($('#trace-search'), loadPage);
  });
  $('#trace-filter').addEventListener('reset', () => setTimeout(syncPeriod)); // after the form has reset its fields
  $('#trace-filter [name=period]').addEventListener('change', syncPeriod);
  $('#trace-refresh').addEventListener('click', (e) => { search(); act(e.currentTarget, loadPage); });
  $('#trace-page-size').addEventListener('change', (e) => {
    list.size = Number(e.target.value);
    search();
    act(null, loadPage);
  });
  $('#trace-prev').addEventListener('click', (e) => { list.page -= 1; list.open = null; act(e.currentTarget, loadPage); });
  $('#trace-next').addEventListener('click', (e) => { list.page += 1; list.open = null; act(e.currentTarget, loadPage); });
  syncPeriod();
}
