import { timeOrderedUuid } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import type { Store } from '../store/store.js';
import type { AuditTable } from '../store/tables.js';

// Audit trail of every state-changing API call (the CTS of the user manual): who, what,
// on which resource, and the outcome. Written after the answer is sent, so it never slows
// or fails a request; a failed audit write is logged.

export interface AuditEntry {
  readonly id: string; readonly at: string; readonly requestId: string; readonly projectId: string | null;
  readonly userId: string | null; readonly action: string; readonly resourceId: string | null;
  readonly outcome: string; readonly detail: string;
}

export interface AuditSource {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly routeOptions?: { url?: string };
  readonly params?: unknown;
  readonly auth?: { user: { id: string }; project: { id: string } | null };
  readonly log: { warn: (o: object, m: string) => void };
}

export class AuditService {
  private buffer: AuditTable[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  /**
   * Entries are written in batches (one transaction per `flushMs` or `batch` entries) rather
   * than one transaction per request: on SQLite every write transaction is a WAL commit, and
   * doubling them halved the write throughput. A crash can lose the last `flushMs` of entries.
   */
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly flushMs = 100, private readonly batch = 200) {}

  record(req: AuditSource, status: number): void {
    const params = (req.params ?? {}) as Record<string, string>;
    this.buffer.push({
      id: timeOrderedUuid(), at: toStored(this.clock()), request_id: String(req.id),
      project_id: req.auth?.project?.id ?? params.project_id ?? null, user_id: req.auth?.user.id ?? null,
      action: `${req.method} ${req.routeOptions?.url ?? req.url.split('?')[0]}`,
      resource_id: params.host_id ?? params.server_id ?? params.id ?? null,
      outcome: status < 400 ? 'success' : 'failure', detail: String(status),
    });
    if (this.buffer.length >= this.batch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    this.log = req.log;
  }

  private log: AuditSource['log'] | null = null;

  /** Writes every buffered entry; resolves when they (and earlier batches) are stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buffer;
    this.buffer = [];
    const previous = this.inFlight;
    this.inFlight = (async () => {
      await previous;
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100);
        await this.store.write((tx) => tx.insertInto('audit').values(chunk).execute())
          .catch((err) => this.log?.warn({ err, lost: chunk.length }, 'audit write failed'));
      }
    })();
    return this.inFlight;
  }

  async list(f: { projectId?: string; limit: number }): Promise<AuditEntry[]> {
    await this.flush();
    const rows = await this.store.read((ex) => {
      let q = ex.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(f.limit);
      if (f.projectId) q = q.where('project_id', '=', f.projectId);
      return q.execute();
    });
    return rows.map((r) => ({
      id: r.id, at: r.at, requestId: r.request_id, projectId: r.project_id, userId: r.user_id,
      action: r.action, resourceId: r.resource_id, outcome: r.outcome, detail: r.detail,
    }));
  }
}
