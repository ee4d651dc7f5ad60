import cluster from 'node:cluster';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { Metrics } from './http/metrics.js';
import { bootstrapAdmin, createApp, createServices, declareInventory, openStore } from './wiring.js';

// The composition root and the only place with side effects: read config once, open the
// store, bootstrap, listen, and shut down gracefully. With OPENDEH_WORKERS=N (PostgreSQL
// only) the primary forks N workers that share the port.

export async function runServer(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel, base: { pid: process.pid } });
  if (config.workers > 1 && cluster.isPrimary) {
    // Migrate and bootstrap once, before any worker serves.
    const store = await openStore(config, 2);
    const once = createServices(config, store);
    const generated = config.keystoneUrl ? null : await bootstrapAdmin(config, once);
    const declared = await declareInventory(config, once);
    if (declared) log.info({ added: declared }, 'physical servers added from OPENDEH_POOL_FILE');
    await once.recovery.stop(); // the workers run recovery; the primary only declared inventory
    await store.close();
    announce(config, generated, log);
    for (let i = 0; i < config.workers; i++) cluster.fork();
    cluster.on('exit', (w, code, signal) => {
      log.warn({ worker: w.process.pid, code, signal }, 'worker exited; starting a new one');
      if (!stopping) cluster.fork();
    });
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      setTimeout(() => process.exit(0), 5000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  const started = performance.now();
  const store = await openStore(config);
  const services = createServices(config, store);
  if (config.workers === 1) {
    announce(config, config.keystoneUrl ? null : await bootstrapAdmin(config, services), log);
    const declared = await declareInventory(config, services);
    if (declared) log.info({ added: declared }, 'physical servers added from OPENDEH_POOL_FILE');
  }
  const app = await createApp(config, services, log, new Metrics(true));
  await app.listen({ host: config.host, port: config.port });
  // Every serving process looks for recovery work; the job leases make each job run once.
  services.recovery.start((o, m) => log.warn(o, m));
  services.traces.startPruning();
  services.traces.startMoving();
  log.info({ url: config.publicUrl, engine: store.caps.engine, ms: Math.round(performance.now() - started) }, 'OpenDeH listening');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await services.recovery.stop();
    await services.traces.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function announce(config: Config, generated: string | null, log: pino.Logger): void {
  if (generated) {
    // Printed once, on the first start of an empty database; never logged again.
    process.stdout.write(`\nOpenDeH bootstrap: user "${config.adminUser}" in domain "${config.adminDomain}", project "${config.adminProject}"\n` +
      `  generated password: ${generated}\n  (set OPENDEH_ADMIN_PASSWORD to choose one)\n\n`);
  }
  if (config.keystoneUrl) {
    // The embedded identity is not bootstrapped: users, projects and the catalog are Keystone's.
    log.info({ identity: `${config.keystoneUrl}/v3`, cacheSeconds: config.keystoneCacheSeconds }, 'tokens are validated by the external Keystone (auth_url for clients)');
    return;
  }
  log.info({ identity: `${config.publicUrl}/identity/v3`, region: config.region }, 'auth_url for clients');
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  runServer(config).catch((e) => {
    process.stderr.write(`OpenDeH failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
