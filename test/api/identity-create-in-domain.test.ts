import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';
import { expectKeystoneError, json } from '../support/deh.js';

// Creating a project, a user or a group of a domain (one code path, IdentityService and
// IamAdmin alike): Keystone's 404 naming the missing domain and 409 naming the duplicate
// and its domain, nothing stored on a refusal, and the create's trace naming the new record.

const KINDS = [
  { kind: 'project', path: '/v3/projects', body: (name: string, domainId: string) => ({ project: { name, domain_id: domainId } }) },
  { kind: 'user', path: '/v3/users', body: (name: string, domainId: string) => ({ user: { name, domain_id: domainId, password: 'pw-dom' } }) },
  { kind: 'group', path: '/v3/groups', body: (name: string, domainId: string) => ({ group: { name, domain_id: domainId } }) },
] as const;

for (const dialect of DIALECTS) {
  describe(`identity records created in a domain [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const admin = (method: string, url: string, body?: unknown) => t.call(method, url, { token: t.admin.token, body });

    for (const { kind, path, body } of KINDS) {
      test(`${kind}: 404 without the domain, 409 on a duplicate name, the trace names it`, async () => {
        const name = `${kind}-in-domain`;
        const missing = expectKeystoneError(await admin('POST', path, body(name, 'no-such-domain')), 404);
        assert.equal(missing.message, 'Could not find domain: no-such-domain.');
        const listed = () => admin('GET', `${path}?name=${name}`).then((r) => json(r)[`${kind}s`] as { id: string; name: string }[]);
        assert.deepEqual(await listed(), [], 'nothing stored without the domain');

        const created = await admin('POST', path, body(name, 'default'));
        assert.equal(created.statusCode, 201, created.body);
        const id = json(created)[kind].id as string;
        const dup = expectKeystoneError(await admin('POST', path, body(name, 'default')), 409);
        assert.equal(dup.message, `Conflict occurred attempting to store ${kind} - Duplicate entry ${name} in domain default.`);
        assert.deepEqual((await listed()).map((x) => x.id), [id], 'the duplicate stored nothing');

        const traces = await t.call('GET', `/cts/v1.0/${t.admin.projectId}/system/trace?service_type=IAM&resource_id=${id}`, { token: t.admin.token });
        assert.equal(traces.statusCode, 200, traces.body);
        assert.deepEqual(json(traces).traces.map((x: { resource_id: string; resource_name: string; trace_rating: string }) => [x.resource_id, x.resource_name, x.trace_rating]),
          [[id, name, 'normal']]);
      });
    }
  });
}
