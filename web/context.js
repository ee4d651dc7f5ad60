// The signed-in client and the view switcher, shared by the views.
import { $ } from './dom.js';

/** @type {{ client: import('../src/client/index.js').Client | null }} */
export const ctx = { client: null };

const VIEWS = ['hosts', 'detail', 'quota', 'traces', 'operator'];
const handlers = new Map();

/** Registers what entering a view does (load its data). */
export function onView(name, fn) {
  handlers.set(name, fn);
}

/** The view shown and its arguments, to render it again (after a permission change). */
export const current = { view: 'hosts', args: [] };

export async function showView(name, ...args) {
  Object.assign(current, { view: name, args });
  for (const v of VIEWS) $(`#${v}-view`).hidden = v !== name;
  for (const b of document.querySelectorAll('#nav button')) b.setAttribute('aria-current', String(b.dataset.view === (name === 'detail' ? 'hosts' : name)));
  await handlers.get(name)?.(...args);
}
