import type { TracesTable } from './tables.js';

/** Every column of a trace row, in one fixed order (statements' slots, JSON pages, the inbox move). */
export const TRACE_COLUMNS = [
  'trace_id', 'time', 'record_time', 'project_id', 'domain_id', 'trace_name', 'trace_rating', 'trace_type',
  'service_type', 'resource_type', 'resource_id', 'resource_name', 'source_ip', 'user_id', 'user_name',
  'user_domain_id', 'user_domain_name', 'request', 'response', 'code', 'api_version', 'message', 'request_id',
] as const satisfies readonly (keyof TracesTable)[];
