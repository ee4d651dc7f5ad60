import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, cliSuite } from './support.js';

// `opendeh pool add|list|retire` against a real listening server, through the operator API.

cliSuite('cli pool commands', (engine) => {
  const { run } = engine;

  test('add, list (counts and servers), retire; refusals exit 1 with the code', async () => {
    const empty = await run('pool', 'list');
    assert.equal(empty.code, 0, empty.err);
    assert.match(empty.out, /no physical servers declared: DeH allocation is unlimited/);

    const add = await run('pool', 'add', '--az', 'eu-de-01', '--type', 'c4', 'SN-0001', 'SN-0002');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /^NAME\s+AZ\s+TYPE\s+STATE\s+DEH\n/);
    assert.match(add.out, /SN-0001\s+eu-de-01\s+c4\s+free/);

    const dup = await run('pool', 'add', '--az', 'eu-de-01', '--type', 'c4', 'SN-0001');
    assert.equal(dup.code, 1);
    assert.match(dup.err, /SN-0001/);

    const hosts = await run('host', 'allocate', '--name', 'p', '--az', 'eu-de-01', '--type', 'c4');
    assert.equal(hosts.code, 0, hosts.err);
    const hostId = hosts.out.trim();

    const counts = await run('pool', 'list');
    assert.match(counts.out, /^AZ\s+TYPE\s+FREE\s+ALLOCATED\s+FAULTY\s+RETIRED\n/);
    assert.match(counts.out, /eu-de-01\s+c4\s+1\s+1\s+0\s+0/);
    const servers = await run('pool', 'list', '--state', 'allocated', '--json');
    assert.equal(servers.code, 0, servers.err);
    const list = JSON.parse(servers.out).physical_servers;
    assert.equal(list.length, 1);
    assert.equal(list[0].dedicated_host_id, hostId);

    const busy = await run('pool', 'retire', list[0].name);
    assert.equal(busy.code, 1, 'a server backing a DeH is not retired');
    assert.match(busy.err, /DEH\.0412/);
    const free = (JSON.parse((await run('pool', 'list', '--state', 'free', '--json')).out).physical_servers as { name: string }[])[0].name;
    const retire = await run('pool', 'retire', free);
    assert.equal(retire.code, 0, retire.err);
    assert.match(retire.out, new RegExp(`${free}\\s+eu-de-01\\s+c4\\s+retired`));
    const noMore = await run('host', 'allocate', '--name', 'p2', '--az', 'eu-de-01', '--type', 'c4');
    assert.equal(noMore.code, 1);
    assert.match(noMore.err, /DEH\.0053/);

    // The DeH fails; with no ECS on it the recovery ends at once, and the CLI lists it.
    const fault = await engine.t.call('POST', `/opendeh/v1/hosts/${hostId}/fault`, { token: engine.t.admin.token, body: {} });
    assert.equal(fault.statusCode, 200, fault.body);
    await engine.t.services.recovery.settled();
    const rec = await run('pool', 'recoveries', '--host', hostId);
    assert.equal(rec.code, 0, rec.err);
    assert.match(rec.out, /^FAILED DEH\s+STATE\s+NEW DEH\s+AZ\s+TYPE\s+ATTEMPTS\s+DETAIL\n/);
    assert.match(rec.out, new RegExp(`${hostId}\\s+done\\s+eu-de-01\\s+c4\\s+1\\s+no ECS with automatic recovery on`));
  });
});
