import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { dehOperations, expectDehError, expectKeystoneError, json } from '../support/deh.js';

// Keystone v3 tokens (CONTRACT §1.4–1.5) and the token check every DeH call makes (§1.3).

const PUBLIC_URL = 'http://127.0.0.1:8080';
const KEYSTONE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

type Auth = Record<string, unknown>;
const password = (user: Record<string, unknown>, scope?: unknown): Auth =>
  ({ auth: { identity: { methods: ['password'], password: { user } }, ...(scope !== undefined && { scope }) } });

for (const dialect of DIALECTS) {
  describe(`identity: tokens [${dialect}]`, () => {
    let t: TestApp;
    let p: TestProject;
    let userName: string;
    before(async () => {
      t = await buildTestApp(dialect);
      p = await t.newProject();
      userName = `user-${p.name}`;
    });
    after(async () => { await t.close(); });

    const issue = (body: Auth, prefix = '/identity/v3') => t.call('POST', `${prefix}/auth/tokens`, {
      body, headers: { accept: 'application/json' },
    });

    function checkToken(r: Awaited<ReturnType<typeof issue>>) {
      assert.equal(r.statusCode, 201, r.body);
      const subject = r.headers['x-subject-token'];
      assert.equal(typeof subject, 'string');
      assert.ok((subject as string).length >= 20);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      const tok = json(r).token;
      assert.match(tok.expires_at, KEYSTONE_TIME);
      assert.match(tok.issued_at, KEYSTONE_TIME);
      assert.ok(Date.parse(tok.expires_at) > t.clock.now().getTime() + 3600_000, 'valid for hours');
      assert.equal(tok.user.name, userName);
      assert.deepEqual(tok.user.domain, { id: 'default', name: 'Default' });
      return { subject: subject as string, tok };
    }

    function checkProjectCatalog(tok: any) {
      assert.deepEqual(tok.project, { id: p.projectId, name: p.name, domain: { id: 'default', name: 'Default' } });
      assert.ok(tok.roles.some((r: { name: string }) => r.name === 'member'));
      const deh = tok.catalog.filter((s: { type: string }) => s.type === 'deh');
      assert.equal(deh.length, 1);
      assert.equal(deh[0].name, 'deh');
      assert.equal(deh[0].endpoints.length, 1);
      const ep = deh[0].endpoints[0];
      assert.equal(ep.interface, 'public');
      assert.equal(ep.region, 'eu-de');
      assert.equal(ep.region_id, 'eu-de');
      assert.equal(ep.url, `${PUBLIC_URL}/v1.0/${p.projectId}`);
      const identity = tok.catalog.find((s: { type: string }) => s.type === 'identity');
      assert.equal(identity.endpoints[0].url, `${PUBLIC_URL}/identity/v3`);
    }

    test('password by user name + domain name, scoped to the project by id (both prefixes)', async () => {
      for (const prefix of ['/identity/v3', '/v3']) {
        const { tok } = checkToken(await issue(password({ name: userName, domain: { name: 'Default' }, password: 'pw-secret' }, { project: { id: p.projectId } }), prefix));
        assert.deepEqual(tok.methods, ['password']);
        checkProjectCatalog(tok);
      }
    });

    test('password by user id, and by user name + domain id; project by name + domain', async () => {
      checkProjectCatalog(checkToken(await issue(password({ id: p.userId, password: 'pw-secret' }, { project: { id: p.projectId } }))).tok);
      checkProjectCatalog(checkToken(await issue(password({ name: userName, domain: { id: 'default' }, password: 'pw-secret' },
        { project: { name: p.name, domain: { name: 'Default' } } }))).tok);
      checkProjectCatalog(checkToken(await issue(password({ name: userName, domain: { name: 'Default' }, password: 'pw-secret' },
        { project: { name: p.name, domain: { id: 'default' } } }))).tok);
    });

    test('domain-scoped token (Terraform\'s second call): 201, domain instead of project', async () => {
      for (const domain of [{ name: 'Default' }, { id: 'default' }]) {
        const r = await issue(password({ name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD }, { domain }));
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(typeof r.headers['x-subject-token'], 'string');
        const tok = json(r).token;
        assert.deepEqual(tok.domain, { id: 'default', name: 'Default' });
        assert.equal(tok.project, undefined);
        assert.match(tok.expires_at, KEYSTONE_TIME);
      }
      // A member of a project only has no role on the domain: 401.
      expectKeystoneError(await issue(password({ name: userName, domain: { name: 'Default' }, password: 'pw-secret' }, { domain: { name: 'Default' } })), 401);
    });

    test('token method: rescoping keeps the user and never outlives the original token', async () => {
      const first = checkToken(await issue(password({ id: p.userId, password: 'pw-secret' }, { project: { id: p.projectId } })));
      t.clock.advance(60_000);
      const r = await issue({ auth: { identity: { methods: ['token'], token: { id: first.subject } }, scope: { project: { id: p.projectId } } } });
      const second = checkToken(r);
      assert.notEqual(second.subject, first.subject);
      assert.deepEqual(second.tok.methods, ['token']);
      assert.ok(second.tok.expires_at <= first.tok.expires_at);
      checkProjectCatalog(second.tok);
      assert.equal((await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`, { token: second.subject })).statusCode, 200);
      expectKeystoneError(await issue({ auth: { identity: { methods: ['token'], token: { id: 'bogus' } }, scope: { project: { id: p.projectId } } } }), 401);
    });

    test('wrong password, unknown user or domain → 401 in Keystone\'s shape', async () => {
      for (const user of [
        { name: userName, domain: { name: 'Default' }, password: 'wrong' },
        { name: 'nobody', domain: { name: 'Default' }, password: 'pw-secret' },
        { name: userName, domain: { name: 'NoSuchDomain' }, password: 'pw-secret' },
        { id: 'no-such-id', password: 'pw-secret' },
      ]) {
        const r = await issue(password(user, { project: { id: p.projectId } }));
        const e = expectKeystoneError(r, 401);
        assert.equal(e.title, 'Unauthorized');
        assert.equal(r.headers['x-subject-token'], undefined);
        assert.match(String(r.headers['www-authenticate']), /^Keystone uri=/);
      }
    });

    test('no role on the project, or an unknown project → 401', async () => {
      const q = await t.newProject();
      expectKeystoneError(await issue(password({ id: p.userId, password: 'pw-secret' }, { project: { id: q.projectId } })), 401);
      expectKeystoneError(await issue(password({ id: p.userId, password: 'pw-secret' }, { project: { id: 'nope' } })), 401);
    });

    test('malformed token requests → 400 in Keystone\'s shape', async () => {
      for (const body of [{}, { auth: {} }, { auth: { identity: { methods: [] } } }, { auth: { identity: { methods: ['password'] } } },
        { auth: { identity: { methods: ['totp'] } } }]) {
        expectKeystoneError(await issue(body as Auth), 400);
      }
    });

    test('validate (GET, 200) and revoke (DELETE, 204); a revoked token is 401 on the DeH API', async () => {
      const { subject } = checkToken(await issue(password({ id: p.userId, password: 'pw-secret' }, { project: { id: p.projectId } })));
      assert.equal((await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`, { token: subject })).statusCode, 200);
      const v = await t.call('GET', '/identity/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': subject } });
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(v.headers['x-subject-token'], subject);
      assert.equal(json(v).token.project.id, p.projectId);
      const d = await t.call('DELETE', '/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': subject } });
      assert.equal(d.statusCode, 204);
      expectDehError(await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`, { token: subject }), 401, 'DEH.0401');
      expectKeystoneError(await t.call('GET', '/identity/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': subject } }), 404);
      expectKeystoneError(await t.call('GET', '/identity/v3/auth/tokens', { token: subject, headers: { 'x-subject-token': p.token } }), 401);
      expectKeystoneError(await t.call('GET', '/identity/v3/auth/tokens', { token: p.token }), 400);
    });
  });

  describe(`identity: token lifetime [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect, { OPENDEH_TOKEN_TTL: '600' }); });
    after(async () => { await t.close(); });

    test('a token past OPENDEH_TOKEN_TTL is 401; a new login works', async () => {
      const p = await t.newProject();
      const tok = json(await t.call('GET', '/identity/v3/auth/tokens', { token: p.token, headers: { 'x-subject-token': p.token } })).token;
      assert.equal(Date.parse(tok.expires_at) - Date.parse(tok.issued_at), 600_000);
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).statusCode, 200);
      t.clock.advance(590_000);
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).statusCode, 200, 'still valid just before the end');
      t.clock.advance(11_000);
      expectDehError(await t.deh(p, 'GET', '/dedicated-hosts'), 401);
      const fresh = await t.login(`user-${p.name}`, 'pw-secret', p.projectId);
      assert.equal((await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`, { token: fresh })).statusCode, 200);
    });
  });

  describe(`identity: every DeH call checks the token [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('no token → 401, bad token → 401, another project\'s or a domain token → 403; nothing changes', async () => {
      const p = await t.newProject();
      const other = await t.newProject();
      const [id] = await allocate(t, p, { name: 'untouched' });
      const domainAuth = await t.call('POST', '/identity/v3/auth/tokens', {
        body: password({ name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD }, { domain: { name: 'Default' } }),
      });
      assert.ok(json(domainAuth).token.domain);
      const domainSubject = domainAuth.headers['x-subject-token'] as string;
      for (const [method, path, body] of dehOperations(p.projectId, id)) {
        const url = `/v1.0/${p.projectId}${path}`;
        expectDehError(await t.call(method, url, { body }), 401, 'DEH.0401');
        expectDehError(await t.call(method, url, { body, token: 'not-a-token' }), 401, 'DEH.0401');
        expectDehError(await t.call(method, url, { body, token: other.token }), 403, 'DEH.0033');
        expectDehError(await t.call(method, url, { body, token: domainSubject }), 403);
        // Authentication comes before the body is looked at: no schema details for strangers.
        if (body !== undefined) expectDehError(await t.call(method, url, { body: { junk: true } }), 401, 'DEH.0401');
      }
      const h = json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host;
      assert.equal(h.name, 'untouched');
      assert.deepEqual(h.tags, []);
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts')).json().total, 1);
    });
  });
}
