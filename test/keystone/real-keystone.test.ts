import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_SERVICES } from '../../src/domain/catalog.js';
import { registerCatalog } from '../../src/services/keystone-register.js';
import { DIALECTS } from '../support/dialects.js';
import { buildExternalApp, type ExternalApp } from '../support/fake-keystone.js';
import { KEYSTONE_SKIP, startRealKeystone, type RealKeystone } from '../support/real-keystone.js';

// OpenDeH plugged into a real Keystone (Debian's python3-keystone on SQLite, started by
// scripts/keystone/keystone.mjs on a free loopback port): Keystone's reader may read and not
// write, a token revoked in Keystone is refused within OPENDEH_KEYSTONE_CACHE_SECONDS,
// `opendeh keystone register` puts OpenDeH in Keystone's catalog and the real `openstack` CLI
// reaches OpenDeH through it, and a stopped Keystone is a 503. One Keystone for the file
// (~10 s to start); each engine gets its own OpenDeH.

const CACHE_SECONDS = 30;
const ALLOC = { name: 'ks-host', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 120_000 }, (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }));
  });
}
const OPENSTACK = (await run('sh', ['-c', 'command -v openstack'], process.env)).out.trim();

describe('external Keystone, a real one [keystone]', { skip: KEYSTONE_SKIP }, () => {
  let ks: RealKeystone;
  let project: { id: string; name: string };
  const pw = 'user-secret-1';
  const names = { reader: `reader-${process.pid}`, member: `member-${process.pid}` };
  before(async () => {
    ks = await startRealKeystone();
    project = await ks.createProject(`eu-de_ks${process.pid}`);
    await ks.createUser(names.reader, pw, project.id, 'reader');
    await ks.createUser(names.member, pw, project.id, 'member');
  });
  after(async () => { await ks?.stop(); });

  for (const dialect of DIALECTS) {
    describe(`OpenDeH on ${dialect} [${dialect}]`, () => {
      let t: ExternalApp;
      let url: string;
      before(async () => {
        const port = await freePort();
        url = `http://127.0.0.1:${port}`;
        t = await buildExternalApp(dialect, ks.url, {
          OPENDEH_PUBLIC_URL: url, OPENDEH_KEYSTONE_CACHE_SECONDS: String(CACHE_SECONDS),
          OPENDEH_KEYSTONE_SERVICE_USER: ks.info.service.user, OPENDEH_KEYSTONE_SERVICE_PASSWORD: ks.info.service.password,
          OPENDEH_KEYSTONE_SERVICE_PROJECT: ks.info.service.project, OPENDEH_KEYSTONE_SERVICE_DOMAIN: ks.info.service.domain,
        });
        await t.app.listen({ host: '127.0.0.1', port });
        firstRegistration = await registerCatalog(registration());
      });
      let firstRegistration: Awaited<ReturnType<typeof registerCatalog>>;
      // `opendeh keystone register` for this OpenDeH (public endpoints; the CLI adds internal ones by default).
      const registration = () => ({
        keystoneUrl: ks.url, timeoutMs: 10_000, publicUrl: url, region: 'eu-de', interfaces: ['public'],
        admin: { user: ks.info.admin.user, password: ks.info.admin.password, project: ks.info.admin.project, userDomain: 'Default', projectDomain: 'Default' },
      });
      after(async () => { await t?.close(); });

      const deh = (token: string, method: 'GET' | 'POST', path: string, payload?: object) =>
        t.app.inject({ method, url: `/v1.0/${project.id}${path}`, headers: { 'x-auth-token': token }, ...(payload && { payload }) });

      // CONTRACT §9.3: Keystone's roles feed the same evaluator (member → te_admin, reader → readonly).
      test('Keystone\'s member writes and reads; its reader reads and is denied a write (403, nothing allocated)', async () => {
        const member = await ks.login(names.member, pw, { id: project.id });
        const made = await deh(member, 'POST', '/dedicated-hosts', ALLOC);
        assert.equal(made.statusCode, 200, made.body);
        const reader = await ks.login(names.reader, pw, { id: project.id });
        const read = await deh(reader, 'GET', '/dedicated-hosts');
        assert.equal(read.statusCode, 200, read.body);
        assert.equal(read.json().total, 1);
        const denied = await deh(reader, 'POST', '/dedicated-hosts', ALLOC);
        assert.equal(denied.statusCode, 403, denied.body);
        assert.equal(denied.json().error.code, 'DEH.0033');
        assert.equal((await deh(reader, 'GET', '/dedicated-hosts')).json().total, 1);
        const ctx = await t.services.tokens.validate(reader);
        assert.deepEqual(ctx.roles.map((r) => r.name), ['reader'], 'the roles of the validated token');
        assert.equal(ctx.user.name, names.reader);
      });

      test(`a token revoked in Keystone is refused within OPENDEH_KEYSTONE_CACHE_SECONDS (${CACHE_SECONDS} s)`, async () => {
        const member = await ks.login(names.member, pw, { id: project.id });
        assert.equal((await deh(member, 'GET', '/dedicated-hosts')).statusCode, 200);
        await ks.revoke(member);
        assert.equal((await ks.call('GET', '/auth/tokens', undefined, ks.adminToken, { 'x-subject-token': member })).status, 404, 'Keystone itself refuses it');
        // Inside the bound OpenDeH may still answer from its cache; at the bound it asks again.
        t.clock.advance(CACHE_SECONDS * 1000);
        const r = await deh(member, 'GET', '/dedicated-hosts');
        assert.equal(r.statusCode, 401, r.body);
        assert.equal(r.json().error.code, 'DEH.0401');
        // A token never seen before and already revoked is refused at once.
        const other = await ks.login(names.member, pw, { id: project.id });
        await ks.revoke(other);
        assert.equal((await deh(other, 'GET', '/dedicated-hosts')).statusCode, 401);
      });

      test('opendeh keystone register puts OpenDeH in Keystone\'s catalog (idempotent); a raw client finds the DeH API there', async () => {
        // Created for the first engine's OpenDeH, corrected to this one's URL for the next.
        const endpoints = firstRegistration.filter((l) => l.what.startsWith('endpoint '));
        // One public endpoint per service of the catalog table (deh, compute, ecs, image, cts).
        assert.equal(endpoints.length, CATALOG_SERVICES.length, JSON.stringify(firstRegistration));
        assert.deepEqual(endpoints.map((l) => l.what).sort(), CATALOG_SERVICES.map((s) => `endpoint ${s.type} public`).sort());
        for (const l of endpoints) assert.notEqual(l.action, 'unchanged', JSON.stringify(l));
        const again = await registerCatalog(registration());
        assert.deepEqual(again.map((l) => l.action), again.map(() => 'unchanged'), 'a second run changes nothing');
        assert.equal(new Set(again.map((l) => l.id)).size, again.length);
        // A client that knows only Keystone: token → catalog → deh endpoint → DeH API.
        const { token, body } = await ks.loginFull(names.reader, pw, { id: project.id });
        const dehEntry = body.token.catalog.find((e: { type: string }) => e.type === 'deh');
        const ep = dehEntry.endpoints.find((e: { interface: string }) => e.interface === 'public');
        assert.equal(ep.url, `${url}/v1.0/${project.id}`);
        assert.equal(ep.region_id, 'eu-de');
        const res = await fetch(`${ep.url}/dedicated-hosts`, { headers: { 'x-auth-token': token } });
        assert.equal(res.status, 200);
        const direct = await deh(token, 'GET', '/dedicated-hosts');
        assert.deepEqual(await res.json(), direct.json());
        assert.ok(direct.json().total >= 1, 'the member\'s host is listed');
      });

      // The catalog path is the same for every engine; the CLI's start-up (~5-15 s) is paid once.
      const cliSkip = !OPENSTACK ? 'no openstack CLI on PATH (apt install python3-openstackclient)' : dialect !== DIALECTS[0] && `run once, on ${DIALECTS[0]}`;
      test('the real openstack CLI authenticates at Keystone and reaches OpenDeH\'s compute API through the catalog', { skip: cliSkip }, async () => {
        const home = mkdtempSync(join(tmpdir(), 'opendeh-osc-'));
        try {
          const env = {
            PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', OS_AUTH_URL: `${ks.url}/v3`, OS_IDENTITY_API_VERSION: '3',
            OS_USERNAME: names.member, OS_PASSWORD: pw, OS_PROJECT_ID: project.id, OS_USER_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'eu-de',
          };
          const flavors = await run(OPENSTACK, ['flavor', 'list', '-f', 'json'], env);
          assert.equal(flavors.code, 0, flavors.err);
          const names_ = (JSON.parse(flavors.out) as { Name: string }[]).map((f) => f.Name);
          assert.ok(names_.includes('c4.large.4'), `OpenDeH's flavors: ${names_.join(', ')}`);
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      });
    });
  }

  test('Keystone stopped: a request whose token is not cached answers 503 with Retry-After', async () => {
    const t = await buildExternalApp(DIALECTS[0], ks.url, {
      OPENDEH_KEYSTONE_SERVICE_USER: ks.info.service.user, OPENDEH_KEYSTONE_SERVICE_PASSWORD: ks.info.service.password,
    });
    try {
      const member = await ks.login(names.member, pw, { id: project.id });
      assert.equal((await t.app.inject({ method: 'GET', url: `/v1.0/${project.id}/dedicated-hosts`, headers: { 'x-auth-token': member } })).statusCode, 200);
      await ks.stop();
      const fresh = `${member.slice(0, -4)}AAAA`; // not cached: must be asked, and nobody answers
      const r = await t.app.inject({ method: 'GET', url: `/v1.0/${project.id}/dedicated-hosts`, headers: { 'x-auth-token': fresh } });
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(r.json().error.code, 'DEH.0503');
      assert.equal(r.headers['retry-after'], '5');
    } finally {
      await t.close();
    }
  });
});
