import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { lazyValidators } from './lazy-validators.js';
import { randomUUID } from 'node:crypto';
import { ErrorCodes, NotFound } from '../domain/errors.js';
import type { Clock } from '../domain/time.js';
import type { HostsService } from '../services/hosts.js';
import type { IdentityService } from '../services/identity.js';
import type { TokenValidator } from '../services/token-validator.js';
import type { SourceRate } from '../services/abuse-limits.js';
import type { TraceService } from '../services/traces.js';
import { installTracing } from './tracing.js';
import { ctsRoutes } from './routes/cts.js';
import type { HealthService } from '../services/health.js';
import type { HostHealth } from '../services/host-health.js';
import type { PoolService } from '../services/pool.js';
import type { RecoveryService } from '../services/recovery.js';
import { installAccessControl, requireRoutePolicies } from './access-control.js';
import { Permissions } from '../services/permissions.js';
import { permissionRoutes } from './routes/permissions.js';
import { answerClientError, answerFrameworkError, familyOf, installErrorHandler, sendError } from './error-handler.js';
import { firstUnstorableString, parseJsonBody } from './json-body.js';
import { unboundedNumbers } from './schema-bounds.js';
import { recordRoutes } from './route-list.js';
import { Metrics } from './metrics.js';
import { dedicatedHostRoutes } from './routes/dedicated-hosts.js';
import { hostTagRoutes } from './routes/host-tags.js';
import { hostTypeAndQuotaRoutes } from './routes/host-types-quotas.js';
import { hostServerRoutes } from './routes/host-servers.js';
import { Idempotency } from './routes/idempotency.js';
import { keystoneRoutes } from './routes/keystone.js';
import { customRoleRoutes } from './routes/iam-custom-roles.js';
import { versionRoutes } from './routes/versions.js';
import { operatorRoutes } from './routes/operator.js';
import { operatorPoolRoutes } from './routes/operator-pool.js';
import { consoleRoutes } from './routes/console.js';
import { computeRoutes, type ComputeDeps } from './routes/compute.js';
import { imageRoutes } from './routes/images.js';
import { openApiRoutes } from './routes/openapi.js';

// buildApp wires routes onto a Fastify instance. It never listens and never reads the
// environment: main.ts and the tests hand it everything.

export interface AppDeps {
  readonly health: HealthService;
  readonly hostHealth: HostHealth;
  readonly pool: PoolService;
  readonly recovery: RecoveryService;
  readonly identity: IdentityService;
  /** Who a token belongs to: the embedded identity (default) or an external Keystone. */
  readonly tokens?: TokenValidator;
  /** Set when tokens come from an external Keystone: its root URL, shown to clients that ask the embedded one. */
  readonly externalKeystoneUrl?: string;
  /** Requests per source address (abuse limit; absent = off). */
  readonly sourceRate?: SourceRate;
  readonly hosts: HostsService;
  readonly traces: TraceService;
  readonly compute: ComputeDeps;
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly region: string;
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly logger: FastifyBaseLogger | boolean;
  readonly metrics?: Metrics;
  readonly permissions?: Permissions;
}

/** Operator probes the per-source rate never counts. */
const PROBES = new Set(['/opendeh/healthz', '/opendeh/readyz', '/metrics']);

/** Methods the service implements somewhere; any other method is 501, a known one on the wrong path 405. */
const IMPLEMENTED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof deps.logger === 'object' ? deps.logger : undefined,
    logger: typeof deps.logger === 'boolean' ? deps.logger : undefined,
    bodyLimit: deps.bodyLimitBytes,
    requestTimeout: deps.requestTimeoutMs,
    // Node's slow-client limits, given where Node derives and checks them. Fastify sets
    // requestTimeout only after the server exists, which leaves headersTimeout at 60 s; Node
    // then applies the smaller of the two to headers and the larger to the whole request, so a
    // stalled body got 60 s instead of requestTimeout. Node also looks for expired requests
    // only every connectionsCheckingInterval (30 s by default): check at least once a second.
    // Errors raised before a request exists (that 408, malformed HTTP) get the same DeH error
    // body as every other error instead of Fastify's own.
    http: {
      requestTimeout: deps.requestTimeoutMs,
      headersTimeout: deps.requestTimeoutMs > 0 ? Math.min(60_000, deps.requestTimeoutMs) : 60_000,
      connectionsCheckingInterval: deps.requestTimeoutMs > 0 ? Math.min(1000, deps.requestTimeoutMs) : 30_000,
      // Node answers an HTTP/1.1 request without Host with a bare 400 of its own; let it
      // through and answer it in the onRequest hook below, in our shape, with a request id.
      requireHostHeader: false,
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    genReqId: () => `req-${randomUUID()}`,
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // Route validators compile on first use, not at start-up (lazy-validators.ts).
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
  });
  installErrorHandler(app);
  requireRoutePolicies(app);
  // Every route from here on is recorded: the fuzz suite's and the OpenAPI document's list (GET /openapi.json).
  recordRoutes(app);
  const permissions = deps.permissions ?? new Permissions();
  const tokens = deps.tokens ?? deps.identity;
  const metrics = deps.metrics ?? new Metrics();
  metrics.watchStore(deps.health.stats);

  // Clients send `Content-Type: application/json` on body-less GETs and DELETEs (Go SDK); an
  // empty JSON body is "no body", not an error.
  app.removeContentTypeParser('application/json');
  // Strict UTF-8, bounded nesting, no lone surrogates: see json-body.ts.
  app.addContentTypeParser(/^application\/(.+\+)?json/, { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // Route patterns, to tell 405 (known path, other method) from 404 (unknown path).
  const patterns: { re: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (r) => {
    // Every number a client can send is bounded before it can reach SQL (schema-bounds.ts).
    for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
      const problems = unboundedNumbers((r.schema as Record<string, unknown> | undefined)?.[part]);
      if (problems.length > 0) throw new Error(`${[r.method].flat().join(',')} ${r.url} ${part}: ${problems.join('; ')}`);
    }
    // Header names arrive lower-cased; with lazy validators (lazy-validators.ts) Fastify does not
    // lower-case the schema, so a capital in it would never match: refuse it at start-up.
    const headerNames = Object.keys(((r.schema as Record<string, { properties?: object }> | undefined)?.headers?.properties) ?? {});
    const capitals = headerNames.filter((h) => h !== h.toLowerCase());
    if (capitals.length > 0) throw new Error(`${[r.method].flat().join(',')} ${r.url} headers: name them in lower case (${capitals.join(', ')})`);
    const re = new RegExp(`^${r.url.replace(/\/$/, '').replace(/[.]/g, '\\.').replace(/:[^/]+/g, '[^/]+')}/?$`);
    let p = patterns.find((x) => x.re.source === re.source);
    if (!p) patterns.push((p = { re, methods: new Set() }));
    for (const m of [r.method].flat()) p.methods.add(m);
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Openstack-Request-Id', req.id).header('X-Request-Id', req.id);
    if (req.raw.httpVersionMajor === 1 && req.raw.httpVersionMinor >= 1 && !req.headers.host) {
      return sendError(req, reply, 400, ErrorCodes.BadRequest, 'an HTTP/1.1 request needs a Host header');
    }
    if (!req.url.startsWith('/console') && !acceptsJson(req.headers.accept)) {
      return sendError(req, reply, 406, ErrorCodes.NotAcceptable, 'this API answers only application/json; the Accept header excludes it');
    }
  });
  // Path parameters and query values decode from percent escapes: `%00` is a NUL, which
  // PostgreSQL cannot store or even compare (a 500 the fuzz suite found); a lone surrogate
  // cannot arrive that way (it is not UTF-8), but the check keeps every string of every
  // request under the same rule as the JSON body, whatever the decoder does.
  app.addHook('preValidation', async (req, reply) => {
    const bad = firstUnstorableString(req.params) ?? firstUnstorableString(req.query);
    if (bad !== undefined) return sendError(req, reply, 400, ErrorCodes.BadRequest, `a path or query parameter holds ${bad.what}`);
  });
  if (deps.sourceRate) {
    // Before authentication, so a flood of bad tokens is cut off too. Health probes and
    // metrics scrapes are the operator's, not a client's, and never count.
    const limit = deps.sourceRate;
    app.addHook('onRequest', async (req) => {
      if (PROBES.has(req.url.split('?')[0])) return;
      limit.hit(req.ip);
    });
  }
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req, reply);
  });
  installTracing(app, deps.traces);

  if (deps.externalKeystoneUrl) {
    // With an external Keystone the embedded identity is not the identity: tokens, users,
    // projects and the catalog live there. Every identity path answers 404 in Keystone's shape,
    // naming where to authenticate, rather than issuing tokens nothing else would accept.
    const pointer = `identity is provided by the external Keystone at ${deps.externalKeystoneUrl}/v3; authenticate and read the catalog there`;
    app.addHook('onRequest', async (req) => {
      if (familyOf(req) === 'identity') throw new NotFound(pointer);
    });
  }
  installAccessControl(app, tokens, permissions);

  app.setNotFoundHandler((req, reply) => {
    if (!IMPLEMENTED.has(req.method)) {
      return sendError(req, reply, 501, ErrorCodes.NotImplemented, `method ${req.method} is not implemented by this service`);
    }
    const path = req.url.split('?')[0];
    const allowed = new Set<string>();
    for (const p of patterns) if (p.re.test(path)) for (const m of p.methods) allowed.add(m);
    if (allowed.size > 0) {
      reply.header('Allow', [...allowed].sort().join(', '));
      return sendError(req, reply, 405, ErrorCodes.MethodNotAllowed, `method ${req.method} is not allowed on ${path}`);
    }
    return sendError(req, reply, 404, ErrorCodes.NotFound, `no resource at ${path}`);
  });

  versionRoutes(app, deps.publicUrl);
  const catalog = { publicUrl: deps.publicUrl, region: deps.region };
  await app.register(async (ks) => keystoneRoutes(ks, deps.identity, catalog), { prefix: '/identity/v3' });
  await app.register(async (ks) => keystoneRoutes(ks, deps.identity, catalog), { prefix: '/v3' });
  // OTC custom policies: /identity/v3.0/OS-ROLE (Go/Terraform) and /v3.0/OS-ROLE (Python).
  for (const prefix of ['/identity/v3.0', '/v3.0']) {
    await app.register(async (iam) => customRoleRoutes(iam, deps.identity, `${deps.publicUrl}/identity/v3`), { prefix });
  }

  const idem = new Idempotency(deps.clock);
  await app.register(async (deh) => {
    dedicatedHostRoutes(deh, deps.hosts, idem);
    hostTagRoutes(deh, deps.hosts);
    hostTypeAndQuotaRoutes(deh, deps.hosts);
    hostServerRoutes(deh, deps.hosts, deps.compute);
  }, { prefix: '/v1.0/:project_id' });

  await computeRoutes(app, deps.compute, idem, deps.publicUrl);
  imageRoutes(app, deps.compute.details, deps.publicUrl);
  permissionRoutes(app, permissions);
  operatorRoutes(app, { health: deps.health, hostHealth: deps.hostHealth, hosts: deps.hosts, metrics, traces: deps.traces });
  operatorPoolRoutes(app, deps.pool, deps.recovery);
  ctsRoutes(app, deps.traces);
  await consoleRoutes(app);
  openApiRoutes(app, deps.publicUrl);
  return app;
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) return false;
    return type === '*/*' || type === 'application/*' || type === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(type);
  });
}

