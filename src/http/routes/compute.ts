import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../../services/identity.js';
import type { ServersService } from '../../services/servers.js';
import type { Idempotency } from './idempotency.js';

// Compute APIs: Nova v2.1 subset at /compute/v2.1/{project_id}, OTC ECS v1 at /compute/v1/{project_id}.

export interface ComputeDeps {
  readonly servers: ServersService;
}

export async function computeRoutes(_app: FastifyInstance, _deps: ComputeDeps, _identity: IdentityService, _idem: Idempotency): Promise<void> {
  // Registered by the compute API (issue 4).
}
