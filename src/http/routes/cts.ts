import type { FastifyInstance } from 'fastify';
import { BadRequest, ErrorCodes, NotFound } from '../../domain/errors.js';
import { parseRating, TRACE_LIST_DEFAULT_LIMIT, TRACE_LIST_MAX_LIMIT } from '../../domain/trace.js';
import type { TraceListRequest, TraceService } from '../../services/traces.js';
import { intParam, one, type RawQuery } from '../query.js';
import { trackerView, traceView } from '../views/trace-view.js';
import { TraceListResponse, TrackerWire } from '../schemas/cts.js';
import { TraceQuery, TrackerQuery } from '../schemas/queries.js';
import { Type } from 'typebox';

const TraceParams = Type.Object({ project_id: Type.String(), tracker_name: Type.String({ description: 'system (the only tracker)' }) });
const TrackerParams = Type.Object({ project_id: Type.String() });

// The CTS query API (CONTRACT §10, §11a) at /cts/v1.0/{project_id} (the catalog entry; Python)
// and /cts/v2.0/{project_id} (what the Go SDK derives from it). The project check (own
// project, or an admin) is the route table's `own-or-admin`.

type P = { Params: { project_id: string; tracker_name: string } };

/** The listing filters of §10.2/§10.3 from a query string (shared with the operator view). */
export function traceListParams(q: RawQuery, projectId: string | null): TraceListRequest {
  const text = (name: string) => {
    const v = one(q, name);
    if (v === undefined || v === '') return undefined;
    if (v.length > 255) throw new BadRequest(`query parameter "${name}" is longer than 255 characters`, ErrorCodes.InvalidParameter);
    return v;
  };
  const ms = (name: string) => intParam(q, name, 0, 99_999_999_999_999);
  // Both names are accepted (Python sends trace_rating, Go trace_status), in any case.
  const ratings = (['trace_rating', 'trace_status'] as const).map((name) => {
    const raw = one(q, name);
    if (raw === undefined || raw === '') return undefined;
    const r = parseRating(raw);
    if (!r) throw new BadRequest(`query parameter "${name}" must be normal, warning or incident`, ErrorCodes.InvalidParameter);
    return r;
  });
  if (ratings[0] && ratings[1] && ratings[0] !== ratings[1]) {
    throw new BadRequest('query parameters trace_rating and trace_status disagree', ErrorCodes.InvalidParameter);
  }
  const traceRating = ratings[0] ?? ratings[1];
  return {
    projectId,
    traceId: text('trace_id'),
    serviceType: text('service_type')?.toUpperCase(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    resourceName: text('resource_name'),
    traceName: text('trace_name'),
    traceRating,
    user: text('user'),
    from: ms('from'),
    to: ms('to'),
    limit: intParam(q, 'limit', 1, TRACE_LIST_MAX_LIMIT) ?? TRACE_LIST_DEFAULT_LIMIT,
    next: text('next'),
  };
}

export function ctsRoutes(app: FastifyInstance, traces: TraceService): void {
  for (const v of ['v1.0', 'v2.0']) {
    app.get<P>(`/cts/${v}/:project_id/:tracker_name/trace`, {
      schema: { params: TraceParams, querystring: TraceQuery, summary: `CTS traces of a project, newest first (${v})`, answers: { 200: TraceListResponse } },
    }, async (req) => {
      if (req.params.tracker_name !== 'system') throw new NotFound(`tracker ${req.params.tracker_name} does not exist (only "system")`);
      const page = await traces.list(traceListParams(req.query as RawQuery, req.params.project_id));
      return { traces: page.traces.map(traceView), meta_data: { count: page.traces.length, marker: page.marker } };
    });
    app.get<P>(`/cts/${v}/:project_id/tracker`, {
      schema: { params: TrackerParams, querystring: TrackerQuery, summary: `The system tracker of a project (${v})`, answers: { 200: TrackerWire } },
    }, async (req) => {
      const name = one(req.query as RawQuery, 'tracker_name');
      if (name !== undefined && name !== 'system') throw new NotFound(`tracker ${name} does not exist (only "system")`);
      return trackerView(req.params.project_id);
    });
  }
}
