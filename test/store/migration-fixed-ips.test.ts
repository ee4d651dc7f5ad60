import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/dialects.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.js';
import { DIALECTS, freshTarget } from '../support/dialects.js';

// Migration 0003 moves fixed IPs of existing servers into their own table: taken addresses
// stay taken, gaps below the highest become free, and the cursor starts after it.

for (const dialect of DIALECTS) {
  describe(`migration 0003 fixed IPs [${dialect}]`, () => {
    test('backfills taken addresses, free gaps and cursors from existing servers', async () => {
      const target = await freshTarget(dialect);
      const { db } = openDb({ url: target.url, schema: target.schema, poolSize: 2 });
      try {
        await target.migrating(() => migrateTo(db, '0002-compute', target.schema));
        const base = {
          user_id: 'u', name: 'vm', flavor_id: 'c4.large.4', vcpus: 2, ram_mb: 8192, availability_zone: 'eu-de-01', status: 'ACTIVE',
          image_ref: '', metadata: '{}', addresses: '{}', security_groups: '[]', scheduler_hints: '{}',
          build_until: '2026-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
        };
        const nic = (label: string, addr: string) => ({ label, networkId: null, portId: 'p', addr, mac: 'm' });
        await db.insertInto('servers').values([
          { ...base, id: 's1', project_id: 'p1', networks: JSON.stringify([nic('default', '192.168.0.10')]) },
          { ...base, id: 's2', project_id: 'p1', networks: JSON.stringify([nic('default', '192.168.0.13'), nic('net-b', '10.1.1.1')]) },
          { ...base, id: 's3', project_id: 'p1', networks: JSON.stringify([nic('default', '192.168.0.11')]), deleted_at: '2026-01-02T00:00:00.000Z' },
        ] as never).execute();
        await target.migrating(() => migrateToLatest(db, target.schema));
        const rows = await db.selectFrom('fixed_ips').selectAll().where('project_id', '=', 'p1').orderBy('network').orderBy('ip').execute();
        assert.deepEqual(rows.map((r) => [r.network, r.ip, r.server_id]), [
          ['default', '192.168.0.10', 's1'], ['default', '192.168.0.11', null], ['default', '192.168.0.12', null],
          ['default', '192.168.0.13', 's2'], ['net-b', '10.1.1.1', 's2'],
        ]);
        const cursors = await db.selectFrom('fixed_ip_cursors').selectAll().orderBy('network').execute();
        assert.deepEqual(cursors.map((c) => [c.network, c.next_offset]), [['default', 14], ['net-b', 10]]);
      } finally {
        await db.destroy();
        await target.drop();
      }
    });
  });
}
