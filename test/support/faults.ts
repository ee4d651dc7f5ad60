import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { openDb } from '../../src/store/dialects.js';
import { Store } from '../../src/store/store.js';
import { createApp, createServices } from '../../src/wiring.js';

// Apps in a broken world, for the 5xx tests: real faults, not mocks.

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * The real app over a PostgreSQL store whose server is gone (connection refused): what a
 * client sees while the database is down. No PostgreSQL server is needed.
 */
export async function appOverUnreachableDatabase(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const config = loadConfig({ OPENDEH_LOG_LEVEL: 'silent', OPENDEH_PUBLIC_URL: 'http://127.0.0.1:8080' });
  const { db, caps } = openDb({ url: `postgres://postgres@127.0.0.1:${await deadPort()}/gone`, poolSize: 2 });
  const store = new Store(db, caps, config.claimRetries);
  const app = await createApp(config, createServices(config, store), false);
  await app.ready();
  return { app, close: async () => { await app.close(); await store.close(); } };
}
