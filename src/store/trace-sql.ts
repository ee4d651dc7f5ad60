import type { TracesTable } from './tables.js';

/** Every column of a trace row, in one fixed order (statements' slots, JSON pages, the inbox move). */
export const TRACE_COLUMNS = [
  'trace_id', 'time', 'record_time', 'project_id', 'domain_id', 'trace_name', 'trace_rating', 'trace_type',
  'service_type', 'resource_type', 'resource_id', 'resource_name', 'source_ip', 'user_id', 'user_name',
  'user_domain_id', 'user_domain_name', 'request', 'response', 'code', 'api_version', 'message', 'request_id',
] as const satisfies readonly (keyof TracesTable)[];

const COLS = TRACE_COLUMNS.join(', ');

/**
 * The move of SQLite's trace inbox (migration 0012), one text for both connections that make it
 * (the serving one, trace-repo.ts; the background thread's, sqlite-background.ts), run in one
 * transaction: `chunkEnd` (?: at most this many) finds the last `seq` of the oldest traces and
 * how many they are; `copy` and `drop` (?: that seq) move them, in commit order.
 */
export const INBOX_MOVE = {
  chunkEnd: 'select max(seq) as last, count(*) as n from (select seq from trace_inbox order by seq limit ?)',
  copy: `insert into traces (${COLS}) select ${COLS} from trace_inbox where seq <= ? order by seq`,
  drop: 'delete from trace_inbox where seq <= ?',
} as const;
