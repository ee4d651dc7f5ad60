import { clip, nextTraceId, TRACE_FIELD_MAX, traceBody } from '../domain/trace.js';
import type { Executor } from './store.js';
import type { TracesTable } from './tables.js';
import { traceRepo } from './trace-repo.js';
import type { WriteContext } from './write-context.js';

// The trace of a state-changing request, written by Store.write in the SAME transaction as the
// change (store.ts): the change and its trace commit together or not at all. The HTTP layer
// opens a scope per traced request (what, who, from where) and hands it down in the request's
// WriteContext (write-context.ts); the services name the resources a change acted on
// (traceResource) — one trace each, so an allocation of 5 DeHs leaves 5 traces.
// Only the first committed write of a request is traced: a request is one change.

/** Everything of a trace row but its id, resource and times. */
export type TraceDraft = Omit<TracesTable, 'trace_id' | 'resource_id' | 'resource_name' | 'time' | 'record_time'>;

export interface TraceScope {
  readonly draft: TraceDraft;
  /** The resource named by the request path, used when the service names none. */
  readonly pathResource: { readonly id: string | null; readonly name: string | null };
  /** When the call was made (ms); `record_time` is the commit attempt's own clock. */
  readonly time: number;
  readonly now: () => number;
  /** Turns the write's result into the answer (status, body), when the route knows it up front (idempotent routes). */
  present?: (result: unknown) => { status: number; body: unknown };
  /** Resources the current attempt named; cleared when a transaction is retried. */
  resources: { id: string; name: string | null }[];
  /** Set once the traced transaction has committed. */
  committed: boolean;
}

/**
 * Names a resource the current change acts on (a created host, the server deleted). Called by
 * services inside their transaction; a no-op outside a traced request (offline CLI, tests of
 * services).
 */
export function traceResource(w: WriteContext | undefined, id: string, name?: string | null): void {
  pendingTrace(w)?.resources.push({ id, name: name ?? null });
}

/** The scope the next Store.write must trace, or undefined. */
export function pendingTrace(w: WriteContext | undefined): TraceScope | undefined {
  const s = w?.trace;
  return s && !s.committed ? s : undefined;
}

/** Inserts the traces of `scope` into `tx`; `result` is what the transaction returns. */
export async function insertTraces(tx: Executor, scope: TraceScope, result: unknown): Promise<void> {
  const resources = scope.resources.length > 0 ? scope.resources : [scope.pathResource];
  const answer = scope.present?.(result);
  const code = answer ? String(answer.status) : scope.draft.code;
  const response = answer ? traceBody(answer.body) : scope.draft.response;
  const recordTime = scope.now();
  const d = scope.draft;
  // Every field spelled out (one object shape): a spread of the draft was a visible share of a
  // traced write's CPU.
  const rows: TracesTable[] = resources.map((r) => ({
    trace_id: nextTraceId(scope.time), time: scope.time, record_time: recordTime,
    project_id: d.project_id, domain_id: d.domain_id, trace_name: d.trace_name, trace_rating: d.trace_rating,
    trace_type: d.trace_type, service_type: d.service_type, resource_type: d.resource_type,
    resource_id: r.id ? clip(r.id, TRACE_FIELD_MAX) : null,
    resource_name: r.name !== null ? clip(r.name, TRACE_FIELD_MAX) : scope.pathResource.name,
    source_ip: d.source_ip, user_id: d.user_id, user_name: d.user_name, user_domain_id: d.user_domain_id,
    user_domain_name: d.user_domain_name, request: d.request, response, code, api_version: d.api_version,
    message: d.message, request_id: d.request_id,
  }));
  await traceRepo.insert(tx, rows);
}

/**
 * Names who acted, for a call that had no token (a password login): the user and scope the
 * identity service has just verified. Inside the login's transaction, like traceResource.
 */
export function traceActor(w: WriteContext | undefined, a: {
  user: { id: string; name: string; domain: { id: string; name: string } };
  projectId: string | null; domainId: string | null;
}): void {
  const s = pendingTrace(w);
  if (!s) return;
  Object.assign(s.draft, {
    user_id: a.user.id, user_name: a.user.name, user_domain_id: a.user.domain.id, user_domain_name: a.user.domain.name,
    project_id: a.projectId, domain_id: a.domainId ?? a.user.domain.id,
  });
}
