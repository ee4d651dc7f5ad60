import type { FastifyInstance } from 'fastify';
import { BadRequest, ErrorCodes, NotFound } from '../../domain/errors.js';
import { callerOf } from '../auth.js';
import { MetadataBody, MetadataItemBody, ProjectParams, ServerParams } from '../schemas/compute.js';
import {
  InterfacesResponse, MetadataResponse, MetaItemResponse, NetworkResponse, NetworksResponse, ServerPasswordResponse,
} from '../schemas/compute-responses.js';
import { Type } from 'typebox';
import type { ComputeDeps } from './compute.js';

// The side endpoints Nova clients call around a server (CONTRACT §5.4): metadata (200/204),
// networks for openstackclient's --network (os-networks) and Terraform's network{uuid}
// (os-tenant-networks), interface attachments, the (empty) server password, and 404 for the
// image lookups, since this service keeps no images (image ids are accepted as given).

type K = { Params: ServerParams & { key: string } };
type N = { Params: { project_id: string; network_id: string } };
const CIDR = '192.168.0.0/16';
const KeyParams = Type.Object({ project_id: Type.String(), server_id: Type.String(), key: Type.String() });
const NetworkParams = Type.Object({ project_id: Type.String(), network_id: Type.String() });
const ImageParams = Type.Object({ project_id: Type.String(), image_id: Type.String() });

export function computeExtraRoutes(app: FastifyInstance, deps: ComputeDeps): void {
  app.get<{ Params: ServerParams }>('/servers/:server_id/metadata', { schema: { params: ServerParams, summary: 'Metadata of a server', answers: { 200: MetadataResponse } } }, async (req) => ({ metadata: await deps.details.metadata(callerOf(req), req.params.server_id) }));
  for (const method of ['put', 'post'] as const) {
    app[method]<{ Params: ServerParams; Body: MetadataBody }>('/servers/:server_id/metadata', { schema: { params: ServerParams, body: MetadataBody, summary: method === 'put' ? 'Replace the metadata' : 'Merge into the metadata', answers: { 200: MetadataResponse } } }, async (req) => ({
      metadata: await deps.details.setMetadata(callerOf(req), req.params.server_id, req.body.metadata, method === 'put'),
    }));
  }
  app.get<K>('/servers/:server_id/metadata/:key', { schema: { params: KeyParams, summary: 'One metadata item', answers: { 200: MetaItemResponse } } }, async (req) => {
    const md = await deps.details.metadata(callerOf(req), req.params.server_id);
    if (!Object.hasOwn(md, req.params.key)) throw new NotFound(`Metadata item was not found: ${req.params.key}`);
    return { meta: { [req.params.key]: md[req.params.key] } };
  });
  app.put<K & { Body: MetadataItemBody }>('/servers/:server_id/metadata/:key', { schema: { params: KeyParams, body: MetadataItemBody, summary: 'Set one metadata item', answers: { 200: MetaItemResponse } } }, async (req) => {
    const value = Object.hasOwn(req.body.meta, req.params.key) ? req.body.meta[req.params.key] : undefined;
    if (value === undefined) throw new BadRequest('Request body and URI mismatch', ErrorCodes.InvalidParameter);
    await deps.details.setMetadata(callerOf(req), req.params.server_id, { [req.params.key]: value }, false);
    return { meta: { [req.params.key]: value } };
  });
  app.delete<K>('/servers/:server_id/metadata/:key', { schema: { params: KeyParams, summary: 'Delete one metadata item', answers: { 204: null } } }, async (req, reply) => {
    await deps.details.deleteMetadataItem(callerOf(req), req.params.server_id, req.params.key);
    return reply.code(204).send();
  });

  for (const path of ['/os-networks', '/os-tenant-networks']) {
    app.get(path, { schema: { params: ProjectParams, summary: 'Networks of the project', answers: { 200: NetworksResponse } } }, async (req) => ({ networks: (await deps.details.networks(callerOf(req))).map((n) => ({ ...n, cidr: CIDR })) }));
    app.get<N>(`${path}/:network_id`, { schema: { params: NetworkParams, summary: 'One network (any id names one)', answers: { 200: NetworkResponse } } }, async (req) => ({ network: { ...deps.details.network(callerOf(req), req.params.network_id), cidr: CIDR } }));
  }

  app.get<{ Params: ServerParams }>('/servers/:server_id/os-interface', { schema: { params: ServerParams, summary: 'Interfaces of a server', answers: { 200: InterfacesResponse } } }, async (req) => {
    const s = await deps.servers.get(callerOf(req), req.params.server_id);
    return {
      interfaceAttachments: s.networks.map((n) => ({
        port_state: 'ACTIVE', port_id: n.portId, net_id: n.networkId ?? '', mac_addr: n.mac,
        fixed_ips: [{ subnet_id: n.networkId ?? '', ip_address: n.addr }],
      })),
    };
  });

  // No password is ever generated inside a guest here, so it is always the empty string.
  app.get<{ Params: ServerParams }>('/servers/:server_id/os-server-password', { schema: { params: ServerParams, summary: 'The server password (always "")', answers: { 200: ServerPasswordResponse } } }, async (req) => {
    await deps.servers.get(callerOf(req), req.params.server_id);
    return { password: '' };
  });
  app.delete<{ Params: ServerParams }>('/servers/:server_id/os-server-password', { schema: { params: ServerParams, summary: 'Clear the server password', answers: { 204: null } } }, async (req, reply) => {
    await deps.servers.get(callerOf(req), req.params.server_id);
    return reply.code(204).send();
  });

  const noImages = async () => { throw new NotFound('This service keeps no image catalogue; image ids are accepted as given.'); };
  app.get('/cloudimages', { schema: { params: ProjectParams, summary: 'Always 404: no image catalogue here (see /image/v2)', answers: {} } }, noImages);
  app.get('/images/:image_id', { schema: { params: ImageParams, summary: 'Always 404: no image catalogue here (see /image/v2)', answers: {} } }, noImages);
}
