import type { Trace, TraceQuery, TraceRating } from '../domain/trace.js';
import type { Executor } from './store.js';
import type { TracesTable } from './tables.js';
import { CompiledQuery, sql } from 'kysely';
import { jsonArrayAgg, jsonArrayOf, onSqlite, parsedJson } from './sql-json.js';
import { statement } from './statement.js';
import { INBOX_MOVE, TRACE_COLUMNS } from './trace-sql.js';

export { TRACE_COLUMNS };

/** Where a trace is written: SQLite's inbox (migration 0012), PostgreSQL's traces. */
type TraceTable = 'traces' | 'trace_inbox';

const writtenTo = (ex: Executor): TraceTable => (onSqlite(ex) ? 'trace_inbox' : 'traces');

// Every traced change inserts one of these: a fixed column list (not insertStatement's per-call
// look at the row's keys), compiled once per engine — and so per table.
const insertOne = statement<never, TraceTable>((db, $, table) => db.insertInto(table).values(Object.fromEntries(TRACE_COLUMNS.map((c, i) => [c, $(i)])) as never), (t) => t);

// A listing, compiled once per shape (statement.ts): which filters it has, and whether the
// SQLite inbox is read beside the table. Kysely built and compiled it on every request, 13 %
// of a listing's CPU. Each shape binds its values in the order listPlan gives them.

/** The equality filters of a listing (TraceQuery key → column), in binding order. */
const EQUALS = [['serviceType', 'service_type'], ['resourceType', 'resource_type'], ['resourceId', 'resource_id'],
  ['resourceName', 'resource_name'], ['traceName', 'trace_name'], ['traceRating', 'trace_rating'], ['user', 'user_name']] as const;

interface ListShape {
  readonly project: boolean;
  readonly traceId: boolean;
  /** A `next` marker that is a trace (a time and an id), not only a time. */
  readonly beforeId: boolean;
  readonly equals: readonly (typeof EQUALS)[number][1][];
  /** A rating other than normal: also the partial index's own condition (migration 0011). */
  readonly notNormal: boolean;
  readonly inbox: boolean;
}

/** The values of one filtered read of a table, in the order `filtered` takes its slots. */
function filterArgs(f: TraceQuery): unknown[] {
  const args: unknown[] = [];
  if (f.projectId !== null) args.push(f.projectId);
  if (f.traceId !== undefined) return [...args, f.traceId];
  const b = f.before;
  args.push(f.from, b === undefined ? f.to : Math.min(f.to, b.traceId === null ? b.time - 1 : b.time));
  if (b && b.traceId !== null) args.push(b.time, b.traceId);
  for (const [k] of EQUALS) if (f[k] !== undefined) args.push(f[k]);
  return args;
}

function listPlan(f: TraceQuery, inbox: boolean): { shape: ListShape; args: unknown[] } {
  const shape: ListShape = {
    project: f.projectId !== null, traceId: f.traceId !== undefined, beforeId: !!f.before && f.before.traceId !== null,
    equals: EQUALS.filter(([k]) => f[k] !== undefined).map(([, c]) => c),
    notNormal: f.traceRating !== undefined && f.traceRating !== 'normal', inbox,
  };
  const one = filterArgs(f);
  // The table's page (its values, its limit), then on SQLite the inbox's values and the outer limit.
  return { shape, args: inbox ? [...one, f.limit + 1, ...one, f.limit + 1] : [...one, f.limit + 1] };
}

const listPage = statement<{ j: unknown }, ListShape>((db, $, shape) => {
  let next = 0;
  const slot = () => $(next++);
  const filtered = (table: TraceTable) => {
    let q = db.selectFrom(table as 'traces').select([...TRACE_COLUMNS]);
    if (shape.project) q = q.where('project_id', '=', slot());
    if (shape.traceId) return q.where('trace_id', '=', slot()); // CTSDOC: trace_id overrides every other filter (the project still applies).
    // BETWEEN, not >= and <=: the same rows, but SQLite's planner (3.5x) then costs the
    // window as it is and takes the resource or operation index when one applies; with two
    // comparisons it walked (project_id, time, trace_id) for its order and read the whole
    // window to find one host's traces (migration 0010; the store test checks the plans).
    // A `next` marker lowers the window's upper bound to the marker's time (filterArgs), so
    // the index seek starts there; as an OR beside the window it was a filter, and a page 3.5
    // days back in 1,000,000 traces walked every newer one first (0.6–5 s; now as page one).
    const from = slot();
    const upper = slot();
    q = q.where((eb) => eb.between('time', from, upper));
    // Same time as the marker: only the ids below it (times are whole ms).
    if (shape.beforeId) {
      const time = slot();
      const id = slot();
      q = q.where((eb) => eb.or([eb('time', '<', time), eb('trace_id', '<', id)]));
    }
    for (const column of shape.equals) q = q.where(column, '=', slot());
    // Spelled as the partial index's own condition (migration 0011), a literal, so that the
    // planner of either engine may take that index for warnings and incidents.
    if (shape.notNormal) q = q.where(sql.ref('trace_rating'), '<>', sql.lit('normal'));
    return q;
  };
  const newestFirst = <Q extends { orderBy: (c: 'time' | 'trace_id', d: 'desc') => Q }>(q: Q) => q.orderBy('time', 'desc').orderBy('trace_id', 'desc');
  const indexed = newestFirst(filtered('traces')).limit(slot());
  // SQLite: the indexed page (its own ORDER BY … LIMIT, walking the index) and whatever of the
  // inbox matches, ordered together. The inbox holds the last moments' traces, a few
  // hundred: read whole.
  const page = shape.inbox
    ? newestFirst(db.selectFrom(indexed.as('i')).select([...TRACE_COLUMNS]).unionAll(filtered('trace_inbox'))).limit(slot())
    : indexed;
  // The page as ONE JSON value (an array of arrays, newest first) instead of 101 rows of 23
  // columns (sql-json.ts).
  const row = jsonArrayOf(db, TRACE_COLUMNS.map((c) => sql.ref(`t.${c}`)));
  return db.selectFrom(page.as('t')).select(jsonArrayAgg(db, row, sql`t.time desc, t.trace_id desc`).as('j'));
}, (s) => `${+s.project}${+s.traceId}${+s.beforeId}${+s.notNormal}${+s.inbox}:${s.equals.join(',')}`);

// Reading, best-effort writing and pruning of the traces. Listing is a keyset walk of
// (time, trace_id) downwards on the (project_id, time, trace_id) index; on SQLite, the few
// traces still in the inbox are read beside it in the same statement.

export const traceRepo = {
  /** Whether traces are written to an inbox first (SQLite) and need moveInbox. */
  hasInbox(ex: Executor): boolean {
    return onSqlite(ex);
  },

  async insert(ex: Executor, rows: readonly TracesTable[]): Promise<void> {
    // The usual one row (one resource) goes as a statement compiled once (statement.ts); a batch
    // of 100 DeHs leaves 100 rows, one statement per 50 keeps under SQLite's variable limit.
    const table = writtenTo(ex);
    if (rows.length === 1) {
      await insertOne.affected(ex, valuesOf(rows[0]), table);
      return;
    }
    for (let i = 0; i < rows.length; i += 50) await ex.insertInto(table).values(rows.slice(i, i + 50)).execute();
  },

  /**
   * SQLite: moves the inbox's oldest `max` traces into the traces table (one transaction: the
   * caller's). Returns how many moved; fewer than `max` means the inbox is now empty (as far as
   * this transaction sees). PostgreSQL has no inbox: 0.
   */
  async moveInbox(ex: Executor, max: number): Promise<number> {
    if (!onSqlite(ex)) return 0;
    const [end] = (await ex.executeQuery<{ last: number | null; n: number }>(CompiledQuery.raw(INBOX_MOVE.chunkEnd, [max]))).rows;
    if (!end || end.last === null) return 0;
    await ex.executeQuery(CompiledQuery.raw(INBOX_MOVE.copy, [end.last]));
    await ex.executeQuery(CompiledQuery.raw(INBOX_MOVE.drop, [end.last]));
    return Number(end.n);
  },

  /** The (time, trace_id) of a trace of `projectId` (any project when null), for a `next` marker. */
  async position(ex: Executor, projectId: string | null, traceId: string): Promise<{ time: number; traceId: string } | undefined> {
    const find = (table: TraceTable) => {
      let q = ex.selectFrom(table as 'traces').select(['time', 'trace_id']).where('trace_id', '=', traceId);
      if (projectId !== null) q = q.where('project_id', '=', projectId);
      return q;
    };
    const r = await (onSqlite(ex) ? find('traces').unionAll(find('trace_inbox')) : find('traces')).executeTakeFirst();
    return r && { time: Number(r.time), traceId: r.trace_id };
  },

  /** Up to `limit + 1` traces matching `f`, newest first (the extra one tells whether more follow). */
  async list(ex: Executor, f: TraceQuery): Promise<Trace[]> {
    const { shape, args } = listPlan(f, onSqlite(ex));
    const [r] = await listPage.rows(ex, args, shape);
    return parsedJson<unknown[][]>(r!.j).map(arrayToTrace);
  },
  /** The statement `list` runs for `f` (for EXPLAIN in tests). */
  listQuery(ex: Executor, f: TraceQuery): CompiledQuery {
    const { shape, args } = listPlan(f, onSqlite(ex));
    return listPage.compiled(ex, args, shape);
  },

  /** Deletes up to `batch` traces older than `cutoff` (ms), oldest first; returns how many. */
  async pruneBatch(ex: Executor, cutoff: number, batch: number): Promise<number> {
    const r = await ex.deleteFrom('traces')
      .where('trace_id', 'in', (eb) => eb.selectFrom('traces').select('trace_id').where('time', '<', cutoff).orderBy('time').limit(batch))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  /** Every stored trace, the inbox's included. */
  async count(ex: Executor): Promise<number> {
    // One statement, one snapshot: a move committed between two counts would be counted twice or not at all.
    const inTable = ex.selectFrom('traces').select((eb) => eb.fn.countAll<number | string>().as('n'));
    const r = await (onSqlite(ex) ? inTable.unionAll(ex.selectFrom('trace_inbox').select((eb) => eb.fn.countAll<number | string>().as('n'))) : inTable).execute();
    return r.reduce((a, x) => a + Number(x.n), 0);
  },
};

/** A row's values in TRACE_COLUMNS order, spelled out (a map over the names was a visible cost). */
function valuesOf(r: TracesTable): unknown[] {
  return [
    r.trace_id, r.time, r.record_time, r.project_id, r.domain_id, r.trace_name, r.trace_rating, r.trace_type,
    r.service_type, r.resource_type, r.resource_id, r.resource_name, r.source_ip, r.user_id, r.user_name,
    r.user_domain_id, r.user_domain_name, r.request, r.response, r.code, r.api_version, r.message, r.request_id,
  ];
}

/** A row as json_array() lists it, in TRACE_COLUMNS order. */
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
