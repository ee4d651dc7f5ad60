import type { Command } from 'commander';
import type { PhysicalServerInput, PhysicalServerWire } from '../client/index.js';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import { UsageError, type Io } from './io.js';
import { table } from './table.js';

// `opendeh pool …`: the physical pool through the operator API (an admin token): declare
// servers, list them with the counts per AZ and type, retire one.

function serverTable(list: PhysicalServerWire[]): string {
  return table(['NAME', 'AZ', 'TYPE', 'STATE', 'DEH'], list.map((p) => [p.name, p.availability_zone, p.host_type, p.state, p.dedicated_host_id ?? '']));
}

export function registerPoolCommands(program: Command, io: Io): void {
  const pool = program.command('pool').description('the physical pool DeHs are allocated from (operator; needs a running server and an admin token)');

  withConnection(pool.command('add').description('add physical servers of one type in one AZ (serials or names); prints them')
    .argument('<name...>', 'serial numbers or names, unique in the pool'))
    .requiredOption('--az <az>', 'availability zone')
    .requiredOption('--type <host_type>', 'host type')
    .action(async (names: string[], o: ConnectionFlags & { az: string; type: string }) => {
      const input: PhysicalServerInput[] = names.map((name) => ({ name, availability_zone: o.az, host_type: o.type }));
      const added = await (await open(o, io)).operator.addPhysicalServers(input);
      emit(io, o, { physical_servers: added }, () => serverTable(added));
    });

  withConnection(pool.command('list').description('counts per AZ and host type; with a filter or --servers, the servers themselves'))
    .option('--az <az>', 'only this availability zone')
    .option('--type <host_type>', 'only this host type')
    .option('--state <state>', 'free, allocated, faulty or retired')
    .option('--servers', 'list the servers, not the counts')
    .action(async (o: ConnectionFlags & { az?: string; type?: string; state?: string; servers?: boolean }) => {
      const c = await open(o, io);
      if (o.servers || o.az || o.type || o.state) {
        const all: PhysicalServerWire[] = [];
        for (let marker: string | undefined; ;) {
          const page = await c.operator.physicalServers({ availability_zone: o.az, host_type: o.type, state: o.state, limit: 1000, marker });
          all.push(...page);
          if (page.length < 1000) break;
          marker = page[page.length - 1].name;
        }
        return emit(io, o, { physical_servers: all }, () => serverTable(all));
      }
      const s = await c.operator.pool();
      emit(io, o, s, () => (s.configured
        ? table(['AZ', 'TYPE', 'FREE', 'ALLOCATED', 'FAULTY', 'RETIRED'], s.pool.map((p) => [p.availability_zone, p.host_type, p.free, p.allocated, p.faulty, p.retired]))
        : 'no physical servers declared: DeH allocation is unlimited\n'));
    });

  withConnection(pool.command('retire').description('take physical servers out of service (free or faulty ones)').argument('<name...>', 'serials or names'))
    .action(async (names: string[], o: ConnectionFlags) => {
      if (names.length === 0) throw new UsageError('name at least one physical server');
      const c = await open(o, io);
      const out: PhysicalServerWire[] = [];
      for (const n of names) out.push(await c.operator.retirePhysicalServer(n));
      emit(io, o, { physical_servers: out }, () => serverTable(out));
    });

  withConnection(pool.command('recoveries').description('automatic recovery jobs of failed DeHs, newest first (docs/recovery.md)'))
    .option('--state <state>', 'pending, waiting, done or cancelled')
    .option('--host <id>', 'only the recovery of this failed DeH')
    .action(async (o: ConnectionFlags & { state?: string; host?: string }) => {
      const list = await (await open(o, io)).operator.recoveries({ state: o.state, dedicated_host_id: o.host });
      emit(io, o, { recoveries: list }, () => table(['FAILED DEH', 'STATE', 'NEW DEH', 'AZ', 'TYPE', 'ATTEMPTS', 'DETAIL'],
        list.map((r) => [r.dedicated_host_id, r.state, r.new_dedicated_host_id ?? '', r.availability_zone, r.host_type, r.attempts, r.detail])));
    });
}
