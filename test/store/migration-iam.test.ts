import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/dialects.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { seedSystemRoles } from '../../src/store/migrations/0006-iam.js';
import { SYSTEM_ROLES, systemRoleId } from '../../src/domain/system-policies.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';

// Migration 0006 on a database made before it: the system policies appear with their fixed
// ids, existing roles and grants survive, the bootstrap admin becomes the owner, and seeding
// again changes nothing.

for (const dialect of DIALECTS) {
  describe(`migration 0006 IAM [${dialect}]`, () => {
    test('seeds system policies on an existing database, keeps its data, marks the owner; re-seeding is a no-op', async () => {
      const target = await freshTarget(dialect);
      const { db } = openDb({ url: target.url, schema: target.schema, poolSize: 2 });
      try {
        await target.migrating(() => migrateTo(db, '0005-host-type-index', target.schema));
        const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
        await db.insertInto('domains').values({ id: 'default', name: 'Default', enabled: 1, description: '', created_at: at(0) }).execute();
        await db.insertInto('projects').values({ id: 'p1', name: 'eu-de', domain_id: 'default', description: '', enabled: 1, created_at: at(0) }).execute();
        for (const [id, s] of [['boot', 1], ['later', 2]] as const) {
          await db.insertInto('users').values({ id, name: id, domain_id: 'default', password_hash: '!', enabled: 1, default_project_id: 'p1', created_at: at(s) } as never).execute();
        }
        // A role named like a system role made by hand before the upgrade keeps its id.
        await db.insertInto('roles').values([{ id: 'r-admin', name: 'admin' }, { id: 'r-member', name: 'member' }, { id: 'r-ro', name: 'readonly' }] as never).execute();
        await db.insertInto('role_assignments').values([
          { role_id: 'r-admin', user_id: 'boot', scope_type: 'domain', scope_id: 'default' },
          { role_id: 'r-admin', user_id: 'later', scope_type: 'domain', scope_id: 'default' },
          { role_id: 'r-member', user_id: 'later', scope_type: 'project', scope_id: 'p1' },
        ]).execute();

        await target.migrating(() => migrateToLatest(db, target.schema));
        const roles = await db.selectFrom('roles').selectAll().orderBy('name').execute();
        for (const s of SYSTEM_ROLES) {
          const r = roles.find((x) => x.name === s.name);
          assert.ok(r, `${s.name} seeded`);
          assert.equal(r.id, s.name === 'readonly' ? 'r-ro' : systemRoleId(s.name));
          assert.equal(r.display_name, s.displayName);
          assert.equal(r.kind, s.kind);
          assert.deepEqual(JSON.parse(r.policy!), s.policy);
        }
        const dehFull = roles.find((x) => x.name === 'system_all_57')!;
        assert.deepEqual(JSON.parse(dehFull.policy!), { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['deh:*:*'] }] });
        assert.equal(dehFull.display_name, 'DeH FullAccess');
        const member = roles.find((x) => x.name === 'member')!;
        assert.equal(member.kind, 'keystone');
        assert.equal(member.display_name, 'member');
        assert.equal(member.policy, null);
        assert.equal((await db.selectFrom('role_assignments').selectAll().execute()).length, 3);
        const owners = await db.selectFrom('users').select(['id', 'is_owner']).orderBy('id').execute();
        assert.deepEqual(owners.map((u) => [u.id, Number(u.is_owner)]), [['boot', 1], ['later', 0]]);

        const before = JSON.stringify(await db.selectFrom('roles').selectAll().orderBy('id').execute());
        await seedSystemRoles(db);
        assert.equal(JSON.stringify(await db.selectFrom('roles').selectAll().orderBy('id').execute()), before);

        await target.migrating(() => migrateTo(db, '0005-host-type-index', target.schema));
        assert.deepEqual((await db.selectFrom('roles').select('name').orderBy('name').execute()).map((r) => r.name), ['admin', 'member', 'readonly']);
        await target.migrating(() => migrateToLatest(db, target.schema));
        assert.equal((await db.selectFrom('roles').select('id').execute()).length, roles.length);
      } finally {
        await db.destroy();
        await target.drop();
      }
    });
  });
}
