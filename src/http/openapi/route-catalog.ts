import type { FastifySchema } from 'fastify';
import type { TSchema } from 'typebox';
import type { RegisteredRoute } from '../route-list.js';
import { policyOf, type RoutePolicy } from '../route-policy.js';

// The routes the OpenAPI document describes: every route the app registered (route-list.ts,
// fastify's onRoute hook), with its row of the route table. Nothing here lists routes, so a
// route added anywhere (any plugin, any prefix) is in the document without an edit; a route
// that declares too little is marked and fails test/api/openapi.test.ts.

/**
 * What a route documents about its answers, beside the schemas fastify validates with.
 *
 * `answers` are NOT fastify's `response` schemas on purpose: fastify compiles `response` into
 * fast-json-stringify serializers, which silently drop every field the schema does not name
 * and coerce mistyped values. The wire shapes here are copies of OTC/OpenStack answers that
 * real clients read field by field (and some routes send pre-serialized JSON the serializer
 * never sees), so an incomplete schema must never change an answer. Instead the test suite
 * checks every answer it provokes against these schemas (test/support/answer-check.ts):
 * a drift fails a test rather than being hidden by the serializer.
 */
export interface AnswerDocs {
  /** Success answers by status: the body schema, or null for an answer without a body. */
  answers?: Record<number, TSchema | null>;
  /** Media type of the success answers (default application/json). */
  produces?: string;
  /** One line for the reference. */
  summary?: string;
}

declare module 'fastify' {
  interface FastifySchema extends AnswerDocs {}
}

export interface CatalogRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema;
  readonly policy: RoutePolicy | undefined;
}

/**
 * The documented operations of the registered routes. fastify adds a HEAD twin to every GET
 * (same handler); HTTP implies it and the document shows the GET. A HEAD route registered on
 * its own (Keystone's membership check) is documented as such.
 */
export function catalogOf(routes: readonly RegisteredRoute[]): CatalogRoute[] {
  const twin = (r: RegisteredRoute) => r.method === 'HEAD' && routes.some((g) => g.method === 'GET' && g.url === r.url && g.handler === r.handler);
  return routes.filter((r) => !twin(r)).map((r) => ({ method: r.method, url: r.url, schema: r.schema, policy: policyOf(r.method, r.url) }));
}
