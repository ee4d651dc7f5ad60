import { createHash, randomBytes } from 'node:crypto';
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../domain/errors.js';
import { keystoneId } from '../domain/ids.js';
import { toStored, type Clock } from '../domain/time.js';
import { identityRepo as repo, type DomainRow, type ProjectRow, type RoleRow, type UserRow } from '../store/identity-repo.js';
import { iamRepo, type EffectiveRoleRow } from '../store/iam-repo.js';
import { conflictAs, IamAdmin, insertInDomain } from './identity-iam.js';

/** Identity records as the admin API presents them. */
export type { DomainRow, ProjectRow, RoleRow, UserRow };
import type { Executor, Store } from '../store/store.js';
import { traceActor, traceResource } from '../store/trace-scope.js';
import type { WriteContext } from '../store/write-context.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import type { LoginThrottle } from './abuse-limits.js';

// Keystone v3 subset: password and token authentication, project/domain scope, tokens that
// expire and can be revoked, and the admin calls `openstack project|user|role …` make.

export interface NamedRef { readonly id: string; readonly name: string }
/**
 * A role or policy in effect for a token. `policy` is the parsed policy document (OTC policy
 * language); null for a plain Keystone role (admin, member, reader, or one made with
 * POST /v3/roles), which the evaluator maps by name.
 */
export interface Grant { readonly id: string; readonly name: string; readonly policy: unknown | null }
export interface AuthContext {
  readonly user: NamedRef & { readonly domain: NamedRef };
  readonly project: (NamedRef & { readonly domain: NamedRef }) | null;
  readonly domain: NamedRef | null;
  /** The effective roles and policies `{id, name}`: what token.roles shows. */
  readonly roles: readonly NamedRef[];
  /**
   * The same set with their policies: granted to the user and to the user's groups on the
   * token's project, plus the inherited (all-projects) grants of the project's domain; for a
   * domain-scoped token, the grants on the domain. Domain grants never apply to a project.
   */
  readonly grants: readonly Grant[];
  /** The domain owner (the account): keeps every permission, so nobody locks themselves out. */
  readonly isOwner: boolean;
  readonly methods: readonly string[];
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly auditId: string;
  readonly isAdmin: boolean;
}

/** What a client asks for in POST /v3/auth/tokens, already shape-checked by the route schema. */
export interface AuthRequest {
  readonly methods: readonly string[];
  readonly password?: { user: { id?: string; name?: string; password: string; domain?: { id?: string; name?: string } } };
  readonly token?: { id: string };
  readonly scope?: 'unscoped' | { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } }; domain?: { id?: string; name?: string } };
}

export const ADMIN_ROLE = 'admin';
const DEFAULT_ROLES = ['admin', 'member', 'reader'];
/**
 * Validated tokens (with their effective grants) are cached this long per process. A change
 * made through this process (grant, revoke, policy edit, group membership, token revocation)
 * clears the cache at once; a change made by another process shows here after at most this
 * long. This is the documented bound of docs/permissions.md.
 */
export const TOKEN_CACHE_MS = 5_000;
const CACHE_MS = TOKEN_CACHE_MS;
const CACHE_MAX = 10_000;

export interface IdentityOptions {
  readonly tokenTtlSeconds: number;
  /** Failed-password throttling (off when absent); see services/abuse-limits.ts. */
  readonly loginThrottle?: LoginThrottle;
}

export class IdentityService {
  private readonly cache = new Map<string, { ctx: AuthContext; until: number }>();
  /** Groups, grants and custom policies (the IAM admin calls). */
  readonly iam: IamAdmin;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly opts: IdentityOptions) {
    this.iam = new IamAdmin(store, clock, () => this.invalidate());
  }

  /** Forgets every cached token validation: the next request of each token re-reads its grants. */
  invalidate(): void {
    this.cache.clear();
  }

  /** First start: domain, project, admin user and default roles. Returns the password if it was generated. */
  async bootstrap(b: { domain: string; project: string; user: string; password: string }): Promise<{ generatedPassword: string | null }> {
    // Hashing costs ~35 ms of start-up; only an empty database needs it.
    if ((await this.store.read((ex) => repo.countDomains(ex))) > 0) return { generatedPassword: null };
    const password = b.password || generatePassword();
    const hash = await hashPassword(password);
    const created = await this.store.write(async (tx) => {
      if ((await repo.countDomains(tx)) > 0) return false;
      const now = toStored(this.clock());
      const domainId = b.domain === 'Default' ? 'default' : keystoneId();
      await repo.insertDomain(tx, { id: domainId, name: b.domain, enabled: 1, description: 'bootstrap domain', created_at: now });
      const projectId = keystoneId();
      await repo.insertProject(tx, { id: projectId, name: b.project, domain_id: domainId, description: 'bootstrap project', enabled: 1, created_at: now });
      const userId = keystoneId();
      await repo.insertUser(tx, { id: userId, name: b.user, domain_id: domainId, password_hash: hash, enabled: 1, default_project_id: projectId, created_at: now, is_owner: 1 });
      for (const name of DEFAULT_ROLES) {
        if (!(await repo.roleByName(tx, name))) await repo.insertRole(tx, { id: keystoneId(), name, display_name: name });
      }
      const admin = await repo.roleByName(tx, ADMIN_ROLE);
      await repo.grant(tx, admin!.id, userId, 'project', projectId);
      await repo.grant(tx, admin!.id, userId, 'domain', domainId);
      return true;
    });
    return { generatedPassword: created && !b.password ? password : null };
  }

  /**
   * Issues a token. Raises Unauthorized for bad credentials or a scope the user has no role
   * on (Keystone answers 401 for both), BadRequest for a malformed request, TooManyRequests
   * while failed logins of that user name or from `source` (the client address) are throttled.
   */
  async issueToken(req: AuthRequest, source?: string, writes?: WriteContext): Promise<{ token: string; ctx: AuthContext }> {
    let user: UserRow;
    let methods: string[];
    let inheritedExpiry: string | null = null;
    let inheritedAudit: string | null = null;
    if (req.methods.includes('password')) {
      if (!req.password) throw new BadRequest('password method named but no password given');
      user = await this.checkPassword(req.password.user, source);
      methods = ['password'];
    } else if (req.methods.includes('token')) {
      if (!req.token?.id) throw new BadRequest('token method named but no token id given');
      const from = await this.validate(req.token.id);
      const u = await this.store.read((ex) => repo.userById(ex, from.user.id));
      if (!u || !u.enabled) throw new Unauthorized('The request you have made requires authentication.');
      user = u;
      methods = ['token'];
      inheritedExpiry = from.expiresAt; // a rescoped token never outlives the one it came from
      inheritedAudit = from.auditId;
    } else {
      throw new BadRequest(`unsupported authentication methods: ${req.methods.join(', ')}`);
    }

    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const ttlExpiry = new Date(now.getTime() + this.opts.tokenTtlSeconds * 1000);
    const expiresAt = inheritedExpiry && inheritedExpiry < toStored(ttlExpiry) ? inheritedExpiry : toStored(ttlExpiry);
    const auditId = inheritedAudit ?? randomBytes(16).toString('base64url');
    const scope = await this.store.read((ex) => this.resolveScope(ex, user, req.scope));
    const ctx = await this.store.read((ex) => this.contextFor(ex, user, scope.projectId, scope.domainId, methods, toStored(now), expiresAt, auditId));
    await this.store.write((tx) => {
      // The login's trace (when traced) names who logged in, now that it is verified.
      traceActor(writes, { user: ctx.user, projectId: scope.projectId, domainId: scope.domainId });
      traceResource(writes, user.id, user.name);
      return repo.insertToken(tx, {
        token_hash: hashToken(token), user_id: user.id, project_id: scope.projectId, domain_id: scope.domainId,
        methods: methods.join(','), issued_at: toStored(now), expires_at: expiresAt, revoked: 0, audit_id: auditId,
      });
    }, writes);
    return { token, ctx };
  }

  /** The context of a valid token; Unauthorized when unknown, expired or revoked. */
  async validate(token: string): Promise<AuthContext> {
    const hash = hashToken(token);
    const nowMs = this.clock().getTime();
    const hit = this.cache.get(hash);
    if (hit && hit.until > nowMs && Date.parse(hit.ctx.expiresAt) > nowMs) return hit.ctx;
    const row = await this.store.read((ex) => repo.tokenByHash(ex, hash));
    if (!row || row.revoked || Date.parse(row.expires_at) <= nowMs) {
      this.cache.delete(hash);
      throw new Unauthorized('The token is unknown, expired or revoked.');
    }
    const ctx = await this.store.read(async (ex) => {
      const user = await repo.userById(ex, row.user_id);
      if (!user || !user.enabled) return null;
      return this.contextFor(ex, user, row.project_id, row.domain_id, row.methods.split(','), row.issued_at, row.expires_at, row.audit_id);
    });
    if (!ctx) throw new Unauthorized('The user of this token no longer exists or is disabled.');
    if (this.cache.size >= CACHE_MAX) this.invalidate();
    this.cache.set(hash, { ctx, until: nowMs + CACHE_MS });
    return ctx;
  }

  async revoke(token: string, writes?: WriteContext): Promise<void> {
    const hash = hashToken(token);
    this.cache.delete(hash);
    const r = await this.store.write((tx) => repo.revokeToken(tx, hash), writes);
    if (Number(r.numUpdatedRows) === 0) throw new NotFound('Could not find token.');
  }

  private async checkPassword(u: { id?: string; name?: string; password: string; domain?: { id?: string; name?: string } }, source?: string): Promise<UserRow> {
    // Throttled by the user as claimed, before anything is looked up: an unknown name and a
    // known one get the same answers, in the same time.
    const throttle = this.opts.loginThrottle;
    const claim = u.id ? `id:${u.id}` : `name:${u.domain?.id ? `id:${u.domain.id}` : `name:${u.domain?.name ?? ''}`}/${u.name ?? ''}`;
    throttle?.check(claim, source);
    const user = await this.store.read(async (ex) => {
      if (u.id) return repo.userById(ex, u.id);
      if (!u.name) throw new BadRequest('user needs an id, or a name and a domain');
      const domain = await this.findDomain(ex, u.domain);
      return domain ? repo.userByName(ex, domain.id, u.name) : undefined;
    });
    // Verify even for an unknown user so the answer takes the same time either way.
    const ok = await verifyPassword(u.password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || !user.enabled) {
      throttle?.failed(claim, source);
      throw new Unauthorized('The request you have made requires authentication.');
    }
    return user;
  }

  private async findDomain(ex: Executor, d?: { id?: string; name?: string }) {
    if (!d || (!d.id && !d.name)) throw new BadRequest('a domain id or name is required');
    return d.id ? repo.domainById(ex, d.id) : repo.domainByName(ex, d.name!);
  }

  private async resolveScope(ex: Executor, user: UserRow, scope: AuthRequest['scope']): Promise<{ projectId: string | null; domainId: string | null }> {
    if (!scope || scope === 'unscoped') {
      if (scope === undefined && user.default_project_id) {
        const p = await repo.projectById(ex, user.default_project_id);
        if (p && p.enabled && (await this.mayScopeTo(ex, user, p))) return { projectId: p.id, domainId: null };
      }
      return { projectId: null, domainId: null };
    }
    if (scope.project) {
      let project: ProjectRow | undefined;
      if (scope.project.id) project = await repo.projectById(ex, scope.project.id);
      else if (scope.project.name) {
        const domain = await this.findDomain(ex, scope.project.domain);
        project = domain ? await repo.projectByName(ex, domain.id, scope.project.name) : undefined;
      } else throw new BadRequest('project scope needs an id, or a name and a domain');
      if (!project || !project.enabled) throw new Unauthorized('The project to scope to does not exist or is disabled.');
      if (!(await this.mayScopeTo(ex, user, project))) throw new Unauthorized(`User ${user.id} has no access to project ${project.id}.`);
      return { projectId: project.id, domainId: null };
    }
    if (scope.domain) {
      const domain = await this.findDomain(ex, scope.domain);
      if (!domain || !domain.enabled) throw new Unauthorized('The domain to scope to does not exist or is disabled.');
      const ownDomain = user.is_owner === 1 && user.domain_id === domain.id;
      if (!ownDomain && (await iamRepo.effectiveRoles(ex, user.id, { domainId: domain.id })).length === 0) {
        throw new Unauthorized(`User ${user.id} has no access to domain ${domain.id}.`);
      }
      return { projectId: null, domainId: domain.id };
    }
    throw new BadRequest('scope must name a project or a domain');
  }

  /** Any effective grant on the project (direct, via a group, inherited), or its domain's owner. */
  private async mayScopeTo(ex: Executor, user: UserRow, p: ProjectRow): Promise<boolean> {
    if (user.is_owner === 1 && user.domain_id === p.domain_id) return true;
    return (await iamRepo.effectiveRoles(ex, user.id, { projectId: p.id, domainId: p.domain_id })).length > 0;
  }

  private async contextFor(ex: Executor, user: UserRow, projectId: string | null, domainId: string | null,
    methods: readonly string[], issuedAt: string, expiresAt: string, auditId: string): Promise<AuthContext> {
    const userDomain = await repo.domainById(ex, user.domain_id);
    let project: AuthContext['project'] = null;
    let domain: AuthContext['domain'] = null;
    let rows: EffectiveRoleRow[] = [];
    const isOwner = user.is_owner === 1;
    if (projectId) {
      const p = await repo.projectById(ex, projectId);
      if (!p || !p.enabled) throw new Unauthorized('The project of this token no longer exists or is disabled.');
      const pd = await repo.domainById(ex, p.domain_id);
      project = { id: p.id, name: p.name, domain: { id: pd!.id, name: pd!.name } };
      rows = await iamRepo.effectiveRoles(ex, user.id, { projectId: p.id, domainId: p.domain_id });
      if (rows.length === 0 && !(isOwner && user.domain_id === p.domain_id)) {
        throw new Unauthorized('The user no longer has a role on the project of this token.');
      }
    } else if (domainId) {
      const d = await repo.domainById(ex, domainId);
      if (!d) throw new Unauthorized('The domain of this token no longer exists.');
      domain = { id: d.id, name: d.name };
      rows = await iamRepo.effectiveRoles(ex, user.id, { domainId: d.id });
    }
    return {
      user: { id: user.id, name: user.name, domain: { id: userDomain!.id, name: userDomain!.name } },
      project, domain, methods, issuedAt, expiresAt, auditId,
      roles: rows.map((r) => ({ id: r.id, name: r.name })),
      grants: rows.map((r) => ({ id: r.id, name: r.name, policy: parsePolicy(r) })),
      // The owner of a domain is its owner only within it.
      isOwner: isOwner && user.domain_id === (project?.domain.id ?? domain?.id ?? user.domain_id),
      isAdmin: rows.some((r) => r.name === ADMIN_ROLE),
    };
  }

  // ---- admin calls (the routes check `isAdmin` before calling) ----

  listDomains() { return this.store.read((ex) => repo.listDomains(ex)); }
  async getDomain(id: string) {
    const d = await this.store.read((ex) => repo.domainById(ex, id));
    if (!d) throw new NotFound(`Could not find domain: ${id}.`);
    return d;
  }
  async createDomain(name: string, description = '', writes?: WriteContext) {
    const row = { id: keystoneId(), name, enabled: 1, description, created_at: toStored(this.clock()) };
    await this.store.write((tx) => {
      traceResource(writes, row.id, name);
      return repo.insertDomain(tx, row);
    }, writes).catch(conflictAs(`Duplicate entry: domain ${name} exists.`));
    return row;
  }

  listProjects(f: { domainId?: string; name?: string }) { return this.store.read((ex) => repo.listProjects(ex, f)); }
  async getProject(id: string) {
    const p = await this.store.read((ex) => repo.projectById(ex, id));
    if (!p) throw new NotFound(`Could not find project: ${id}.`);
    return p;
  }
  async createProject(p: { name: string; domainId: string; description?: string; enabled?: boolean }, writes?: WriteContext) {
    const row: ProjectRow = {
      id: keystoneId(), name: p.name, domain_id: p.domainId, description: p.description ?? '',
      enabled: p.enabled === false ? 0 : 1, created_at: toStored(this.clock()),
    };
    await insertInDomain(this.store, 'project', row, (tx) => repo.insertProject(tx, row), writes);
    return row;
  }
  async updateProject(id: string, patch: { name?: string; description?: string; enabled?: boolean }, writes?: WriteContext) {
    await this.store.write(async (tx) => {
      const r = await repo.updateProject(tx, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
      });
      if (Number(r.numUpdatedRows) === 0) throw new NotFound(`Could not find project: ${id}.`);
    }, writes).catch(conflictAs('Conflict occurred attempting to store project - duplicate name.'));
    this.invalidate();
    return this.getProject(id);
  }
  async deleteProject(id: string, writes?: WriteContext) {
    await this.store.write(async (tx) => {
      const hosts = await tx.selectFrom('hosts').select('id').where('project_id', '=', id).where('state', '!=', 'released').limit(1).execute();
      if (hosts.length > 0) throw new Conflict(`Project ${id} still holds DeHs; release them first.`);
      await repo.deleteAssignmentsOfScope(tx, 'project', id);
      await iamRepo.deleteGroupAssignmentsOfScope(tx, 'project', id);
      const r = await repo.deleteProject(tx, id);
      if (Number(r.numDeletedRows) === 0) throw new NotFound(`Could not find project: ${id}.`);
    }, writes);
    this.invalidate();
  }

  listUsers(f: { domainId?: string; name?: string }) { return this.store.read((ex) => repo.listUsers(ex, f)); }
  async getUser(id: string) {
    const u = await this.store.read((ex) => repo.userById(ex, id));
    if (!u) throw new NotFound(`Could not find user: ${id}.`);
    return u;
  }
  async createUser(u: { name: string; domainId: string; password?: string; enabled?: boolean; defaultProjectId?: string }, writes?: WriteContext) {
    const row: UserRow = {
      id: keystoneId(), name: u.name, domain_id: u.domainId,
      // A user created without a password cannot log in until one is set.
      password_hash: u.password ? await hashPassword(u.password) : '!',
      enabled: u.enabled === false ? 0 : 1, default_project_id: u.defaultProjectId ?? null, created_at: toStored(this.clock()), is_owner: 0,
    };
    await insertInDomain(this.store, 'user', row, (tx) => repo.insertUser(tx, row), writes);
    return row;
  }
  async updateUser(id: string, patch: { name?: string; password?: string; enabled?: boolean; defaultProjectId?: string }, writes?: WriteContext) {
    const hash = patch.password ? await hashPassword(patch.password) : undefined;
    await this.store.write(async (tx) => {
      const r = await repo.updateUser(tx, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(hash !== undefined && { password_hash: hash }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.defaultProjectId !== undefined && { default_project_id: patch.defaultProjectId }),
      });
      if (Number(r.numUpdatedRows) === 0) throw new NotFound(`Could not find user: ${id}.`);
      if (hash !== undefined || patch.enabled === false) await repo.revokeTokensOfUser(tx, id);
    }, writes).catch(conflictAs('Conflict occurred attempting to store user - duplicate name.'));
    this.invalidate();
    return this.getUser(id);
  }
  async deleteUser(id: string, writes?: WriteContext) {
    await this.store.write(async (tx) => {
      await repo.revokeTokensOfUser(tx, id);
      const r = await repo.deleteUser(tx, id);
      if (Number(r.numDeletedRows) === 0) throw new NotFound(`Could not find user: ${id}.`);
    }, writes);
    this.invalidate();
  }

  /** Keystone roles, system policies and custom policies (GET /v3/roles; custom ones of `domainId` only). */
  listRoles(name?: string, domainId?: string) {
    return this.store.read(async (ex) => (await repo.listRoles(ex, name)).filter((r) => r.kind !== 'custom' || r.domain_id === domainId));
  }
  async getRole(id: string) {
    const r = await this.store.read((ex) => repo.roleById(ex, id));
    if (!r) throw new NotFound(`Could not find role: ${id}.`);
    return r;
  }
  async createRole(name: string, description = '', writes?: WriteContext) {
    const row: RoleRow = {
      id: keystoneId(), name, display_name: name, kind: 'keystone', description, type: null, catalog: null,
      domain_id: null, policy: null, created_time: null, updated_time: null,
    };
    await this.store.write((tx) => {
      traceResource(writes, row.id, name);
      return repo.insertRole(tx, row);
    }, writes).catch(conflictAs(`Duplicate entry: role ${name} exists.`));
    return row;
  }
  async deleteRole(id: string, writes?: WriteContext) {
    await this.store.write(async (tx) => {
      const role = await repo.roleById(tx, id);
      if (!role) throw new NotFound(`Could not find role: ${id}.`);
      if (role.kind !== 'keystone') throw new Forbidden(`Role ${role.name} is a ${role.kind === 'custom' ? 'custom policy (delete it through OS-ROLE)' : 'system role'} and cannot be deleted here.`);
      await repo.deleteRole(tx, id);
    }, writes);
    this.invalidate();
  }

  /** PUT /v3/projects/{p}/users/{u}/roles/{r} (and the domain form); IamAdmin holds the rest. */
  grant(scopeType: 'project' | 'domain', scopeId: string, userId: string, roleId: string) {
    return this.iam.grant({ kind: 'user', id: userId }, { type: scopeType, id: scopeId }, roleId);
  }
  /** Projects a user holds anything on (GET /v3/users/{id}/projects, /v3/auth/projects). */
  async projectsOfUser(userId: string): Promise<ProjectRow[]> {
    return this.store.read(async (ex) => {
      const user = await repo.userById(ex, userId);
      const ids = await iamRepo.projectIdsOfUser(ex, userId);
      const out: ProjectRow[] = [];
      for (const id of ids) {
        const p = await repo.projectById(ex, id);
        if (p) out.push(p);
      }
      // The owner may scope to every project of the domain.
      if (user?.is_owner === 1) {
        for (const p of await repo.listProjects(ex, { domainId: user.domain_id })) if (!ids.includes(p.id)) out.push(p);
      }
      return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    });
  }

  /** Refuses a call that needs the admin role. */
  static requireAdmin(ctx: AuthContext): void {
    if (!ctx.isAdmin) throw new Forbidden('You are not authorized to perform the requested action (admin role required).');
  }
}

/** A stored policy that cannot be read grants nothing (fails closed). */
const EMPTY_POLICY = Object.freeze({ Version: '1.1', Statement: Object.freeze([]) });
function parsePolicy(r: EffectiveRoleRow): unknown | null {
  if (r.policy === null) return null;
  try {
    return JSON.parse(r.policy) as unknown;
  } catch {
    return EMPTY_POLICY;
  }
}

function hashToken(t: string): string {
  return createHash('sha256').update(t).digest('hex');
}

// A valid scrypt hash of a random string, for constant-time answers to unknown users.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
