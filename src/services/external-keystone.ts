import { createHash } from 'node:crypto';
import { BadGateway, GatewayTimeout, Unauthorized, Unavailable } from '../domain/errors.js';
import { toStored, type Clock } from '../domain/time.js';
import { ADMIN_ROLE, type AuthContext, type NamedRef } from './identity.js';
import { keystoneCall, type UpstreamAnswer } from './keystone-upstream.js';
import type { TokenValidator } from './token-validator.js';

// Token validation against an external Keystone, the way keystonemiddleware does it:
// `GET /v3/auth/tokens` with OpenDeH's own service token in X-Auth-Token and the user's token
// in X-Subject-Token. The service token is obtained with the service user's password and
// renewed before it expires (or at once when Keystone stops accepting it).
//
// Answers are cached per process for at most `cacheSeconds` (and never past the token's
// expiry): a token revoked in Keystone is refused here at most `cacheSeconds` later. That is
// the documented revocation bound (docs/keystone.md); 0 asks Keystone on every request.
// A token Keystone called invalid is remembered as invalid for the same time (it can never
// become valid), so a client repeating a bad token does not reach Keystone on every request.

export interface ExternalKeystoneOptions {
  /** Keystone root, without /v3. */
  readonly url: string;
  readonly serviceUser: string;
  readonly servicePassword: string;
  readonly serviceProject: string;
  readonly serviceDomain: string;
  readonly timeoutMs: number;
  readonly cacheSeconds: number;
}

/** Renew the service token when less than this is left of it. */
const SERVICE_TOKEN_MARGIN_MS = 60_000;
const CACHE_MAX = 10_000;
/** Fernet tokens are ~200 characters, PKI-era ones a few kB; anything else is not a token. */
const TOKEN_RE = /^[\x21-\x7e]{1,8192}$/;

type Cached = { readonly ctx: AuthContext | null; readonly until: number };

export class ExternalKeystone implements TokenValidator {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<AuthContext>>();
  private service: { token: string; expiresAt: number } | null = null;
  private serviceInflight: Promise<string> | null = null;

  constructor(private readonly opts: ExternalKeystoneOptions, private readonly clock: Clock) {}

  async validate(token: string): Promise<AuthContext> {
    if (!TOKEN_RE.test(token)) throw new Unauthorized('The token is unknown, expired or revoked.');
    const key = createHash('sha256').update(token).digest('base64url');
    const now = this.clock().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) {
      if (hit.ctx) return hit.ctx;
      throw new Unauthorized('The token is unknown, expired or revoked.');
    }
    if (hit) this.cache.delete(key);
    // Concurrent requests with the same token share one question to Keystone.
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.ask(token, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Forgets every cached answer (tests; an operator reload). */
  clearCache(): void {
    this.cache.clear();
  }

  private async ask(token: string, key: string): Promise<AuthContext> {
    let answer = await this.validateOnce(token, await this.serviceToken());
    if (answer.status === 401) {
      // Our service token was revoked or expired early: get a new one, ask once more.
      this.service = null;
      answer = await this.validateOnce(token, await this.serviceToken());
    }
    const now = this.clock().getTime();
    const bound = now + this.opts.cacheSeconds * 1000;
    switch (answer.status) {
      case 200: {
        const ctx = contextOf(answer.body);
        if (!ctx) throw new BadGateway('the identity service answered a token validation with a body that is not a Keystone token');
        const expires = Date.parse(ctx.expiresAt);
        if (expires <= now) throw new Unauthorized('The token is unknown, expired or revoked.');
        this.remember(key, { ctx, until: Math.min(bound, expires) });
        return ctx;
      }
      case 404:
        this.remember(key, { ctx: null, until: bound });
        throw new Unauthorized('The token is unknown, expired or revoked.');
      default:
        throw upstreamFailure(answer, 'token validation');
    }
  }

  private validateOnce(token: string, serviceToken: string): Promise<UpstreamAnswer> {
    return keystoneCall(this.opts.url, 'GET', '/auth/tokens?nocatalog', { 'x-auth-token': serviceToken, 'x-subject-token': token }, this.opts.timeoutMs);
  }

  private remember(key: string, entry: Cached): void {
    if (this.opts.cacheSeconds === 0) return;
    if (this.cache.size >= CACHE_MAX) {
      const now = this.clock().getTime();
      for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
      // Still full: drop the oldest tenth (a Map iterates in insertion order).
      for (const k of this.cache.keys()) {
        if (this.cache.size < CACHE_MAX * 0.9) break;
        this.cache.delete(k);
      }
    }
    this.cache.set(key, entry);
  }

  private async serviceToken(): Promise<string> {
    const now = this.clock().getTime();
    if (this.service && this.service.expiresAt - SERVICE_TOKEN_MARGIN_MS > now) return this.service.token;
    if (!this.serviceInflight) {
      this.serviceInflight = this.login().finally(() => { this.serviceInflight = null; });
    }
    return this.serviceInflight;
  }

  private async login(): Promise<string> {
    const o = this.opts;
    const answer = await keystoneCall(o.url, 'POST', '/auth/tokens?nocatalog', {}, o.timeoutMs, {
      auth: {
        identity: { methods: ['password'], password: { user: { name: o.serviceUser, domain: { name: o.serviceDomain }, password: o.servicePassword } } },
        scope: { project: { name: o.serviceProject, domain: { name: o.serviceDomain } } },
      },
    });
    if (answer.status === 401) throw new BadGateway('the identity service refused the service credentials of this service');
    if (answer.status !== 201 && answer.status !== 200) throw upstreamFailure(answer, 'service login');
    const token = answer.headers.get('x-subject-token');
    const expires = Date.parse(String((answer.body as { token?: { expires_at?: unknown } } | undefined)?.token?.expires_at ?? ''));
    if (!token || !TOKEN_RE.test(token) || Number.isNaN(expires)) {
      throw new BadGateway('the identity service answered the service login without a token');
    }
    this.service = { token, expiresAt: expires };
    return token;
  }
}

/** Keystone's own 503/504 (a proxy in front of it) pass through as such; anything else is a bad answer. */
function upstreamFailure(answer: UpstreamAnswer, what: string): Error {
  if (answer.status === 503) return new Unavailable('the identity service is unavailable; try again');
  if (answer.status === 504) return new GatewayTimeout('the identity service did not answer in time');
  return new BadGateway(`the identity service answered the ${what} with HTTP ${answer.status}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function namedRef(v: unknown): NamedRef | null {
  return isObj(v) && isStr(v.id) && typeof v.name === 'string' ? { id: v.id, name: v.name } : null;
}
function scoped(v: unknown): (NamedRef & { domain: NamedRef }) | null {
  const ref = namedRef(v);
  const domain = isObj(v) ? namedRef(v.domain) : null;
  return ref && domain ? { ...ref, domain } : null;
}

/**
 * A Keystone v3 token body → AuthContext, or null when the body is not one (→ 502). Keystone's
 * role names (admin, member, reader, custom ones) are kept as they are: the permission
 * evaluator maps them, exactly as it does for the embedded identity's roles.
 */
export function contextOf(body: unknown): AuthContext | null {
  if (!isObj(body) || !isObj(body.token)) return null;
  const t = body.token;
  const user = scoped(t.user);
  const expires = typeof t.expires_at === 'string' ? Date.parse(t.expires_at) : NaN;
  if (!user || Number.isNaN(expires)) return null;
  const project = t.project === undefined ? null : scoped(t.project);
  const domain = t.domain === undefined ? null : namedRef(t.domain);
  if ((t.project !== undefined && !project) || (t.domain !== undefined && !domain)) return null;
  let roles: NamedRef[] = [];
  if (t.roles !== undefined || project || domain) {
    if (!Array.isArray(t.roles)) return null;
    const refs = t.roles.map(namedRef);
    if (refs.some((r) => r === null)) return null;
    roles = refs as NamedRef[];
  }
  const methods = Array.isArray(t.methods) && t.methods.every((m) => typeof m === 'string') ? (t.methods as string[]) : [];
  const issued = typeof t.issued_at === 'string' ? Date.parse(t.issued_at) : NaN;
  const audit = Array.isArray(t.audit_ids) && typeof t.audit_ids[0] === 'string' ? t.audit_ids[0] : '';
  return {
    user, project, domain: project ? null : domain, roles, methods,
    issuedAt: toStored(new Date(Number.isNaN(issued) ? expires : issued)),
    expiresAt: toStored(new Date(expires)),
    auditId: audit,
    isAdmin: roles.some((r) => r.name === ADMIN_ROLE),
    // An external Keystone's roles carry no OTC policy document: the evaluator maps them by
    // name. It has no notion of a domain owner either.
    grants: roles.map((r) => ({ id: r.id, name: r.name, policy: null })),
    isOwner: false,
  };
}
