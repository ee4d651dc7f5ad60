// The OpenDeH console: a thin page over the API. Every action is one call of the shared
// client (served compiled from /console/client/); the service decides what is allowed and
// its error text is shown as is. No rule of the service is repeated here: the buttons follow
// GET /opendeh/v1/permissions and the manual's state rules, and the service has the last word.
import { connect, reconnect } from '/console/client/index.js';
import { current, ctx, onView, showView } from './context.js';
import { openHost } from './detail.js';
import { $, act, clearMessage, hooks } from './dom.js';
import { applyHostPermissions, hostTypes, initHosts, loadHosts, resetHosts } from './hosts.js';
import { applyOperatorPermissions, initOperator, loadOperator } from './operator.js';
import { ACTION, can, isOperator, loadPermissions } from './permissions.js';
import { loadQuota } from './quota.js';
import { applyTracePermissions, initTraces, loadTraces, resetTraces } from './traces.js';

const KEY = 'opendeh.console.session';
const authUrl = `${location.origin}/identity/v3`;

onView('hosts', loadHosts);
onView('detail', openHost);
onView('quota', loadQuota);
onView('traces', loadTraces);
onView('operator', loadOperator);

// ---- sign in / out ----

async function signIn(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  await act(e.target.querySelector('button'), async () => {
    ctx.client = await connect({
      authUrl, username: String(f.get('user')), password: String(f.get('password')),
      projectName: String(f.get('project')), domainName: String(f.get('domain')), endpointOrigin: location.origin,
    });
    sessionStorage.setItem(KEY, ctx.client.session.token);
    e.target.reset();
    clearMessage();
    await enter();
  });
}

function signOut(revoke = true) {
  if (revoke && ctx.client) ctx.client.session.logout().catch(() => {});
  ctx.client = null;
  sessionStorage.removeItem(KEY);
  $('#app-view').hidden = true;
  $('#who').hidden = true;
  $('#nav').hidden = true;
  $('#login-view').hidden = false;
  $('#dialog').open && $('#dialog').close();
}

/** Permissions → buttons; re-run after a refusal (a grant may have changed meanwhile). */
async function applyPermissions() {
  await loadPermissions(ctx.client);
  $('#nav-operator').hidden = !isOperator();
  applyHostPermissions();
  applyOperatorPermissions();
  applyTracePermissions();
}

async function enter() {
  const t = ctx.client.session.body;
  $('#who-text').textContent = `${t.user.name} · project ${t.project?.name ?? ''}`;
  $('#who').hidden = false;
  $('#nav').hidden = false;
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  resetHosts();
  resetTraces();
  await loadPermissions(ctx.client);
  // Host types for the list's filter: the quota has one entry per type.
  hostTypes.splice(0, hostTypes.length, ...(can(ACTION.dehQuota) ? (await ctx.client.deh.quota()).map((q) => q.resource) : []));
  await applyPermissions();
  await Promise.all([showView('hosts'), loadQuota()]);
}

hooks.unauthorized = async () => { if (ctx.client) signOut(false); }; // token gone: back to the sign-in form, message kept
hooks.forbidden = async () => {
  if (!ctx.client) return;
  await applyPermissions();
  await showView(current.view, ...current.args);
};

// ---- start ----

$('#login-form').addEventListener('submit', signIn);
$('#logout').addEventListener('click', () => signOut(true));
$('#message-close').addEventListener('click', clearMessage);
for (const b of document.querySelectorAll('#nav button')) {
  b.addEventListener('click', (e) => act(e.currentTarget, () => showView(b.dataset.view)));
}
initHosts();
initOperator();
initTraces();

const saved = sessionStorage.getItem(KEY);
if (saved) {
  // A reload keeps the session for as long as the token is valid.
  act(null, async () => {
    try {
      ctx.client = await reconnect(authUrl, saved, location.origin);
    } catch {
      return signOut(false); // expired or revoked: just ask to sign in again
    }
    await enter();
  });
} else {
  $('#login-view').hidden = false;
}
