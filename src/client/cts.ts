import type { TraceListResponse, TraceWire, TrackerWire } from '../http/schemas/cts.js';
import type { Session } from './session.js';
import { send, type Query } from './transport.js';

// The CTS trace listing (CONTRACT §10), at the `cts` endpoint of the session's catalog
// (…/cts/v1.0/<project_id>). Another project's trail (admins): the same path with its id.

export type { TraceWire, TrackerWire };

export interface TraceQuery {
  readonly service_type?: string;
  readonly resource_type?: string;
  readonly resource_id?: string;
  readonly resource_name?: string;
  readonly trace_name?: string;
  readonly trace_id?: string;
  /** normal, warning or incident */
  readonly trace_rating?: string;
  /** user name */
  readonly user?: string;
  /** ms since the epoch */
  readonly from?: number;
  readonly to?: number;
  /** 1..200 */
  readonly limit?: number;
  readonly next?: string;
}

export class CtsClient {
  constructor(private readonly session: Session) {}

  private base(projectId?: string): string {
    const url = this.session.endpoint('cts');
    return projectId ? url.replace(/\/[^/]+$/, `/${encodeURIComponent(projectId)}`) : url;
  }

  /** One page, newest first; `marker` is the `next` of the following page (null at the end). */
  async traces(q: TraceQuery = {}, projectId?: string): Promise<{ traces: TraceWire[]; marker: string | null }> {
    const r = (await send<TraceListResponse>('GET', `${this.base(projectId)}/system/trace`, { token: this.session.token, query: { ...q } as Query })).body;
    return { traces: r.traces, marker: r.meta_data.marker };
  }

  /** Every page, following the markers, up to `max` traces. */
  async allTraces(q: TraceQuery = {}, projectId?: string, max = 10_000): Promise<TraceWire[]> {
    const out: TraceWire[] = [];
    let next: string | undefined = q.next;
    do {
      const page = await this.traces({ ...q, limit: q.limit ?? 200, ...(next && { next }) }, projectId);
      out.push(...page.traces);
      next = page.marker ?? undefined;
    } while (next && out.length < max);
    return out.slice(0, max);
  }

  async tracker(projectId?: string): Promise<TrackerWire> {
    return (await send<TrackerWire>('GET', `${this.base(projectId)}/tracker`, { token: this.session.token })).body;
  }
}
