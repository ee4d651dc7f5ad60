import type { FastifyInstance } from 'fastify';
import type { Permissions } from '../../services/permissions.js';
import { allActions, operatorActions } from '../route-policy.js';
import { PermissionsResponse } from '../schemas/service-responses.js';

// GET /opendeh/v1/permissions — what the caller's token may do: every action of the route
// table with true/false, decided as the access-control hook decides it (operator actions also
// need the admin role). The console hides or disables what is false; the API still decides.

export function permissionRoutes(app: FastifyInstance, permissions: Permissions): void {
  const actions = allActions();
  const operator = operatorActions();
  app.get('/opendeh/v1/permissions', { schema: { summary: 'What the caller\'s token may do', answers: { 200: PermissionsResponse } } }, async (req) => {
    const ctx = req.auth!;
    const listing = permissions.listing(ctx, actions);
    for (const a of operator) if (!ctx.isAdmin) listing[a] = false;
    return { permissions: listing };
  });
}
