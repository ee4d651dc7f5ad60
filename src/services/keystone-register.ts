import { BadGateway, Unauthorized } from '../domain/errors.js';
import { CATALOG_SERVICES, keystoneTemplate } from '../domain/catalog.js';
import { keystoneCall, type UpstreamAnswer } from './keystone-upstream.js';

// `opendeh keystone register`: writes OpenDeH's services and endpoints into an external
// Keystone's catalog, so clients that authenticate there find OpenDeH through it. Idempotent:
// a service of the same type and name is reused, an endpoint of that service, interface and
// region is kept (its URL corrected when it differs), the region is created only if missing.
// Needs a token that may administer the catalog (Keystone's admin role).

export interface RegisterOptions {
  /** Keystone root, without /v3. */
  readonly keystoneUrl: string;
  readonly timeoutMs: number;
  readonly admin: { readonly user: string; readonly password: string; readonly project: string; readonly userDomain: string; readonly projectDomain: string };
  /** OpenDeH's public base URL, as clients reach it. */
  readonly publicUrl: string;
  readonly region: string;
  readonly interfaces: readonly string[];
}

export interface RegisterLine {
  readonly what: string;
  readonly id: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly detail: string;
}

type Json = Record<string, any>;

export async function registerCatalog(o: RegisterOptions): Promise<RegisterLine[]> {
  const login = await keystoneCall(o.keystoneUrl, 'POST', '/auth/tokens?nocatalog', {}, o.timeoutMs, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: o.admin.user, domain: { name: o.admin.userDomain }, password: o.admin.password } } },
      scope: { project: { name: o.admin.project, domain: { name: o.admin.projectDomain } } },
    },
  });
  if (login.status === 401) throw new Unauthorized(`Keystone refused the credentials of ${o.admin.user} for project ${o.admin.project}`);
  const token = login.headers.get('x-subject-token');
  if (login.status !== 201 || !token) throw failure(login, 'login');
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await keystoneCall(o.keystoneUrl, method, path, { 'x-auth-token': token }, o.timeoutMs, body);
    if (r.status >= 300) throw failure(r, `${method} ${path.split('?')[0]}`);
    return (r.body ?? {}) as Json;
  };
  const lines: RegisterLine[] = [];

  const region = await keystoneCall(o.keystoneUrl, 'GET', `/regions/${encodeURIComponent(o.region)}`, { 'x-auth-token': token }, o.timeoutMs);
  if (region.status === 404) {
    await call('POST', '/regions', { region: { id: o.region, description: 'created by opendeh keystone register' } });
    lines.push({ what: 'region', id: o.region, action: 'created', detail: '' });
  } else if (region.status === 200) {
    lines.push({ what: 'region', id: o.region, action: 'unchanged', detail: '' });
  } else {
    throw failure(region, 'GET /regions');
  }

  for (const s of CATALOG_SERVICES) {
    const found = ((await call('GET', `/services?type=${encodeURIComponent(s.type)}`)).services ?? []) as Json[];
    let service = found.find((x) => x.name === s.name) ?? found[0];
    if (!service) {
      service = (await call('POST', '/services', { service: { type: s.type, name: s.name, description: s.description, enabled: true } })).service as Json;
      lines.push({ what: `service ${s.type}`, id: service.id, action: 'created', detail: s.name });
    } else {
      lines.push({ what: `service ${s.type}`, id: service.id, action: 'unchanged', detail: service.name });
    }
    const url = keystoneTemplate(o.publicUrl, s);
    for (const iface of o.interfaces) {
      const q = `service_id=${encodeURIComponent(service.id)}&interface=${encodeURIComponent(iface)}&region_id=${encodeURIComponent(o.region)}`;
      const eps = ((await call('GET', `/endpoints?${q}`)).endpoints ?? []) as Json[];
      const what = `endpoint ${s.type} ${iface}`;
      if (eps.length === 0) {
        const ep = (await call('POST', '/endpoints', { endpoint: { service_id: service.id, interface: iface, region_id: o.region, url, enabled: true } })).endpoint as Json;
        lines.push({ what, id: ep.id, action: 'created', detail: url });
      } else if (eps[0].url !== url || eps[0].enabled === false) {
        await call('PATCH', `/endpoints/${encodeURIComponent(eps[0].id)}`, { endpoint: { url, enabled: true } });
        lines.push({ what, id: eps[0].id, action: 'updated', detail: url });
      } else {
        lines.push({ what, id: eps[0].id, action: 'unchanged', detail: url });
      }
    }
  }
  return lines;
}

function failure(r: UpstreamAnswer, what: string): Error {
  const msg = (r.body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return new BadGateway(`Keystone answered ${what} with HTTP ${r.status}${typeof msg === 'string' ? `: ${msg}` : ''}`);
}
