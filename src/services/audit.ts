import { timeOrderedUuid } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import type { Store } from '../store/store.js';

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
  private pending = new Set<Promise<void>>();

  constructor(private readonly store: Store, private readonly clock: Clock) {}

  record(req: AuditSource, status: number): void {
    const params = (req.params ?? {}) as Record<string, string>;
    const entry = {
      id: timeOrderedUuid(), at: toStored(this.clock()), request_id: String(req.id),
      project_id: req.auth?.project?.id ?? params.project_id ?? null, user_id: req.auth?.user.id ?? null,
      action: `${req.method} ${req.routeOptions?.url ?? req.url.split('?')[0]}`,
      resource_id: params.host_id ?? params.server_id ?? null,
      outcome: status < 400 ? 'success' : 'failure', detail: String(status),
    };
    const p = this.store.write((tx) => tx.insertInto('audit').values(entry).execute())
      .then(() => undefined)
      .catch((err) => req.log.warn({ err }, 'audit write failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every audit write started so far has finished (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
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
