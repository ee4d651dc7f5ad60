import { InvalidArgumentError, Option, type Command } from 'commander';
import type { TraceQuery, TraceWire } from '../client/index.js';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import { Failure, type Io } from './io.js';
import { fields, table } from './table.js';

// `opendeh trace list|show`: the CTS trail of a project (docs/traces.md), through the CTS API
// of the token's catalog. Filters map one to one onto the API's query parameters.

const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return Number(v);
};

/** `2026-12-07T10:00:00Z`, a ms number, or `30m`/`2h`/`7d` ago → ms since the epoch. */
export function parseWhen(v: string, now = Date.now()): number {
  if (/^\d{10,}$/.test(v)) return Number(v);
  const ago = /^(\d+)([smhd])$/.exec(v);
  if (ago) return now - Number(ago[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[ago[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected an ISO time (2026-12-07T10:00:00Z), ms since the epoch, or an age such as 30m, 2h, 7d');
  return t;
}

const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function traceTable(traces: TraceWire[]): string {
  return table(['TIME', 'TRACE NAME', 'RATING', 'CODE', 'SERVICE', 'RESOURCE TYPE', 'RESOURCE ID', 'RESOURCE NAME', 'USER', 'SOURCE IP'],
    traces.map((t) => [when(t.time), t.trace_name, t.trace_rating, t.code, t.service_type, t.resource_type, t.resource_id, t.resource_name, t.user.name, t.source_ip]));
}

function traceDetail(t: TraceWire): string {
  return fields([
    ['trace_id', t.trace_id], ['trace_name', t.trace_name], ['trace_rating', t.trace_rating], ['trace_type', t.trace_type],
    ['service_type', t.service_type], ['resource_type', t.resource_type], ['resource_id', t.resource_id], ['resource_name', t.resource_name],
    ['user', `${t.user.name} (${t.user.id}, domain ${t.user.domain.name})`], ['source_ip', t.source_ip], ['code', t.code],
    ['time', `${when(t.time)} (${t.time})`], ['record_time', `${when(t.record_time)} (${t.record_time})`], ['api_version', t.api_version],
    ['request_id', t.request_id], ['request', t.request], ['response', t.response], ['message', t.message],
  ]);
}

interface ListFlags extends ConnectionFlags {
  service?: string; resourceType?: string; resourceId?: string; resourceName?: string; name?: string;
  by?: string; rating?: string; since?: number; until?: number; limit?: number; next?: string; all?: boolean; of?: string;
}

export function registerTraceCommands(program: Command, io: Io): void {
  const trace = program.command('trace').description('CTS traces: who changed what (needs a running server)');

  withConnection(trace.command('list').description('list traces, newest first (default: the last hour, 10 traces)'))
    .option('--service <type>', 'DEH, ECS or IAM')
    .option('--resource-type <type>', 'e.g. dedicatedHosts, servers, users')
    .option('--resource-id <id>', 'only traces of this resource (a host id, a server id, …)')
    .option('--resource-name <name>', 'only traces of resources with this name')
    .option('--name <trace_name>', 'e.g. createDedicatedHosts, releaseDedicatedHosts')
    .option('--by <user>', 'only calls made by this user name')
    .addOption(new Option('--rating <rating>', 'normal, warning or incident').choices(['normal', 'warning', 'incident']))
    .option('--since <when>', 'from this time: ISO time, ms, or an age (30m, 2h, 7d); default 1h', (v) => parseWhen(v))
    .option('--until <when>', 'up to this time (default now)', (v) => parseWhen(v))
    .option('--limit <n>', 'traces per page, 1..200 (default 10)', positiveInt)
    .option('--next <marker>', 'the marker a previous page printed: older traces')
    .option('--all', 'follow the markers to the end (pages of --limit, default 200)')
    .option('--of <project_id>', 'another project\'s trail (admins)')
    .action(async (o: ListFlags) => {
      const c = await open(o, io);
      const q: TraceQuery = {
        service_type: o.service, resource_type: o.resourceType, resource_id: o.resourceId, resource_name: o.resourceName,
        trace_name: o.name, user: o.by, trace_rating: o.rating, from: o.since, to: o.until, limit: o.limit, next: o.next,
      };
      if (o.all) {
        const traces = await c.cts.allTraces(q, o.of);
        return emit(io, o, { traces, meta_data: { count: traces.length, marker: null } }, () => traceTable(traces));
      }
      const page = await c.cts.traces(q, o.of);
      emit(io, o, { traces: page.traces, meta_data: { count: page.traces.length, marker: page.marker } },
        () => traceTable(page.traces) + (page.marker ? `more: --next ${page.marker}\n` : ''));
    });

  withConnection(trace.command('show').description('one trace with its request and response').argument('<trace_id>', 'trace id'))
    .option('--of <project_id>', 'another project\'s trail (admins)')
    .action(async (id: string, o: ConnectionFlags & { of?: string }) => {
      const c = await open(o, io);
      const [t] = (await c.cts.traces({ trace_id: id }, o.of)).traces;
      if (!t) throw new Failure(`trace ${id} is not in this project's trail (or older than the retention)`);
      emit(io, o, { trace: t }, () => traceDetail(t));
    });
}
