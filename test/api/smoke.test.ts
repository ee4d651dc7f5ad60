import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';

for (const dialect of DIALECTS) {
  describe(`harness smoke [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('a new project allocates and reads back a host', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const r = await t.deh(p, 'GET', `/dedicated-hosts/${id}`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().dedicated_host.dedicated_host_id, id);
      const other = await t.newProject();
      assert.equal((await t.deh(other, 'GET', `/dedicated-hosts/${id}`)).statusCode, 404);
    });
  });
}
