import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ComputeQuotas } from '../../services/compute-quotas.js';
import type { EcsJobs } from '../../services/ecs-jobs.js';
import type { ServerActions } from '../../services/server-actions.js';
import type { ServerDetails } from '../../services/server-details.js';
import type { ServersService } from '../../services/servers.js';
import { MAX_VERSION, MIN_VERSION, microversionHook } from '../microversion.js';
import { computeExtraRoutes } from './compute-extras.js';
import { computeFlavorRoutes } from './compute-flavors.js';
import { computeQuotaRoutes } from './compute-quotas.js';
import { computeServerActionRoutes } from './compute-server-actions.js';
import { computeServerRoutes } from './compute-servers.js';
import { ecsV1Routes } from './compute-ecs-v1.js';
import type { Idempotency } from './idempotency.js';
import { NovaVersionResponse, NovaVersionsResponse } from '../schemas/service-responses.js';

// Compute APIs under /compute (CONTRACT §1.6): Nova v2.1 subset at /compute/v2.1/{project_id}
// (catalog type `compute`), OTC ECS v1 at /compute/v1/{project_id} (catalog type `ecs`), and
// Nova's unauthenticated version documents at /compute and /compute/v2.1.

export interface ComputeDeps {
  readonly servers: ServersService;
  readonly actions: ServerActions;
  readonly details: ServerDetails;
  readonly quotas: ComputeQuotas;
  readonly jobs: EcsJobs;
  readonly availabilityZones: readonly string[];
}

const V21 = {
  id: 'v2.1', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: '2013-07-23T11:33:21Z',
};

export async function computeRoutes(app: FastifyInstance, deps: ComputeDeps, idem: Idempotency, publicUrl = ''): Promise<void> {
  const root = (req: FastifyRequest) => `${publicUrl || `${req.protocol}://${req.host}`}/compute`;
  app.get('/compute', { schema: { summary: 'Nova versions', answers: { 200: NovaVersionsResponse } } }, async (req) => ({ versions: [{ ...V21, links: [{ rel: 'self', href: `${root(req)}/v2.1/` }] }] }));
  app.get('/compute/v2.1', { schema: { summary: 'Nova v2.1', answers: { 200: NovaVersionResponse } }, onRequest: microversionHook }, async (req) => ({
    version: {
      ...V21,
      links: [{ rel: 'self', href: `${root(req)}/v2.1/` }, { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    },
  }));

  await app.register(async (nova) => {
    nova.addHook('onRequest', microversionHook);
    const base = (req: FastifyRequest) => `${root(req)}/v2.1/${(req.params as { project_id: string }).project_id}`;
    computeServerRoutes(nova, deps, idem, base);
    computeServerActionRoutes(nova, deps);
    computeFlavorRoutes(nova, base);
    computeQuotaRoutes(nova, deps);
    computeExtraRoutes(nova, deps);
  }, { prefix: '/compute/v2.1/:project_id' });

  await app.register(async (ecs) => {
    ecsV1Routes(ecs, deps, idem, (req: FastifyRequest) => `${root(req)}/v1/${(req.params as { project_id: string }).project_id}`);
  }, { prefix: '/compute/v1/:project_id' });
}
