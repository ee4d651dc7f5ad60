import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { allocate, type TestApp, type TestProject } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { listeningApp } from '../cli/support.js';
import { clientEnv, clientHome, cloud, hasCommand, NO_OPENSTACK, OPENSTACK, PYTHON, run } from './support.js';

// Issue 10 with real clients against a listening server: a named user allocates, renames and
// releases a host through the DeH API; then the `openstack cts trace list` command and
// openstacksdk's `conn.cts.traces()` (both from python-otcextensions, on the interpreter of
// Debian's python3-openstackclient) list exactly those three traces of that host, newest
// first, with that user and the times the server recorded; `--trace_name` and `--limit`
// filter. Both clients come from otcextensions, which no registry here ships: without it
// (CI) the suite is skipped, saying so; a developer runs it with its source on PYTHONPATH.

// `openstack cts …` exists only when otcextensions is importable (its entry points, or PYTHONPATH).
const PLUGIN = OPENSTACK !== '' && await hasCommand(clientEnv(tmpdir()), 'cts', 'trace', 'list');
const SKIP = NO_OPENSTACK ? NO_OPENSTACK
  : !PLUGIN ? 'python-otcextensions is not importable by the openstack CLI (no `openstack cts` command; no registry here ships it: put its source on PYTHONPATH)'
  : false;

/**
 * otcextensions prints a trace's ms time as ISO 8601 with the milliseconds unpadded
 * (`format.TimeTMsStr`: 1000 ms + 7 → "…:01.7+00:00"), so the digits are read as a number of ms.
 */
function clientMs(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{1,3})\+00:00$/.exec(s);
  assert.ok(m, `not a time as otcextensions prints it: ${s}`);
  return Date.parse(`${m[1]}Z`) + Number(m[2]);
}

// openstacksdk: one connection, the OTC services registered, one listing per query given.
const SDK_SCRIPT = `
import json, sys, openstack
from otcextensions import sdk
conn = openstack.connect(cloud=sys.argv[1])
sdk.register_otc_extensions(conn)
def row(t):
    return {'id': t.id, 'name': t.name, 'resource_id': t.resource_id, 'resource_name': t.resource_name, 'user': t.user,
            'time': t.time, 'record_time': t.record_time, 'level': t.level, 'code': t.code, 'service_type': t.service_type,
            'resource_type': t.resource_type}
print(json.dumps([[row(t) for t in conn.cts.traces(tracker='system', **q)] for q in json.loads(sys.argv[2])]))
`;

interface RawTrace { trace_id: string; trace_name: string; resource_id: string; resource_name: string; time: number; record_time: number; user: { id: string; name: string } }

for (const dialect of DIALECTS) {
  describe(`CTS traces with openstack cts trace list and openstacksdk conn.cts.traces [${dialect}]`, { skip: SKIP }, () => {
    let t: TestApp;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let p: TestProject;
    let user: string;
    before(async () => {
      let url: string;
      ({ t, url } = await listeningApp(dialect));
      p = await t.newProject({ name: 'cts-osc' });
      user = `user-${p.name}`;
      ({ dir, env } = clientHome('opendeh-cts-osc-', `clouds:${cloud(url, user, 'pw-secret', p.name)}\n`));
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('create, rename and release of a host: listed newest first with the user and the recorded times; --trace_name and --limit filter', async (tc) => {
      // Another project's host, and the CLI's own logins (IAM traces of this project), must not show.
      await allocate(t, t.admin, { name: 'cts-other' });
      const startMs = Date.now();
      const [hostId] = await allocate(t, p, { name: 'cts-h1' });
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${hostId}`, { dedicated_host: { name: 'cts-h1-renamed' } })).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${hostId}`)).statusCode, 204);
      const endMs = Date.now();

      // What the server recorded, read raw: the clients must show exactly these.
      const rawRes = await t.call('GET', `/cts/v1.0/${p.projectId}/system/trace?service_type=DEH&resource_type=dedicatedHosts`, { token: p.token });
      assert.equal(rawRes.statusCode, 200, rawRes.body);
      const raw: RawTrace[] = rawRes.json().traces;
      assert.deepEqual(raw.map((x) => [x.trace_name, x.resource_id, x.resource_name, x.user.id, x.user.name]), [
        ['releaseDedicatedHosts', hostId, 'cts-h1-renamed', p.userId, user],
        ['updateDedicatedHosts', hostId, 'cts-h1-renamed', p.userId, user],
        ['createDedicatedHosts', hostId, 'cts-h1', p.userId, user],
      ]);
      for (const x of raw) {
        assert.ok(x.time >= startMs && x.time <= endMs, `${x.trace_name} time ${x.time} outside [${startMs}, ${endMs}]`);
        assert.ok(x.record_time >= x.time && x.record_time <= endMs, `${x.trace_name} record_time ${x.record_time}`);
      }
      assert.ok(raw[0].time >= raw[1].time && raw[1].time >= raw[2].time, 'newest first');
      const [release, update] = raw;

      const seen: string[] = [];
      const osc = async (...args: string[]) => {
        const full = ['cts', 'trace', 'list', ...args, '-f', 'json'];
        seen.push(`$ openstack --os-cloud ${user} ${full.join(' ')}`);
        const r = await run(OPENSTACK, ['--os-cloud', user, ...full], env);
        assert.equal(r.code, 0, `openstack ${full.join(' ')}\n${r.err}${r.out}`);
        const rows = JSON.parse(r.out) as any[];
        seen.push(...rows.map((x) => `  ${x.time}  ${x.name}  ${x.resource_id}  ${x.resource_name}  ${x.user.name}  ${x.level}`));
        return rows;
      };
      const expectRows = (rows: any[], want: RawTrace[]) => {
        assert.deepEqual(rows.map((x) => [x.id, x.name, x.service_type, x.type, x.resource_type, x.resource_id, x.resource_name, x.user, x.source_ip, x.level]),
          want.map((x) => [x.trace_id, x.trace_name, 'DEH', 'ApiCall', 'dedicatedHosts', hostId, x.resource_name,
            { id: p.userId, name: user, domain: { id: 'default', name: 'Default' } }, '127.0.0.1', 'normal']));
        assert.deepEqual(rows.map((x) => clientMs(x.time)), want.map((x) => x.time));
      };

      expectRows(await osc('--service_type', 'DEH', '--resource_type', 'dedicatedHosts'), raw);
      expectRows(await osc('--service_type', 'DEH', '--resource_type', 'dedicatedHosts', '--trace_name', 'updateDedicatedHosts'), [update]);
      expectRows(await osc('--service_type', 'DEH', '--resource_type', 'dedicatedHosts', '--limit', '1'), [release]);
      // Without the service filter the newest trace of the project is the CLI's own login.
      const newest = await osc('--limit', '1');
      assert.deepEqual(newest.map((x) => [x.name, x.service_type, x.user.name]), [['login', 'IAM', user]]);

      // openstacksdk, on the CLI's interpreter: res_type is the SDK's name for resource_type.
      const queries = [
        { service_type: 'DEH', res_type: 'dedicatedHosts' },
        { trace_name: 'updateDedicatedHosts' },
        { service_type: 'DEH', res_type: 'dedicatedHosts', limit: 1 },
        { res_id: hostId, user, level: 'NORMAL' },
      ];
      seen.push(`$ python3: conn.cts.traces(tracker='system', **q) for q in ${JSON.stringify(queries)}`);
      const sdk = await run(PYTHON, ['-c', SDK_SCRIPT, user, JSON.stringify(queries)], env);
      assert.equal(sdk.code, 0, sdk.err);
      const lists = JSON.parse(sdk.out) as any[][];
      seen.push(...lists.map((l) => `  ${l.map((x) => x.name).join(', ')}`));
      const want = (l: RawTrace[]) => l.map((x) => ({
        id: x.trace_id, name: x.trace_name, resource_id: hostId, resource_name: x.resource_name, user: { id: p.userId, name: user, domain: { id: 'default', name: 'Default' } },
        time: x.time, record_time: x.record_time, level: 'normal', code: x.trace_name === 'createDedicatedHosts' ? '200' : '204', service_type: 'DEH', resource_type: 'dedicatedHosts',
      }));
      const got = lists.map((l) => l.map((x) => ({ ...x, time: clientMs(x.time), record_time: clientMs(x.record_time) })));
      assert.deepEqual(got, [want(raw), want([update]), want([release]), want(raw)]);
      tc.diagnostic(`ran:\n  ${seen.join('\n  ')}`);
    });
  });
}
