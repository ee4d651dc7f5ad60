import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth.js';
import { ServerActionBody, ServerParams } from '../schemas/compute.js';
import type { ComputeDeps } from './compute.js';
import { refId } from './compute-servers.js';

// POST /compute/v2.1/{project_id}/servers/{id}/action — one action per body:
// os-start, os-stop, reboot, resize, revertResize, migrate → 202; confirmResize → 204 (as
// Nova); 409 when the server's state does not allow it; 404 unknown server.

export function computeServerActionRoutes(app: FastifyInstance, deps: ComputeDeps): void {
  app.post<{ Params: ServerParams; Body: ServerActionBody }>('/servers/:server_id/action',
    { schema: { params: ServerParams, body: ServerActionBody, summary: 'Server action (os-start, os-stop, reboot, resize, confirmResize, revertResize, migrate)', answers: { 202: null, 204: null } } }, async (req, reply) => {
      const caller = callerOf(req);
      const id = req.params.server_id;
      const b = req.body;
      const a = deps.actions;
      if ('os-start' in b) await a.start(caller, id);
      else if ('os-stop' in b) await a.stop(caller, id);
      else if (b.reboot) await a.reboot(caller, id, b.reboot.type);
      else if (b.resize) await a.resize(caller, id, refId(b.resize.flavorRef));
      else if ('confirmResize' in b) {
        await a.confirmResize(caller, id);
        return reply.code(204).send();
      } else if ('revertResize' in b) await a.revertResize(caller, id);
      else if ('migrate' in b) await a.migrate(caller, id, b.migrate?.dedicated_host_id ?? b.migrate?.host ?? null);
      return reply.code(202).send();
    });
}
