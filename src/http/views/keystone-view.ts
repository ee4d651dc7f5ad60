import { createHash } from 'node:crypto';
import { CATALOG_SERVICES, serviceUrl } from '../../domain/catalog.js';
import type { AuthContext } from '../../services/identity.js';
import type { DomainRow, ProjectRow, RoleRow, UserRow } from '../../services/identity.js';
import type { GroupRow } from '../../services/identity-iam.js';

// Keystone v3 wire shapes: the token body of CONTRACT §1.5 (with its catalog) and the
// project/user/role/domain objects the openstack CLI reads.

export interface CatalogOptions { readonly publicUrl: string; readonly region: string }

/** Microsecond-precision RFC 3339 with Z, as Keystone and Go's time.Time parser expect. */
export function keystoneTime(stored: string): string {
  return stored.replace(/\.(\d{3})Z$/, '.$1000Z');
}

const stableId = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

function entry(type: string, name: string, url: string, region: string) {
  return {
    type, name, id: stableId(`svc:${type}`),
    endpoints: [{ id: stableId(`ep:${type}:${url}`), interface: 'public', region, region_id: region, url }],
  };
}

export function catalogFor(ctx: AuthContext, o: CatalogOptions) {
  const cat = [entry('identity', 'keystone', `${o.publicUrl}/identity/v3`, o.region)];
  if (ctx.project) {
    for (const s of CATALOG_SERVICES) cat.push(entry(s.type, s.name, serviceUrl(o.publicUrl, s, ctx.project.id), o.region));
  }
  return cat;
}

export function tokenView(ctx: AuthContext, o: CatalogOptions, withCatalog = true) {
  return {
    token: {
      methods: ctx.methods,
      expires_at: keystoneTime(ctx.expiresAt),
      issued_at: keystoneTime(ctx.issuedAt),
      audit_ids: [ctx.auditId],
      user: { id: ctx.user.id, name: ctx.user.name, domain: ctx.user.domain, password_expires_at: null },
      ...(ctx.project && { project: ctx.project }),
      ...(ctx.domain && { domain: ctx.domain }),
      roles: ctx.roles,
      is_domain: false,
      ...(withCatalog && (ctx.project || ctx.domain) && { catalog: catalogFor(ctx, o) }),
    },
  };
}

export const projectView = (p: ProjectRow, base: string) => ({
  id: p.id, name: p.name, domain_id: p.domain_id, description: p.description, enabled: p.enabled === 1,
  is_domain: false, parent_id: p.domain_id, tags: [], links: { self: `${base}/projects/${p.id}` },
});
export const userView = (u: UserRow, base: string) => ({
  id: u.id, name: u.name, domain_id: u.domain_id, enabled: u.enabled === 1,
  ...(u.default_project_id && { default_project_id: u.default_project_id }),
  password_expires_at: null, options: {}, links: { self: `${base}/users/${u.id}` },
});
/**
 * A Keystone role as Keystone shows it; a system or custom policy additionally with OTC's
 * fields (display_name, type, catalog, flag, policy, times as ms strings). The policy is the
 * stored JSON text parsed back: the document exactly as the client sent it.
 */
export function roleView(r: RoleRow, base: string) {
  const self = { links: { self: `${base}/roles/${r.id}` } };
  if (r.kind === 'keystone') return { id: r.id, name: r.name, domain_id: null, description: r.description || null, options: {}, ...self };
  return {
    id: r.id, name: r.name, display_name: r.display_name, type: r.type, description: r.description,
    domain_id: r.domain_id, catalog: r.catalog, flag: 'fine_grained', policy: r.policy === null ? null : JSON.parse(r.policy) as unknown,
    ...(r.created_time !== null && { created_time: r.created_time }), ...(r.updated_time !== null && { updated_time: r.updated_time }),
    options: {}, ...self,
  };
}
/** A custom policy as OS-ROLE answers it (adds `references`: how many grants name it). */
export const customRoleView = (r: RoleRow, references: number, base: string) => ({ ...roleView(r, base), references });
export const groupView = (g: GroupRow, base: string) => ({
  id: g.id, name: g.name, description: g.description, domain_id: g.domain_id, links: { self: `${base}/groups/${g.id}` },
});
export const domainView = (d: DomainRow, base: string) => ({
  id: d.id, name: d.name, description: d.description, enabled: d.enabled === 1, tags: [], options: {}, links: { self: `${base}/domains/${d.id}` },
});
export const listLinks = (base: string, what: string) => ({ self: `${base}/${what}`, previous: null, next: null });
