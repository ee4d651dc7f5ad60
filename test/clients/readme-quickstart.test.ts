import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { IMAGE_CATALOG } from '../../src/domain/image-catalog.js';
import { allocate, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { listeningApp } from '../cli/support.js';
import { clientHome, hasCommand, NO_OPENSTACK, OPENSTACK, run } from './support.js';

// The README's quick start, run verbatim with the real `openstack` CLI (Debian's
// python3-openstackclient) against a listening server: its clouds.yaml (only the port
// changed) and every command of its shell block. The `openstack deh …` commands need the
// python-otcextensions plugin; where it is not installed (CI cannot install it) those steps
// are done through the DeH API instead and reported as such, every other command still runs
// through the CLI. Skipped only when there is no `openstack` at all.

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

function block(lang: string, containing: string): string {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  for (const m of README.matchAll(re)) if (m[1].includes(containing)) return m[1];
  throw new Error(`README has no ${lang} block with ${containing}`);
}

/** The shell block's commands, continuation lines joined. */
function commands(sh: string): string[] {
  return sh.replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Splits a command line into words (the README uses no quoting). */
function words(line: string): string[] {
  assert.ok(!/["'$`]/.test(line), `the test runs README commands without a shell; quote-free please: ${line}`);
  return line.split(/\s+/);
}

for (const dialect of DIALECTS) {
  describe(`README quick start with the openstack CLI [${dialect}]`, { skip: NO_OPENSTACK }, () => {
    let t: TestApp;
    let url: string;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let plugin = false;
    before(async () => {
      ({ t, url } = await listeningApp(dialect));
      const clouds = block('yaml', 'clouds:').replace('http://127.0.0.1:8080', url);
      assert.ok(clouds.includes(url), 'the README clouds.yaml names http://127.0.0.1:8080');
      ({ dir, env } = clientHome('opendeh-readme-', clouds));
      plugin = await hasCommand(env, 'deh', 'host', 'list');
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('every command of the README runs as written and does what it says', async (tc) => {
      const lines = commands(block('sh', 'openstack server create'));
      let hostId = '';
      const seen: string[] = [];
      for (const line of lines) {
        const given = line.replaceAll('<deh id>', hostId || '<deh id>');
        const [cmd, ...args] = words(given);
        if (cmd === 'export') {
          const [k, v] = args[0].split('=');
          env[k] = v;
          seen.push(line);
          continue;
        }
        assert.equal(cmd, 'openstack', `unexpected command in the README: ${line}`);
        assert.ok(!args.includes('<deh'), `no DeH id known yet for: ${line}`);
        if (args[0] === 'deh' && !plugin) {
          // Without otcextensions: the same step through the DeH API.
          if (args[1] === 'host' && args[2] === 'create') [hostId] = await allocate(t, t.admin, { name: args[args.indexOf('--name') + 1], host_type: args[args.indexOf('--host_type') + 1] });
          seen.push(`${given}   [through the API: no otcextensions]`);
          continue;
        }
        const r = await run(OPENSTACK, [...args, ...(args[0] === 'server' && args[1] === 'create' ? ['--wait'] : [])], env);
        assert.equal(r.code, 0, `${given}\n${r.err}${r.out}`);
        seen.push(given);
        if (args[0] === 'deh' && args[1] === 'host' && args[2] === 'create') {
          const list = await run(OPENSTACK, ['deh', 'host', 'list', '-f', 'value', '-c', 'id', '--name', 'h1'], env);
          hostId = list.out.trim().split('\n')[0];
        }
        if (args[0] === 'image' && args[1] === 'list') {
          for (const img of IMAGE_CATALOG) assert.ok(r.out.includes(img.name), `image list misses ${img.name}:\n${r.out}`);
        }
        if (args[0] === 'deh' && args[1] === 'server') assert.match(r.out, /vm1/);
      }
      tc.diagnostic(`ran (otcextensions ${plugin ? 'present' : 'absent'}):\n  ${seen.join('\n  ')}`);
      // The server is on the DeH, from the catalog image, on the default network.
      const servers = (await t.call('GET', `/compute/v2.1/${t.admin.projectId}/servers/detail`, { token: t.admin.token })).json().servers;
      assert.equal(servers.length, 1);
      const vm = servers[0];
      assert.equal(vm.name, 'vm1');
      assert.equal(vm.status, 'ACTIVE');
      assert.equal(vm.image.id, IMAGE_CATALOG.find((i) => i.name === 'Standard_Ubuntu_22.04_latest')!.id);
      assert.deepEqual(Object.keys(vm.addresses), ['default']);
      const host = (await t.deh(t.admin, 'GET', `/dedicated-hosts/${hostId}`)).json().dedicated_host;
      assert.deepEqual(host.instance_uuids, [vm.id]);
      assert.equal(host.available_vcpus, host.host_properties.vcpus - 2);
    });

    test('image show by name prints the OTC properties; an unknown name fails cleanly', async () => {
      const r = await run(OPENSTACK, ['--os-cloud', 'opendeh', 'image', 'show', 'Standard_Debian_12_latest', '-f', 'json'], env);
      assert.equal(r.code, 0, r.err);
      const img = JSON.parse(r.out);
      assert.equal(img.name, 'Standard_Debian_12_latest');
      assert.equal(img.properties.__os_type, 'Linux');
      assert.equal(img.properties.__platform, 'Debian');
      const missing = await run(OPENSTACK, ['--os-cloud', 'opendeh', 'image', 'show', 'No_Such_Image'], env);
      assert.notEqual(missing.code, 0);
      assert.match(missing.err, /No_Such_Image/);
    });
  });
}
