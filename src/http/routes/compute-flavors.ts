import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, ErrorCodes, NotFound } from '../../domain/errors.js';
import { FLAVORS } from '../../domain/flavors.js';
import { intParam, one, type RawQuery } from '../query.js';
import { flavorSummary, flavorView } from '../views/flavor-view.js';
import { Type } from 'typebox';
import { ProjectParams } from '../schemas/compute.js';
import { ExtraSpecsResponse, FlavorDetailListResponse, FlavorListResponse, FlavorResponse } from '../schemas/compute-responses.js';
import { FlavorListQuery } from '../schemas/queries.js';

const FlavorParams = Type.Object({ project_id: Type.String(), flavor_id: Type.String() });

// /compute/v2.1/{project_id}/flavors[/detail|/{id}] — every ECS flavor of the host type
// catalog plus the shared-pool-only ones (domain/flavors.ts), id = name. 200; 404 unknown.
// The catalog is static data, so these handlers read it directly: there is no use case.

export function computeFlavorRoutes(app: FastifyInstance, base: (req: FastifyRequest) => string): void {
  for (const detail of [false, true]) {
    app.get(detail ? '/flavors/detail' : '/flavors', {
      schema: {
        params: ProjectParams, querystring: FlavorListQuery,
        summary: detail ? 'List flavors with details' : 'List flavors', answers: { 200: detail ? FlavorDetailListResponse : FlavorListResponse },
      },
    }, async (req) => {
      const q = req.query as RawQuery;
      const minRam = intParam(q, 'minRam', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const minDisk = intParam(q, 'minDisk', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const limit = intParam(q, 'limit', 0, 1000);
      const marker = one(q, 'marker');
      let all = [...FLAVORS.values()];
      if (marker !== undefined) {
        const i = all.findIndex((f) => f.name === marker);
        if (i < 0) throw new BadRequest(`marker [${marker}] not found`, ErrorCodes.InvalidMarker);
        all = all.slice(i + 1);
      }
      const page = all.filter((f) => f.ramMb >= minRam && f.diskGb >= minDisk).slice(0, limit ?? undefined);
      const b = base(req);
      return { flavors: page.map((f) => (detail ? flavorView(f, b) : flavorSummary(f, b))) };
    });
  }

  app.get<{ Params: { project_id: string; flavor_id: string } }>('/flavors/:flavor_id', { schema: { params: FlavorParams, summary: 'Show a flavor', answers: { 200: FlavorResponse } } }, async (req) => {
    return { flavor: flavorView(mustFind(req.params.flavor_id), base(req)) };
  });

  app.get<{ Params: { project_id: string; flavor_id: string } }>('/flavors/:flavor_id/os-extra_specs', { schema: { params: FlavorParams, summary: 'Extra specs of a flavor (none)', answers: { 200: ExtraSpecsResponse } } }, async (req) => {
    mustFind(req.params.flavor_id);
    return { extra_specs: {} };
  });
}

function mustFind(id: string) {
  const f = FLAVORS.get(id);
  if (!f) throw new NotFound(`Flavor ${id} could not be found.`);
  return f;
}
