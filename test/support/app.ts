import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openDb } from '../../src/store/dialects.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { Store } from '../../src/store/store.js';
import { bootstrapAdmin, createApp, createServices, declareInventory, type Services } from '../../src/wiring.js';
import { freshTarget, type Dialect } from './dialects.js';
import { installAnswerCheck } from './answer-check.js';

// buildTestApp: a real app on a real, empty database of its own (in-memory SQLite or a fresh
// PostgreSQL schema), driven in-process with app.inject. Only the admin is bootstrapped;
// each test makes the projects, users and hosts it needs with the helpers below.

export const ADMIN_PASSWORD = 'admin-secret';

export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestProject { readonly projectId: string; readonly token: string; readonly userId: string; readonly name: string }

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly config: Config;
  readonly clock: TestClock;
  readonly dialect: Dialect;
  /** PostgreSQL: this app's schema, also its connections' application_name. */
  readonly schema?: string;
  readonly admin: TestProject;
  /** A new project with a member user and a token scoped to it. */
  newProject(opts?: { admin?: boolean; name?: string }): Promise<TestProject>;
  login(user: string, password: string, projectId: string): Promise<string>;
  /** Request helper: JSON body, X-Auth-Token, parsed JSON answer. */
  call(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse & { json: () => any }>;
  /** `/v1.0/{project}` + path */
  deh(p: TestProject, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * The services of an app over a database of its own (in-memory SQLite or a fresh PostgreSQL
 * schema), migrated, on a test clock; close() stops them and drops the database. Nothing is
 * bootstrapped.
 */
export async function freshServices(dialect: Dialect, config: Config, poolSize: number): Promise<{
  services: Services; clock: TestClock; schema: string | undefined; close(): Promise<void>;
}> {
  const target = await freshTarget(dialect);
  const { db, caps } = openDb({ url: target.url, schema: target.schema, applicationName: target.schema, poolSize });
  await target.migrating(() => migrateToLatest(db, target.schema));
  const store = new Store(db, caps, config.claimRetries);
  const clock = new TestClock();
  const services = createServices(config, store, clock.now);
  return {
    services, clock, schema: target.schema,
    close: async () => {
      await services.recovery.stop();
      await services.traces.close();
      await store.close();
      await target.drop();
    },
  };
}

export async function buildTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    OPENDEH_ADMIN_PASSWORD: ADMIN_PASSWORD, OPENDEH_PUBLIC_URL: 'http://127.0.0.1:8080', OPENDEH_LOG_LEVEL: 'silent',
    OPENDEH_SERVER_BUILD_SECONDS: '0', ...env,
  });
  const { services, clock, schema, close } = await freshServices(dialect, config, 8);
  await bootstrapAdmin(config, services);
  await declareInventory(config, services);
  const app = await createApp(config, services, false);
  // Every answer this app gives is checked against its OpenAPI document (answer-check.ts).
  const mismatches: string[] = [];
  installAnswerCheck(app, mismatches);
  await app.ready();

  const call: TestApp['call'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.token && { 'x-auth-token': opts.token }), ...opts.headers };
    const res = await app.inject({ method: method as 'GET', url, headers, ...(opts.body !== undefined && { payload: opts.body as object }) });
    return res as LightMyRequestResponse & { json: () => any };
  };
  const login = async (user: string, password: string, projectId: string) => {
    const r = await call('POST', '/identity/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } }, scope: { project: { id: projectId } } } },
    });
    if (r.statusCode !== 201) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
    return r.headers['x-subject-token'] as string;
  };
  const adminProject = (await services.identity.listProjects({ name: config.adminProject }))[0];
  const adminUser = (await services.identity.listUsers({ name: config.adminUser }))[0];
  const admin: TestProject = { projectId: adminProject.id, userId: adminUser.id, name: adminProject.name, token: await login(config.adminUser, ADMIN_PASSWORD, adminProject.id) };

  const newProject: TestApp['newProject'] = async (opts = {}) => {
    const n = `${opts.name ?? 'eu-de_test'}${seq++}`;
    const project = await services.identity.createProject({ name: n, domainId: 'default' });
    const user = await services.identity.createUser({ name: `user-${n}`, domainId: 'default', password: 'pw-secret' });
    const role = (await services.identity.listRoles(opts.admin ? 'admin' : 'member'))[0];
    await services.identity.grant('project', project.id, user.id, role.id);
    return { projectId: project.id, userId: user.id, name: n, token: await login(`user-${n}`, 'pw-secret', project.id) };
  };

  return {
    app, services, config, clock, dialect, schema, admin, newProject, login, call,
    deh: (p, method, path, body, headers) => call(method, `/v1.0/${p.projectId}${path}`, { token: p.token, body, headers }),
    close: async () => {
      await app.close();
      await close();
      if (mismatches.length > 0) {
        throw new Error(`answers that do not match the OpenAPI document (src/http/schemas, docs/openapi.md):\n  ${[...new Set(mismatches)].join('\n  ')}`);
      }
    },
  };
}

/** Allocates hosts and returns their ids (asserts 200). */
export async function allocate(t: TestApp, p: TestProject, body: Record<string, unknown> = {}): Promise<string[]> {
  const r = await t.deh(p, 'POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1, ...body });
  if (r.statusCode !== 200) throw new Error(`allocate failed: ${r.statusCode} ${r.body}`);
  return r.json().dedicated_host_ids;
}
