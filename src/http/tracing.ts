import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler, onSendHookHandler, RouteHandlerMethod } from 'fastify';
import { ratingOf } from '../domain/trace.js';
import type { TraceCall, TraceService } from '../services/traces.js';
import { jsonTextOf } from './json-body.js';
import { writesOf } from './write-context.js';
import { policyOf, type RoutePolicy, type TraceSpec } from './route-policy.js';

// CTS traces at the HTTP edge. Every route whose row in route-policy.ts names a `trace` opens
// a trace scope (services/traces.ts) before its handler and puts it in the request's
// WriteContext (write-context.ts): the change's transaction then carries the trace (store.ts).
// After the answer, a refused or failed call (4xx, 5xx) leaves a `warning` (`incident` for
// 5xx) trace, best effort — unless nobody was authenticated (401 on a token route): anonymous
// noise is not attributable to any project and is not kept.
// A successful call that committed no change (an idempotent replay) leaves no trace.

declare module 'fastify' {
  interface FastifyRequest {
    /** The error body sent, kept as the failed call's trace `message`. */
    traceError?: string;
  }
}

/** Path parameters that name the resource a call acts on, most specific first. */
const RESOURCE_PARAMS = ['host_id', 'server_id', 'job_id', 'uid', 'gid', 'aid', 'id', 'tenant_id'];

/** "/v1.0/:project_id/…" → "1.0", "/compute/v2.1/…" → "2.1", "/v3/…" → "3". */
export function apiVersionOf(routeUrl: string): string {
  return /\/v(\d+(?:\.\d+)?)(?=\/|$)/.exec(routeUrl)?.[1] ?? '';
}

/** What a success answers with when the route does not present its answer to the store. */
function okStatusOf(method: string, p: RoutePolicy, spec: TraceSpec, req: FastifyRequest): number {
  if (spec.ok !== undefined) return typeof spec.ok === 'number' ? spec.ok : spec.ok(actionRequest(req));
  if (method === 'DELETE' || method === 'PUT') return p.family === 'compute' && method === 'PUT' ? 200 : 204;
  if (method === 'PATCH') return 200;
  if (p.family === 'identity') return 201;
  return p.family === 'compute' ? 202 : 200;
}

const actionRequest = (req: FastifyRequest) => ({ params: req.params, body: req.body, userId: req.auth?.user.id ?? '' });

function traceCall(req: FastifyRequest, p: RoutePolicy, spec: TraceSpec, apiVersion = apiVersionOf(req.routeOptions.url ?? '')): TraceCall {
  const auth = req.auth;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const rp = RESOURCE_PARAMS.find((k) => typeof params[k] === 'string');
  return {
    name: typeof spec.name === 'string' ? spec.name : spec.name(actionRequest(req)),
    service: spec.service, resourceType: spec.resourceType, apiVersion,
    projectId: auth?.project?.id ?? null,
    domainId: auth?.domain?.id ?? auth?.project?.domain.id ?? auth?.user.domain.id ?? null,
    user: auth ? { id: auth.user.id, name: auth.user.name, domain: auth.user.domain } : null,
    sourceIp: req.ip ?? '', requestId: String(req.id), body: req.body, bodyText: jsonTextOf(req.body),
    resourceId: rp ? (params[rp] as string) : null,
    okStatus: okStatusOf(req.method, p, spec, req),
  };
}

export function installTracing(app: FastifyInstance, traces: TraceService): void {
  traces.setLogger((o, m) => app.log.warn(o, m));

  const keepErrorBody: onSendHookHandler = async (req, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') req.traceError = payload;
    return payload;
  };

  const traceOutcome: onResponseHookHandler = async (req, reply) => {
    const p = req.routeOptions.config?.policy;
    if (!p?.trace || !traces.enabled) return;
    const status = reply.statusCode;
    if (status < 400) {
      const s = req.writes?.trace;
      // The recorded code is decided before the answer (in the transaction); a route whose
      // answer differs has a wrong `ok` in route-policy.ts — the route tests compare them.
      if (s?.committed && !s.present && s.draft.code !== String(status)) {
        req.log.warn({ route: req.routeOptions.url, recorded: s.draft.code, answered: status }, 'trace code differs from the answer');
      }
      return;
    }
    if (!req.auth && p.action !== null) return;
    traces.failed(traceCall(req, p, p.trace), status, ratingOf(status), req.traceError ?? '');
  };

  // Only traced routes carry the hooks (route-level, after the application's): a read pays
  // nothing for tracing, not even two resolved promises.
  app.addHook('onRoute', (r) => {
    const method = [r.method].flat()[0];
    const p = policyOf(method, r.url);
    if (!p?.trace) return;
    const spec = p.trace;
    const apiVersion = apiVersionOf(r.url);
    const handler = r.handler as RouteHandlerMethod;
    r.handler = async function traced(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      if (!traces.enabled) return handler.call(this, req, reply);
      writesOf(req).trace = traces.begin(traceCall(req, p, spec, apiVersion));
      return handler.call(this, req, reply);
    };
    r.onSend = [...[r.onSend ?? []].flat(), keepErrorBody] as typeof r.onSend;
    r.onResponse = [...[r.onResponse ?? []].flat(), traceOutcome] as typeof r.onResponse;
  });
}
