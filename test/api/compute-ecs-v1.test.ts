import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../support/dialects.js';
import { allocate, buildTestApp, type TestApp, type TestProject } from '../support/app.js';
import { action, ecs, expectNovaError, hostAccounting, nova, showServer } from '../support/compute.js';

// The OTC ECS v1 subset Terraform's opentelekomcloud_ecs_instance_v1 uses
// (gophertelekomcloud openstack/ecs/v1/cloudservers): job-based create/delete/migrate, the
// cloud server with string-typed fields and array hints, tags and auto recovery.

const C4 = { vcpus: 74, mem: 303104 };

/** The body gophertelekomcloud's cloudservers.Create sends, hints inside `server`. */
function ecsBody(hints?: Record<string, string>, over: Record<string, unknown> = {}) {
  return {
    server: {
      imageRef: '1b2c3d4e-0000-4000-8000-000000000001', flavorRef: 'c4.large.4', name: 'ecs-1', vpcid: 'vpc-1',
      nics: [{ subnet_id: 'subnet-1' }], root_volume: { volumetype: 'SATA' }, availability_zone: 'eu-de-01',
      security_groups: [{ id: 'sg-1' }], ...(hints && { 'os:scheduler_hints': hints }), ...over,
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`compute ECS v1 [${dialect}]`, () => {
    let t: TestApp;
    let slow: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
      slow = await buildTestApp(dialect, { OPENDEH_SERVER_BUILD_SECONDS: '20' });
    });
    after(async () => {
      await t.close();
      await slow.close();
    });

    async function job(app: TestApp, p: TestProject, id: string) {
      const r = await ecs(app, p, 'GET', `/jobs/${id}`);
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    }

    test('create answers 200 {job_id, serverIds}; the job runs until the ECS is active, then names it', async () => {
      const p = await slow.newProject();
      const [h] = await allocate(slow, p);
      const r = await ecs(slow, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }));
      assert.equal(r.statusCode, 200, r.body);
      const { job_id: jobId, serverIds } = r.json();
      assert.match(jobId, /^[0-9a-f]{32}$/);
      assert.equal(serverIds.length, 1);
      let j = await job(slow, p, jobId);
      assert.deepEqual([j.status, j.job_type, j.end_time], ['RUNNING', 'createServer', '']);
      assert.equal((await showServer(slow, p, serverIds[0])).status, 'BUILD');
      slow.clock.advance(20_000);
      j = await job(slow, p, jobId);
      assert.equal(j.status, 'SUCCESS');
      assert.equal(j.entities.sub_jobs_total, 1);
      assert.equal(j.entities.sub_jobs[0].status, 'SUCCESS');
      assert.equal(j.entities.sub_jobs[0].entities.server_id, serverIds[0]); // GetJobEntity(…, "server_id")
      const a = await hostAccounting(slow, p, h);
      assert.deepEqual([a.availableVcpus, a.instanceUuids], [C4.vcpus - 2, serverIds]);
    });

    test('the cloud server: Go\'s string-typed fields, hints as arrays of strings, vpc_id in metadata', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const r = await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }, {
        nics: [{ subnet_id: 'subnet-1', ip_address: '10.1.2.3' }], server_tags: [{ key: 'env', value: 'prod' }], tags: ['team=a'],
        user_data: 'IyEvYmluL3No', metadata: { owner: 'me' },
      }));
      const id = r.json().serverIds[0];
      const s = (await ecs(t, p, 'GET', `/cloudservers/${id}`)).json().server;
      assert.deepEqual(s.flavor, { id: 'c4.large.4', name: 'c4.large.4', vcpus: '2', ram: '8192', disk: '0' });
      assert.deepEqual(s['os:scheduler_hints'], { group: [], tenancy: ['dedicated'], dedicated_host_id: [h] });
      assert.deepEqual(s.metadata, { owner: 'me', vpc_id: 'vpc-1' });
      const addr = s.addresses['subnet-1'][0];
      assert.deepEqual([addr.version, addr.addr, addr['OS-EXT-IPS:type']], ['4', '10.1.2.3', 'fixed']);
      assert.match(addr['OS-EXT-IPS:port_id'], /^[0-9a-f-]{36}$/);
      assert.deepEqual(s.image, { id: '1b2c3d4e-0000-4000-8000-000000000001' });
      assert.deepEqual(s.security_groups, [{ name: 'sg-1', id: 'sg-1' }]);
      assert.deepEqual(s.tags.sort(), ['env=prod', 'team=a']);
      assert.equal(s['OS-EXT-SRV-ATTR:user_data'], 'IyEvYmluL3No');
      assert.equal(s['OS-EXT-AZ:availability_zone'], 'eu-de-01');
      assert.equal(typeof s['OS-EXT-STS:power_state'], 'number');
      assert.match(s.created, /Z$/);
      assert.equal(s.links[0].href, `http://127.0.0.1:8080/compute/v1/${p.projectId}/cloudservers/${id}`);
      expectNovaError(await ecs(t, p, 'GET', '/cloudservers/00000000-0000-4000-8000-000000000000'), 404, 'itemNotFound');
    });

    test('auto placement: the hints echo what was asked (no host id), the ECS is on a DeH all the same', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const id = (await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated' }))).json().serverIds[0];
      const s = (await ecs(t, p, 'GET', `/cloudservers/${id}`)).json().server;
      assert.deepEqual(s['os:scheduler_hints'], { group: [], tenancy: ['dedicated'], dedicated_host_id: [] });
      assert.equal(s['OS-EXT-SRV-ATTR:host'], h);
      const shared = (await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'shared', group: 'g' }))).json().serverIds[0];
      const ss = (await ecs(t, p, 'GET', `/cloudservers/${shared}`)).json().server;
      assert.deepEqual(ss['os:scheduler_hints'], { group: ['g'], tenancy: ['shared'], dedicated_host_id: [] });
      assert.equal(ss['OS-EXT-SRV-ATTR:host'], null);
    });

    test('refusals are answered at once (no job, nothing created); malformed bodies are 400', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }, { flavorRef: 's3.large.2' })), 409, 'conflictingRequest', /does not accept/);
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }, { count: 40 })), 409, 'conflictingRequest', /free vCPUs/);
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'rented' })), 400, 'badRequest');
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers', ecsBody(undefined, { nics: [] })), 400, 'badRequest');
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers', { server: { ...ecsBody().server, bogus: 1 } }), 400, 'badRequest', /unknown field "bogus"/);
      assert.deepEqual((await nova(t, p, 'GET', '/servers')).json().servers, []);
      assert.equal((await hostAccounting(t, p, h)).instanceTotal, 0);
    });

    test('count creates several ECSs in one job', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const r = (await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }, { count: 3 }))).json();
      assert.equal(r.serverIds.length, 3);
      const j = await job(t, p, r.job_id);
      assert.deepEqual(j.entities.sub_jobs.map((s: { entities: { server_id: string } }) => s.entities.server_id), r.serverIds);
      assert.equal((await hostAccounting(t, p, h)).instanceTotal, 3);
    });

    test('delete through /cloudservers/delete: a job, the ECSs gone, the DeH freed', async () => {
      const p = await t.newProject();
      const [h] = await allocate(t, p);
      const { serverIds } = (await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: h }, { count: 2 }))).json();
      const d = await ecs(t, p, 'POST', '/cloudservers/delete', { servers: serverIds.map((id: string) => ({ id })), delete_volume: true });
      assert.equal(d.statusCode, 200, d.body);
      const j = await job(t, p, d.json().job_id);
      assert.deepEqual([j.status, j.job_type, j.entities.sub_jobs_total], ['SUCCESS', 'deleteServer', 2]);
      for (const id of serverIds) expectNovaError(await ecs(t, p, 'GET', `/cloudservers/${id}`), 404);
      const a = await hostAccounting(t, p, h);
      assert.deepEqual([a.availableVcpus, a.availableMemory, a.instanceTotal], [C4.vcpus, C4.mem, 0]);
      expectNovaError(await ecs(t, p, 'POST', '/cloudservers/delete', { servers: [{ id: serverIds[0] }] }), 404);
    });

    test('migrate through /cloudservers/{id}/migrate: stopped only, to a DeH or (null) out to the shared pool', async () => {
      const p = await t.newProject();
      const [a, b] = await allocate(t, p, { quantity: 2 });
      const id = (await ecs(t, p, 'POST', '/cloudservers', ecsBody({ tenancy: 'dedicated', dedicated_host_id: a }))).json().serverIds[0];
      expectNovaError(await ecs(t, p, 'POST', `/cloudservers/${id}/migrate`, { migrate: { dedicated_host_id: b } }), 409, 'conflictingRequest', /stopped/);
      await action(t, p, id, { 'os-stop': null });
      const m = await ecs(t, p, 'POST', `/cloudservers/${id}/migrate`, { migrate: { dedicated_host_id: b } });
      assert.equal(m.statusCode, 200, m.body);
      assert.equal((await job(t, p, m.json().job_id)).status, 'SUCCESS');
      let s = (await ecs(t, p, 'GET', `/cloudservers/${id}`)).json().server;
      assert.deepEqual([s.status, s['OS-EXT-SRV-ATTR:host'], s['os:scheduler_hints'].dedicated_host_id], ['SHUTOFF', b, [b]]);
      assert.equal((await ecs(t, p, 'POST', `/cloudservers/${id}/migrate`, { migrate: null })).statusCode, 200);
      s = (await ecs(t, p, 'GET', `/cloudservers/${id}`)).json().server;
      assert.deepEqual([s['OS-EXT-SRV-ATTR:host'], s['os:scheduler_hints'].tenancy], [null, ['shared']]);
      assert.deepEqual([(await hostAccounting(t, p, a)).instanceTotal, (await hostAccounting(t, p, b)).instanceTotal], [0, 0]);
      expectNovaError(await ecs(t, p, 'POST', `/cloudservers/${id}/migrate`, {}), 400);
    });

    test('tags: read, create (upsert), delete; at most ten', async () => {
      const p = await t.newProject();
      const id = (await ecs(t, p, 'POST', '/cloudservers', ecsBody())).json().serverIds[0];
      assert.deepEqual((await ecs(t, p, 'GET', `/cloudservers/${id}/tags`)).json(), { tags: [] });
      const create = await ecs(t, p, 'POST', `/cloudservers/${id}/tags/action`, { action: 'create', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
      assert.equal(create.statusCode, 204);
      await ecs(t, p, 'POST', `/cloudservers/${id}/tags/action`, { action: 'create', tags: [{ key: 'a', value: '3' }] });
      assert.deepEqual((await ecs(t, p, 'GET', `/cloudservers/${id}/tags`)).json().tags, [{ key: 'a', value: '3' }, { key: 'b', value: '2' }]);
      assert.equal((await ecs(t, p, 'POST', `/cloudservers/${id}/tags/action`, { action: 'delete', tags: [{ key: 'a', value: '3' }] })).statusCode, 204);
      assert.deepEqual((await ecs(t, p, 'GET', `/cloudservers/${id}/tags`)).json().tags, [{ key: 'b', value: '2' }]);
      const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      expectNovaError(await ecs(t, p, 'POST', `/cloudservers/${id}/tags/action`, { action: 'create', tags: eleven }), 400, 'badRequest', /at most 10 tags/);
      expectNovaError(await ecs(t, p, 'GET', '/cloudservers/00000000-0000-4000-8000-000000000000/tags'), 404);
    });

    test('auto recovery: read "false", set "true" (204), read back', async () => {
      const p = await t.newProject();
      const id = (await ecs(t, p, 'POST', '/cloudservers', ecsBody())).json().serverIds[0];
      assert.deepEqual((await ecs(t, p, 'GET', `/cloudservers/${id}/autorecovery`)).json(), { support_auto_recovery: 'false' });
      assert.equal((await ecs(t, p, 'PUT', `/cloudservers/${id}/autorecovery`, { support_auto_recovery: 'true' })).statusCode, 204);
      assert.deepEqual((await ecs(t, p, 'GET', `/cloudservers/${id}/autorecovery`)).json(), { support_auto_recovery: 'true' });
      expectNovaError(await ecs(t, p, 'PUT', `/cloudservers/${id}/autorecovery`, { support_auto_recovery: 'yes' }), 400);
    });

    test('jobs are per project; X-Client-Token makes create idempotent', async () => {
      const p = await t.newProject();
      const q = await t.newProject();
      const headers = { 'x-client-token': 'ecs-once' };
      const r1 = await t.call('POST', `/compute/v1/${p.projectId}/cloudservers`, { token: p.token, body: ecsBody(), headers });
      const r2 = await t.call('POST', `/compute/v1/${p.projectId}/cloudservers`, { token: p.token, body: ecsBody(), headers });
      assert.deepEqual(r2.json(), r1.json());
      assert.equal((await nova(t, p, 'GET', '/servers')).json().servers.length, 1);
      expectNovaError(await ecs(t, q, 'GET', `/jobs/${r1.json().job_id}`), 404);
      expectNovaError(await ecs(t, p, 'GET', '/jobs/ffffffffffffffffffffffffffffffff'), 404);
    });
  });
}
