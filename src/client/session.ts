import type { CatalogEntryWire, TokenResponse } from '../http/schemas/keystone-responses.js';
import { ApiError, EndpointNotFound } from './errors.js';
import { send } from './transport.js';

// Keystone v3 password login, project-scoped, and the catalog lookup every other call
// starts from: the client never builds a service path itself, it asks the catalog.

export interface LoginOptions {
  /** Identity URL: `http://host:port/identity/v3` (a URL not ending in /v3 gets /v3 appended). */
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  /** Domain of the user and of the project. */
  readonly domainName?: string;
  /**
   * Put catalog URLs on this origin (keeping their paths). The console sets its own origin:
   * the catalog names the server's configured public URL, which a browser that reached the
   * server under another name could only call cross-origin.
   */
  readonly endpointOrigin?: string;
}

export type Token = TokenResponse['token'];

export class Session {
  constructor(
    readonly authUrl: string,
    readonly token: string,
    readonly body: Token,
    private readonly endpointOrigin?: string,
  ) {}

  get projectId(): string {
    return this.body.project?.id ?? '';
  }

  get catalog(): CatalogEntryWire[] {
    return this.body.catalog ?? [];
  }

  hasService(type: string): boolean {
    return this.catalog.some((e) => e.type === type && e.endpoints.some((p) => p.interface === 'public'));
  }

  /** The public endpoint URL of a service type, without a trailing slash. @throws when the catalog lacks it */
  endpoint(type: string): string {
    const entry = this.catalog.find((e) => e.type === type);
    const ep = entry?.endpoints.find((p) => p.interface === 'public');
    if (!ep) throw new EndpointNotFound(type);
    let url = ep.url.replace(/\/+$/, '');
    if (this.endpointOrigin) {
      const u = new URL(url);
      url = `${this.endpointOrigin.replace(/\/+$/, '')}${u.pathname.replace(/\/+$/, '')}${u.search}`;
    }
    return url;
  }

  /** Revokes the token (DELETE /auth/tokens). */
  async logout(): Promise<void> {
    await send('DELETE', `${this.authUrl}/auth/tokens`, { token: this.token, headers: { 'X-Subject-Token': this.token } });
  }
}

export function identityBase(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

export async function login(o: LoginOptions): Promise<Session> {
  const base = identityBase(o.authUrl);
  const domain = { name: o.domainName ?? 'Default' };
  const r = await send<TokenResponse>('POST', `${base}/auth/tokens`, {
    body: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: o.username, domain, password: o.password } } },
        scope: { project: { name: o.projectName, domain } },
      },
    },
  });
  const token = r.headers.get('x-subject-token');
  if (!token) throw new ApiError(r.status, 'BadResponse', 'the identity service issued no X-Subject-Token header', 'POST', `${base}/auth/tokens`);
  return new Session(base, token, r.body.token, o.endpointOrigin);
}

/** A session from a token kept earlier (the console after a page reload): GET /auth/tokens validates it. */
export async function resume(authUrl: string, token: string, endpointOrigin?: string): Promise<Session> {
  const base = identityBase(authUrl);
  const r = await send<TokenResponse>('GET', `${base}/auth/tokens`, { token, headers: { 'X-Subject-Token': token } });
  return new Session(base, token, r.body.token, endpointOrigin);
}
