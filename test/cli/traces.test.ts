import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWhen } from '../../src/cli/trace-commands.js';
import { cli, cliSuite } from './support.js';

// `opendeh trace list|show` against a real listening server, through the catalog's cts entry.

cliSuite('cli trace commands', (engine) => {
  const { run } = engine;

  test('create, rename and release of a host show up newest first; filters, paging, show', async () => {
    const ids = (await run('host', 'allocate', '--name', 'cli-tr', '--az', 'eu-de-01', '--type', 'c4', '--quantity', '2')).out.trim().split('\n');
    assert.equal(ids.length, 2);
    assert.equal((await run('host', 'set', ids[0], '--name', 'cli-tr-2')).code, 0);
    assert.equal((await run('host', 'release', ids[0])).code, 0);

    const list = await run('trace', 'list', '--service', 'DEH', '--resource-id', ids[0]);
    assert.equal(list.code, 0, list.err);
    const lines = list.out.trimEnd().split('\n');
    assert.match(lines[0], /^TIME\s+TRACE NAME\s+RATING\s+CODE\s+SERVICE\s+RESOURCE TYPE\s+RESOURCE ID\s+RESOURCE NAME\s+USER\s+SOURCE IP$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 4)), [
      ['releaseDedicatedHosts', 'normal', '204'], ['updateDedicatedHosts', 'normal', '204'], ['createDedicatedHosts', 'normal', '200'],
    ]);
    assert.ok(lines.slice(1).every((l) => l.includes(ids[0]) && /\sadmin\s/.test(l)));

    const json = await run('trace', 'list', '--name', 'createDedicatedHosts', '--by', 'admin', '--json');
    const traces = JSON.parse(json.out).traces;
    assert.deepEqual(new Set(traces.map((x: any) => x.resource_id)), new Set(ids));

    // one per page: the marker is printed, --next follows it, --all walks every page
    const p1 = await run('trace', 'list', '--name', 'createDedicatedHosts', '--limit', '1');
    const marker = /more: --next (\S+)/.exec(p1.out)?.[1];
    assert.ok(marker, p1.out);
    const p2 = await run('trace', 'list', '--name', 'createDedicatedHosts', '--limit', '1', '--next', marker, '--json');
    assert.equal(JSON.parse(p2.out).traces[0].resource_id, traces[1].resource_id);
    const all = await run('trace', 'list', '--all', '--limit', '1', '--service', 'DEH', '--json');
    assert.equal(JSON.parse(all.out).traces.length, 4);

    const show = await run('trace', 'show', traces[0].trace_id);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^trace_name\s+createDedicatedHosts$/m);
    assert.match(show.out, /^request\s+\{"name":"cli-tr".*"quantity":2\}$/m);
    assert.match(show.out, /^response\s+\{"dedicated_host_ids":\[/m);

    // a failed call is a warning
    assert.equal((await run('host', 'release', '00000000-0000-7000-8000-000000000000')).code, 1);
    const warn = await run('trace', 'list', '--rating', 'warning', '--json');
    assert.deepEqual(JSON.parse(warn.out).traces.map((x: any) => [x.trace_name, x.code]), [['releaseDedicatedHosts', '404']]);

    // time window
    assert.equal(JSON.parse((await run('trace', 'list', '--service', 'DEH', '--until', '2h', '--since', '3h', '--json')).out).traces.length, 0);
    assert.equal(JSON.parse((await run('trace', 'list', '--service', 'DEH', '--since', '10m', '--limit', '200', '--json')).out).traces.length, 5);
    assert.equal((await run('trace', 'show', '00000000-0000-7000-8000-000000000000')).code, 1);
    assert.equal((await run('trace', 'list', '--rating', 'bad')).code, 2);
  });

  test('--of reads another project (admins); a member cannot', async () => {
    const p = await engine.t.newProject();
    await engine.t.deh(p, 'POST', '/dedicated-hosts', { name: 'theirs', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 });
    const r = await run('trace', 'list', '--of', p.projectId, '--name', 'createDedicatedHosts', '--json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).traces.map((x: any) => x.resource_name), ['theirs']);
    const member = await cli(['trace', 'list', '--of', engine.t.admin.projectId, '--url', engine.url, '--user', `user-${p.name}`, '--project', p.name], { OPENDEH_PASSWORD: 'pw-secret' });
    assert.equal(member.code, 1);
    assert.match(member.err, /403|scoped/);
  });

  test('times: ISO, ms, and ages', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    assert.equal(parseWhen('2026-12-07T10:00:00Z', now), Date.parse('2026-12-07T10:00:00Z'));
    assert.equal(parseWhen('1796640000000', now), 1796640000000);
    assert.equal(parseWhen('30m', now), now - 30 * 60e3);
    assert.equal(parseWhen('7d', now), now - 7 * 86400e3);
    assert.throws(() => parseWhen('yesterday', now));
  });
});
