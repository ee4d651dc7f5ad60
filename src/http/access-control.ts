import type { FastifyInstance } from 'fastify';
import { Forbidden, PolicyDenied, Unauthorized } from '../domain/errors.js';
import type { TokenValidator } from '../services/token-validator.js';
import type { Permissions } from '../services/permissions.js';
import { tokenOf } from './auth.js';
import { policyKey, policyOf, type RoutePolicy } from './route-policy.js';

// Authentication and authorization, in ONE place for every route, in Keystone middleware's
// order: 401 (no or bad token, at onRequest — before the body is read) → 403 (wrong project,
// or a permission the caller's policies do not allow, at preValidation — the body is parsed
// but not yet validated, because a tag call's action is in its body) → 400/404/409 from the
// route. A request that is refused here has touched nothing.

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}

/** Refuses to register a route that has no row in the route table (route-policy.ts). */
export function requireRoutePolicies(app: FastifyInstance): void {
  app.addHook('onRoute', (r) => {
    const methods = [r.method].flat();
    let policy: RoutePolicy | undefined;
    for (const m of methods) {
      policy = policyOf(m, r.url);
      if (!policy) throw new Error(`route ${policyKey(m, r.url)} has no row in src/http/route-policy.ts (its IAM action, family and trace)`);
    }
    r.config = { ...(r.config ?? {}), policy };
  });
}

export function installAccessControl(app: FastifyInstance, tokens: TokenValidator, permissions: Permissions): void {
  app.addHook('onRequest', async (req) => {
    const p = req.routeOptions.config?.policy;
    if (!p || p.action === null) return;
    const token = tokenOf(req);
    if (!token) throw new Unauthorized('The request you have made requires authentication (X-Auth-Token).');
    req.auth = await tokens.validate(token);
  });

  app.addHook('preValidation', async (req) => {
    const p = req.routeOptions.config?.policy;
    if (!p || p.action === null) return;
    const ctx = req.auth!;
    const pid = (req.params as { project_id?: string } | undefined)?.project_id;
    if (pid !== undefined) {
      if (!ctx.project) throw new Forbidden('a project-scoped token is required');
      if (pid !== ctx.project.id && !(p.own === 'own-or-admin' && ctx.isAdmin)) {
        throw new Forbidden(`the token is scoped to project ${ctx.project.id}, not ${pid}`);
      }
    }
    const action = typeof p.action === 'string' ? p.action : p.action.fn({ params: req.params, body: req.body, userId: ctx.user.id });
    if (action === null) return;
    if (!permissions.check(ctx, action).allowed) throw new PolicyDenied(action);
    if (p.operator && !ctx.isAdmin) throw new PolicyDenied(action);
  });
}
