import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden, NotFound } from '../../domain/errors.js';
import { UUID_RE } from '../../domain/ids.js';
import type { IdentityService } from '../../services/identity.js';
import type { ServerDetails } from '../../services/server-details.js';
import { authenticate, callerOf } from '../auth.js';
import { one, type RawQuery } from '../query.js';

// A read-only Glance v2 subset at /image (catalog type `image`). This service keeps no
// images: an image is any UUID a client names, and `imageRef` is stored as given. The
// endpoint exists because openstackclient resolves `server create --image <id>` through the
// image service before it calls Nova (openstackclient/compute/v2/server.py take_action); it
// answers that lookup truthfully — the UUID names an image, with its id as its name — and
// lists the images the project's servers use. Names that are not UUIDs are 404.

const EPOCH = '1970-01-01T00:00:00Z';

function imageView(id: string) {
  return {
    id, name: id, status: 'active', visibility: 'public', protected: false, os_hidden: false,
    container_format: 'bare', disk_format: 'raw', min_disk: 0, min_ram: 0, size: null, virtual_size: null, checksum: null,
    tags: [] as string[], created_at: EPOCH, updated_at: EPOCH,
    self: `/v2/images/${id}`, file: `/v2/images/${id}/file`, schema: '/v2/schemas/image',
  };
}

export function imageRoutes(app: FastifyInstance, identity: IdentityService, details: ServerDetails, publicUrl: string): void {
  const root = (req: FastifyRequest) => `${publicUrl || `${req.protocol}://${req.host}`}/image`;
  const versions = (req: FastifyRequest) => ({ versions: [{ id: 'v2.9', status: 'CURRENT', links: [{ rel: 'self', href: `${root(req)}/v2/` }] }] });
  // Glance answers its version list with 300 Multiple Choices.
  app.get('/image', async (req, reply) => reply.code(300).send(versions(req)));
  app.get('/image/v2', async (req) => versions(req));

  app.register(async (glance) => {
    glance.addHook('preHandler', authenticate(identity));
    glance.addHook('preHandler', async (req) => {
      if (!req.auth!.project) throw new Forbidden('a project-scoped token is required');
    });
    glance.get('/images', async (req) => {
      const q = req.query as RawQuery;
      const name = one(q, 'name') ?? one(q, 'id');
      const ids = (await details.images(callerOf(req))).filter((i) => name === undefined || i === name);
      return { images: ids.map(imageView), schema: '/v2/schemas/images', first: '/v2/images' };
    });
    glance.get<{ Params: { image_id: string } }>('/images/:image_id', async (req) => {
      if (!UUID_RE.test(req.params.image_id)) throw new NotFound(`No image found with ID ${req.params.image_id}`);
      return imageView(req.params.image_id);
    });
  }, { prefix: '/image/v2' });
}
