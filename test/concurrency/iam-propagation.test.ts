import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { systemRoleId } from '../../src/domain/system-policies.js';
import { TOKEN_CACHE_MS } from '../../src/services/identity.js';
import { PG_URL } from '../support/dialects.js';
import { ADMIN_PASSWORD, http, login, startPeers, type Cluster } from './cluster.js';

// Issue 9, "changes take effect promptly": three separate server processes on one PostgreSQL
// database, each on its own port. A revoke, a grant or a custom policy edit is made through
// process 1; processes 2 and 3 must enforce it for the SAME, already used token within the
// documented bound (TOKEN_CACHE_MS, docs/permissions.md), process 1 at once. Each process
// validates the token right before the change, so its cached validation is as fresh as it
// can be: the measured delay is the worst case of the mechanism, not a lucky expiry.

const RO = systemRoleId('system_all_58');
const FULL = systemRoleId('system_all_57');
/** Scheduling, polling interval and a loaded CI machine. */
const MARGIN_MS = 1_500;
const POLL_MS = 50;

describe('IAM changes reach every process within the bound [postgres]', { skip: !PG_URL && 'OPENDEH_TEST_PG_URL not set', timeout: 240_000 }, () => {
  let destroy: () => Promise<void>;
  let peers: Cluster[];
  let admin: string;
  let seq = 0;
  before(async () => {
    ({ peers, destroy } = await startPeers(3));
    admin = (await login(peers[0].url, 'admin', ADMIN_PASSWORD, 'eu-de')).token;
  });
  after(async () => { await destroy?.(); });

  const p1 = () => peers[0].url;
  async function ok(status: number, r: Promise<{ status: number; json: unknown }>, what: string) {
    const a = await r;
    assert.equal(a.status, status, `${what}: ${a.status} ${JSON.stringify(a.json)}`);
    return a.json as any;
  }

  /** A project, a user in a group holding DeH ReadOnlyAccess there, one DeH, and the user's token. */
  async function setup() {
    const n = seq++;
    const project = (await ok(201, http(p1(), 'POST', '/identity/v3/projects', admin, { project: { name: `eu-de_prop${n}`, domain_id: 'default' } }), 'project')).project;
    const user = (await ok(201, http(p1(), 'POST', '/identity/v3/users', admin, { user: { name: `prop-u${n}`, domain_id: 'default', password: 'pw-prop' } }), 'user')).user;
    const group = (await ok(201, http(p1(), 'POST', '/identity/v3/groups', admin, { group: { name: `prop-g${n}` } }), 'group')).group;
    await ok(204, http(p1(), 'PUT', `/identity/v3/groups/${group.id}/users/${user.id}`, admin), 'membership');
    await ok(204, http(p1(), 'PUT', `/identity/v3/projects/${project.id}/groups/${group.id}/roles/${RO}`, admin), 'grant RO');
    // The owner may act in any project of its domain: it allocates the DeH the user will rename.
    const ownerToken = (await login(p1(), 'admin', ADMIN_PASSWORD, project.name)).token;
    const host = (await ok(200, http(p1(), 'POST', `/v1.0/${project.id}/dedicated-hosts`, ownerToken,
      { name: 'prop', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 }), 'allocate')).dedicated_host_ids[0] as string;
    const token = (await login(p1(), `prop-u${n}`, 'pw-prop', project.name)).token;
    let k = 0;
    return {
      project, user, group, host, token,
      /** deh:dedicatedHosts:update (204), which ReadOnlyAccess does not allow (403). */
      write: (url: string) => http(url, 'PUT', `/v1.0/${project.id}/dedicated-hosts/${host}`, token, { dedicated_host: { name: `prop-${k++}` } }),
      read: (url: string) => http(url, 'GET', `/v1.0/${project.id}/dedicated-hosts/${host}`, token),
    };
  }

  /** Polls `probe` on `url` until it answers `want`; the elapsed time since `since`. Fails past the bound. */
  async function until(url: string, want: number, probe: (url: string) => Promise<{ status: number; json: any }>, since: number) {
    const deadline = since + TOKEN_CACHE_MS + MARGIN_MS;
    for (;;) {
      const r = await probe(url);
      const now = performance.now();
      if (r.status === want) return { ms: now - since, json: r.json };
      assert.ok(r.status === 204 || r.status === 403, `unexpected ${r.status} ${JSON.stringify(r.json)}`);
      assert.ok(now < deadline, `${url} still answers ${r.status} ${Math.round(now - since)} ms after the change (bound ${TOKEN_CACHE_MS} ms + ${MARGIN_MS} ms margin)`);
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  }

  /** Warms every process with the token, makes the change through process 1, measures processes 2 and 3. */
  async function propagate(tc: TestContext, s: Awaited<ReturnType<typeof setup>>, before: number, after: number,
    change: () => Promise<void>, what: string) {
    for (const p of peers) assert.equal((await s.write(p.url)).status, before, `${p.url} before the change`);
    const t0 = performance.now();
    await change();
    const changed = performance.now();
    const first = await s.write(p1());
    assert.equal(first.status, after, `process 1 applies its own change to the very next request: ${JSON.stringify(first.json)}`);
    const [two, three] = await Promise.all(peers.slice(1).map((p) => until(p.url, after, s.write, changed)));
    tc.diagnostic(`figures: ${what}: change took ${Math.round(changed - t0)} ms on process 1; process 1 applied it at once; ` +
      `processes 2 and 3 after ${Math.round(two.ms)} ms and ${Math.round(three.ms)} ms (bound ${TOKEN_CACHE_MS} ms)`);
    return [first, two, three];
  }

  const denial = { code: 'DEH.0033', message: "Policy doesn't allow deh:dedicatedHosts:update to be performed." };

  test('a revoke through process 1 is enforced by processes 2 and 3 for the same token within the bound', async (tc) => {
    const s = await setup();
    await ok(204, http(p1(), 'PUT', `/identity/v3/projects/${s.project.id}/users/${s.user.id}/roles/${FULL}`, admin), 'grant FULL');
    const [first, two, three] = await propagate(tc, s, 204, 403, async () => {
      await ok(204, http(p1(), 'DELETE', `/identity/v3/projects/${s.project.id}/users/${s.user.id}/roles/${FULL}`, admin), 'revoke FULL');
    }, 'revoke of DeH FullAccess');
    for (const r of [first, two, three]) assert.deepEqual(r.json.error, denial);
    // The remaining grant still works on every process; the refused writes changed nothing.
    for (const p of peers) {
      const r = await s.read(p.url);
      assert.equal(r.status, 200);
      assert.match(r.json.dedicated_host.name, /^prop-\d+$/);
    }
    const names = new Set(await Promise.all(peers.map(async (p) => (await s.read(p.url)).json.dedicated_host.name)));
    assert.equal(names.size, 1);
  });

  test('a grant through process 1 becomes effective on processes 2 and 3 for the same token within the bound', async (tc) => {
    const s = await setup();
    const g2 = (await ok(201, http(p1(), 'POST', '/identity/v3/groups', admin, { group: { name: `prop-ops${seq++}` } }), 'group')).group;
    await ok(204, http(p1(), 'PUT', `/identity/v3/groups/${g2.id}/users/${s.user.id}`, admin), 'membership');
    await propagate(tc, s, 403, 204, async () => {
      await ok(204, http(p1(), 'PUT', `/identity/v3/projects/${s.project.id}/groups/${g2.id}/roles/${FULL}`, admin), 'grant FULL to a group');
    }, 'grant of DeH FullAccess to a group of the user');
    const roles = await ok(200, http(peers[2].url, 'GET', '/identity/v3/auth/tokens', admin, undefined, { 'x-subject-token': s.token }), 'token');
    assert.deepEqual(roles.token.roles.map((r: { name: string }) => r.name).sort(), ['system_all_57', 'system_all_58'], 'token.roles on process 3 shows the new grant');
  });

  test('a custom policy edited to Deny through process 1 is enforced by processes 2 and 3 within the bound', async (tc) => {
    const s = await setup();
    const body = (effect: 'Allow' | 'Deny') => ({ role: { display_name: `prop-custom-${s.project.name}`, type: 'XA', description: 'propagation',
      policy: { Version: '1.1', Statement: [{ Effect: effect, Action: ['deh:dedicatedHosts:update'] }] } } });
    const role = (await ok(201, http(p1(), 'POST', '/identity/v3.0/OS-ROLE/roles', admin, body('Allow')), 'custom policy')).role;
    await ok(204, http(p1(), 'PUT', `/identity/v3/projects/${s.project.id}/groups/${s.group.id}/roles/${role.id}`, admin), 'grant custom');
    const [first, two, three] = await propagate(tc, s, 204, 403, async () => {
      await ok(200, http(p1(), 'PATCH', `/identity/v3.0/OS-ROLE/roles/${role.id}`, admin, body('Deny')), 'edit to Deny');
    }, 'custom policy edited from Allow to Deny');
    for (const r of [first, two, three]) assert.deepEqual(r.json.error, denial);
  });
});
