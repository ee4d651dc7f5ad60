import type { FastifyInstance, FastifySchema } from 'fastify';

// Every route an app registered, as fastify's onRoute hook saw it: method, URL pattern and the
// schemas it validates with. The OpenAPI document (http/openapi/) and the tests enumerate the
// whole API surface from here (the fuzz suite in test/fuzz/ generates its requests from these
// schemas), so a route added in any plugin under any prefix is covered without editing a list.

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema;
  /** The handler: tells fastify's HEAD twin of a GET (same handler) from a HEAD route of its own. */
  readonly handler: unknown;
}

const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Call on the root instance before any route is registered; child plugins inherit the hook. */
export function recordRoutes(app: FastifyInstance): void {
  const list: RegisteredRoute[] = [];
  ROUTES.set(app, list);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) list.push({ method, url: r.url, schema: r.schema ?? {}, handler: r.handler });
  });
}

/** The routes of an app built with recordRoutes, in registration order (fastify's HEAD twins of GETs included). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}
