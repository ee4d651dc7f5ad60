import type { Command } from 'commander';
import { EndpointNotFound, type DehServerWire, type NovaServer } from '../client/index.js';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import type { Io } from './io.js';
import { table } from './table.js';

// `opendeh server …`: the servers on a DeH (DeH API), and creating/deleting servers through
// the compute API when the token's catalog offers one.

const addressText = (a: DehServerWire['addresses']) => Object.values(a ?? {}).flat().map((x) => x.addr).join(',');

export function registerServerCommands(program: Command, io: Io): void {
  const server = program.command('server').description('servers (ECSs); needs a running server');

  withConnection(server.command('list').description('servers placed on a DeH').argument('<host-id>', 'DeH id'))
    .action(async (hostId: string, o: ConnectionFlags) => {
      const servers = await (await open(o, io)).deh.servers(hostId);
      emit(io, o, { servers }, () => table(['ID', 'NAME', 'STATUS', 'FLAVOR', 'ADDRESSES', 'CREATED'],
        servers.map((s) => [s.id, s.name, s.status, s.flavor.id, addressText(s.addresses), s.created])));
    });

  const compute = async (o: ConnectionFlags) => {
    const c = await open(o, io);
    if (!c.compute) throw new EndpointNotFound('compute');
    return c.compute;
  };

  withConnection(server.command('create').description('create a server through the compute API; prints its id'))
    .requiredOption('--name <name>', 'server name')
    .requiredOption('--flavor <flavor>', 'flavor id (e.g. c4.large.4)')
    .option('--image <image>', 'image id')
    .option('--az <az>', 'availability zone')
    .option('--host <deh-id>', 'place it on this DeH (tenancy=dedicated)')
    .option('--dedicated', 'place it on any DeH with auto placement on')
    .action(async (o: ConnectionFlags & { name: string; flavor: string; image?: string; az?: string; host?: string; dedicated?: boolean }) => {
      const s = await (await compute(o)).create({
        name: o.name, flavorRef: o.flavor, imageRef: o.image, availability_zone: o.az, dedicatedHostId: o.host, dedicated: o.dedicated,
      });
      emit(io, o, { server: s }, () => `${s.id}\n`);
    });

  withConnection(server.command('delete').description('delete a server through the compute API').argument('<id>', 'server id'))
    .action(async (id: string, o: ConnectionFlags) => {
      await (await compute(o)).delete(id);
    });

  withConnection(server.command('all').description('every server of the project (compute API)'))
    .action(async (o: ConnectionFlags) => {
      const servers: NovaServer[] = await (await compute(o)).list();
      emit(io, o, { servers }, () => table(['ID', 'NAME', 'STATUS', 'FLAVOR', 'AZ'],
        servers.map((s) => [s.id, s.name, s.status, s.flavor?.original_name ?? s.flavor?.id, s['OS-EXT-AZ:availability_zone']])));
    });
}
