import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { REDACTED, scrubSecrets } from '../../src/domain/trace.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../support/app.js';
import { nova, serverBody } from '../support/compute.js';
import { storedTraces } from '../support/traces.js';

// No secret in any trace: after token issue (password and token methods, failed logins), user
// create, password change, and a server created with an admin password and user data, every
// stored trace — every column of every row — is searched for every secret used.

for (const dialect of DIALECTS) {
  describe(`no secret in any trace [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    test('passwords, tokens, admin passwords and user data never reach the traces table', async () => {
      const secrets: string[] = [ADMIN_PASSWORD, t.admin.token];
      const p = await t.newProject();
      secrets.push(p.token, 'pw-secret');
      const A = (method: string, url: string, body?: unknown, token = t.admin.token, headers?: Record<string, string>) =>
        t.call(method, `/identity${url}`, { token, body, headers });

      // user create with a password, then a password change, then logins with both
      const u = await A('POST', '/v3/users', { user: { name: `sec-${dialect}`, domain_id: 'default', password: 'Initial-Pw-4711', default_project_id: p.projectId } });
      assert.equal(u.statusCode, 201);
      secrets.push('Initial-Pw-4711');
      const uid = u.json().user.id;
      const member = (await A('GET', '/v3/roles?name=member')).json().roles[0].id;
      assert.equal((await A('PUT', `/v3/projects/${p.projectId}/users/${uid}/roles/${member}`)).statusCode, 204);
      assert.equal((await A('PATCH', `/v3/users/${uid}`, { user: { password: 'Changed-Pw-0815' } })).statusCode, 200);
      secrets.push('Changed-Pw-0815');
      const tok = await t.login(`sec-${dialect}`, 'Changed-Pw-0815', p.projectId);
      secrets.push(tok);
      // a failed login (warning trace) with a password that is wrong but still secret
      const bad = await A('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: `sec-${dialect}`, domain: { name: 'Default' }, password: 'Wrong-Pw-1234' } } } } }, '');
      assert.equal(bad.statusCode, 401);
      secrets.push('Wrong-Pw-1234');
      // token method: the token id is in the body
      const rescope = await A('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: tok } }, scope: { project: { id: p.projectId } } } }, '');
      assert.equal(rescope.statusCode, 201);
      secrets.push(rescope.headers['x-subject-token'] as string);
      // a refused token-method login with a forged token
      const forged = 'forged-token-value-98765';
      assert.equal((await A('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: forged } } } }, '')).statusCode, 401);
      secrets.push(forged);
      // revoke: the subject token travels in a header
      assert.equal((await A('DELETE', '/v3/auth/tokens', undefined, p.token, { 'x-subject-token': tok })).statusCode, 204);
      // a server with an admin password and user data, and one whose generated password Nova returns
      const s = await nova(t, p, 'POST', '/servers', serverBody({ extra: { adminPass: 'Vm-Admin-Pw-55', user_data: Buffer.from('#!/bin/sh\necho root:Cloud-Init-Pw-66 | chpasswd').toString('base64') } }));
      assert.equal(s.statusCode, 202, s.body);
      secrets.push('Vm-Admin-Pw-55', 'Cloud-Init-Pw-66', Buffer.from('#!/bin/sh\necho root:Cloud-Init-Pw-66 | chpasswd').toString('base64'));
      const s2 = await nova(t, p, 'POST', '/servers', serverBody({ name: 'vm2' }));
      assert.equal(s2.statusCode, 202);
      if (s2.json().server.adminPass) secrets.push(s2.json().server.adminPass);

      await t.services.traces.flush();
      const rows = await storedTraces(t.services.store.db).selectAll().execute() as Record<string, unknown>[];
      assert.ok(rows.length >= 10, `${rows.length} traces`);
      const text = rows.map((r) => JSON.stringify(r)).join('\n');
      assert.deepEqual(secrets.filter((x) => x && text.includes(x)), []);
      // the traces are there and say who did it
      const names = rows.map((r) => r.trace_name);
      for (const n of ['createUser', 'updateUser', 'login', 'logout', 'createServer']) assert.ok(names.includes(n), n);
      const login = rows.find((r) => r.trace_name === 'login' && r.trace_rating === 'warning')!;
      assert.match(String(login.request), /sec-/, 'the claimed user name stays');
      assert.match(String(login.request), /\*{6}/);
    });

    test('scrubbing is by key, recursive, case-insensitive, and keeps the shape', () => {
      assert.deepEqual(scrubSecrets({
        auth: { identity: { methods: ['password', 'token'], password: { user: { name: 'u', password: 'p' } }, token: { id: 't' } } },
        server: { adminPass: 'a', user_data: 'u', name: 'n', metadata: { Secret_Key: 's', owner: 'o' } },
        list: [{ client_secret: 'c', key: 'k', value: 'v' }], Authorization: 'Bearer x', x_auth_token: 'y', passcode: '123',
        application_credential: { id: 'i', secret: 's' }, private_key: 'pk',
      }), {
        auth: { identity: { methods: ['password', 'token'], password: { user: { name: 'u', password: REDACTED } }, token: REDACTED } },
        server: { adminPass: REDACTED, user_data: REDACTED, name: 'n', metadata: { Secret_Key: REDACTED, owner: 'o' } },
        list: [{ client_secret: REDACTED, key: 'k', value: 'v' }], Authorization: REDACTED, x_auth_token: REDACTED, passcode: REDACTED,
        application_credential: REDACTED, private_key: REDACTED,
      });
    });
  });
}
