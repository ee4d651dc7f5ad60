import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { listeningApp } from '../cli/support.js';

// A custom policy made and edited over real HTTP exactly as CONTRACT §9.2 shows the Go SDK
// and Terraform doing it: a domain-scoped token, the OS-ROLE URL derived from the auth URL
// ("v3/" → "v3.0/"), Content-Type "application/json;charset=utf8", POST 201 / GET 200 /
// list 200 / PATCH 200 / DELETE 200. Granted to a group on a project, then edited from Allow
// to Deny and back: the member's SAME token follows each edit, without a new token.

for (const dialect of DIALECTS) {
  describe(`custom policy through a raw HTTP client, as the Go SDK sends it [${dialect}]`, () => {
    let t: TestApp;
    let url: string;
    before(async () => { ({ t, url } = await listeningApp(dialect)); });
    after(async () => { await t.close(); });

    async function send(method: string, path: string, token?: string, body?: unknown) {
      const r = await fetch(path.startsWith('http') ? path : `${url}${path}`, {
        method, headers: { ...(token && { 'x-auth-token': token }), ...(body !== undefined && { 'content-type': 'application/json;charset=utf8' }), accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, text, json: text ? JSON.parse(text) : null, headers: r.headers };
    }
    async function token(user: string, password: string, scope: unknown) {
      const r = await send('POST', '/identity/v3/auth/tokens', undefined, { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } }, scope } });
      assert.equal(r.status, 201, r.text);
      return { token: r.headers.get('x-subject-token')!, body: r.json };
    }

    test('create, read, list, edit Allow → Deny → Allow, delete; the same member token follows every edit', async () => {
      // Terraform's second token: domain scope, whose catalog must name identity.
      const domain = await token('admin', ADMIN_PASSWORD, { domain: { name: 'Default' } });
      const identity = domain.body.token.catalog.find((s: { type: string }) => s.type === 'identity');
      assert.ok(identity, 'the domain-scoped token names identity in its catalog');
      const authUrl = `${url}/identity/v3/`;
      const v30 = authUrl.replace('v3/', 'v3.0/');
      const roles = `${v30}OS-ROLE/roles`;
      assert.equal(roles, `${url}/identity/v3.0/OS-ROLE/roles`);

      const policy = (effect: 'Allow' | 'Deny') => ({ Version: '1.1', Statement: [{ Action: ['deh:dedicatedHosts:list'], Effect: effect }] });
      const body = (effect: 'Allow' | 'Deny') => ({ role: { display_name: 'pipeline-list', type: 'XA', description: 'list DeHs', policy: policy(effect) } });
      const created = await send('POST', roles, domain.token, body('Allow'));
      assert.equal(created.status, 201, created.text);
      const role = created.json.role;
      assert.equal(JSON.stringify(role.policy), JSON.stringify(policy('Allow')), 'policy echoed exactly, keys in the order sent');
      assert.equal(typeof role.created_time, 'string');
      assert.deepEqual(Object.keys(role.links), ['self']);
      assert.equal((await send('GET', `${roles}/${role.id}`, domain.token)).json.role.id, role.id);
      const list = await send('GET', roles, domain.token);
      assert.equal(list.status, 200);
      assert.equal(typeof list.json.links, 'object');
      assert.ok(list.json.roles.some((r: { id: string }) => r.id === role.id));
      assert.equal(list.json.total_number, list.json.roles.length);

      // A member of a group the policy is granted to, on the admin's project.
      const project = (await send('GET', '/identity/v3/projects?name=eu-de', domain.token)).json.projects[0];
      const user = (await send('POST', '/identity/v3/users', domain.token, { user: { name: 'pipeline', domain_id: 'default', password: 'pipeline-pw' } })).json.user;
      const group = (await send('POST', '/identity/v3/groups', domain.token, { group: { name: 'pipelines' } })).json.group;
      assert.equal((await send('PUT', `/identity/v3/groups/${group.id}/users/${user.id}`, domain.token)).status, 204);
      assert.equal((await send('PUT', `/identity/v3/projects/${project.id}/groups/${group.id}/roles/${role.id}`, domain.token)).status, 204);
      const member = await token('pipeline', 'pipeline-pw', { project: { id: project.id } });
      assert.deepEqual(member.body.token.roles, [{ id: role.id, name: role.name }]);
      const listHosts = () => send('GET', `/v1.0/${project.id}/dedicated-hosts`, member.token);
      assert.equal((await listHosts()).status, 200);

      // Edit to Deny: the same token is refused at once, naming the action; back to Allow: allowed again.
      const patched = await send('PATCH', `${roles}/${role.id}`, domain.token, body('Deny'));
      assert.equal(patched.status, 200, patched.text);
      assert.equal(JSON.stringify(patched.json.role.policy), JSON.stringify(policy('Deny')));
      const denied = await listHosts();
      assert.equal(denied.status, 403);
      assert.deepEqual({ ...denied.json.error, request_id: undefined }, { code: 'DEH.0033', message: "Policy doesn't allow deh:dedicatedHosts:list to be performed.", request_id: undefined });
      assert.equal((await send('PATCH', `${roles}/${role.id}`, domain.token, body('Allow'))).status, 200);
      assert.equal((await listHosts()).status, 200);

      // Delete answers 200 (the Go SDK accepts nothing else); its grant goes with it, and with
      // it the member's last grant on the project: the token no longer works there.
      const del = await send('DELETE', `${roles}/${role.id}`, domain.token);
      assert.equal(del.status, 200, del.text);
      assert.equal((await send('GET', `${roles}/${role.id}`, domain.token)).status, 404);
      assert.equal((await listHosts()).status, 401);
    });
  });
}
