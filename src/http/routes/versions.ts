import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DehVersionResponse, DehVersionsResponse, KeystoneVersionResponse, KeystoneVersionsResponse,
} from '../schemas/service-responses.js';

// Version documents. DeH at `/` and `/v1.0` (REF api_version_query), unauthenticated, with an
// absolute `self` href of this server. Keystone's at `/identity` (list) and `/identity/v3`
// (one); its `self` href is where keystoneauth POSTs the token, so it must point back here.

const DEH_VERSION = { id: 'v1.0', min_version: '', status: 'SUPPORTED', updated: '2016-12-01T11:33:21Z', version: '' };
const KEYSTONE_VERSION = {
  id: 'v3.6', status: 'stable', updated: '2016-04-04T00:00:00Z',
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
};

export function versionRoutes(app: FastifyInstance, publicUrl: string): void {
  const base = (req: FastifyRequest) => publicUrl || `${req.protocol}://${req.host}`;
  const dehDoc = (req: FastifyRequest) => ({ ...DEH_VERSION, links: [{ href: `${base(req)}/v1.0/`, rel: 'self' }] });
  app.get('/', { schema: { summary: 'DeH API versions', answers: { 200: DehVersionsResponse } } }, async (req) => ({ versions: [dehDoc(req)] }));
  for (const p of ['/v1.0']) app.get(p, { schema: { summary: 'DeH API v1.0', answers: { 200: DehVersionResponse } } }, async (req) => ({ version: dehDoc(req) }));

  const ksDoc = (req: FastifyRequest) => ({ ...KEYSTONE_VERSION, links: [{ rel: 'self', href: `${base(req)}/identity/v3/` }] });
  for (const p of ['/identity']) {
    app.get(p, { schema: { summary: 'Keystone versions', answers: { 300: KeystoneVersionsResponse } } }, async (req, reply) => reply.code(300).send({ versions: { values: [ksDoc(req)] } }));
  }
  for (const p of ['/identity/v3', '/v3']) app.get(p, { schema: { summary: 'Keystone v3', answers: { 200: KeystoneVersionResponse } } }, async (req) => ({ version: ksDoc(req) }));
}
