import { BadRequest, ErrorCodes } from '../domain/errors.js';
import { clip, nextTraceId, TRACE_FIELD_MAX, traceRequestBody, type Trace, type TraceQuery, type TraceRating } from '../domain/trace.js';
import type { Clock } from '../domain/time.js';
import type { Store } from '../store/store.js';
import type { TracesTable } from '../store/tables.js';
import { traceRepo } from '../store/trace-repo.js';
import type { TraceDraft, TraceScope } from '../store/trace-scope.js';
export type { TraceScope } from '../store/trace-scope.js';
export type { WriteContext } from '../store/write-context.js';

// The CTS trail (CONTRACT §10). Two ways in, one table:
// * a change: the HTTP layer opens a scope (begin/run) and Store.write inserts the trace in
//   the change's own transaction — durable exactly when the change is;
// * a refused or failed call (4xx/5xx): nothing changed, so there is no transaction to join;
//   its `warning` trace is queued and written after the answer, in batches (best effort: it
//   never delays or fails the answer, and a crash may lose the last `flushMs` of them).
// Retention: traces older than `retentionSeconds` are deleted in bounded batches by prune(),
// run on a timer off the request path.

/** What the HTTP layer knows about a traced call before it runs. */
export interface TraceCall {
  readonly name: string;
  readonly service: string;
  readonly resourceType: string;
  readonly apiVersion: string;
  readonly projectId: string | null;
  readonly domainId: string | null;
  readonly user: { readonly id: string; readonly name: string; readonly domain: { readonly id: string; readonly name: string } } | null;
  readonly sourceIp: string;
  readonly requestId: string;
  /** The request body as parsed; secrets are removed before anything is kept. */
  readonly body: unknown;
  /** The JSON text `body` was parsed from, when the HTTP layer has it (kept as is when it holds no secret). */
  readonly bodyText?: string;
  readonly resourceId: string | null;
  /** The status a success answers with (the route's), unless the route presents the answer itself. */
  readonly okStatus: number;
}

export interface TraceOptions {
  /** false: nothing is traced (benchmark comparison only). */
  readonly enabled: boolean;
  readonly retentionSeconds: number;
  /** Queued warning traces beyond this are dropped (and counted) rather than held in memory. */
  readonly maxQueued?: number;
  readonly flushMs?: number;
  readonly pruneBatch?: number;
  /** Traces moved from SQLite's inbox into the indexed table per transaction (default 1000). */
  readonly moveBatch?: number;
}

export interface TracePage { readonly traces: Trace[]; readonly marker: string | null }

/** Raw listing parameters, after the HTTP layer checked their shape. */
export interface TraceListRequest extends Omit<TraceQuery, 'before' | 'from' | 'to'> {
  readonly from?: number;
  readonly to?: number;
  /** A trace_id (older than it), or all digits: a ms upper bound (OSC's integer --next). */
  readonly next?: string;
}

export class TraceService {
  private queue: TracesTable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<number> | null = null;
  private moveTimer: NodeJS.Timeout | null = null;
  private moving: Promise<number> | null = null;
  /** Warning traces dropped because the queue was full, or lost to a failed write. */
  dropped = 0;
  private log: (o: object, m: string) => void = () => {};

  constructor(private readonly store: Store, private readonly clock: Clock, readonly opts: TraceOptions) {}

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Where failures of the best-effort writes are reported. */
  setLogger(warn: (o: object, m: string) => void): void {
    this.log = warn;
  }

  /** The scope of a state-changing call, handed to its writes in the request's WriteContext. */
  begin(c: TraceCall): TraceScope {
    const time = this.clock().getTime();
    return {
      draft: this.draft(c, String(c.okStatus), 'normal', ''),
      pathResource: { id: c.resourceId, name: null },
      time, now: () => this.clock().getTime(), resources: [], committed: false,
    };
  }

  /** A refused or failed call: one `warning` (4xx) or `incident` (5xx) trace, queued. */
  failed(c: TraceCall, status: number, rating: TraceRating, message: string): void {
    if (!this.opts.enabled) return;
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) {
      this.dropped++;
      return;
    }
    const now = this.clock().getTime();
    this.queue.push({
      ...this.draft(c, String(status), rating, clip(message, 1024)),
      trace_id: nextTraceId(now), resource_id: c.resourceId, resource_name: null, time: now, record_time: now,
    });
    if (this.queue.length >= 200) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 100);
      this.timer.unref();
    }
  }

  private draft(c: TraceCall, code: string, rating: TraceRating, message: string): TraceDraft {
    const f = (s: string | null | undefined) => (s === null || s === undefined ? null : clip(s, TRACE_FIELD_MAX));
    return {
      project_id: c.projectId, domain_id: c.domainId, trace_name: c.name, trace_rating: rating, trace_type: 'ApiCall',
      service_type: c.service, resource_type: c.resourceType, source_ip: clip(c.sourceIp, 64),
      user_id: f(c.user?.id), user_name: f(c.user?.name), user_domain_id: f(c.user?.domain.id), user_domain_name: f(c.user?.domain.name),
      request: traceRequestBody(c.body, c.bodyText), response: '', code, api_version: c.apiVersion, message, request_id: clip(c.requestId, 64),
    };
  }

  /** Writes every queued warning trace; resolves when they (and earlier batches) are stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.queue;
    this.queue = [];
    const previous = this.inFlight;
    this.inFlight = (async () => {
      await previous;
      if (rows.length === 0) return;
      await this.store.write((tx) => traceRepo.insert(tx, rows)).catch((err) => {
        this.dropped += rows.length;
        this.log({ err, lost: rows.length }, 'warning traces could not be written');
      });
    })();
    return this.inFlight;
  }

  /**
   * A page of traces, newest first. `projectId` null lists every project (operator view).
   * @raises BadRequest (a `next` marker that is no trace of this listing, from > to)
   */
  async list(r: TraceListRequest): Promise<TracePage> {
    await this.flush();
    const now = this.clock().getTime();
    const to = r.to ?? now;
    const from = r.from ?? to - 3600 * 1000;
    if (from > to) throw new BadRequest(`from (${from}) is later than to (${to})`, ErrorCodes.InvalidParameter);
    return this.store.read(async (ex) => {
      let before: TraceQuery['before'];
      if (r.next !== undefined && r.traceId === undefined) {
        if (/^\d{1,15}$/.test(r.next)) before = { time: Number(r.next), traceId: null };
        else {
          // The same answer for a trace of another project as for none: a marker reveals nothing.
          const pos = await traceRepo.position(ex, r.projectId, r.next);
          if (!pos) throw new BadRequest(`next "${clip(r.next, 64)}" is not a trace of this listing`, ErrorCodes.InvalidMarker);
          before = pos;
        }
      }
      const rows = await traceRepo.list(ex, { ...r, from, to, before });
      const more = rows.length > r.limit;
      const traces = more ? rows.slice(0, r.limit) : rows;
      return { traces, marker: more ? traces[traces.length - 1].traceId : null };
    });
  }

  /**
   * Deletes traces older than the retention, `pruneBatch` rows per transaction with a pause
   * between batches, so a large backlog never holds the (SQLite) writer for long.
   * Returns how many were deleted. Concurrent calls share one run.
   */
  prune(): Promise<number> {
    if (this.pruning) return this.pruning;
    this.pruning = (async () => {
      // Only the indexed table is pruned (by its time index): what waits in the inbox joins it
      // first. A move that fails is logged and does not stop pruning.
      await this.settle().catch((err) => this.log({ err }, 'moving traces from the inbox failed'));
      const cutoff = this.clock().getTime() - this.opts.retentionSeconds * 1000;
      const batch = this.opts.pruneBatch ?? 1000;
      let total = 0;
      for (;;) {
        const n = await this.store.write((tx) => traceRepo.pruneBatch(tx, cutoff, batch));
        total += n;
        if (n < batch) return total;
        await new Promise((r) => setTimeout(r, 5));
      }
    })().finally(() => { this.pruning = null; });
    return this.pruning;
  }

  /** Runs prune() every `intervalMs` (and once soon after start); failures are logged. */
  startPruning(intervalMs = 60_000): void {
    if (this.pruneTimer) return;
    const tick = () => {
      this.prune().catch((err) => this.log({ err }, 'trace pruning failed'))
        .finally(() => {
          if (this.pruneTimer) this.pruneTimer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.pruneTimer = setTimeout(tick, Math.min(intervalMs, 5_000)).unref();
  }

  /**
   * SQLite: moves every trace waiting in the inbox (migration 0012) into the indexed table,
   * `moveBatch` per transaction, letting requests run between them. Readers never need it (they
   * read both); it keeps the inbox short, so their look at it stays cheap. Returns how many
   * moved; 0 on PostgreSQL (no inbox). Concurrent calls share one run.
   */
  settle(): Promise<number> {
    if (!traceRepo.hasInbox(this.store.db)) return Promise.resolve(0);
    if (this.moving) return this.moving;
    this.moving = (async () => {
      const batch = this.opts.moveBatch ?? 1000;
      let total = 0;
      for (;;) {
        const n = await this.store.moveTraceInbox(batch);
        total += n;
        if (n < batch) return total;
        await new Promise((r) => setImmediate(r));
      }
    })().finally(() => { this.moving = null; });
    return this.moving;
  }

  /**
   * Runs settle() every `intervalMs`: at 5,000 traced writes a second, ~1,000 traces a move
   * (the size at which a move costs about half of indexing each trace in its own commit).
   */
  startMoving(intervalMs = 200): void {
    if (this.moveTimer || !traceRepo.hasInbox(this.store.db)) return;
    const tick = () => {
      this.settle().catch((err) => this.log({ err }, 'moving traces from the inbox failed'))
        .finally(() => {
          if (this.moveTimer) this.moveTimer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.moveTimer = setTimeout(tick, intervalMs).unref();
  }

  /** Stops pruning and moving, writes what is queued, and leaves the inbox empty. */
  async close(): Promise<void> {
    if (this.pruneTimer) clearTimeout(this.pruneTimer);
    this.pruneTimer = null;
    if (this.moveTimer) clearTimeout(this.moveTimer);
    this.moveTimer = null;
    await this.pruning?.catch(() => 0);
    await this.flush();
    await this.settle().catch((err) => this.log({ err }, 'moving traces from the inbox failed'));
  }

  count(): Promise<number> {
    return this.store.read((ex) => traceRepo.count(ex));
  }
}
