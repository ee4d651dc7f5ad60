import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, cliSuite, freePort } from './support.js';

// `opendeh host|quota|server …` against a real listening server: every command goes over
// HTTP through src/client, logging in and finding the DeH endpoint in the catalog.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

cliSuite('cli host commands', (engine) => {
  const { run } = engine;

  test('a host goes through allocate, list, show, set, tag and release', async () => {
    const alloc = await run('host', 'allocate', '--name', 'cli-web', '--az', 'eu-de-01', '--type', 'c4', '--tag', 'env=prod', '--tag', 'team=web');
    assert.equal(alloc.code, 0, alloc.err);
    const id = alloc.out.trim();
    assert.match(id, UUID);

    const list = await run('host', 'list');
    assert.equal(list.code, 0, list.err);
    const lines = list.out.trimEnd().split('\n');
    assert.match(lines[0], /^ID\s+NAME\s+TYPE\s+AZ\s+STATE\s+VCPUS FREE\s+MEMORY FREE \(MB\)\s+INSTANCES\s+AUTO\s+TAGS$/);
    const row = lines.find((l) => l.startsWith(id));
    assert.ok(row, list.out);
    assert.match(row, /cli-web\s+c4\s+eu-de-01\s+available\s+(\d+)\/\1\s+(\d+)\/\2\s+0\s+on\s+env=prod,team=web$/);
    // Columns are aligned: every line puts NAME at the same offset.
    assert.equal(row.indexOf('cli-web'), lines[0].indexOf('NAME'));

    const show = await run('host', 'show', id);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^name\s+cli-web$/m);
    assert.match(show.out, /^host_type\s+c4 \(dedicated_general_purpose\)$/m);
    assert.match(show.out, /^tags\s+env=prod,team=web$/m);
    // An empty c4 (74 vCPUs, 296 GiB): 37 c4.large.2, 37 c4.large.4 (vCPUs bound), 4 c4.16xlarge.4 (memory bound: 296/64).
    assert.match(show.out, /^fits now\s+c4\.large\.2=37,.*c4\.large\.4=37,.*c4\.16xlarge\.4=1$/m);

    const set = await run('host', 'set', id, '--name', 'cli-web-2', '--auto-placement', 'off');
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /^name\s+cli-web-2$/m);
    assert.match(set.out, /^auto_placement\s+off$/m);

    const add = await run('host', 'tag', 'add', id, 'tier=1', 'flag');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /^tier\s+1$/m);
    assert.match(add.out, /^flag$/m);
    const rm = await run('host', 'tag', 'rm', id, 'env', 'flag');
    assert.equal(rm.code, 0, rm.err);
    assert.deepEqual(rm.out.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['team', 'tier']);

    const filtered = await run('host', 'list', '--tags', 'tier=1', '--json');
    assert.deepEqual(JSON.parse(filtered.out).dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id), [id]);

    const release = await run('host', 'release', id);
    assert.equal(release.code, 0, release.err);
    assert.equal(release.out, '');
    const gone = await run('host', 'show', id);
    assert.equal(gone.code, 1);
    assert.equal(gone.out, '');
    assert.equal(gone.err, `error: 404 DEH.0404 DeH ${id} could not be found\n`);
    assert.ok(!(await run('host', 'list')).out.includes(id));
  });

  test('--json prints the API\'s objects; filters and paging pass through', async () => {
    const a = await run('host', 'allocate', '--name', 'json-a', '--az', 'eu-de-02', '--type', 's2', '--quantity', '2', '--auto-placement', 'off', '--json');
    assert.equal(a.code, 0, a.err);
    const ids: string[] = JSON.parse(a.out).dedicated_host_ids;
    assert.equal(ids.length, 2);

    const list = JSON.parse((await run('host', 'list', '--az', 'eu-de-02', '--host-type', 's2', '--json')).out);
    assert.deepEqual(list.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id).sort(), [...ids].sort());
    assert.equal(list.total, 2);
    assert.equal(list.dedicated_hosts[0].auto_placement, 'off');

    const sorted = [...ids].sort();
    const page = JSON.parse((await run('host', 'list', '--az', 'eu-de-02', '--limit', '1', '--marker', sorted[0], '--json')).out);
    assert.deepEqual(page.dedicated_hosts.map((h: { dedicated_host_id: string }) => h.dedicated_host_id), [sorted[1]]);

    const shown = JSON.parse((await run('host', 'show', ids[0], '--json')).out);
    assert.equal(shown.dedicated_host.dedicated_host_id, ids[0]);
    assert.deepEqual(shown.dedicated_host.instance_uuids, []);

    const none = JSON.parse((await run('host', 'list', '--state', 'fault', '--json')).out);
    assert.deepEqual(none, { dedicated_hosts: [], total: 0 });

    const types = await run('host', 'types', 'eu-de-01');
    assert.match(types.out, /^HOST TYPE\s+NAME$/m);
    assert.match(types.out, /^c4\s+dedicated_general_purpose$/m);

    const servers = await run('server', 'list', ids[0], '--json');
    assert.deepEqual(JSON.parse(servers.out), { servers: [] });

    const quota = await run('quota', 'show', '--type', 's2');
    assert.equal(quota.code, 0, quota.err);
    assert.match(quota.out, /^s2\s+2\s+10$/m);
    for (const id of ids) assert.equal((await run('host', 'release', id)).code, 0);
  });

  test('servers through the compute API: create on a DeH, list, release refused, delete', async () => {
    const id = (await run('host', 'allocate', '--name', 'with-servers', '--az', 'eu-de-01', '--type', 'c4')).out.trim();
    const created = await run('server', 'create', '--name', 'vm-1', '--flavor', 'c4.xlarge.4', '--az', 'eu-de-01', '--host', id);
    assert.equal(created.code, 0, created.err);
    const vm = created.out.trim();
    assert.match(vm, UUID);

    const onHost = await run('server', 'list', id);
    assert.match(onHost.out, new RegExp(`^${vm}\\s+vm-1\\s+\\S+\\s+c4\\.xlarge\\.4\\s`, 'm'));
    const all = JSON.parse((await run('server', 'all', '--json')).out);
    assert.ok(all.servers.some((s: { id: string }) => s.id === vm));
    assert.match((await run('host', 'show', id)).out, /^instance_total\s+1$/m);

    const refused = await run('host', 'release', id);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^error: 409 DEH\.0409 /);

    assert.equal((await run('server', 'delete', vm)).code, 0);
    const missing = await run('server', 'delete', vm);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: 404 itemNotFound /);
    assert.equal((await run('host', 'release', id)).code, 0);
  });

  test('errors from the service: message line on stderr, exit code 1', async () => {
    const bad = await run('host', 'allocate', '--name', 'x', '--az', 'eu-de-01', '--type', 'no-such-type');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^error: 404 DEH\.0405 host type "no-such-type" is not offered in eu-de-01\n$/);

    const login = await cli(['host', 'list', '--url', engine.url, '--password', 'wrong']);
    assert.equal(login.code, 1);
    assert.match(login.err, /^error: 401 Unauthorized /);

    const down = await cli(['host', 'list', '--url', `http://127.0.0.1:${await freePort()}`], engine.env);
    assert.equal(down.code, 1);
    assert.match(down.err, /^error: cannot reach http:\/\/127\.0\.0\.1:\d+\/identity\/v3\/auth\/tokens: ECONNREFUSED\n$/);
  });

  test('usage mistakes exit with 2 before any request', async () => {
    const missing = await run('host', 'allocate', '--az', 'eu-de-01', '--type', 'c4');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /required option '--name <name>' not specified/);
    const choice = await run('host', 'set', 'x', '--auto-placement', 'maybe');
    assert.equal(choice.code, 2);
    const nothing = await run('host', 'set', 'x');
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /nothing to change/);
    const nopw = await cli(['host', 'list', '--url', engine.url], {});
    assert.equal(nopw.code, 2);
    assert.match(nopw.err, /no password/);
  });

  test('OS_* variables log in like an openrc file, scoped to their project', async () => {
    const p = await engine.t.newProject();
    const osEnv = { OS_AUTH_URL: `${engine.url}/identity/v3`, OS_USERNAME: `user-${p.name}`, OS_PASSWORD: 'pw-secret', OS_PROJECT_NAME: p.name, OS_USER_DOMAIN_NAME: 'Default' };
    const a = await cli(['host', 'allocate', '--name', 'tenant-host', '--az', 'eu-de-03', '--type', 'm4'], osEnv);
    assert.equal(a.code, 0, a.err);
    const id = a.out.trim();
    const list = JSON.parse((await cli(['host', 'list', '--json'], osEnv)).out);
    assert.deepEqual(list.dedicated_hosts.map((h: { dedicated_host_id: string; project_id: string }) => [h.dedicated_host_id, h.project_id]), [[id, p.projectId]]);
    // An explicit flag wins over the environment: the admin's project lists its own hosts only.
    const other = await cli(['host', 'list', '--json', '--url', engine.url, '--user', 'admin', '--project', 'eu-de', '--password', engine.env.OPENDEH_PASSWORD], osEnv);
    assert.ok(!other.out.includes(id));
  });
});
