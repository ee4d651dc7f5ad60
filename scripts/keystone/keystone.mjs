#!/usr/bin/env node
// A real Keystone (Debian's python3-keystone, Zed) on SQLite on a free loopback port, with no
// systemd, no Apache and nothing under /etc: everything lives in one temp directory.
//
//   node scripts/keystone/keystone.mjs start [--json]   prints how to reach it (JSON, or shell exports)
//   node scripts/keystone/keystone.mjs stop <dir>       stops the server it started (by PID) and removes <dir>
//
// What start does (facts measured in shared/KEYSTONE.md): keystone.conf with fernet token and
// receipt key repositories inside the directory, key files written directly (same format as
// `keystone-manage fernet_setup`, without its 4 s of imports), the SQLite file switched to WAL
// before the first start (a plain journal deadlocks Keystone across its two connections), one
// gunicorn sync worker started while `db_sync` and `bootstrap` run (the server touches no table
// before its first request), then a `service` project, a `service` role and the service user
// OpenDeH validates tokens with. Tests and .ci/run use it; nothing is left running after `stop`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PY = '/usr/bin/python3'; // a pyenv python3 earlier on PATH cannot import keystone
const READY_MS = 90_000;

export function keystoneInstalled() {
  return spawnSync(PY, ['-c', 'import keystone, gunicorn'], { stdio: 'ignore' }).status === 0;
}

async function freePort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A Fernet key as keystone-manage writes it: urlsafe base64 of 32 random bytes, padded. */
const fernetKey = () => randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

function keyRepo(dir) {
  mkdirSync(dir, { mode: 0o700 });
  for (const name of ['0', '1']) writeFileSync(join(dir, name), fernetKey(), { mode: 0o600 });
}

function run(cmd, args, env, what) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').slice(-2000)}`);
}

async function call(url, method, path, token, body) {
  const res = await fetch(`${url}/v3${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token && { 'x-auth-token': token }) },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

async function passwordToken(url, user, password, project) {
  const r = await call(url, 'POST', '/auth/tokens', null, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  });
  return r.status === 201 ? r.headers.get('x-subject-token') : null;
}

export async function startKeystone() {
  const dir = mkdtempSync(join(tmpdir(), 'opendeh-keystone-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const info = {
    dir, port, url, pid: 0, region: 'RegionOne',
    admin: { user: 'admin', password: randomBytes(12).toString('hex'), project: 'admin', domain: 'Default' },
    service: { user: 'opendeh', password: randomBytes(12).toString('hex'), project: 'service', domain: 'Default' },
  };
  const conf = join(dir, 'keystone.conf');
  writeFileSync(conf, [
    '[DEFAULT]', `log_file = ${join(dir, 'keystone.log')}`, '',
    '[database]', `connection = sqlite:///${join(dir, 'keystone.db')}`, '',
    '[token]', 'provider = fernet', '',
    '[fernet_tokens]', `key_repository = ${join(dir, 'fernet-keys')}`, '',
    '[fernet_receipts]', `key_repository = ${join(dir, 'fernet-keys')}`, '',
    '[credential]', `key_repository = ${join(dir, 'credential-keys')}`, '',
    '[identity]', 'password_hash_rounds = 4', '',
  ].join('\n'));
  keyRepo(join(dir, 'fernet-keys'));
  keyRepo(join(dir, 'credential-keys'));
  run(PY, ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.close()', join(dir, 'keystone.db')], process.env, 'WAL');
  // oslo.config parses sys.argv when the app initialises; gunicorn's own arguments would kill
  // every worker ("unrecognized arguments: --bind"), so the app is imported from a module that
  // clears them first.
  writeFileSync(join(dir, 'opendeh_keystone_app.py'), [
    'import sys',
    'sys.argv = sys.argv[:1]',
    'from keystone.server.wsgi import initialize_public_application',
    'application = initialize_public_application()', '',
  ].join('\n'));
  const env = { ...process.env, OS_KEYSTONE_CONFIG_FILES: conf, PYTHONDONTWRITEBYTECODE: '1' };
  const log = openSync(join(dir, 'server.log'), 'a');
  const server = spawn(PY, ['-m', 'gunicorn', '--workers', '1', '--worker-class', 'sync', '--timeout', '120',
    '--bind', `127.0.0.1:${port}`, '--chdir', dir, 'opendeh_keystone_app:application'], { env, detached: true, stdio: ['ignore', log, log] });
  server.unref();
  info.pid = server.pid;
  writeFileSync(join(dir, 'server.pid'), String(server.pid));
  writeFileSync(join(dir, 'info.json'), JSON.stringify(info, null, 2), { mode: 0o600 });
  try {
    const manage = ['/usr/bin/keystone-manage', '--config-file', conf];
    run(PY, [...manage, 'db_sync'], env, 'keystone-manage db_sync');
    run(PY, [...manage, 'bootstrap', '--bootstrap-password', info.admin.password,
      '--bootstrap-admin-url', `${url}/v3`, '--bootstrap-public-url', `${url}/v3`, '--bootstrap-internal-url', `${url}/v3`,
      '--bootstrap-region-id', info.region], env, 'keystone-manage bootstrap');
    const deadline = Date.now() + READY_MS;
    let admin = null;
    while (!admin) {
      if (Date.now() > deadline) throw new Error(`Keystone did not answer within ${READY_MS} ms; see ${dir}/server.log`);
      if (server.exitCode !== null) throw new Error(`gunicorn exited (${server.exitCode}); see ${dir}/server.log`);
      admin = await passwordToken(url, info.admin.user, info.admin.password, info.admin.project).catch(() => null);
      if (!admin) await new Promise((r) => setTimeout(r, 250));
    }
    // Bootstrap makes admin/member/reader but no service project, role or user.
    const must = async (r, what) => {
      if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
      return r.json;
    };
    const project = (await must(await call(url, 'POST', '/projects', admin, { project: { name: 'service', domain_id: 'default' } }), 'service project')).project;
    const role = (await must(await call(url, 'POST', '/roles', admin, { role: { name: 'service' } }), 'service role')).role;
    const user = (await must(await call(url, 'POST', '/users', admin, {
      user: { name: info.service.user, password: info.service.password, domain_id: 'default', default_project_id: project.id },
    }), 'service user')).user;
    await must(await call(url, 'PUT', `/projects/${project.id}/users/${user.id}/roles/${role.id}`, admin), 'service grant');
    return info;
  } catch (e) {
    await stopKeystone(dir);
    throw e;
  }
}

/**
 * Stops the server started in `dir` and removes the directory. gunicorn was started detached,
 * so its PID is also its process group: SIGINT (gunicorn's quick shutdown) to that group reaches
 * the master and its worker; SIGKILL to the group after 5 s if anything is still there.
 */
export async function stopKeystone(dir) {
  const pidFile = join(dir, 'server.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
    if (pid > 0 && alive()) {
      process.kill(-pid, 'SIGINT');
      const until = Date.now() + 5000;
      while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (alive()) process.kill(-pid, 'SIGKILL');
    }
  }
  if (dir.startsWith(join(tmpdir(), 'opendeh-keystone-'))) rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, arg] = process.argv.slice(2);
  if (cmd === 'start') {
    if (!keystoneInstalled()) {
      console.error('keystone is not installed: run scripts/keystone/install.sh');
      process.exit(3);
    }
    const started = Date.now();
    const info = await startKeystone();
    if (arg === '--json') {
      process.stdout.write(`${JSON.stringify(info)}\n`);
    } else {
      process.stdout.write([
        `# Keystone ready in ${Date.now() - started} ms; stop with: node scripts/keystone/keystone.mjs stop ${info.dir}`,
        `export OPENDEH_KEYSTONE_URL=${info.url}`,
        `export OPENDEH_KEYSTONE_SERVICE_USER=${info.service.user}`,
        `export OPENDEH_KEYSTONE_SERVICE_PASSWORD=${info.service.password}`,
        `export OPENDEH_KEYSTONE_SERVICE_PROJECT=${info.service.project}`,
        `export OPENDEH_KEYSTONE_SERVICE_DOMAIN=${info.service.domain}`,
        `export OS_AUTH_URL=${info.url}/v3 OS_USERNAME=admin OS_PASSWORD=${info.admin.password} OS_PROJECT_NAME=admin`,
        'export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3', '',
      ].join('\n'));
    }
  } else if (cmd === 'stop' && arg) {
    await stopKeystone(arg);
  } else {
    console.error('usage: keystone.mjs start [--json] | stop <dir>');
    process.exit(2);
  }
}
