import type { FastifyInstance, FastifySchema } from 'fastify';
import type { TSchema } from 'typebox';
import { policyOf, type RoutePolicy } from '../route-policy.js';

// Every route the app registers, as fastify's onRoute hook sees it: method, URL pattern, the
// schemas it validates with, and its row of the route table. The OpenAPI document is built
// from this list, so a route added anywhere (any plugin, any prefix) is in the document
// without editing a list here; a route that declares too little fails test/api/openapi.test.ts.

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

export class RouteCatalog {
  private readonly all: (CatalogRoute & { handler: unknown })[] = [];

  /** Call before any route is registered. */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) {
        // fastify adds a HEAD twin to every GET (same handler); HTTP implies it, the document
        // shows the GET. A HEAD route registered on its own is documented as such.
        if (method === 'HEAD' && this.all.some((x) => x.method === 'GET' && x.url === r.url && x.handler === r.handler)) continue;
        this.all.push({ method, url: r.url, schema: r.schema ?? {}, policy: policyOf(method, r.url), handler: r.handler });
      }
    });
  }

  get routes(): readonly CatalogRoute[] {
    return this.all;
  }
}
