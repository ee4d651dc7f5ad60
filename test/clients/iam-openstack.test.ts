import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { systemRoleId } from '../../src/domain/system-policies.js';
import { ADMIN_PASSWORD, allocate, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { listeningApp } from '../cli/support.js';
import { clientHome, cloud, hasCommand, NO_OPENSTACK, OPENSTACK, PYTHON, run } from './support.js';

// Issue 9 with the real `openstack` CLI (Debian's python3-openstackclient) against a listening
// server: the admin creates a user and a group, adds the user, grants the group DeH
// ReadOnlyAccess on the project by the system policy's id (and ECS ReadOnlyAccess by its
// internal name); the user's token carries exactly those roles (read through keystoneauth,
// the library the CLI authenticates with: `openstack token issue` prints no roles); the
// user may list but not create, and the refusal names the action. The `openstack deh …`
// commands need python-otcextensions; without it (CI) those two steps go through the DeH API
// and are reported as such, the ECS ones always run through the CLI.

const DEH_RO = systemRoleId('system_all_58');
const ECS_RO = systemRoleId('system_all_50');

for (const dialect of DIALECTS) {
  describe(`IAM with the openstack CLI: group, grant, token roles, 403 naming the action [${dialect}]`, { skip: NO_OPENSTACK }, () => {
    let t: TestApp;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let plugin = false;
    const os = async (as: string, ...args: string[]) => run(OPENSTACK, ['--os-cloud', as, ...args], env);
    const ok = async (as: string, ...args: string[]) => {
      const r = await os(as, ...args);
      assert.equal(r.code, 0, `openstack --os-cloud ${as} ${args.join(' ')}\n${r.err}${r.out}`);
      return r.out;
    };
    before(async () => {
      let url: string;
      ({ t, url } = await listeningApp(dialect));
      ({ dir, env } = clientHome('opendeh-iam-osc-', `clouds:${cloud(url, 'admin', ADMIN_PASSWORD)}${cloud(url, 'dev1', 'dev1-secret')}\n`));
      plugin = await hasCommand(env, 'deh', 'host', 'list');
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('group create, group add user, role add --group --project <system policy>; the user lists but may not create', async (tc) => {
      const seen: string[] = [];
      const admin = async (...args: string[]) => { seen.push(`admin$ openstack ${args.join(' ')}`); return ok('admin', ...args); };
      await admin('user', 'create', '--domain', 'default', '--password', 'dev1-secret', 'dev1');
      const group = JSON.parse(await admin('group', 'create', 'devs', '--description', 'DeH readers', '-f', 'json'));
      assert.equal(group.name, 'devs');
      assert.match(group.id, /^[0-9a-f]{32}$/);
      await admin('group', 'add', 'user', 'devs', 'dev1');
      assert.match(await admin('group', 'contains', 'user', 'devs', 'dev1'), /dev1 in group devs/);
      await admin('role', 'add', '--group', 'devs', '--project', 'eu-de', DEH_RO);
      const assigned = JSON.parse(await admin('role', 'assignment', 'list', '--user', 'dev1', '--project', 'eu-de', '--effective', '--names', '-f', 'json'));
      assert.deepEqual(assigned.map((a: any) => [a.Role, a.User, a.Project]), [['system_all_58', 'dev1@Default', 'eu-de@Default']]);

      // The user's token: issued by the CLI, its roles as keystoneauth reads them.
      seen.push('dev1$ openstack token issue');
      const issued = JSON.parse(await ok('dev1', 'token', 'issue', '-f', 'json'));
      assert.equal(issued.project_id, t.admin.projectId);
      const script = "import openstack, json; c = openstack.connect(cloud='dev1'); a = c.session.auth.get_access(c.session); print(json.dumps([a.role_ids, a.role_names]))";
      const roles = await run(PYTHON, ['-c', script], env);
      assert.equal(roles.code, 0, roles.err);
      assert.deepEqual(JSON.parse(roles.out), [[DEH_RO], ['system_all_58']]);

      // DeH: list works, create is refused naming the action, and nothing is created.
      const [hostId] = await allocate(t, t.admin, { name: 'h-admin', host_type: 'c4' });
      if (plugin) {
        seen.push('dev1$ openstack deh host list', 'dev1$ openstack deh host create --name h1 --availability_zone eu-de-01 --host_type c4');
        assert.match(await ok('dev1', 'deh', 'host', 'list', '-f', 'value', '-c', 'id'), new RegExp(hostId));
        const denied = await os('dev1', 'deh', 'host', 'create', '--name', 'h1', '--availability_zone', 'eu-de-01', '--host_type', 'c4');
        assert.notEqual(denied.code, 0);
        assert.match(denied.err, /Policy doesn't allow deh:dedicatedHosts:create to be performed\./);
      } else {
        seen.push('deh host list / create   [through the DeH API: no otcextensions]');
        const token = await t.login('dev1', 'dev1-secret', t.admin.projectId);
        assert.equal((await t.deh({ ...t.admin, token }, 'GET', '/dedicated-hosts')).statusCode, 200);
        const denied = await t.deh({ ...t.admin, token }, 'POST', '/dedicated-hosts', { name: 'h1', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 });
        assert.equal(denied.statusCode, 403);
        assert.equal(denied.json().error.message, "Policy doesn't allow deh:dedicatedHosts:create to be performed.");
      }
      const names = (await t.deh(t.admin, 'GET', '/dedicated-hosts')).json().dedicated_hosts.map((h: { name: string }) => h.name);
      assert.deepEqual(names, ['h-admin'], 'the refused create made nothing');

      // ECS, with the plain CLI: no ECS policy yet → refused; ECS ReadOnlyAccess granted by name → list works, create still refused.
      seen.push('dev1$ openstack server list');
      const noEcs = await os('dev1', 'server', 'list');
      assert.notEqual(noEcs.code, 0);
      assert.match(noEcs.err, /Policy doesn't allow ecs:servers:list to be performed\. \(HTTP 403\)/);
      await admin('role', 'add', '--group', 'devs', '--project', 'eu-de', 'system_all_50');
      seen.push('dev1$ openstack server list', 'dev1$ openstack server create … vm1');
      await ok('dev1', 'server', 'list');
      const create = await os('dev1', 'server', 'create', '--flavor', 'c4.large.4', '--image', 'Standard_Ubuntu_22.04_latest', '--network', 'default',
        '--availability-zone', 'eu-de-01', '--hint', 'tenancy=dedicated', 'vm1');
      assert.notEqual(create.code, 0);
      assert.match(create.err, /Policy doesn't allow ecs:servers:create to be performed\. \(HTTP 403\)/);
      const servers = (await t.call('GET', `/compute/v2.1/${t.admin.projectId}/servers`, { token: t.admin.token })).json().servers;
      assert.deepEqual(servers, []);
      assert.deepEqual(JSON.parse((await run(PYTHON, ['-c', script], env)).out)[1].sort(), ['system_all_50', 'system_all_58']);
      assert.deepEqual(JSON.parse((await run(PYTHON, ['-c', script], env)).out)[0].sort(), [DEH_RO, ECS_RO].sort());
      tc.diagnostic(`ran (otcextensions ${plugin ? 'present' : 'absent'}):\n  ${seen.join('\n  ')}`);
    });
  });
}
