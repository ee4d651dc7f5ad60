import type { Trace, TraceQuery, TraceRating } from '../domain/trace.js';
import type { Executor } from './store.js';
import type { TracesTable } from './tables.js';
import { SqliteAdapter, sql } from 'kysely';
import { statement } from './statement.js';

/** Every column of a trace row, in the order of insertOne's slots. */
const COLUMNS = [
  'trace_id', 'time', 'record_time', 'project_id', 'domain_id', 'trace_name', 'trace_rating', 'trace_type',
  'service_type', 'resource_type', 'resource_id', 'resource_name', 'source_ip', 'user_id', 'user_name',
  'user_domain_id', 'user_domain_name', 'request', 'response', 'code', 'api_version', 'message', 'request_id',
] as const satisfies readonly (keyof TracesTable)[];

// Every traced change inserts one of these: a fixed column list (not insertStatement's per-call
// look at the row's keys), compiled once.
const insertOne = statement<never>((db, $) => db.insertInto('traces').values(Object.fromEntries(COLUMNS.map((c, i) => [c, $(i)])) as never));

// Reading, best-effort writing and pruning of the traces table. Listing is a keyset walk of
// (time, trace_id) downwards on the (project_id, time, trace_id) index.

export const traceRepo = {
  async insert(ex: Executor, rows: readonly TracesTable[]): Promise<void> {
    // The usual one row (one resource) goes as a statement compiled once (statement.ts); a batch
    // of 100 DeHs leaves 100 rows, one statement per 50 keeps under SQLite's variable limit.
    if (rows.length === 1) {
      const row = rows[0];
      await insertOne.affected(ex, COLUMNS.map((c) => row[c]));
      return;
    }
    for (let i = 0; i < rows.length; i += 50) await ex.insertInto('traces').values(rows.slice(i, i + 50)).execute();
  },

  /** The (time, trace_id) of a trace of `projectId` (any project when null), for a `next` marker. */
  async position(ex: Executor, projectId: string | null, traceId: string): Promise<{ time: number; traceId: string } | undefined> {
    let q = ex.selectFrom('traces').select(['time', 'trace_id']).where('trace_id', '=', traceId);
    if (projectId !== null) q = q.where('project_id', '=', projectId);
    const r = await q.executeTakeFirst();
    return r && { time: Number(r.time), traceId: r.trace_id };
  },

  /** Up to `limit + 1` traces matching `f`, newest first (the extra one tells whether more follow). */
  async list(ex: Executor, f: TraceQuery): Promise<Trace[]> {
    let q = ex.selectFrom('traces').selectAll();
    if (f.projectId !== null) q = q.where('project_id', '=', f.projectId);
    if (f.traceId !== undefined) {
      // CTSDOC: trace_id overrides every other filter (the project still applies).
      q = q.where('trace_id', '=', f.traceId);
    } else {
      // BETWEEN, not >= and <=: the same rows, but SQLite's planner (3.5x) then costs the
      // window as it is and takes the resource or operation index when one applies; with two
      // comparisons it walked (project_id, time, trace_id) for its order and read the whole
      // window to find one host's traces (migration 0010; the store test checks the plans).
      // A `next` marker lowers the window's upper bound to the marker's time, so the index seek
      // starts there; as an OR beside the window it was a filter, and a page 3.5 days back in
      // 1,000,000 traces walked every newer one first (0.6–5 s; now the same as page one).
      const b = f.before;
      const upper = b === undefined ? f.to : Math.min(f.to, b.traceId === null ? b.time - 1 : b.time);
      q = q.where((eb) => eb.between('time', f.from, upper));
      // Same time as the marker: only the ids below it (times are whole ms).
      if (b && b.traceId !== null) q = q.where((eb) => eb.or([eb('time', '<', b.time), eb('trace_id', '<', b.traceId as string)]));
      if (f.serviceType !== undefined) q = q.where('service_type', '=', f.serviceType);
      if (f.resourceType !== undefined) q = q.where('resource_type', '=', f.resourceType);
      if (f.resourceId !== undefined) q = q.where('resource_id', '=', f.resourceId);
      if (f.resourceName !== undefined) q = q.where('resource_name', '=', f.resourceName);
      if (f.traceName !== undefined) q = q.where('trace_name', '=', f.traceName);
      if (f.traceRating !== undefined) q = q.where('trace_rating', '=', f.traceRating);
      // Spelled as the partial index's own condition (migration 0011), a literal, so that the
      // planner of either engine may take that index for warnings and incidents.
      if (f.traceRating !== undefined && f.traceRating !== 'normal') q = q.where(sql.ref('trace_rating'), '<>', sql.lit('normal'));
      if (f.user !== undefined) q = q.where('user_name', '=', f.user);
    }
    const page = q.orderBy('time', 'desc').orderBy('trace_id', 'desc').limit(f.limit + 1);
    // The page as ONE JSON value (an array of arrays, newest first) instead of 101 rows of 23
    // columns: both drivers build a JS object per row, field by field. On SQLite that and
    // reading the rows was ~1.7 ms of a 2.5 ms listing; the JSON text and its parse ~0.6 ms.
    const columns = sql.join(COLUMNS.map((c) => sql.ref(`t.${c}`)));
    const aggregate = ex.getExecutor().adapter instanceof SqliteAdapter
      ? sql<string | null>`json_group_array(json_array(${columns}) order by t.time desc, t.trace_id desc)`
      : sql<string | null>`json_agg(json_build_array(${columns}) order by t.time desc, t.trace_id desc)`;
    const { j } = await ex.selectFrom(page.as('t')).select(aggregate.as('j')).executeTakeFirstOrThrow();
    // SQLite answers text; pg parses json itself; PostgreSQL's json_agg of no rows is NULL.
    const rows = (j === null ? [] : typeof j === 'string' ? JSON.parse(j) : j) as unknown[][];
    return rows.map(arrayToTrace);
  },

  /** Deletes up to `batch` traces older than `cutoff` (ms), oldest first; returns how many. */
  async pruneBatch(ex: Executor, cutoff: number, batch: number): Promise<number> {
    const r = await ex.deleteFrom('traces')
      .where('trace_id', 'in', (eb) => eb.selectFrom('traces').select('trace_id').where('time', '<', cutoff).orderBy('time').limit(batch))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  async count(ex: Executor): Promise<number> {
    const r = await ex.selectFrom('traces').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },
};

/** A row as json_array() lists it, in COLUMNS order. */
function arrayToTrace(a: unknown[]): Trace {
  return {
    traceId: a[0] as string, projectId: a[3] as string | null, domainId: a[4] as string | null, traceName: a[5] as string,
    traceRating: a[6] as TraceRating, traceType: a[7] as string, serviceType: a[8] as string,
    resourceType: a[9] as string, resourceId: a[10] as string | null, resourceName: a[11] as string | null, sourceIp: a[12] as string,
    user: { id: a[13] as string | null, name: a[14] as string | null, domainId: a[15] as string | null, domainName: a[16] as string | null },
    request: a[17] as string, response: a[18] as string, code: a[19] as string, apiVersion: a[20] as string, message: a[21] as string,
    requestId: a[22] as string, time: Number(a[1]), recordTime: Number(a[2]),
  };
}
