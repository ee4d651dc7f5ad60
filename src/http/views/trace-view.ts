import type { Trace } from '../../domain/trace.js';
import type { TraceWire, TrackerWire } from '../schemas/cts.js';

// The trace object of CONTRACT §10.4: what both openstacksdk (otcextensions) and the Go SDK's
// CTS v2 decode — integer ms times, string `code`/`request`/`response`/`message`, an object
// `user`, and the rating under both names. A missing value is the empty string (Go decodes
// every field as a string).

export function traceView(t: Trace): TraceWire {
  return {
    trace_id: t.traceId, trace_name: t.traceName, trace_rating: t.traceRating, trace_status: t.traceRating,
    trace_type: t.traceType, service_type: t.serviceType, resource_type: t.resourceType,
    resource_id: t.resourceId ?? '', resource_name: t.resourceName ?? '', source_ip: t.sourceIp,
    user: { id: t.user.id ?? '', name: t.user.name ?? '', domain: { id: t.user.domainId ?? '', name: t.user.domainName ?? '' } },
    request: t.request, response: t.response, code: t.code, api_version: t.apiVersion, message: t.message,
    request_id: t.requestId, time: t.time, record_time: t.recordTime,
  };
}

/** The one tracker every project has (§10.7): enabled, writing to no bucket. */
export function trackerView(projectId: string): TrackerWire {
  return {
    tracker_name: 'system', tracker_type: 'system', status: 'enabled', project_id: projectId,
    bucket_name: '', file_prefix_name: '', is_support_trace_files_encryption: false,
    lts: { is_lts_enabled: false, log_group_name: '', log_topic_name: '' },
  };
}
