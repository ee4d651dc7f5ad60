import { writesOf } from './write-context.js';
import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthorized } from '../domain/errors.js';
import type { AuthContext } from '../services/identity.js';
import type { TokenValidator } from '../services/token-validator.js';
import type { Caller } from '../services/hosts.js';

// X-Auth-Token → AuthContext, and the project check every project-scoped API does:
// the token's project must be the `{project_id}` of the path (403 otherwise).

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

export function tokenOf(req: FastifyRequest): string | undefined {
  const t = req.headers['x-auth-token'];
  return Array.isArray(t) ? t[0] : t;
}

/** X-Auth-Token → req.auth through the validator in use (embedded identity or external Keystone). */
export function authenticate(tokens: TokenValidator) {
  return async (req: FastifyRequest): Promise<void> => {
    const token = tokenOf(req);
    if (!token) throw new Unauthorized('The request you have made requires authentication (X-Auth-Token).');
    req.auth = await tokens.validate(token);
  };
}

/** For routes under /{project_id}/: the token must be scoped to exactly that project. */
export async function requireProject(req: FastifyRequest): Promise<void> {
  const ctx = req.auth;
  const pid = (req.params as { project_id?: string }).project_id;
  if (!ctx) throw new Unauthorized();
  if (!ctx.project) throw new Forbidden('a project-scoped token is required');
  if (pid !== ctx.project.id) throw new Forbidden(`the token is scoped to project ${ctx.project.id}, not ${pid}`);
}

export function callerOf(req: FastifyRequest): Caller {
  const ctx = req.auth!;
  return { projectId: ctx.project!.id, userId: ctx.user.id, isAdmin: ctx.isAdmin, writes: writesOf(req) };
}
