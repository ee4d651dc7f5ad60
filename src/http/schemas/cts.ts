import { Type, type Static } from 'typebox';

// Response shapes of the CTS API (CONTRACT §10.4, §10.7), as data: http/views/trace-view.ts
// produces them, src/client derives its types from them.

export const TraceWire = Type.Object({
  trace_id: Type.String(),
  trace_name: Type.String(),
  trace_rating: Type.String(),
  trace_status: Type.String(),
  trace_type: Type.String(),
  service_type: Type.String(),
  resource_type: Type.String(),
  resource_id: Type.String(),
  resource_name: Type.String(),
  source_ip: Type.String(),
  user: Type.Object({ id: Type.String(), name: Type.String(), domain: Type.Object({ id: Type.String(), name: Type.String() }) }),
  request: Type.String(),
  response: Type.String(),
  code: Type.String(),
  api_version: Type.String(),
  message: Type.String(),
  request_id: Type.String(),
  /** ms since the epoch */
  time: Type.Integer(),
  record_time: Type.Integer(),
});
export type TraceWire = Static<typeof TraceWire>;

export const TraceListResponse = Type.Object({
  traces: Type.Array(TraceWire),
  meta_data: Type.Object({ count: Type.Integer(), marker: Type.Union([Type.String(), Type.Null()]) }),
});
export type TraceListResponse = Static<typeof TraceListResponse>;

export const TrackerWire = Type.Object({
  tracker_name: Type.String(),
  tracker_type: Type.String(),
  status: Type.String(),
  project_id: Type.String(),
  bucket_name: Type.String(),
  file_prefix_name: Type.String(),
  is_support_trace_files_encryption: Type.Boolean(),
  lts: Type.Object({ is_lts_enabled: Type.Boolean(), log_group_name: Type.String(), log_topic_name: Type.String() }),
});
export type TrackerWire = Static<typeof TrackerWire>;

/** GET /opendeh/v1/traces: the same traces with the project (and domain) they belong to. */
export const OperatorTraceListResponse = Type.Object({
  traces: Type.Array(Type.Intersect([TraceWire, Type.Object({ project_id: Type.String(), domain_id: Type.String() })])),
  meta_data: TraceListResponse.properties.meta_data,
});
