import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { STATUS_OF } from '../../src/http/error-handler.js';
import { DIALECTS, type Dialect } from '../support/dialects.js';
import { ADMIN_PASSWORD, allocate, buildTestApp, type TestApp } from '../support/app.js';
import { COMPUTE_MISSING, createServerOn, expectDehError, expectKeystoneError, json } from '../support/deh.js';
import { appOverUnreachableDatabase, deadPort } from '../support/faults.js';
import { buildExternalApp, FakeKeystone } from '../support/fake-keystone.js';

// Walks the status code table of the reference (public_parameters/status_codes.rst) and
// triggers every code the service can produce, for real. The codes it never produces are
// asserted absent from the one error table. docs/errors.md explains each.

/** The reference's table, in its order (../shared/reference/api-ref/public_parameters/status_codes.rst). */
const REF_CODES = [200, 201, 202, 204, 400, 401, 403, 404, 405, 406, 407, 408, 409, 500, 501, 502, 503, 504];
const REF_FILE = fileURLToPath(new URL('../../../../shared/reference/api-ref/public_parameters/status_codes.rst', import.meta.url));

/** Codes a proxy in front of the service produces, never the service itself. */
const LEFT_TO_PROXIES = [407];

const BODY_LIMIT = 2048;
const REQUEST_TIMEOUT_MS = 300;
const ALLOC = { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 };

/** Sends `raw` on a fresh connection and collects the answer until the server closes; bounded. */
function rawExchange(port: number, raw: string, limitMs: number): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(raw));
    let text = '';
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no answer within ${limitMs} ms; got ${JSON.stringify(text)}`)); }, limitMs);
    s.on('data', (d) => { text += d.toString(); });
    s.on('close', () => { clearTimeout(timer); resolve({ text, ms: Date.now() - started }); });
    s.on('error', () => {});
  });
}

/** An app of its own on a free loopback port for the duration of `fn` (inject has no sockets). */
async function withListener<T>(dialect: Dialect, fn: (port: number, t: TestApp) => Promise<T>): Promise<T> {
  const t = await buildTestApp(dialect);
  try {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    return await fn((t.app.server.address() as { port: number }).port, t);
  } finally {
    await t.close();
  }
}

function parseRawResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

for (const dialect of DIALECTS) {
  describe(`status codes of the reference [${dialect}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect, { OPENDEH_BODY_LIMIT: String(BODY_LIMIT), OPENDEH_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    });
    after(async () => { await t.close(); });

    const CASES: Record<number, (ctx: TestContext) => Promise<void>> = {
      200: async () => {
        const p = await t.newProject();
        const r = await t.deh(p, 'GET', '/dedicated-hosts');
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
        assert.equal((await t.deh(p, 'POST', '/dedicated-hosts', ALLOC)).statusCode, 200, 'allocate answers 200');
      },
      201: async () => {
        const r = await t.call('POST', '/v3/auth/tokens', {
          body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD } } }, scope: { project: { id: t.admin.projectId } } } },
        });
        assert.equal(r.statusCode, 201);
        assert.ok(r.headers['x-subject-token']);
      },
      202: async (ctx) => {
        const p = await t.newProject();
        const [id] = await allocate(t, p);
        const r = await createServerOn(t, p, id);
        if (!r) return void ctx.skip(COMPUTE_MISSING);
        assert.equal(r.statusCode, 202, r.body);
        assert.equal(typeof json(r).server.id, 'string');
      },
      204: async () => {
        const p = await t.newProject();
        const [id] = await allocate(t, p);
        const r = await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: {} });
        assert.equal(r.statusCode, 204);
        assert.equal(r.body, '');
        assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`)).statusCode, 204);
      },
      400: async () => {
        const p = await t.newProject();
        expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, quantity: 'two' }), 400, 'DEH.0001');
        expectDehError(await t.deh(p, 'GET', '/dedicated-hosts?limit=zero'), 400, 'DEH.0018');
        const [id] = await allocate(t, p);
        const raw = (payload: string | Buffer) => t.call('PUT', `/v1.0/${p.projectId}/dedicated-hosts/${id}`, { token: p.token, body: payload, headers: { 'content-type': 'application/json' } });
        // A lone surrogate, as an escape and as (invalid UTF-8) bytes: refused, never stored as U+FFFD.
        expectDehError(await raw('{"dedicated_host":{"name":"a\\ud800b"}}'), 400, 'DEH.0001');
        expectDehError(await raw(Buffer.concat([Buffer.from('{"dedicated_host":{"name":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')])), 400, 'DEH.0001');
        expectDehError(await raw(`{"dedicated_host":${'['.repeat(40)}${']'.repeat(40)}}`), 400, 'DEH.0001');
        assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.name, 'h', 'nothing stored');
        // Numbers past the database's integer range never reach SQL.
        expectDehError(await t.deh(p, 'POST', '/dedicated-host-tags/resource_instances/action', { action: 'filter', offset: 1e30 }), 400, 'DEH.0001');
        expectDehError(await t.deh(p, 'POST', '/dedicated-host-tags/resource_instances/action', { action: 'filter', limit: '99999999999999999999' }), 400, 'DEH.0001');
        // Framework-raised: a malformed percent escape, in each family's shape with a request id.
        const badUrl = expectDehError(await t.deh(p, 'GET', '/dedicated-hosts/%E0%A4%A'), 400, 'DEH.0001');
        assert.match(badUrl.message, /percent escape/);
        expectKeystoneError(await t.call('GET', '/v3/users/%ZZ', { token: t.admin.token }), 400);
        // No Host header on HTTP/1.1: Node's own bare 400 replaced by ours.
        await withListener(dialect, async (port) => {
          const res = parseRawResponse((await rawExchange(port, 'GET /v1.0/x/dedicated-hosts HTTP/1.1\r\nConnection: close\r\n\r\n', 5_000)).text);
          assert.equal(res.status, 400);
          assert.equal(JSON.parse(res.body).error.code, 'DEH.0001');
          assert.equal(JSON.parse(res.body).request_id, res.headers['x-request-id']);
        });
      },
      401: async () => {
        const p = await t.newProject();
        expectDehError(await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`), 401, 'DEH.0401');
        expectKeystoneError(await t.call('GET', '/v3/projects'), 401);
      },
      403: async () => {
        const p = await t.newProject();
        const q = await t.newProject();
        expectDehError(await t.call('GET', `/v1.0/${q.projectId}/dedicated-hosts`, { token: p.token }), 403, 'DEH.0033');
        expectDehError(await t.deh(p, 'GET', '/dedicated-hosts?tenant=all'), 403, 'DEH.0033');
        expectKeystoneError(await t.call('GET', '/v3/users', { token: p.token }), 403);
      },
      404: async () => {
        const p = await t.newProject();
        expectDehError(await t.deh(p, 'GET', '/dedicated-hosts/00000000-0000-7000-8000-000000000000'), 404, 'DEH.0404');
        expectDehError(await t.deh(p, 'GET', '/no-such-collection'), 404, 'DEH.0404');
        expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, host_type: 'x9' }), 404, 'DEH.0405');
      },
      405: async () => {
        const p = await t.newProject();
        const [id] = await allocate(t, p);
        const r = await t.deh(p, 'PATCH', '/dedicated-hosts', {});
        expectDehError(r, 405, 'DEH.0407');
        assert.equal(r.headers.allow, 'GET, HEAD, POST');
        const one = await t.deh(p, 'PATCH', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'x' } });
        expectDehError(one, 405);
        assert.equal(one.headers.allow, 'DELETE, GET, HEAD, PUT');
        const del = await t.deh(p, 'DELETE', '/dedicated-hosts');
        expectDehError(del, 405);
        assert.equal(del.headers.allow, 'GET, HEAD, POST');
        const ks = await t.call('PATCH', '/v3/auth/tokens', { token: p.token });
        expectKeystoneError(ks, 405);
        assert.match(String(ks.headers.allow), /DELETE, GET, HEAD, POST/);
        assert.equal(json(await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).dedicated_host.name, 'h', 'the 405 changed nothing');
      },
      406: async () => {
        const p = await t.newProject();
        for (const accept of ['text/html', 'application/xml', 'application/json;q=0']) {
          expectDehError(await t.deh(p, 'GET', '/dedicated-hosts', undefined, { accept }), 406, 'DEH.0406');
        }
        expectKeystoneError(await t.call('GET', '/v3', { headers: { accept: 'text/html' } }), 406);
        for (const accept of ['*/*', 'application/*', 'text/html, application/json;q=0.5', 'application/json; charset=utf-8']) {
          assert.equal((await t.deh(p, 'GET', '/dedicated-hosts', undefined, { accept })).statusCode, 200, accept);
        }
      },
      407: async () => {
        // Proxy Authentication Required is a proxy's answer; the service never asks for it.
        assert.ok(!Object.values(STATUS_OF).includes(407));
      },
      408: async () => {
        // Inject has no sockets: a real listener, and a client that sends half a request.
        const r = await buildTestApp(dialect, { OPENDEH_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
        try {
          await r.app.listen({ host: '127.0.0.1', port: 0 });
          const port = (r.app.server.address() as { port: number }).port;
          const { text, ms } = await rawExchange(port, 'POST /v1.0/x/dedicated-hosts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl', 5_000);
          const res = parseRawResponse(text);
          assert.equal(res.status, 408, text);
          assert.match(res.headers['content-type'], /^application\/json/);
          const body = JSON.parse(res.body);
          assert.equal(body.error.code, 'DEH.0408');
          assert.equal(typeof body.error.message, 'string');
          assert.ok(ms >= REQUEST_TIMEOUT_MS - 50, `answered after ${ms} ms, before the timeout`);
          // Whole headers, half the body: the request timeout covers the body too.
          const project = await r.newProject();
          const halfBody = await rawExchange(port, `POST /v1.0/${project.projectId}/dedicated-hosts HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `X-Auth-Token: ${project.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name": "h",`, 5_000);
          const stalled = parseRawResponse(halfBody.text);
          assert.equal(stalled.status, 408, halfBody.text);
          assert.equal(JSON.parse(stalled.body).error.code, 'DEH.0408');
          assert.equal(json(await r.deh(project, 'GET', '/dedicated-hosts')).total, 0, 'nothing was allocated');
          // A whole request on the same listener is answered normally.
          const ok = parseRawResponse((await rawExchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 5_000)).text);
          assert.equal(ok.status, 200);
          // Not HTTP at all: 400, in the same shape.
          const garbage = parseRawResponse((await rawExchange(port, 'HELLO\r\n\r\n', 5_000)).text);
          assert.equal(garbage.status, 400);
          assert.equal(JSON.parse(garbage.body).error.code, 'DEH.0001');
        } finally {
          await r.close();
        }
      },
      409: async (ctx) => {
        const p = await t.newProject();
        const headers = { 'x-client-token': 'same-token' };
        assert.equal((await t.deh(p, 'POST', '/dedicated-hosts', ALLOC, headers)).statusCode, 200);
        const e = expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', { ...ALLOC, quantity: 2 }, headers), 409, 'DEH.0414');
        assert.match(e.message, /IdempotentParameterMismatch/);
        // The reference's own 409: releasing a DeH that still carries ECSs (needs the compute API).
        const [id] = await allocate(t, p);
        const server = await createServerOn(t, p, id);
        if (!server) return void ctx.diagnostic(`409 on release with ECSs not checked: ${COMPUTE_MISSING}`);
        assert.equal(server.statusCode, 202, server.body);
        expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`), 409, 'DEH.0409');
        assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`)).statusCode, 200);
      },
      412: async () => {
        const p = await t.newProject();
        const [id] = await allocate(t, p);
        assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'a' } })).statusCode, 204);
        expectDehError(await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'b' } }, { 'if-match': '"0"' }), 412, 'DEH.0415');
      },
      413: async () => {
        const p = await t.newProject();
        const big = { ...ALLOC, tags: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(300) })) };
        assert.ok(JSON.stringify(big).length > BODY_LIMIT);
        expectDehError(await t.deh(p, 'POST', '/dedicated-hosts', big), 413, 'DEH.0416');
        expectKeystoneError(await t.call('POST', '/v3/auth/tokens', { body: { auth: { padding: 'x'.repeat(BODY_LIMIT) } } }), 413);
        assert.equal(json(await t.deh(p, 'GET', '/dedicated-hosts')).total, 0);
      },
      500: async () => {
        // A real fault: the store is closed under the live app. A closed store is a fault of
        // the process (nothing a retry fixes), so the code maps it to 500, not 503.
        const f = await buildTestApp(dialect);
        try {
          const p = await f.newProject();
          await f.services.store.close();
          const r = await f.deh(p, 'GET', '/dedicated-hosts');
          const e = expectDehError(r, 500, 'DEH.0500');
          assert.equal(e.message, `internal error; quote request id ${r.headers['x-request-id']} to the operator`);
          assert.doesNotMatch(r.body, /\bat .*\.(js|ts):\d+|sqlite|pool|destroy|Error:/i, 'no stack, no driver text');
        } finally {
          await f.close();
        }
      },
      501: async () => {
        const p = await t.newProject();
        for (const method of ['PROPFIND', 'MKCOL']) {
          expectDehError(await t.call(method, `/v1.0/${p.projectId}/dedicated-hosts`, { token: p.token }), 501, 'DEH.0501');
        }
        // Method tokens Node's parser rejects before routing: 501 on the raw connection, in
        // the family shape of the path, with a request id; a line that is not HTTP stays 400.
        await withListener(dialect, async (port) => {
          const ask = async (line: string) => parseRawResponse((await rawExchange(port, `${line}\r\nHost: a\r\nConnection: close\r\n\r\n`, 5_000)).text);
          const deh = await ask('FOO /v1.0/p/dedicated-hosts HTTP/1.1');
          assert.equal(deh.status, 501);
          assert.equal(JSON.parse(deh.body).error.code, 'DEH.0501');
          assert.equal(JSON.parse(deh.body).request_id, deh.headers['x-request-id']);
          const ks = await ask('BREW /v3/users HTTP/1.1');
          assert.equal(ks.status, 501);
          assert.deepEqual(Object.keys(JSON.parse(ks.body).error).sort(), ['code', 'message', 'title']);
          const nova = await ask('FOO /compute/v2.1/p/servers HTTP/1.1');
          assert.equal(nova.status, 501);
          assert.equal(JSON.parse(nova.body).notImplemented.code, 501);
          assert.equal((await ask('HELLO')).status, 400);
        });
      },
      414: async () => {
        const p = await t.newProject();
        const r = await t.deh(p, 'GET', `/dedicated-hosts/${'x'.repeat(600)}`);
        expectDehError(r, 414, 'DEH.0417');
        assert.equal(json(r).request_id, r.headers['x-request-id']);
        const nova = await t.call('GET', `/compute/v2.1/${p.projectId}/servers/${'x'.repeat(600)}`, { token: p.token });
        assert.equal(nova.statusCode, 414);
        assert.equal(json(nova).badRequest.code, 414);
      },
      431: async () => {
        await withListener(dialect, async (port) => {
          const res = parseRawResponse((await rawExchange(port, `GET /v1.0/p/dedicated-hosts HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`, 5_000)).text);
          assert.equal(res.status, 431);
          assert.equal(JSON.parse(res.body).error.code, 'DEH.0418');
          assert.equal(JSON.parse(res.body).request_id, res.headers['x-request-id']);
        });
      },
      502: async () => {
        // The external Keystone (OPENDEH_KEYSTONE_URL) answers a token validation with something
        // that is not a Keystone answer. More causes in test/keystone/upstream.test.ts.
        const ks = await new FakeKeystone().start();
        const f = await buildExternalApp(dialect, ks.url);
        try {
          ks.mode = 'garbage';
          expectDehError(await f.app.inject({ method: 'GET', url: '/v1.0/p/dedicated-hosts', headers: { 'x-auth-token': ks.issue({ id: 'u', name: 'u', projectId: 'p', roles: ['member'] }) } }), 502, 'DEH.0502');
        } finally {
          await f.close();
          await ks.stop();
        }
      },
      503: async () => {
        // The external Keystone cannot be reached (any engine) …
        const k = await buildExternalApp(dialect, `http://127.0.0.1:${await deadPort()}`);
        try {
          const r = await k.app.inject({ method: 'GET', url: '/v1.0/p/dedicated-hosts', headers: { 'x-auth-token': 'any' } });
          expectDehError(r, 503, 'DEH.0503');
          assert.equal(r.headers['retry-after'], '5');
        } finally {
          await k.close();
        }
        // … or the database is down (PostgreSQL: the embedded SQLite store is in-process and cannot become unreachable).
        if (dialect !== 'postgres') return;
        const f = await appOverUnreachableDatabase();
        try {
          const r = await f.app.inject({ method: 'GET', url: '/v1.0/p/dedicated-hosts', headers: { 'x-auth-token': 'any' } });
          expectDehError(r, 503, 'DEH.0503');
          assert.equal(r.headers['retry-after'], '5');
          assert.doesNotMatch(r.body, /ECONNREFUSED|127\.0\.0\.1/);
          expectKeystoneError(await f.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: {
            auth: { identity: { methods: ['password'], password: { user: { id: 'u', password: 'p' } } } },
          } }), 503);
          assert.equal((await f.app.inject({ method: 'GET', url: '/opendeh/readyz' })).statusCode, 503);
          // Version documents need no database.
          assert.equal((await f.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
        } finally {
          await f.close();
        }
      },
      504: async () => {
        // The external Keystone does not answer within OPENDEH_KEYSTONE_TIMEOUT_MS.
        const ks = await new FakeKeystone().start();
        const f = await buildExternalApp(dialect, ks.url, { OPENDEH_KEYSTONE_TIMEOUT_MS: '1000' });
        try {
          ks.mode = 'hang';
          expectDehError(await f.app.inject({ method: 'GET', url: '/v1.0/p/dedicated-hosts', headers: { 'x-auth-token': ks.issue({ id: 'u', name: 'u', projectId: 'p', roles: ['member'] }) } }), 504, 'DEH.0504');
        } finally {
          await f.close();
          await ks.stop();
        }
      },
    };

    for (const [code, run] of Object.entries(CASES)) test(`${code}`, (ctx) => run(ctx));

    test('every code of the reference table is covered above; 407 is left to proxies', { skip: !existsSync(REF_FILE) && `${REF_FILE} is not there` }, () => {
      const inFile = [...readFileSync(REF_FILE, 'utf8').matchAll(/^\s*\|\s*(\d{3}) [A-Z]/gm)].map((m) => Number(m[1]));
      assert.deepEqual(inFile, REF_CODES);
      for (const c of REF_CODES) assert.ok(c in CASES, `no case for ${c}`);
      const mapped = new Set(Object.values(STATUS_OF));
      for (const c of LEFT_TO_PROXIES) assert.ok(!mapped.has(c), `${c} is mapped in STATUS_OF`);
      for (const c of REF_CODES.filter((x) => x >= 400 && !LEFT_TO_PROXIES.includes(x))) assert.ok(mapped.has(c), `${c} has no error code`);
    });

    test('every status of the error table has a case that produces it, here or in the suite named', (ctx) => {
      // Codes that need a configuration of their own are triggered in their own suite.
      const ELSEWHERE: Record<number, string> = { 429: 'abuse-limits.test.js' };
      for (const status of new Set(Object.values(STATUS_OF))) {
        if (ELSEWHERE[status]) {
          if (!existsSync(fileURLToPath(new URL(ELSEWHERE[status], import.meta.url)))) ctx.diagnostic(`${status}: ${ELSEWHERE[status]} has not landed yet`);
        }
        else assert.ok(String(status) in CASES, `no case for ${status}`);
      }
    });
  });

  describe(`error codes are documented [${dialect}]`, () => {
    test('docs/errors.md lists every code of STATUS_OF with its status, and nothing else', () => {
      const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
      const rows = [...doc.matchAll(/^\| `(DEH\.\d{4})` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
      assert.deepEqual(Object.fromEntries(rows), STATUS_OF);
      assert.equal(rows.length, Object.keys(STATUS_OF).length, 'each code once');
    });
  });

  describe(`error bodies and client header styles [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('Go SDK style: Content-Type on body-less GET/DELETE, X-Language, Connection: close', async () => {
      const p = await t.newProject();
      const [id] = await allocate(t, p, { tags: [{ key: 'a', value: 'b' }] });
      const go = {
        'content-type': 'application/json', accept: 'application/json', 'x-language': 'en-us',
        'user-agent': 'terraform-provider-opentelekomcloud golangsdk/2.0.0', connection: 'close',
      };
      assert.equal((await t.deh(p, 'GET', '/dedicated-hosts', undefined, go)).statusCode, 200);
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`, undefined, go)).statusCode, 200);
      const tags = await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`, undefined, { ...go, 'content-type': 'application/json;charset=UTF-8' });
      assert.equal(tags.statusCode, 200);
      assert.deepEqual(json(tags), { tags: [{ key: 'a', value: 'b' }] });
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { name: 'go' } }, { ...go, 'content-type': 'application/json;charset=UTF-8' })).statusCode, 204);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`, undefined, go)).statusCode, 204);
      expectDehError(await t.deh(p, 'GET', `/dedicated-hosts/${id}`, undefined, go), 404);
    });

    test('openstacksdk style: Accept: */* on create, show, update, tags, delete', async () => {
      const p = await t.newProject();
      const any = { accept: '*/*' };
      const created = await t.deh(p, 'POST', '/dedicated-hosts', ALLOC, any);
      assert.equal(created.statusCode, 200);
      assert.match(String(created.headers['content-type']), /^application\/json/);
      const [id] = json(created).dedicated_host_ids;
      assert.equal((await t.deh(p, 'GET', `/dedicated-hosts/${id}`, undefined, any)).statusCode, 200);
      assert.equal((await t.deh(p, 'PUT', `/dedicated-hosts/${id}`, { dedicated_host: { auto_placement: 'off' } }, any)).statusCode, 204);
      assert.equal((await t.deh(p, 'POST', `/dedicated-host-tags/${id}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v' }] }, any)).statusCode, 204);
      assert.equal((await t.deh(p, 'GET', `/dedicated-host-tags/${id}/tags`, undefined, any)).statusCode, 200);
      assert.equal((await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`, undefined, any)).statusCode, 204);
      expectDehError(await t.deh(p, 'DELETE', `/dedicated-hosts/${id}`, undefined, any), 404);
    });

    test('every DeH error carries {"error":{"code","message"}} and the request id; no Fastify or Nova shapes', async () => {
      const p = await t.newProject();
      const answers = [
        await t.deh(p, 'POST', '/dedicated-hosts', { bogus: 1 }),
        await t.call('POST', `/v1.0/${p.projectId}/dedicated-hosts`, { token: p.token, body: 'not json', headers: { 'content-type': 'application/json' } }),
        await t.call('POST', `/v1.0/${p.projectId}/dedicated-hosts`, { token: p.token, body: 'name=h', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        await t.deh(p, 'GET', '/dedicated-hosts?limit=-1'),
        await t.call('GET', `/v1.0/${p.projectId}/dedicated-hosts`, { token: 'nope' }),
        await t.deh(p, 'GET', '/dedicated-hosts/nope'),
        await t.deh(p, 'PATCH', '/dedicated-hosts'),
        await t.call('GET', '/v1.0/nothing/here/at/all'),
      ];
      for (const r of answers) {
        assert.ok(r.statusCode >= 400, r.body);
        const body = json(r);
        expectDehError(r, r.statusCode);
        assert.equal(body.request_id, r.headers['x-openstack-request-id']);
        for (const k of ['statusCode', 'itemNotFound', 'badRequest', 'error_code', 'error_msg']) assert.equal(body[k], undefined, k);
      }
    });
  });
}
