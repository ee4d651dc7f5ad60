import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../../domain/errors.js';
import type { AuthContext, IdentityService } from '../../services/identity.js';
import { authenticate } from '../auth.js';

// What the Keystone/IAM route files share: the guard of the IAM admin calls and the domain
// a caller acts in.

/** Roles that carry every `iam:*` action (CONTRACT §9.4: secu_admin, Keystone admin, the owner). */
const IAM_ROLES = new Set(['admin', 'secu_admin']);

export function mayAdministerIam(ctx: AuthContext): boolean {
  return ctx.isOwner || ctx.roles.some((r) => IAM_ROLES.has(r.name));
}

/**
 * Authenticates and requires IAM administration rights, answered Keystone-style (403
 * "You are not authorized to perform the requested action."). Works with project- and
 * domain-scoped tokens (OSC uses the first, Terraform the second).
 */
export function iamGuard(identity: IdentityService) {
  const auth = authenticate(identity);
  return async (req: FastifyRequest): Promise<void> => {
    await auth(req);
    if (!mayAdministerIam(req.auth!)) throw new Forbidden('You are not authorized to perform the requested action.');
  };
}

/** The domain a caller administers: its token's domain, else its project's, else its own. */
export function callerDomain(ctx: AuthContext): string {
  return ctx.domain?.id ?? ctx.project?.domain.id ?? ctx.user.domain.id;
}
