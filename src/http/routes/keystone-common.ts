import type { FastifyRequest } from 'fastify';
import type { AuthContext, IdentityService } from '../../services/identity.js';

// What the Keystone/IAM route files share: the guard of the IAM admin calls and the domain
// a caller acts in.

/**
 * Marks an IAM admin call. The token and the route's `iam:*` permission are checked by the
 * app-level hooks (http/access-control.ts, the row in http/route-policy.ts), for project- and
 * domain-scoped tokens alike (OSC uses the first, Terraform the second); denied → Keystone's 403.
 */
export function iamGuard(_identity?: IdentityService) {
  return async (_req: FastifyRequest): Promise<void> => {};
}

/** The domain a caller administers: its token's domain, else its project's, else its own. */
export function callerDomain(ctx: AuthContext): string {
  return ctx.domain?.id ?? ctx.project?.domain.id ?? ctx.user.domain.id;
}
