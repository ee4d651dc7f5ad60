import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/time.js';
import { buildApp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { TraceService } from './services/traces.js';
import { HealthService } from './services/health.js';
import { HostHealth } from './services/host-health.js';
import { HostsService } from './services/hosts.js';
import { PoolService } from './services/pool.js';
import { RecoveryService } from './services/recovery.js';
import { IdentityService } from './services/identity.js';
import { ExternalKeystone } from './services/external-keystone.js';
import type { TokenValidator } from './services/token-validator.js';
import { LoginThrottle, ProjectRateLimited, SourceRate } from './services/abuse-limits.js';
import { ComputeQuotas } from './services/compute-quotas.js';
import { EcsJobs } from './services/ecs-jobs.js';
import { Placement } from './services/placement.js';
import { ServerActions } from './services/server-actions.js';
import { ServerDetails } from './services/server-details.js';
import { ServersService } from './services/servers.js';
import { openDb, sqlitePathFor } from './store/dialects.js';
import { migrateToLatest } from './store/migrate.js';
import { Store } from './store/store.js';

// Composition: config → store → services → app. Used by main.ts, the offline CLI commands
// and the tests, so all three run exactly the same wiring.

export interface Services {
  readonly store: Store;
  readonly identity: IdentityService;
  /** What the APIs authenticate with: `identity`, or `keystone` when OPENDEH_KEYSTONE_URL is set. */
  readonly tokens: TokenValidator;
  readonly keystone: ExternalKeystone | null;
  /** Requests per source address (OPENDEH_RATE_SOURCE); null = off. */
  readonly sourceRate: SourceRate | null;
  readonly hosts: HostsService;
  /** The physical pool (unlimited until inventory is declared). */
  readonly pool: PoolService;
  /** Operator failure injection and repair. */
  readonly hostHealth: HostHealth;
  /** Automatic recovery of failed DeHs onto spares of the pool (main.ts starts its polling). */
  readonly recovery: RecoveryService;
  readonly servers: ServersService;
  readonly serverActions: ServerActions;
  readonly serverDetails: ServerDetails;
  readonly computeQuotas: ComputeQuotas;
  readonly ecsJobs: EcsJobs;
  readonly traces: TraceService;
  readonly clock: Clock;
}

export async function openStore(config: Config, poolSize?: number): Promise<Store> {
  const url = config.databaseUrl || sqlitePathFor(config.dataDir);
  const { db, caps } = openDb({ url, poolSize });
  await migrateToLatest(db);
  return new Store(db, caps, config.claimRetries);
}

export function createServices(config: Config, store: Store, clock: Clock = systemClock): Services {
  const loginThrottle = new LoginThrottle(config.loginFailuresUser, config.loginFailuresSource, clock);
  const identity = new IdentityService(store, clock, { tokenTtlSeconds: config.tokenTtlSeconds, ...(loginThrottle.enabled && { loginThrottle }) });
  const keystone = config.keystoneUrl ? new ExternalKeystone({
    url: config.keystoneUrl, serviceUser: config.keystoneServiceUser, servicePassword: config.keystoneServicePassword,
    serviceProject: config.keystoneServiceProject, serviceDomain: config.keystoneServiceDomain,
    timeoutMs: config.keystoneTimeoutMs, cacheSeconds: config.keystoneCacheSeconds,
  }, clock) : null;
  const pool = new PoolService(store, clock, { availabilityZones: config.availabilityZones, azHostTypes: config.azHostTypes });
  const hosts = new HostsService(store, clock, {
    availabilityZones: config.availabilityZones, azHostTypes: config.azHostTypes,
    defaultHostQuota: config.defaultHostQuota, releasedRetentionSeconds: config.releasedRetentionSeconds,
  }, pool);
  const placement = new Placement(clock, { strategy: config.placementStrategy, availabilityZones: config.availabilityZones });
  const recovery = new RecoveryService(store, clock, placement, pool, {
    leaseSeconds: config.recoveryLeaseSeconds, pollSeconds: config.recoveryPollSeconds,
    serverBuildSeconds: config.serverBuildSeconds, stepDelayMs: config.recoveryStepDelayMs,
  });
  const hostHealth = new HostHealth(store, clock, pool, recovery);
  const computeQuotas = new ComputeQuotas(store, config.ecsQuota);
  const servers = new ServersService(store, clock, hosts,
    { serverBuildSeconds: config.serverBuildSeconds, availabilityZones: config.availabilityZones }, placement, computeQuotas);
  const serverActions = new ServerActions(servers);
  const serverDetails = new ServerDetails(servers);
  const ecsJobs = new EcsJobs(servers, serverActions);
  const validator: TokenValidator = keystone ?? identity;
  const tokens = config.rateProject ? new ProjectRateLimited(validator, config.rateProject, clock) : validator;
  const sourceRate = config.rateSource ? new SourceRate(config.rateSource, clock) : null;
  const traces = new TraceService(store, clock, { enabled: config.traceWrites, retentionSeconds: config.traceRetentionSeconds });
  return { store, identity, tokens, keystone, sourceRate, hosts, pool, hostHealth, recovery, servers, serverActions, serverDetails, computeQuotas, ecsJobs, traces, clock };
}

export async function createApp(config: Config, s: Services, logger: FastifyBaseLogger | boolean, metrics?: Metrics): Promise<FastifyInstance> {
  return buildApp({
    health: new HealthService(s.store), hostHealth: s.hostHealth, pool: s.pool, recovery: s.recovery, identity: s.identity, tokens: s.tokens, sourceRate: s.sourceRate ?? undefined, externalKeystoneUrl: config.keystoneUrl || undefined, hosts: s.hosts, traces: s.traces, compute: {
      servers: s.servers, actions: s.serverActions, details: s.serverDetails, quotas: s.computeQuotas, jobs: s.ecsJobs,
      availabilityZones: config.availabilityZones,
    }, clock: s.clock,
    publicUrl: config.publicUrl, region: config.region, bodyLimitBytes: config.bodyLimitBytes,
    requestTimeoutMs: config.requestTimeoutMs, logger, metrics,
  });
}

/** Declares the inventory of OPENDEH_POOL_FILE (new names only; idempotent). @returns how many were added */
export async function declareInventory(config: Config, s: Services): Promise<number> {
  return config.pool.length ? s.pool.declare(config.pool) : 0;
}

export async function bootstrapAdmin(config: Config, s: Services): Promise<string | null> {
  const r = await s.identity.bootstrap({ domain: config.adminDomain, project: config.adminProject, user: config.adminUser, password: config.adminPassword });
  return r.generatedPassword;
}
