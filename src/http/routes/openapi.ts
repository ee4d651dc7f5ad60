import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { buildOpenApi } from '../openapi/document.js';
import { catalogOf } from '../openapi/route-catalog.js';
import { registeredRoutes } from '../route-list.js';
import { OpenApiDocument } from '../schemas/service-responses.js';

// GET /openapi.json — the OpenAPI 3.1 document of every route this app registered (public,
// like the version documents). Built once, on first use: by then every plugin has registered
// its routes. The rendered reference is the console page /console/api.html.

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of this app's routes (what GET /openapi.json answers). */
    openApiDocument(): Record<string, unknown>;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Registers GET /openapi.json on the root app, which must have been built with recordRoutes. */
export function openApiRoutes(app: FastifyInstance, publicUrl: string): void {
  let doc: Record<string, unknown> | undefined;
  let text: string | undefined;
  const document = () => (doc ??= buildOpenApi(catalogOf(registeredRoutes(app)), { title: 'OpenDeH API', version: packageVersion(), ...(publicUrl && { serverUrl: publicUrl }) }));
  app.decorate('openApiDocument', document);
  app.get('/openapi.json', {
    schema: { summary: 'This OpenAPI 3.1 document', answers: { 200: OpenApiDocument } },
  }, async (_req, reply) => {
    text ??= JSON.stringify(document());
    return reply.type('application/json; charset=utf-8').header('Cache-Control', 'no-cache').send(text);
  });
}
