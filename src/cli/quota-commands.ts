import type { Command } from 'commander';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import type { Io } from './io.js';
import { table } from './table.js';

// `opendeh quota show [tenant]` (through the API; `quota set` is offline, in admin-commands).

export function registerQuotaShow(quota: Command, io: Io): void {
  withConnection(quota.command('show').description('DeH quota of a tenant per host type (default: your project)').argument('[tenant]', 'project id'))
    .option('--type <host_type>', 'only this host type')
    .action(async (tenant: string | undefined, o: ConnectionFlags & { type?: string }) => {
      const c = await open(o, io);
      const q = await c.deh.quota(tenant ?? c.session.projectId, o.type);
      emit(io, o, { quota_set: q }, () => table(['HOST TYPE', 'USED', 'HARD LIMIT'],
        q.map((e) => [e.resource, e.used, e.hard_limit === -1 ? 'unlimited' : e.hard_limit])));
    });
}
