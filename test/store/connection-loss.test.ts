import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DIALECTS, PG_URL } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';

// A PostgreSQL connection that dies under the pool (server restart, failover, idle-kill) is
// a transient fault: the store retries on a fresh connection and the client never sees it.

for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describe(`lost database connections [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('requests succeed after every pooled connection was terminated', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p);
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [t.schema]);
      await admin.end();
      assert.ok(killed.rowCount! > 0, 'some pooled connections were terminated');
      const show = await t.deh(p, 'GET', `/dedicated-hosts/${id}`);
      assert.equal(show.statusCode, 200);
      const upd = await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'after-failover' } });
      assert.equal(upd.statusCode, 204);
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).json().dedicated_host.name, 'after-failover');
    });
  });
}
