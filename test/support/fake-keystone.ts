import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp, type Services } from '../../src/wiring.js';
import { freshServices, type TestClock } from './app.js';
import type { Dialect } from './dialects.js';

// Upstreams for the external-Keystone tests that a real Keystone cannot play: one that answers
// garbage, one that hangs, one whose answers the test scripts. Real sockets on 127.0.0.1, real
// HTTP; the real Keystone scenario is test/keystone/real-keystone.test.ts.

export type ValidationMode = 'ok' | 'garbage' | 'not-a-token' | 'http500' | 'http503' | 'hang' | 'close';

export interface FakeUser { id: string; name: string; projectId: string; roles: string[] }

export class FakeKeystone {
  mode: ValidationMode = 'ok';
  loginMode: 'ok' | 'refuse' | 'hang' = 'ok';
  /** token → user; a token not in here validates as 404, like a revoked or garbage one. */
  readonly tokens = new Map<string, FakeUser>();
  readonly serviceTokens = new Set<string>();
  validations = 0;
  logins = 0;
  private server!: Server;
  private readonly hanging = new Set<ServerResponse>();
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  issue(user: FakeUser): string {
    const token = `tok-${user.id}-${this.seq++}`;
    this.tokens.set(token, user);
    return token;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) { /* drain */ }
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v3/auth/tokens') {
      this.logins++;
      if (this.loginMode === 'hang') return void this.hanging.add(res);
      if (this.loginMode === 'refuse') return json(401, { error: { code: 401, title: 'Unauthorized', message: 'bad' } });
      const t = `svc-${this.seq++}`;
      this.serviceTokens.add(t);
      return json(201, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), user: { id: 'svc', name: 'opendeh', domain: { id: 'default', name: 'Default' } } } }, { 'x-subject-token': t });
    }
    if (req.method === 'GET' && path === '/v3/auth/tokens') {
      this.validations++;
      if (!this.serviceTokens.has(String(req.headers['x-auth-token']))) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'service token' } });
      switch (this.mode) {
        case 'garbage': return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>upstream says hi</html>');
        case 'not-a-token': return json(200, { token: { user: 'nobody' } });
        case 'http500': return json(500, { error: { code: 500, title: 'Internal Server Error', message: 'boom' } });
        case 'http503': return void res.writeHead(503).end();
        case 'hang': return void this.hanging.add(res);
        case 'close': return void res.socket?.destroy();
        default: break;
      }
      const u = this.tokens.get(String(req.headers['x-subject-token']));
      if (!u) return json(404, { error: { code: 404, title: 'Not Found', message: 'Could not recognize Fernet token' } });
      const domain = { id: 'default', name: 'Default' };
      return json(200, {
        token: {
          methods: ['password'], expires_at: new Date(Date.now() + 3600_000).toISOString(), issued_at: new Date().toISOString(),
          audit_ids: ['a1'], user: { id: u.id, name: u.name, domain, password_expires_at: null },
          project: { id: u.projectId, name: 'eu-de', domain }, roles: u.roles.map((r) => ({ id: `role-${r}`, name: r })), is_domain: false,
        },
      }, { 'x-subject-token': String(req.headers['x-subject-token']) });
    }
    json(404, { error: { code: 404, title: 'Not Found', message: 'no such path in the fake' } });
  }
}

export interface ExternalApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly config: Config;
  readonly clock: TestClock;
  close(): Promise<void>;
}

/** The real app on a fresh database of its own, authenticating against the Keystone at `url`. */
export async function buildExternalApp(dialect: Dialect, url: string, env: Record<string, string> = {}): Promise<ExternalApp> {
  const config = loadConfig({
    OPENDEH_PUBLIC_URL: 'http://127.0.0.1:8080', OPENDEH_LOG_LEVEL: 'silent', OPENDEH_SERVER_BUILD_SECONDS: '0',
    OPENDEH_KEYSTONE_URL: url, OPENDEH_KEYSTONE_SERVICE_PASSWORD: 'service-secret', ...env,
  });
  const { services, clock, close } = await freshServices(dialect, config, 4);
  const app = await createApp(config, services, false);
  await app.ready();
  return {
    app, services, config, clock,
    close: async () => {
      await app.close();
      await close();
    },
  };
}
