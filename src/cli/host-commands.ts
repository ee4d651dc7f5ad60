import { InvalidArgumentError, Option, type Command } from 'commander';
import type { HostWire, TagWire } from '../client/index.js';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import { UsageError, type Io } from './io.js';
import { fields, table } from './table.js';

// `opendeh host …`: the DeH operations, each one call (or two) through src/client. The
// service decides everything; these commands only turn flags into requests and answers into
// tables.

const collect = (v: string, prev: string[] = []) => [...prev, v];
const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
};
const onOff = (flag: string) => new Option(flag, 'on or off').choices(['on', 'off']);

/** `k=v` → {key, value}; a bare `k` has the empty value (the API's "no value"). */
export function parseTag(s: string): TagWire {
  const i = s.indexOf('=');
  return i < 0 ? { key: s, value: '' } : { key: s.slice(0, i), value: s.slice(i + 1) };
}

const tagText = (tags: TagWire[] | undefined) => (tags ?? []).map((t) => (t.value ? `${t.key}=${t.value}` : t.key)).join(',');
const ratio = (avail: number, total: number) => `${avail}/${total}`;

function hostTable(hosts: HostWire[], tags: Map<string, TagWire[]>): string {
  return table(
    ['ID', 'NAME', 'TYPE', 'AZ', 'STATE', 'VCPUS FREE', 'MEMORY FREE (MB)', 'INSTANCES', 'AUTO', 'TAGS'],
    hosts.map((h) => [
      h.dedicated_host_id, h.name, h.host_properties.host_type, h.availability_zone, h.state,
      ratio(h.available_vcpus, h.host_properties.vcpus), ratio(h.available_memory, h.host_properties.memory),
      h.instance_total, h.auto_placement, tagText(tags.get(h.dedicated_host_id)),
    ]),
  );
}

export function hostDetail(h: HostWire): string {
  const p = h.host_properties;
  return fields([
    ['id', h.dedicated_host_id], ['name', h.name], ['state', h.state], ['availability_zone', h.availability_zone],
    ['host_type', `${p.host_type} (${p.host_type_name})`], ['vcpus free/total', ratio(h.available_vcpus, p.vcpus)],
    ['memory free/total (MB)', ratio(h.available_memory, p.memory)], ['cores x sockets', `${p.cores} x ${p.sockets}`],
    ['instance_total', h.instance_total], ['instance_uuids', (h.instance_uuids ?? []).join(',')],
    ['auto_placement', h.auto_placement], ['tags', tagText(h.tags)],
    ['flavors', p.available_instance_capacities.map((c) => c.flavor).join(',')],
    // How many more of each fit now; absent from servers that predate the field.
    ['fits now', (h.available_instance_counts ?? []).map((c) => `${c.flavor}=${c.count}`).join(',')],
    ['project_id', h.project_id], ['allocated_at', h.allocated_at], ['released_at', h.released_at],
  ]);
}

export function registerHostCommands(program: Command, io: Io): void {
  const host = program.command('host').description('dedicated hosts (needs a running server)');

  withConnection(host.command('list').description('list DeHs'))
    .option('--state <state>', 'available, fault or released')
    .option('--host-type <type>', 'only this host type')
    .option('--az <az>', 'only this availability zone')
    .option('--name <name>', 'only this exact name')
    .option('--tags <k=v>', 'only hosts with this tag (repeatable; a bare key matches any value)', collect)
    .option('--limit <n>', 'at most n hosts', positiveInt)
    .option('--marker <id>', 'start after this host id')
    .action(async (o: ConnectionFlags & { state?: string; hostType?: string; az?: string; name?: string; tags?: string[]; limit?: number; marker?: string }) => {
      const c = await open(o, io);
      const { hosts, total } = await c.deh.list({
        state: o.state, host_type: o.hostType, availability_zone: o.az, name: o.name, tags: o.tags?.join(','), limit: o.limit, marker: o.marker,
      });
      if (o.json) return emit(io, o, { dedicated_hosts: hosts, total }, () => '');
      // The list call carries no tags; one tag query fetches them for every host at once.
      const tags = hosts.length ? await c.deh.tagsOfAll() : new Map<string, TagWire[]>();
      io.out(hostTable(hosts, tags));
    });

  withConnection(host.command('show').description('show one DeH').argument('<id>', 'host id'))
    .action(async (id: string, o: ConnectionFlags) => {
      const h = await (await open(o, io)).deh.show(id);
      emit(io, o, { dedicated_host: h }, () => hostDetail(h));
    });

  withConnection(host.command('allocate').description('allocate DeHs; prints the new ids, one a line'))
    .requiredOption('--name <name>', 'name of the new hosts')
    .requiredOption('--az <az>', 'availability zone')
    .requiredOption('--type <host_type>', 'host type (see `opendeh host types <az>`)')
    .option('--quantity <n>', 'how many hosts', positiveInt, 1)
    .addOption(onOff('--auto-placement <on|off>'))
    .option('--tag <k=v>', 'tag to set (repeatable)', collect)
    .action(async (o: ConnectionFlags & { name: string; az: string; type: string; quantity: number; autoPlacement?: 'on' | 'off'; tag?: string[] }) => {
      const ids = await (await open(o, io)).deh.allocate({
        name: o.name, availability_zone: o.az, host_type: o.type, quantity: o.quantity,
        ...(o.autoPlacement && { auto_placement: o.autoPlacement }),
        ...(o.tag && { tags: o.tag.map(parseTag) }),
      });
      emit(io, o, { dedicated_host_ids: ids }, () => ids.map((i) => `${i}\n`).join(''));
    });

  withConnection(host.command('set').description('rename a DeH or switch its auto placement; prints the host').argument('<id>', 'host id'))
    .option('--name <name>', 'new name')
    .addOption(onOff('--auto-placement <on|off>'))
    .action(async (id: string, o: ConnectionFlags & { name?: string; autoPlacement?: 'on' | 'off' }) => {
      if (o.name === undefined && o.autoPlacement === undefined) throw new UsageError('nothing to change: give --name and/or --auto-placement');
      const c = await open(o, io);
      await c.deh.update(id, { ...(o.name !== undefined && { name: o.name }), ...(o.autoPlacement && { auto_placement: o.autoPlacement }) });
      const h = await c.deh.show(id);
      emit(io, o, { dedicated_host: h }, () => hostDetail(h));
    });

  withConnection(host.command('release').description('release a DeH (it must have no servers)').argument('<id>', 'host id'))
    .action(async (id: string, o: ConnectionFlags) => {
      await (await open(o, io)).deh.release(id);
    });

  const tag = host.command('tag').description('tags of a DeH');
  const tagsOut = (o: ConnectionFlags, tags: TagWire[]) => emit(io, o, { tags }, () => table(['KEY', 'VALUE'], tags.map((t) => [t.key, t.value])));
  withConnection(tag.command('list').description('list the tags of a DeH').argument('<id>', 'host id'))
    .action(async (id: string, o: ConnectionFlags) => tagsOut(o, await (await open(o, io)).deh.tags(id)));
  withConnection(tag.command('add').description('add or overwrite tags; prints the tags').argument('<id>', 'host id').argument('<k=v...>', 'tags'))
    .action(async (id: string, kvs: string[], o: ConnectionFlags) => {
      const c = await open(o, io);
      await c.deh.addTags(id, kvs.map(parseTag));
      tagsOut(o, await c.deh.tags(id));
    });
  withConnection(tag.command('rm').alias('remove').description('remove tags by key; prints the tags').argument('<id>', 'host id').argument('<key...>', 'tag keys'))
    .action(async (id: string, keys: string[], o: ConnectionFlags) => {
      const c = await open(o, io);
      await c.deh.removeTags(id, keys.map((k) => parseTag(k).key));
      tagsOut(o, await c.deh.tags(id));
    });

  withConnection(host.command('types').description('host types offered in an availability zone').argument('<az>', 'availability zone'))
    .action(async (az: string, o: ConnectionFlags) => {
      const types = await (await open(o, io)).deh.hostTypes(az);
      emit(io, o, { dedicated_host_types: types }, () => table(['HOST TYPE', 'NAME'], types.map((t) => [t.host_type, t.host_type_name])));
    });
}
