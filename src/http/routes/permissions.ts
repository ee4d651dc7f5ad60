import type { FastifyInstance } from 'fastify';
import type { Permissions } from '../../services/permissions.js';
import { allActions } from '../route-policy.js';

// GET /opendeh/v1/permissions — what the caller's token may do: every action of the route
// table with true/false. The console hides or disables what is false; the API still decides.

export function permissionRoutes(app: FastifyInstance, permissions: Permissions): void {
  const actions = allActions();
  app.get('/opendeh/v1/permissions', async (req) => ({ permissions: permissions.listing(req.auth!, actions) }));
}
