import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// A real Keystone for the external-identity tests, started and stopped by
// scripts/keystone/keystone.mjs (SQLite in a temp dir, a free loopback port, stopped by PID).
// .ci/run installs it (scripts/keystone/install.sh) and sets OPENDEH_REQUIRE_KEYSTONE=1, which
// turns "not installed" from a skip into a failure.

const SCRIPT = fileURLToPath(new URL('../../../scripts/keystone/keystone.mjs', import.meta.url));

export const KEYSTONE_REQUIRED = process.env.OPENDEH_REQUIRE_KEYSTONE === '1';
export const KEYSTONE_INSTALLED = spawnSync('/usr/bin/python3', ['-c', 'import keystone, gunicorn'], { stdio: 'ignore' }).status === 0;
/** The skip reason, or false when the suite must run. */
export const KEYSTONE_SKIP: string | false = KEYSTONE_INSTALLED || KEYSTONE_REQUIRED
  ? false
  : 'Keystone is not installed here (scripts/keystone/install.sh installs it; .ci/run does, and sets OPENDEH_REQUIRE_KEYSTONE=1 so CI cannot skip this)';

export interface Credentials { readonly user: string; readonly password: string; readonly project: string; readonly domain: string }
export interface KeystoneInfo {
  readonly dir: string;
  readonly url: string;
  readonly pid: number;
  readonly region: string;
  readonly admin: Credentials;
  readonly service: Credentials;
}

function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, ...args], { timeout: 180_000 }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out)));
  });
}

export async function startRealKeystone(): Promise<RealKeystone> {
  if (!KEYSTONE_INSTALLED) throw new Error('OPENDEH_REQUIRE_KEYSTONE=1 but Keystone is not installed: run scripts/keystone/install.sh');
  const info = JSON.parse((await node(['start', '--json'])).trim().split('\n').pop()!) as KeystoneInfo;
  const ks = new RealKeystone(info);
  ks.adminToken = await ks.login(info.admin.user, info.admin.password, { name: info.admin.project });
  return ks;
}

export class RealKeystone {
  adminToken = '';
  private stopped = false;
  constructor(readonly info: KeystoneInfo) {}

  get url(): string { return this.info.url; }

  async call(method: string, path: string, body?: unknown, token = this.adminToken, extra: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
    const res = await fetch(`${this.info.url}/v3${path}`, {
      method, headers: { 'content-type': 'application/json', accept: 'application/json', ...(token && { 'x-auth-token': token }), ...extra },
      ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  }

  /** A project-scoped token (201 asserted); the full answer is kept for its catalog. */
  async loginFull(user: string, password: string, project: { id?: string; name?: string }): Promise<{ token: string; body: any }> {
    const r = await this.call('POST', '/auth/tokens', {
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
        scope: { project: project.id ? { id: project.id } : { name: project.name, domain: { id: 'default' } } },
      },
    }, '');
    if (r.status !== 201) throw new Error(`Keystone login of ${user}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return { token: r.headers.get('x-subject-token')!, body: r.json };
  }

  async login(user: string, password: string, project: { id?: string; name?: string }): Promise<string> {
    return (await this.loginFull(user, password, project)).token;
  }

  private async must(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.call(method, path, body);
    if (r.status >= 300) throw new Error(`Keystone ${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  }

  async createProject(name: string): Promise<{ id: string; name: string }> {
    return (await this.must('POST', '/projects', { project: { name, domain_id: 'default' } })).project;
  }

  /** A user with one role (admin, member, reader …) on the project. */
  async createUser(name: string, password: string, projectId: string, role: string): Promise<{ id: string }> {
    const user = (await this.must('POST', '/users', { user: { name, password, domain_id: 'default' } })).user;
    const roles = (await this.must('GET', `/roles?name=${role}`)).roles;
    await this.must('PUT', `/projects/${projectId}/users/${user.id}/roles/${roles[0].id}`);
    return user;
  }

  /** Revokes a user's token in Keystone (DELETE /v3/auth/tokens, as admin). */
  async revoke(token: string): Promise<void> {
    const r = await this.call('DELETE', '/auth/tokens', undefined, this.adminToken, { 'x-subject-token': token });
    if (r.status !== 204) throw new Error(`revoke: HTTP ${r.status}`);
  }

  /** Stops the server by its PID and removes its directory; safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await node(['stop', this.info.dir]);
  }
}
