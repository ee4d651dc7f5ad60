import { InvalidArgumentError, type Command } from 'commander';
import { describeOptions, loadConfig, type Config } from '../config.js';
import type { Caller } from '../services/hosts.js';
import type { Services } from '../wiring.js';
import { DomainError } from '../domain/errors.js';
import { Failure, UsageError, type Io } from './io.js';
import { fields, table } from './table.js';

// Operator commands that run without a server: they load the configuration the server would
// load and call the services through the same wiring as main.ts (src/wiring.ts), so
// `migrate` and `bootstrap` do exactly what a server start does.

/** The operator at the machine acts as DeH administrator, not as a member of any project. */
const OPERATOR: Caller = { projectId: 'opendeh-operator', userId: 'opendeh-operator', isAdmin: true };

const int = (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
};

async function withServices<T>(config: Config, fn: (s: Services) => Promise<T>): Promise<T> {
  // Loaded on demand: the client commands never open a database.
  const { createServices, openStore } = await import('../wiring.js');
  const store = await openStore(config);
  const services = createServices(config, store);
  try {
    return await fn(services);
  } catch (e) {
    // The service refused (unknown host type, bad limit …): report it as the API would.
    if (e instanceof DomainError) throw new Failure(`${e.code} ${e.message}`);
    throw e;
  } finally {
    await services.recovery.stop();
    await services.traces.close();
    await store.close();
  }
}

/** A database URL without its password, for printing. */
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

function where(config: Config): string {
  return config.databaseUrl ? `PostgreSQL ${redact(config.databaseUrl)}` : `SQLite in ${config.dataDir}`;
}

/** A project given by id or by name → its id. */
async function projectIdOf(s: Services, tenant: string): Promise<string> {
  try {
    return (await s.identity.getProject(tenant)).id;
  } catch {
    const byName = await s.identity.listProjects({ name: tenant });
    if (byName.length === 1) return byName[0].id;
    if (byName.length > 1) throw new UsageError(`several projects are named "${tenant}"; give the project id`);
    throw new UsageError(`no project with id or name "${tenant}"`);
  }
}

export function registerAdminCommands(program: Command, io: Io): void {
  program.command('serve').description('run the server (identity, DeH, compute APIs and the console on one port)')
    .option('--port <n>', 'TCP port (overrides OPENDEH_PORT)', int)
    .option('--workers <n>', 'API processes sharing the port (overrides OPENDEH_WORKERS; needs PostgreSQL)', int)
    .action(async (o: { port?: number; workers?: number }) => {
      // Flags become the variables they override, so they are validated like the rest and
      // the derived options (the public URL from host and port) stay right.
      const config = loadConfig({
        ...io.env,
        ...(o.port !== undefined && { OPENDEH_PORT: String(o.port) }),
        ...(o.workers !== undefined && { OPENDEH_WORKERS: String(o.workers) }),
      });
      const { runServer } = await import('../main.js');
      await runServer(config);
    });

  program.command('migrate').description('create or upgrade the database schema (no server needed)')
    .action(async () => {
      const config = loadConfig(io.env);
      await withServices(config, async () => undefined);
      io.out(`database schema is up to date (${where(config)})\n`);
    });

  program.command('bootstrap').description('create the admin domain, project and user on an empty database; prints a generated password once')
    .action(async () => {
      const config = loadConfig(io.env);
      const { bootstrapAdmin } = await import('../wiring.js');
      const generated = await withServices(config, (s) => bootstrapAdmin(config, s));
      io.out(`admin: user "${config.adminUser}" in domain "${config.adminDomain}", project "${config.adminProject}" (${where(config)})\n`);
      if (generated) io.out(`generated password: ${generated}\n`);
      else io.out('no password generated (already bootstrapped, or OPENDEH_ADMIN_PASSWORD set)\n');
    });

  program.command('config').description('list every configuration variable with its default and meaning')
    .option('--check', 'validate the current environment; exit 2 naming every bad variable')
    .option('--json', 'print JSON')
    .action((o: { check?: boolean; json?: boolean }) => {
      if (o.check) {
        loadConfig(io.env);
        io.out('configuration is valid\n');
        return;
      }
      const secret = new Set(['OPENDEH_ADMIN_PASSWORD', 'OPENDEH_KEYSTONE_SERVICE_PASSWORD']);
      const rows = describeOptions().map((d) => {
        const set = io.env[d.env];
        return { ...d, value: set === undefined ? undefined : secret.has(d.env) ? '***' : redact(set) };
      });
      if (o.json) return io.out(`${JSON.stringify(rows, null, 2)}\n`);
      io.out(table(['VARIABLE', 'DEFAULT', 'SET TO', 'MEANING'], rows.map((r) => [r.env, r.default === '' ? '(empty)' : r.default, r.value, r.help])));
    });

}

/** `opendeh quota set` (offline). */
export function registerQuotaSet(quota: Command, io: Io): void {
  quota.command('set').description('set a tenant\'s DeH limit for one host type (offline, as operator; -1 = unlimited)')
    .argument('<tenant>', 'project id or name').argument('<host_type>', 'host type, e.g. c4').argument('<hard_limit>', 'number of hosts, -1 = unlimited', int)
    .action(async (tenant: string, hostType: string, hardLimit: number) => {
      const config = loadConfig(io.env);
      await withServices(config, async (s) => {
        const tenantId = await projectIdOf(s, tenant);
        await s.hosts.setQuota(OPERATOR, tenantId, hostType, hardLimit);
        const [q] = await s.hosts.quota(OPERATOR, tenantId, hostType);
        io.out(fields([['tenant', tenantId], ['resource', q.resource], ['hard_limit', q.hardLimit], ['used', q.used]]));
      });
    });
}
