import type { FastifySchema } from 'fastify';
import type { Family, RoutePolicy } from '../route-policy.js';
import { DehError, KeystoneError, NovaError } from '../schemas/error-responses.js';
import type { CatalogRoute } from './route-catalog.js';

// The OpenAPI 3.1 document of the routes in a RouteCatalog. Pure: the same routes give the
// same document. OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what TypeBox emits, so
// the schemas fastify validates with go into the document as they are.

export interface DocumentInfo {
  readonly title: string;
  readonly version: string;
  readonly serverUrl?: string;
}

type Json = Record<string, unknown>;

const ERROR_SCHEMA: Record<Family, string> = { deh: 'DehError', identity: 'KeystoneError', compute: 'NovaError' };
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A TypeBox schema as plain JSON (its non-enumerable `~kind` markers dropped). */
const plain = (s: unknown): Json => JSON.parse(JSON.stringify(s)) as Json;

/** `/v1.0/:project_id/x` → `/v1.0/{project_id}/x`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
}

/** The names of the path parameters of a fastify URL, in order. */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

function tagOf(url: string): string {
  if (/^\/(identity\/)?v3\.0\/OS-ROLE/.test(url)) return 'IAM custom policies';
  if (/^\/(identity\/)?v3\/(groups|users\/:uid\/groups|projects\/:sid|domains\/:sid|OS-INHERIT|role_assignments)/.test(url)) return 'IAM groups and grants';
  if (/^\/(identity|v3)(\/|$)/.test(url)) return 'Identity (Keystone v3)';
  if (url.startsWith('/compute/v1')) return 'ECS v1';
  if (url.startsWith('/compute')) return 'Compute (Nova v2.1)';
  if (url.startsWith('/image')) return 'Images (Glance v2)';
  if (url.startsWith('/opendeh/v1')) return 'Operator and permissions';
  if (url.startsWith('/opendeh') || url === '/metrics' || url === '/openapi.json') return 'Service';
  if (url.startsWith('/console')) return 'Console';
  return 'Dedicated Hosts (DeH v1.0)';
}

function operationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/** The IAM action(s) the route checks, for the reader (`x-opendeh-action`). */
function actionsOf(p: RoutePolicy | undefined): string[] | undefined {
  if (!p || p.action === null) return undefined;
  if (typeof p.action === 'string') return [p.action];
  return p.action.variants.length > 0 ? [...p.action.variants] : undefined;
}

function parameters(url: string, schema: FastifySchema): Json[] {
  const out: Json[] = [];
  const params = schema.params as Json | undefined;
  const props = (params?.properties ?? {}) as Record<string, unknown>;
  for (const name of pathParams(url)) {
    out.push({ name, in: 'path', required: true, schema: props[name] ? plain(props[name]) : { type: 'string' } });
  }
  for (const [where, part] of [['query', schema.querystring], ['header', schema.headers]] as const) {
    const s = part as Json | undefined;
    if (!s) continue;
    const required = new Set((s.required ?? []) as string[]);
    for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, Json>)) {
      const p = plain(sub);
      const description = p.description;
      delete p.description;
      out.push({ name, in: where, required: required.has(name), ...(description !== undefined && { description }), schema: p });
    }
  }
  return out;
}

/** Error statuses every route of its kind can answer, besides `default` (405, 406, 413, 429, 503 …). */
function errorStatuses(method: string, url: string, schema: FastifySchema, p: RoutePolicy | undefined): number[] {
  const out: number[] = [];
  if (schema.body || schema.querystring || schema.headers || BODY_METHODS.has(method)) out.push(400);
  if (p && p.action !== null) out.push(401, 403);
  if (pathParams(url).length > 0) out.push(404);
  if (method !== 'GET' && method !== 'HEAD' && p && p.action !== null) out.push(409);
  return out;
}

/**
 * What a route leaves undeclared: its answers, or a path parameter its params schema does not
 * name. Such a route is still in the document (it exists), marked `x-opendeh-undocumented`;
 * test/api/openapi.test.ts fails on any.
 */
export function undocumented(r: CatalogRoute): string[] {
  const out: string[] = [];
  if (r.schema.answers === undefined) out.push('answers');
  const props = ((r.schema.params as Json | undefined)?.properties ?? {}) as Record<string, unknown>;
  for (const p of pathParams(r.url)) if (!(p in props)) out.push(`params.${p}`);
  return out;
}

function operation(r: CatalogRoute): Json {
  const s = r.schema;
  const family: Family = r.policy?.family ?? 'deh';
  const errorRef = { $ref: `#/components/schemas/${ERROR_SCHEMA[family]}` };
  const responses: Json = {};
  const produces = s.produces ?? 'application/json';
  for (const [status, body] of Object.entries(s.answers ?? {})) {
    responses[status] = body === null
      ? { description: `${status}, no body` }
      : { description: `${status}`, content: { [produces]: { schema: plain(body) } } };
  }
  const error = () => ({ description: `error (${family} shape)`, content: { 'application/json': { schema: errorRef } } });
  for (const status of errorStatuses(r.method, r.url, s, r.policy)) responses[String(status)] ??= error();
  responses.default = error();
  const actions = actionsOf(r.policy);
  const missing = undocumented(r);
  return {
    operationId: operationId(r.method, r.url),
    tags: [tagOf(r.url)],
    ...(s.summary && { summary: s.summary }),
    security: r.policy && r.policy.action !== null ? [{ keystoneToken: [] }] : [],
    ...(actions && { 'x-opendeh-action': actions }),
    ...(r.policy?.operator && { 'x-opendeh-operator': true }),
    'x-opendeh-error-family': family,
    ...(missing.length > 0 && { 'x-opendeh-undocumented': missing }),
    parameters: parameters(r.url, s),
    ...(s.body !== undefined && { requestBody: { required: true, content: { 'application/json': { schema: plain(s.body) } } } }),
    responses,
  };
}

export function buildOpenApi(routes: readonly CatalogRoute[], info: DocumentInfo): Json {
  const paths: Record<string, Json> = {};
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  for (const r of sorted) {
    const item = (paths[openApiPath(r.url)] ??= {});
    item[r.method.toLowerCase()] = operation(r);
  }
  const tags = [...new Set(sorted.map((r) => tagOf(r.url)))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: 'Generated at start-up from the schemas the routes validate with (docs/openapi.md). '
        + 'Authenticate at POST /identity/v3/auth/tokens and send the X-Subject-Token you get back as X-Auth-Token.',
    },
    ...(info.serverUrl && { servers: [{ url: info.serverUrl }] }),
    tags,
    paths,
    components: {
      securitySchemes: {
        keystoneToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'A Keystone token (POST /identity/v3/auth/tokens answers it in X-Subject-Token).' },
      },
      schemas: { DehError: plain(DehError), KeystoneError: plain(KeystoneError), NovaError: plain(NovaError) },
    },
  };
}
