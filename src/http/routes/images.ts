import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, ErrorCodes, Forbidden, NotFound } from '../../domain/errors.js';
import { IMAGE_CATALOG, catalogImageById } from '../../domain/image-catalog.js';
import { UUID_RE } from '../../domain/ids.js';
import type { ServerDetails } from '../../services/server-details.js';
import { callerOf } from '../auth.js';
import { intParam, one, type RawQuery } from '../query.js';
import { catalogImageView, namedImageView, type ImageView } from '../views/image-view.js';
import { Type } from 'typebox';
import { ImageListResponse, ImageWire } from '../schemas/image-responses.js';
import { ImageListQuery } from '../schemas/queries.js';
import { GlanceVersionsResponse } from '../schemas/service-responses.js';

const ImageParams = Type.Object({ image_id: Type.String() });

// A read-only Glance v2 subset at /image (catalog type `image`). It serves the public image
// catalog (domain/image-catalog.ts: OTC's image names, found by name or id) and, beside it,
// any other UUID a client names: `imageRef` is stored as given, such an id names an image
// whose name is its id, and the list adds the ones the project's servers use. The endpoint
// exists because openstackclient resolves `server create --image <name or id>` here before
// it calls Nova (GET /v2/images/<value>, then GET /v2/images?name=<value>).

/** Query keys with a meaning of their own; any other key filters on the property of that name, as Glance does. */
const RESERVED = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status', 'visibility', 'tag']);

export function imageRoutes(app: FastifyInstance, details: ServerDetails, publicUrl: string): void {
  const root = (req: FastifyRequest) => `${publicUrl || `${req.protocol}://${req.host}`}/image`;
  const versions = (req: FastifyRequest) => ({ versions: [{ id: 'v2.9', status: 'CURRENT', links: [{ rel: 'self', href: `${root(req)}/v2/` }] }] });
  // Glance answers its version list with 300 Multiple Choices.
  app.get('/image', { schema: { summary: 'Glance versions', answers: { 300: GlanceVersionsResponse } } }, async (req, reply) => reply.code(300).send(versions(req)));
  app.get('/image/v2', { schema: { summary: 'Glance v2', answers: { 200: GlanceVersionsResponse } } }, async (req) => versions(req));

  app.register(async (glance) => {
    glance.addHook('preValidation', async (req) => {
      if (!req.auth!.project) throw new Forbidden('a project-scoped token is required');
    });
    glance.get('/images', { schema: { querystring: ImageListQuery, summary: 'List images (the public catalog and the ids servers use)', answers: { 200: ImageListResponse } } }, async (req) => {
      const q = req.query as RawQuery;
      const limit = intParam(q, 'limit', 1, 1000);
      const marker = one(q, 'marker');
      const visibility = one(q, 'visibility');
      const filters: [string, string][] = [];
      for (const key of Object.keys(q)) if (!RESERVED.has(key)) filters.push([key, one(q, key) ?? '']);
      const used = (await details.images(callerOf(req))).filter((id) => !catalogImageById(id));
      const all: ImageView[] = [...IMAGE_CATALOG.map(catalogImageView), ...used.map(namedImageView)];
      // Every image here is public: asking for private, shared or community ones finds none.
      const matching = all.filter((i) => (visibility === undefined || visibility === 'all' || visibility === 'public')
        && filters.every(([k, v]) => String(i[k] ?? '') === v && i[k] !== undefined));
      let start = 0;
      if (marker !== undefined) {
        start = matching.findIndex((i) => i.id === marker) + 1;
        if (start === 0) throw new BadRequest(`marker ${marker} could not be found`, ErrorCodes.InvalidMarker);
      }
      const page = matching.slice(start, limit === undefined ? undefined : start + limit);
      const more = start + page.length < matching.length;
      const next = more ? { next: `/v2/images?${new URLSearchParams({ ...Object.fromEntries(filters), limit: String(limit), marker: page[page.length - 1].id })}` } : {};
      return { images: page, schema: '/v2/schemas/images', first: '/v2/images', ...next };
    });
    glance.get<{ Params: { image_id: string } }>('/images/:image_id', { schema: { params: ImageParams, summary: 'Show an image', answers: { 200: ImageWire } } }, async (req) => {
      const id = req.params.image_id;
      const known = catalogImageById(id);
      if (known) return catalogImageView(known);
      // Glance looks images up by id only; a name is found through the list (?name=).
      if (!UUID_RE.test(id)) throw new NotFound(`No image found with ID ${id}`);
      return namedImageView(id);
    });
  }, { prefix: '/image/v2' });
}
