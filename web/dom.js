// Page plumbing shared by every view: element building, the message area, the batch result
// panel, running an action, and presentation helpers. Nothing here knows the API.
import { ApiError, ConnectionError } from '/console/client/index.js';

export const $ = (sel, root = document) => root.querySelector(sel);

/** Element builder; text always goes through textContent, never HTML. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'value' && (tag === 'input' || tag === 'select')) el.value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

// ---- messages ----

/** Hooks set by app.js: a 401 signs out, a 403 re-reads the permissions. */
export const hooks = { unauthorized: async () => {}, forbidden: async () => {} };

function show(text, kind) {
  $('#message-text').textContent = text;
  $('#message').className = `message ${kind}`;
  $('#message').hidden = false;
}
export const info = (text) => show(text, 'info');
/** The service's own words for an error: status, code, message. */
export function errorText(e) {
  if (e instanceof ApiError) return `${e.status} ${e.code} ${e.message}`;
  if (e instanceof ConnectionError) return e.message;
  return String(e?.message ?? e);
}
export async function fail(e) {
  show(errorText(e), 'error');
  try {
    if (e instanceof ApiError && e.status === 401) await hooks.unauthorized();
    if (e instanceof ApiError && e.status === 403) await hooks.forbidden();
  } catch { /* the message shown is the one that matters */ }
}
export function clearMessage() {
  $('#message').hidden = true;
  $('#results').hidden = true;
}

/**
 * The outcome of a batch, one row per item, each with the service's answer
 * (`rows`: {name, id, error?}). Shown under the message until the next action.
 */
export function showResults(title, rows) {
  const ok = rows.filter((r) => !r.error).length;
  const panel = $('#results');
  panel.replaceChildren(
    h('h4', { text: `${title}: ${ok} of ${rows.length} succeeded` }),
    h('table', { class: 'results-table' },
      h('thead', {}, h('tr', {}, ['Name', 'ID', 'Result'].map((c) => h('th', { text: c })))),
      h('tbody', {}, rows.map((r) => h('tr', { class: r.error ? 'failed' : 'done', 'data-id': r.id },
        h('td', { text: r.name }), h('td', { class: 'id', text: r.id }),
        h('td', { class: r.error ? 'bad' : 'ok', text: r.error ?? r.done ?? 'done' }))))),
  );
  panel.hidden = false;
}

/** Runs every item's call at once; one result row per item, never an exception. */
export async function batch(items, fn) {
  const settled = await Promise.allSettled(items.map((x) => fn(x)));
  if (settled.some((s) => s.status === 'rejected' && s.reason instanceof ApiError && s.reason.status === 403)) await hooks.forbidden().catch(() => {});
  return settled.map((s, i) => ({
    name: items[i].name, id: items[i].id,
    ...(s.status === 'rejected' ? { error: errorText(s.reason) } : { done: typeof s.value === 'string' ? s.value : undefined }),
  }));
}

// ---- actions ----

let pending = 0;
/** Runs an action with its button disabled; any error goes to the message area. */
export async function act(button, fn, { keepMessage = false } = {}) {
  if (!keepMessage) clearMessage(); // a message belongs to the action that caused it
  if (button) button.disabled = true;
  // aria-busy until every action in flight is done (assistive tech, and tests, wait for it).
  document.body.setAttribute('aria-busy', String(++pending > 0));
  try {
    await fn();
  } catch (e) {
    await fail(e);
  } finally {
    // A button that carries a reason stays disabled (permissions.js, state rules).
    if (button) button.disabled = Boolean(button.dataset.reason);
    document.body.setAttribute('aria-busy', String(--pending > 0));
  }
}

/** Disables a button and says why (tooltip and accessible description); `null` enables it. */
export function block(button, reason) {
  if (reason) {
    button.dataset.reason = reason;
    button.title = reason;
    button.setAttribute('aria-description', reason);
    button.disabled = true;
  } else {
    delete button.dataset.reason;
    button.removeAttribute('title');
    button.removeAttribute('aria-description');
    button.disabled = false;
  }
  return button;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- formatting (presentation only) ----

export const gib = (mb) => `${Math.round(mb / 1024).toLocaleString()} GiB`;
export const tagText = (t) => (t.value ? `${t.key}=${t.value}` : t.key);
export function parseTag(raw) {
  const s = raw.trim();
  const i = s.indexOf('=');
  return i < 0 ? { key: s, value: '' } : { key: s.slice(0, i).trim(), value: s.slice(i + 1).trim() };
}
export const parseTags = (text) => String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(parseTag);

function bar(share, tone, label, title) {
  const fill = h('span', { class: `fill ${tone}` });
  fill.style.width = `${Math.round(Math.min(Math.max(share, 0), 1) * 100)}%`; // CSSOM, allowed by the page's CSP
  return h('div', { class: 'capacity', title },
    h('span', { class: 'capacity-text', text: label }),
    h('span', { class: 'bar', role: 'img', 'aria-label': title }, fill));
}
/** Free capacity of a host: a full green bar is an empty host. */
export function capacity(free, total, label) {
  const share = total > 0 ? free / total : 0;
  return bar(share, share <= 0.1 ? 'high' : share <= 0.4 ? 'mid' : '', label, `${Math.round(share * 100)}% free`);
}
/** Quota use: the bar fills as the limit is approached. */
export function usage(used, limit) {
  const share = limit > 0 ? used / limit : 1;
  return bar(share, share >= 0.9 ? 'high' : share >= 0.6 ? 'mid' : '', `${used} of ${limit}`, `${Math.round(share * 100)}% of the quota used`);
}

export const stateBadge = (s) => h('span', { class: `badge state-${s}`, text: s });
export const serverBadge = (s) => h('span', { class: `badge server-${s.toLowerCase()}`, text: s });
export const tagChips = (tags) => h('div', { class: 'chips' }, (tags ?? []).map((t) => h('span', { class: 'chip', text: tagText(t) })));
export const addresses = (s) => Object.values(s.addresses ?? {}).flat().map((a) => a.addr).join(', ');
