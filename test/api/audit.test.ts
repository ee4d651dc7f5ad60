import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';

// The audit trail: every state-changing DeH call is recorded with who, what, on which
// resource and the outcome; reads are not; only operators read it.

for (const dialect of DIALECTS) {
  describe(`audit trail [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('writes are recorded with actor, action, resource and outcome', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'x' } })).statusCode, 204);
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).statusCode, 200);
      assert.equal((await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'nope', quantity: 1 })).statusCode, 404);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`)).statusCode, 204);

      const r = await t.call('GET', `/opendeh/v1/audit?project_id=${p.projectId}`, { token: t.admin.token });
      assert.equal(r.statusCode, 200, r.body);
      const events = r.json().events.reverse(); // newest first on the wire
      assert.deepEqual(events.map((e: any) => [e.action, e.outcome, e.detail]), [
        ['POST /v1.0/:project_id/dedicated-hosts', 'success', '200'],
        ['PUT /v1.0/:project_id/dedicated-hosts/:host_id', 'success', '204'],
        ['POST /v1.0/:project_id/dedicated-hosts', 'failure', '404'],
        ['DELETE /v1.0/:project_id/dedicated-hosts/:host_id', 'success', '204'],
      ]);
      assert.ok(events.every((e: any) => e.userId === p.userId && e.projectId === p.projectId && e.requestId.startsWith('req-')));
      assert.equal(events[1].resourceId, id);
    });

    test('only operators read it', async () => {
      const p = await t.newProject();
      assert.equal((await t.call('GET', '/opendeh/v1/audit', { token: p.token })).statusCode, 403);
      assert.equal((await t.call('GET', '/opendeh/v1/audit')).statusCode, 401);
    });
  });
}
