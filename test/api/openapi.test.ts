import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApi } from '../../src/http/openapi/document.js';
import { catalogOf } from '../../src/http/openapi/route-catalog.js';
import { recordRoutes, registeredRoutes } from '../../src/http/route-list.js';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp } from '../support/app.js';
import { mismatch } from '../support/answer-check.js';
import { IMAGE, serverBody } from '../support/compute.js';

// GET /openapi.json: a valid OpenAPI 3.1 document (checked by an independent validator), with
// every route fastify registered (enumerated from fastify's router, not from the catalog that
// builds the document), each declaring its answers and path parameters; and answers that
// match it — for a scenario over every API family here, and for every answer of the whole
// suite through test/support/answer-check.ts.

type Json = Record<string, any>;

/** Every (method, path) in fastify's router, from printRoutes' tree; parameter names erased. */
function routerRoutes(app: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const labels: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]].length / 4;
    labels.length = depth;
    labels[depth] = m[2];
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) out.add(`${method} ${erase(labels.join(''))}`);
  }
  return out;
}
const erase = (path: string) => path.replace(/:[^/]+/g, '{}').replace(/\{[^}]+\}/g, '{}');

function documentedRoutes(doc: Json): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) for (const m of Object.keys(item)) out.add(`${m.toUpperCase()} ${erase(path)}`);
  return out;
}

function undocumentedOps(doc: Json): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [m, op] of Object.entries(item as Json)) if (op['x-opendeh-undocumented']) out.push(`${m.toUpperCase()} ${path}: ${op['x-opendeh-undocumented'].join(', ')}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
  before(async () => {
    t = await buildTestApp('sqlite');
    const r = await t.call('GET', '/openapi.json');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    doc = r.json();
  });
  after(async () => { await t.close(); });

  test('is served without a token and validates as OpenAPI 3.1', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const res = await validator.validate(doc);
    assert.deepEqual(res, { valid: true });
    assert.equal(validator.version, '3.1');
    // The validator is not a rubber stamp: a document without `info` is refused.
    const broken = { ...doc, info: undefined };
    assert.equal((await new Validator().validate(JSON.parse(JSON.stringify(broken)))).valid, false);
  });

  test('covers every route fastify registered, and nothing else', () => {
    const router = routerRoutes(t.app);
    const documented = documentedRoutes(doc);
    // fastify answers HEAD for every GET; the document shows the GET (HEAD-only routes are documented as HEAD).
    const missing = [...router].filter((r) => !documented.has(r) && !(r.startsWith('HEAD ') && documented.has(`GET ${r.slice(5)}`)));
    assert.deepEqual(missing, [], 'routes missing from /openapi.json');
    const extra = [...documented].filter((r) => !router.has(r));
    assert.deepEqual(extra, [], 'documented routes fastify does not have');
    assert.ok(router.size > 150, `only ${router.size} routes seen in the router`);
    assert.ok(documented.size > 150, `only ${documented.size} operations documented`);
    for (const family of ['/v1.0/', '/v3/', '/identity/v3/', '/v3.0/OS-ROLE', '/compute/v2.1/', '/compute/v1/', '/image/v2/', '/opendeh/v1/']) {
      assert.ok([...documented].some((r) => r.includes(family)), `no ${family} route documented`);
    }
  });

  test('every route declares its answers and its path parameters', () => {
    assert.deepEqual(undocumentedOps(doc), [], 'give these routes schema.answers and a params schema naming every path parameter (docs/openapi.md, "Adding or changing a route")');
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [m, op] of Object.entries(item as Json)) {
        const where = `${m.toUpperCase()} ${path}`;
        const names = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]).sort();
        assert.deepEqual(op.parameters.filter((p: Json) => p.in === 'path').map((p: Json) => p.name).sort(), names, where);
        assert.ok(op.responses.default, `${where}: no error shape`);
      }
    }
  });

  test('a route registered without schemas is flagged (the check above can fail)', async () => {
    const app = Fastify();
    recordRoutes(app);
    app.get('/bare/:id', async () => ({}));
    app.get('/documented/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string' } } }, answers: { 200: null } } }, async () => ({}));
    await app.ready();
    const d = buildOpenApi(catalogOf(registeredRoutes(app)), { title: 't', version: '0' });
    assert.deepEqual(undocumentedOps(d), ['GET /bare/{id}: answers, params.id']);
    await app.close();
  });

  test('security: public routes need no token, every other route names X-Auth-Token', () => {
    assert.deepEqual(doc.components.securitySchemes.keystoneToken, { ...doc.components.securitySchemes.keystoneToken, type: 'apiKey', in: 'header', name: 'X-Auth-Token' });
    assert.deepEqual(doc.paths['/openapi.json'].get.security, []);
    assert.deepEqual(doc.paths['/v1.0/{project_id}/dedicated-hosts'].get.security, [{ keystoneToken: [] }]);
    assert.deepEqual(doc.paths['/v1.0/{project_id}/dedicated-hosts'].get['x-opendeh-action'], ['deh:dedicatedHosts:list']);
  });
});

for (const dialect of DIALECTS) {
  describe(`OpenAPI: answers match the document across every API family [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('a scenario over DeH, identity, IAM, compute, ECS, images, operator and service routes', async (ctx) => {
      const doc = t.app.openApiDocument() as Json;
      const p = await t.newProject();
      const seen = new Set<string>();
      const pid = p.projectId;
      const check = async (method: string, route: string, url: string, token: string | undefined, body?: unknown, expect?: number) => {
        const r = await t.call(method, url, { token, body });
        if (expect !== undefined) assert.equal(r.statusCode, expect, `${method} ${url}: ${r.body}`);
        else assert.ok(r.statusCode < 300 || r.statusCode === 300, `${method} ${url}: ${r.statusCode} ${r.body}`);
        const m = mismatch(doc, { method, route, status: r.statusCode, contentType: r.headers['content-type'] as string | undefined, body: r.body });
        assert.equal(m, null);
        seen.add(`${method} ${route}`);
        return r;
      };
      const admin = t.admin.token;
      const tok = p.token;
      // service and version documents
      for (const u of ['/', '/v1.0', '/identity', '/identity/v3', '/v3', '/compute', '/compute/v2.1', '/image', '/image/v2', '/opendeh/healthz', '/opendeh/readyz', '/openapi.json', '/metrics', '/console']) {
        await check('GET', u, u, undefined);
      }
      // DeH
      const [hostId] = await allocate(t, p);
      const V = `/v1.0/${pid}`;
      await check('GET', '/v1.0/:project_id/dedicated-hosts', `${V}/dedicated-hosts`, tok);
      await check('GET', '/v1.0/:project_id/dedicated-hosts/:host_id', `${V}/dedicated-hosts/${hostId}`, tok);
      await check('PUT', '/v1.0/:project_id/dedicated-hosts/:host_id', `${V}/dedicated-hosts/${hostId}`, tok, { dedicated_host: { name: 'renamed' } }, 204);
      await check('POST', '/v1.0/:project_id/dedicated-host-tags/:host_id/tags/action', `${V}/dedicated-host-tags/${hostId}/tags/action`, tok, { action: 'create', tags: [{ key: 'k', value: 'v' }] }, 204);
      await check('GET', '/v1.0/:project_id/dedicated-host-tags/:host_id/tags', `${V}/dedicated-host-tags/${hostId}/tags`, tok);
      await check('POST', '/v1.0/:project_id/dedicated-host-tags/resource_instances/action', `${V}/dedicated-host-tags/resource_instances/action`, tok, { action: 'filter', tags: [{ key: 'k' }] });
      await check('POST', '/v1.0/:project_id/dedicated-host-tags/resource_instances/action', `${V}/dedicated-host-tags/resource_instances/action`, tok, { action: 'count' });
      await check('GET', '/v1.0/:project_id/availability-zone/:az/dedicated-host-types', `${V}/availability-zone/eu-de-01/dedicated-host-types`, tok);
      await check('GET', '/v1.0/:project_id/quota-sets/:tenant_id', `${V}/quota-sets/${pid}`, tok);
      // compute (Nova) on that DeH
      const N = `/compute/v2.1/${pid}`;
      const created = await check('POST', '/compute/v2.1/:project_id/servers', `${N}/servers`, tok, serverBody({ hints: { tenancy: 'dedicated', dedicated_host_id: hostId } }), 202);
      const sid = created.json().server.id as string;
      await check('DELETE', '/v1.0/:project_id/dedicated-hosts/:host_id', `${V}/dedicated-hosts/${hostId}`, tok, undefined, 409);
      await check('GET', '/v1.0/:project_id/dedicated-hosts/:host_id/servers', `${V}/dedicated-hosts/${hostId}/servers`, tok);
      for (const path of ['/servers', '/servers/detail', '/flavors', '/flavors/detail', '/flavors/c4.large.4', '/flavors/c4.large.4/os-extra_specs',
        `/os-quota-sets/${pid}`, `/os-quota-sets/${pid}/detail`, `/os-quota-sets/${pid}/defaults`, '/limits', '/os-availability-zone', '/os-networks', '/os-tenant-networks',
        '/os-networks/default', `/servers/${sid}`, `/servers/${sid}/metadata`, `/servers/${sid}/os-interface`, `/servers/${sid}/os-server-password`]) {
        const route = `/compute/v2.1/:project_id${path.replace(sid, ':server_id').replace(`os-quota-sets/${pid}`, 'os-quota-sets/:tenant_id').replace('c4.large.4', ':flavor_id').replace('os-networks/default', 'os-networks/:network_id')}`;
        await check('GET', route, `${N}${path}`, tok);
      }
      const S = '/compute/v2.1/:project_id/servers/:server_id';
      await check('PUT', S, `${N}/servers/${sid}`, tok, { server: { name: 'vm2' } });
      // Found by this check over the fuzz suite: an update without `name` answered a server without one.
      const described = await check('PUT', S, `${N}/servers/${sid}`, tok, { server: { description: 'd' } });
      assert.equal(described.json().server.name, 'vm2');
      await check('PUT', `${S}/metadata`, `${N}/servers/${sid}/metadata`, tok, { metadata: { a: '1' } });
      await check('POST', `${S}/metadata`, `${N}/servers/${sid}/metadata`, tok, { metadata: { b: '2' } });
      await check('PUT', `${S}/metadata/:key`, `${N}/servers/${sid}/metadata/c`, tok, { meta: { c: '3' } });
      await check('GET', `${S}/metadata/:key`, `${N}/servers/${sid}/metadata/c`, tok);
      await check('DELETE', `${S}/metadata/:key`, `${N}/servers/${sid}/metadata/c`, tok, undefined, 204);
      await check('DELETE', `${S}/os-server-password`, `${N}/servers/${sid}/os-server-password`, tok, undefined, 204);
      await check('POST', `${S}/action`, `${N}/servers/${sid}/action`, tok, { 'os-stop': null }, 202);
      await check('GET', '/compute/v2.1/:project_id/images/:image_id', `${N}/images/${IMAGE}`, tok, undefined, 404);
      // ECS v1
      const E = `/compute/v1/${pid}`;
      const job = await check('POST', '/compute/v1/:project_id/cloudservers', `${E}/cloudservers`, tok, {
        server: { imageRef: IMAGE, flavorRef: 'c4.large.4', name: 'ecs1', vpcid: 'vpc', nics: [{ subnet_id: 'subnet' }] },
      });
      const ecsId = job.json().serverIds[0] as string;
      await check('GET', '/compute/v1/:project_id/jobs/:job_id', `${E}/jobs/${job.json().job_id}`, tok);
      const C = '/compute/v1/:project_id/cloudservers/:server_id';
      await check('GET', C, `${E}/cloudservers/${ecsId}`, tok);
      await check('POST', `${C}/tags/action`, `${E}/cloudservers/${ecsId}/tags/action`, tok, { action: 'create', tags: [{ key: 'a', value: 'b' }] }, 204);
      await check('GET', `${C}/tags`, `${E}/cloudservers/${ecsId}/tags`, tok);
      await check('PUT', `${C}/autorecovery`, `${E}/cloudservers/${ecsId}/autorecovery`, tok, { support_auto_recovery: 'true' }, 204);
      await check('GET', `${C}/autorecovery`, `${E}/cloudservers/${ecsId}/autorecovery`, tok);
      await check('POST', '/compute/v1/:project_id/cloudservers/delete', `${E}/cloudservers/delete`, tok, { servers: [{ id: ecsId }] });
      await check('DELETE', S, `${N}/servers/${sid}`, tok, undefined, 204);
      // images
      await check('GET', '/image/v2/images', '/image/v2/images', tok);
      await check('GET', '/image/v2/images/:image_id', `/image/v2/images/${IMAGE}`, tok);
      // identity and IAM (admin)
      for (const prefix of ['/v3', '/identity/v3']) {
        await check('GET', `${prefix}/auth/tokens`, `${prefix}/auth/tokens`, admin, undefined, 400);
        await check('GET', `${prefix}/auth/catalog`, `${prefix}/auth/catalog`, tok);
        await check('GET', `${prefix}/auth/projects`, `${prefix}/auth/projects`, tok);
        for (const what of ['projects', 'users', 'roles', 'domains', 'groups', 'role_assignments']) await check('GET', `${prefix}/${what}`, `${prefix}/${what}`, admin);
        await check('GET', `${prefix}/projects/:id`, `${prefix}/projects/${pid}`, admin);
        await check('GET', `${prefix}/users/:id`, `${prefix}/users/${p.userId}`, admin);
        await check('GET', `${prefix}/users/:id/projects`, `${prefix}/users/${p.userId}/projects`, admin);
        await check('GET', `${prefix}/users/:uid/groups`, `${prefix}/users/${p.userId}/groups`, admin);
      }
      const g = (await check('POST', '/v3/groups', '/v3/groups', admin, { group: { name: `oa-${dialect}` } }, 201)).json().group;
      await check('PATCH', '/v3/groups/:gid', `/v3/groups/${g.id}`, admin, { group: { description: 'd' } });
      await check('PUT', '/v3/groups/:gid/users/:uid', `/v3/groups/${g.id}/users/${p.userId}`, admin, undefined, 204);
      await check('HEAD', '/v3/groups/:gid/users/:uid', `/v3/groups/${g.id}/users/${p.userId}`, admin, undefined, 204);
      await check('GET', '/v3/groups/:gid/users', `/v3/groups/${g.id}/users`, admin);
      const role = (await check('POST', '/v3/roles', '/v3/roles', admin, { role: { name: `oa-role-${dialect}` } }, 201)).json().role;
      const grant = `/v3/projects/${pid}/groups/${g.id}/roles`;
      await check('PUT', '/v3/projects/:sid/groups/:aid/roles/:rid', `${grant}/${role.id}`, admin, undefined, 204);
      await check('GET', '/v3/projects/:sid/groups/:aid/roles/:rid', `${grant}/${role.id}`, admin, undefined, 204);
      await check('GET', '/v3/projects/:sid/groups/:aid/roles', grant, admin);
      await check('GET', '/v3/role_assignments', `/v3/role_assignments?effective&user.id=${p.userId}`, admin);
      await check('DELETE', '/v3/projects/:sid/groups/:aid/roles/:rid', `${grant}/${role.id}`, admin, undefined, 204);
      await check('DELETE', '/v3/groups/:gid', `/v3/groups/${g.id}`, admin, undefined, 204);
      const policy = { display_name: `oa-${dialect}`, type: 'AX', description: 'd', policy: { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:dedicatedHosts:list'] }] } };
      const cr = (await check('POST', '/v3.0/OS-ROLE/roles', '/v3.0/OS-ROLE/roles', admin, { role: policy }, 201)).json().role;
      await check('GET', '/identity/v3.0/OS-ROLE/roles', '/identity/v3.0/OS-ROLE/roles', admin);
      await check('GET', '/v3.0/OS-ROLE/roles/:id', `/v3.0/OS-ROLE/roles/${cr.id}`, admin);
      await check('PATCH', '/v3.0/OS-ROLE/roles/:id', `/v3.0/OS-ROLE/roles/${cr.id}`, admin, { role: { ...policy, description: 'e' } });
      await check('DELETE', '/v3.0/OS-ROLE/roles/:id', `/v3.0/OS-ROLE/roles/${cr.id}`, admin, undefined, 200);
      // operator and permissions
      await check('GET', '/opendeh/v1/permissions', '/opendeh/v1/permissions', tok);
      await check('GET', '/opendeh/v1/traces', `/opendeh/v1/traces?project_id=${pid}&limit=5`, admin);
      // CTS (after the writes above, so the pages are not empty)
      for (const v of ['v1.0', 'v2.0']) {
        const page = (await check('GET', `/cts/${v}/:project_id/:tracker_name/trace`, `/cts/${v}/${pid}/system/trace?limit=2`, tok)).json();
        assert.equal(page.traces.length, 2);
        await check('GET', `/cts/${v}/:project_id/:tracker_name/trace`, `/cts/${v}/${pid}/system/trace?limit=2&next=${page.meta_data.marker}`, tok);
        await check('GET', `/cts/${v}/:project_id/tracker`, `/cts/${v}/${pid}/tracker`, tok);
      }
      await check('PUT', '/opendeh/v1/quotas/:tenant_id/:resource', `/opendeh/v1/quotas/${pid}/c4`, admin, { hard_limit: 5 }, 204);
      // errors: each family's shape
      await check('GET', '/v1.0/:project_id/dedicated-hosts/:host_id', `${V}/dedicated-hosts/nope`, tok, undefined, 404);
      await check('GET', '/v3/users/:id', '/v3/users/nope', admin, undefined, 404);
      await check('GET', S, `${N}/servers/nope`, tok, undefined, 404);
      await check('GET', '/v1.0/:project_id/dedicated-hosts', `${V}/dedicated-hosts`, undefined, undefined, 401);
      await check('DELETE', '/v1.0/:project_id/dedicated-hosts/:host_id', `${V}/dedicated-hosts/${hostId}`, tok, undefined, 204);

      const families = new Set([...seen].map((s) => s.split(' ')[1].split('/')[1]));
      for (const f of ['v1.0', 'v3', 'identity', 'v3.0', 'compute', 'image', 'opendeh', 'openapi.json']) assert.ok(families.has(f), `no ${f} route exercised`);
      assert.ok(seen.size >= 80, `only ${seen.size} operations exercised`);
      ctx.diagnostic(`${seen.size} documented operations answered and checked`);
    });

    test('a drifted schema is caught: the check is not vacuous', async () => {
      const doc = JSON.parse(JSON.stringify(t.app.openApiDocument())) as Json;
      const r = await t.call('GET', '/opendeh/v1/permissions', { token: t.admin.token });
      const a = { method: 'GET', route: '/opendeh/v1/permissions', status: 200, contentType: r.headers['content-type'] as string, body: r.body };
      assert.equal(mismatch(doc, a), null);
      // The document says the listing is an object of booleans; make it say an array.
      doc.paths['/opendeh/v1/permissions'].get.responses['200'].content['application/json'].schema.properties.permissions = { type: 'array' };
      assert.match(mismatch(doc, a) ?? '', /\/permissions must be array/);
      // An undocumented status falls to the family's error shape, which a 200 body does not match.
      assert.match(mismatch(t.app.openApiDocument() as Json, { ...a, status: 202 }) ?? '', /must have required property 'error'/);
    });
  });
}
