import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemRoleId } from '../../src/domain/system-policies.js';
import { cli, cliSuite } from './support.js';

// `opendeh policy|group|grant …` against a real listening server, through src/client: a
// custom policy, a group with a member, grants on a project and on all projects, and what
// the member's token then holds.

cliSuite('cli IAM commands', (engine) => {
  const { run } = engine;
  const dir = mkdtempSync(join(tmpdir(), 'opendeh-iam-cli-'));
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('policy create (file and shorthand), list, show, update, delete', async () => {
    const file = join(dir, 'p.json');
    const doc = { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['deh:dedicatedHosts:delete'] }] };
    writeFileSync(file, JSON.stringify(doc));
    const c = await run('policy', 'create', '--name', 'no-release', '--file', file, '--description', 'keeps hosts', '--json');
    assert.equal(c.code, 0, c.err);
    const role = JSON.parse(c.out).role;
    assert.deepEqual(role.policy, doc);
    assert.equal(role.type, 'XA');

    const s = await run('policy', 'create', '--name', 'reader', '--type', 'XA', '--allow', 'deh:*:get*,deh:*:list*', '--deny', 'deh:dedicatedHosts:delete', '--json');
    assert.equal(s.code, 0, s.err);
    assert.deepEqual(JSON.parse(s.out).role.policy, { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:get*', 'deh:*:list*'] }, { Effect: 'Deny', Action: ['deh:dedicatedHosts:delete'] }] });

    const list = await run('policy', 'list');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^ID\s+NAME\s+DISPLAY NAME\s+TYPE\s+REFERENCES\n/);
    assert.match(list.out, new RegExp(`${role.id}\\s+custom_default_\\d+\\s+no-release\\s+XA\\s+0`));

    const u = await run('policy', 'update', role.id, '--name', 'no-release-2', '--allow', 'deh:dedicatedHosts:list');
    assert.equal(u.code, 0, u.err);
    assert.match(u.out, /display_name\s+no-release-2/);
    assert.match(u.out, /"Action":\["deh:dedicatedHosts:list"\]/);
    const show = await run('policy', 'show', role.id, '--json');
    assert.equal(JSON.parse(show.out).role.display_name, 'no-release-2');

    const bad = await run('policy', 'create', '--name', 'x', '--allow', 'DEH:hosts:list');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^error: 400 /);
    assert.equal((await run('policy', 'create', '--name', 'x')).code, 2, 'no policy given');
    assert.equal((await run('policy', 'create', '--name', 'x', '--policy', '{', '--json')).code, 2);
    assert.equal((await run('policy', 'update', role.id)).code, 2, 'nothing to change');

    assert.equal((await run('policy', 'delete', role.id)).code, 0);
    const gone = await run('policy', 'show', role.id);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /^error: 404 /);
  });

  test('group create, add-user, grant on a project and on all projects, list, remove', async () => {
    const project = await engine.t.services.identity.createProject({ name: 'eu-de_cli', domainId: 'default' });
    await engine.t.services.identity.createUser({ name: 'dev1', domainId: 'default', password: 'pw-dev' });
    const g = await run('group', 'create', 'devs', '--description', 'developers');
    assert.equal(g.code, 0, g.err);
    const gid = g.out.trim();
    assert.match(gid, /^[0-9a-f]{32}$/);
    assert.equal((await run('group', 'create', 'devs')).code, 1, 'duplicate name');
    assert.equal((await run('group', 'add-user', 'devs', 'dev1')).code, 0);
    const groups = await run('group', 'list', '--name', 'devs');
    assert.match(groups.out, new RegExp(`${gid}\\s+devs\\s+developers\\s+dev1`));

    const add = await run('grant', 'add', 'system_all_58', '--group', 'devs', '--on-project', 'eu-de_cli');
    assert.equal(add.code, 0, add.err);
    assert.equal((await run('grant', 'add', 'te_admin', '--group', gid, '--inherited')).code, 0);
    const list = await run('grant', 'list', '--group', 'devs');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, new RegExp(`${systemRoleId('system_all_58')}\\s+DeH ReadOnlyAccess\\s+${gid}\\s+project ${project.id}`));
    assert.match(list.out, new RegExp(`${systemRoleId('te_admin')}\\s+Tenant Administrator\\s+${gid}\\s+all projects of domain default`));

    // The member now logs in to the project and holds both.
    const ctx = await engine.t.services.identity.validate(await engine.t.login('dev1', 'pw-dev', project.id));
    assert.deepEqual(ctx.roles.map((r) => r.name), ['system_all_58', 'te_admin']);
    const eff = await run('grant', 'list', '--effective', '--on-project', 'eu-de_cli', '--json');
    assert.equal(JSON.parse(eff.out).role_assignments.filter((a: { user?: { id: string } }) => a.user?.id === ctx.user.id).length, 2);

    assert.equal((await run('grant', 'remove', 'te_admin', '--group', 'devs', '--inherited')).code, 0);
    assert.equal((await run('grant', 'remove', 'te_admin', '--group', 'devs', '--inherited')).code, 1, 'already gone');
    assert.deepEqual((await engine.t.services.identity.validate(await engine.t.login('dev1', 'pw-dev', project.id))).roles.map((r) => r.name), ['system_all_58']);
    assert.equal((await run('grant', 'add', 'system_all_58', '--group', 'devs')).code, 2, 'no scope');
    assert.equal((await run('grant', 'add', 'system_all_58', '--on-project', 'eu-de_cli')).code, 2, 'no actor');
    assert.equal((await run('grant', 'add', 'no-such-role', '--group', 'devs', '--on-project', 'eu-de_cli')).code, 1);

    assert.equal((await run('group', 'remove-user', 'devs', 'dev1')).code, 0);
    await assert.rejects(engine.t.login('dev1', 'pw-dev', project.id), /401/);
    assert.equal((await run('group', 'delete', 'devs')).code, 0);
    assert.equal((await run('group', 'list', '--name', 'devs')).out.trim().split('\n').length, 1, 'only the header');
  });
});
