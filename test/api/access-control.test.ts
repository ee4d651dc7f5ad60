import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { requireRoutePolicies } from '../../src/http/access-control.js';
import { allActions } from '../../src/http/route-policy.js';

// The one access-control path every route takes: 401 → 403 → 400, the refusal bodies of
// each API family (CONTRACT §9.5), and the route table that every route must have a row in.

/** A user with only Keystone's `reader` role on a new project (→ OTC readonly). */
async function readerOf(t: TestApp, p: TestProject): Promise<TestProject> {
  const name = `reader-${p.name}`;
  const u = await t.services.identity.createUser({ name, domainId: 'default', password: 'pw-secret' });
  const reader = (await t.services.identity.listRoles('reader'))[0];
  await t.services.identity.grant('project', p.projectId, u.id, reader.id);
  return { ...p, userId: u.id, token: await t.login(name, 'pw-secret', p.projectId) };
}

for (const dialect of DIALECTS) {
  describe(`access control [${dialect}]`, () => {
    let t: TestApp;
    let member: TestProject;
    let reader: TestProject;
    before(async () => {
      t = await buildTestApp(dialect);
      member = await t.newProject();
      reader = await readerOf(t, member);
    });
    after(async () => { await t.close(); });

    test('a reader lists DeHs but an allocation is refused with DEH.0033 naming the action, and nothing is created', async () => {
      const before = (await t.deh(reader, 'GET', '/dedicated-hosts')).json();
      assert.equal(before.total, 0);
      const r = await t.deh(reader, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 });
      assert.equal(r.statusCode, 403);
      const body = r.json();
      assert.deepEqual(body.error, { code: 'DEH.0033', message: "Policy doesn't allow deh:dedicatedHosts:create to be performed." });
      assert.equal(typeof body.request_id, 'string');
      assert.equal((await t.deh(reader, 'GET', '/dedicated-hosts')).json().total, 0);
    });

    test('a reader may not release, rename or tag a DeH; each refusal names its action and changes nothing', async () => {
      const [id] = await allocate(t, member, { name: 'keep' });
      const cases: [string, string, unknown, string][] = [
        ['DELETE', `/dedicated-hosts/${id}`, undefined, 'deh:dedicatedHosts:delete'],
        ['PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'renamed' } }, 'deh:dedicatedHosts:update'],
        ['POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v' }] }, 'deh:dedicatedHostTags:create'],
        ['POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'delete', tags: [{ key: 'k', value: 'v' }] }, 'deh:dedicatedHostTags:delete'],
      ];
      for (const [method, path, body, action] of cases) {
        const r = await t.deh(reader, method, path, body);
        assert.equal(r.statusCode, 403, `${method} ${path}`);
        assert.equal(r.json().error.message, `Policy doesn't allow ${action} to be performed.`);
      }
      const host = (await t.deh(member, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host;
      assert.equal(host.name, 'keep');
      assert.equal(host.state, 'available');
      assert.deepEqual((await t.deh(member, 'GET', `/dedicated-host-tags/${id}/tags`)).json().tags, []);
      assert.equal((await t.deh(reader, 'GET', `/dedicated-hosts/${id}`)).statusCode, 200);
    });

    test('compute refusals use Nova\'s shape; identity refusals use Keystone\'s', async () => {
      const r = await t.call('POST', `/compute/v2.1/${reader.projectId}/servers`, {
        token: reader.token, body: { server: { name: 'vm', flavorRef: 'c4.large.2', imageRef: 'x', networks: 'none' } },
      });
      assert.equal(r.statusCode, 403);
      assert.deepEqual(r.json(), { forbidden: { code: 403, message: "Policy doesn't allow ecs:servers:create to be performed." } });
      const k = await t.call('POST', '/identity/v3/users', { token: member.token, body: { user: { name: 'x', password: 'y' } } });
      assert.equal(k.statusCode, 403);
      assert.deepEqual(k.json(), { error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action: iam:users:createUser.' } });
    });

    test('401 comes before 400 and 403 on every family: no schema is described to an unauthenticated caller', async () => {
      const bad = { nonsense: true };
      for (const url of [`/v1.0/${member.projectId}/dedicated-hosts`, `/compute/v2.1/${member.projectId}/servers`,
        `/compute/v1/${member.projectId}/cloudservers`, '/identity/v3/users', '/opendeh/v1/hosts/x/fault']) {
        const r = await t.call('POST', url, { body: bad });
        assert.equal(r.statusCode, 401, url);
        assert.doesNotMatch(r.body, /must have required property|nonsense/, url);
      }
    });

    test('403 comes before 400: a refused caller learns nothing about the body schema', async () => {
      const r = await t.call('POST', `/compute/v2.1/${reader.projectId}/servers`, { token: reader.token, body: { nonsense: 1 } });
      assert.equal(r.statusCode, 403);
      const other = await t.newProject();
      const x = await t.call('POST', `/compute/v2.1/${other.projectId}/servers`, { token: member.token, body: { nonsense: 1 } });
      assert.equal(x.statusCode, 403);
      assert.match(x.json().forbidden.message, /scoped to project/);
    });

    test('the error family follows the route, not the raw URL', async () => {
      const r = await t.call('GET', `//compute/v2.1/${member.projectId}/servers/nope`, { token: member.token });
      assert.equal(r.statusCode, 404);
      assert.ok(r.json().itemNotFound, r.body);
    });

    test('GET /opendeh/v1/permissions tells the caller what it may do', async () => {
      const r = await t.call('GET', '/opendeh/v1/permissions', { token: reader.token });
      assert.equal(r.statusCode, 200);
      const perms = r.json().permissions as Record<string, boolean>;
      assert.deepEqual(Object.keys(perms).sort(), allActions());
      assert.equal(perms['deh:dedicatedHosts:list'], true);
      assert.equal(perms['deh:dedicatedHosts:create'], false);
      assert.equal(perms['iam:users:createUser'], false);
      const m = (await t.call('GET', '/opendeh/v1/permissions', { token: member.token })).json().permissions;
      assert.equal(m['deh:dedicatedHosts:create'], true);
      assert.equal(m['opendeh:dedicatedHosts:fault'], false);
      const a = (await t.call('GET', '/opendeh/v1/permissions', { token: t.admin.token })).json().permissions;
      assert.ok(Object.values(a).every((v) => v === true));
    });
  });
}

describe('route table', () => {
  test('a route without a row in route-policy.ts cannot be registered', async () => {
    const app = Fastify();
    requireRoutePolicies(app);
    assert.throws(() => app.get('/no-such-route', async () => ({})), /has no row in src\/http\/route-policy.ts/);
    await app.close();
  });
});
