import { readFileSync } from 'node:fs';
import { HOST_TYPES_BY_NAME } from './domain/flavors.js';
import { physicalNameProblem, type PhysicalServerSpec } from './domain/pool.js';
import type { Rate } from './domain/token-bucket.js';
import { parseDuration } from './domain/trace.js';

// Configuration: read once from the environment in main.ts, validated, frozen, passed down.
// Every option has a default and a line of help (shown by `opendeh config`), and every bad
// variable is named in one error so an operator fixes them all in one go.

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL URL; when empty the embedded SQLite file under dataDir is used. */
  readonly databaseUrl: string;
  readonly publicUrl: string;
  readonly region: string;
  readonly adminUser: string;
  /** Empty means: generate one at bootstrap and print it once. */
  readonly adminPassword: string;
  readonly adminProject: string;
  readonly adminDomain: string;
  readonly tokenTtlSeconds: number;
  /** host_type → hard limit per tenant; -1 means unlimited. */
  readonly defaultHostQuota: number;
  readonly availabilityZones: readonly string[];
  /** az → host types offered there; an AZ missing from the map offers every type. */
  readonly azHostTypes: Readonly<Record<string, readonly string[]>>;
  readonly releasedRetentionSeconds: number;
  readonly serverBuildSeconds: number;
  readonly placementStrategy: 'spread' | 'pack';
  readonly claimRetries: number;
  readonly workers: number;
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: string;
  readonly ecsQuota: { readonly instances: number; readonly cores: number; readonly ram: number };
  /** External Keystone root (without /v3); empty = the embedded identity. */
  readonly keystoneUrl: string;
  readonly keystoneServiceUser: string;
  readonly keystoneServicePassword: string;
  readonly keystoneServiceProject: string;
  readonly keystoneServiceDomain: string;
  readonly keystoneTimeoutMs: number;
  /** Longest time a validated token is trusted without asking Keystone again (the revocation bound). */
  readonly keystoneCacheSeconds: number;
  /** Abuse limits; null = off. */
  readonly rateProject: Rate | null;
  readonly rateSource: Rate | null;
  readonly loginFailuresUser: Rate | null;
  readonly loginFailuresSource: Rate | null;
  /** Physical servers declared by OPENDEH_POOL_FILE (empty: none declared by file). */
  readonly pool: readonly PhysicalServerSpec[];
  /** Seconds between two looks for recovery work (a DeH failed, inventory added). */
  readonly recoveryPollSeconds: number;
  /** Seconds a process holds a recovery job before another may take it over (after a crash). */
  readonly recoveryLeaseSeconds: number;
  /** Testing aid: milliseconds of pause per ECS a recovery moves (crash tests, demos). */
  readonly recoveryStepDelayMs: number;
  /** CTS traces older than this are pruned (seconds). */
  readonly traceRetentionSeconds: number;
  /** false only to measure what tracing costs (bench); every change is traced otherwise. */
  readonly traceWrites: boolean;
}

/** `count` events per `seconds`: a token bucket of `count` that refills in `seconds`. */
export type { Rate };

interface Option<K extends keyof Config> {
  readonly env: string;
  readonly help: string;
  readonly default: string;
  readonly parse: (raw: string) => Config[K];
}

class BadValue extends Error {}

const int = (min: number, max: number) => (raw: string): number => {
  if (!/^-?\d+$/.test(raw.trim())) throw new BadValue(`expected an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadValue(`expected ${min}..${max}, got ${n}`);
  return n;
};
const str = (raw: string): string => raw;
/** Seconds, or a number with s/m/h/d (7d, 36h), within [min, max] seconds. */
const duration = (min: number, max: number) => (raw: string): number => {
  const n = parseDuration(raw);
  if (n === null) throw new BadValue(`expected seconds or a number with s/m/h/d (e.g. 7d), got "${raw}"`);
  if (n < min || n > max) throw new BadValue(`expected ${min}..${max} seconds, got ${n}`);
  return n;
};
const nonEmpty = (raw: string): string => {
  if (raw.trim() === '') throw new BadValue('must not be empty');
  return raw.trim();
};
const list = (raw: string): string[] => {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new BadValue('expected a comma-separated list');
  return items;
};
const url = (raw: string): string => {
  if (raw === '') return raw;
  try {
    const u = new URL(raw);
    if (!/^https?:$/.test(u.protocol)) throw new Error();
  } catch {
    throw new BadValue(`expected an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};
const pgUrl = (raw: string): string => {
  if (raw === '') return raw;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new BadValue('expected postgres://user@host:port/database');
  return raw;
};
/** "" → off; "100/1" → 100 per second; "5/300" → 5 per 5 minutes. */
const rate = (raw: string): Rate | null => {
  if (raw.trim() === '' || raw.trim() === 'off') return null;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (!m) throw new BadValue(`expected COUNT/SECONDS (e.g. 100/1), "off" or empty, got "${raw}"`);
  const count = Number(m[1]);
  const seconds = Number(m[2]);
  if (count < 1 || count > 1_000_000 || seconds < 1 || seconds > 86_400) throw new BadValue('expected COUNT 1..1000000 and SECONDS 1..86400');
  return { count, seconds };
};
/** A Keystone root: http(s), trailing slashes and a trailing /v3 removed (the client adds /v3). */
const keystoneUrl = (raw: string): string => url(raw).replace(/\/v3$/, '');
/** "eu-de-01=s2,c4;eu-de-02=s3" → { 'eu-de-01': ['s2','c4'], ... } */
const azTypes = (raw: string): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  if (raw.trim() === '') return out;
  for (const part of raw.split(';')) {
    const m = /^\s*([^=\s]+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new BadValue(`expected "az=type,type;az=type", got "${part}"`);
    out[m[1]] = list(m[2]);
  }
  return out;
};

/**
 * OPENDEH_POOL_FILE: a JSON file `{"physical_servers": [{"name": "sn-001", "availability_zone":
 * "eu-de-01", "host_type": "c4"}, …]}`; an entry may carry `"names": [...]` instead of `name`.
 * Read once here, at start-up.
 */
const poolFile = (raw: string): PhysicalServerSpec[] => {
  if (raw.trim() === '') return [];
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(raw.trim(), 'utf8'));
  } catch (e) {
    throw new BadValue(`cannot read ${raw.trim()} as JSON: ${(e as Error).message}`);
  }
  const entries = (doc as { physical_servers?: unknown })?.physical_servers;
  if (!Array.isArray(entries)) throw new BadValue('expected {"physical_servers": [{"name", "availability_zone", "host_type"}, …]}');
  const out: PhysicalServerSpec[] = [];
  for (const [i, e] of entries.entries()) {
    const o = (e ?? {}) as { name?: unknown; names?: unknown; availability_zone?: unknown; host_type?: unknown };
    const names = o.names !== undefined ? o.names : [o.name];
    if (!Array.isArray(names) || names.length === 0 || typeof o.availability_zone !== 'string' || typeof o.host_type !== 'string') {
      throw new BadValue(`physical_servers[${i}]: needs "name" (or "names"), "availability_zone" and "host_type"`);
    }
    if (!HOST_TYPES_BY_NAME.has(o.host_type)) throw new BadValue(`physical_servers[${i}]: unknown host type "${o.host_type}"`);
    for (const n of names) {
      const problem = typeof n === 'string' ? physicalNameProblem(n) : 'a name must be a string';
      if (problem) throw new BadValue(`physical_servers[${i}]: ${problem}`);
      out.push({ name: n as string, availabilityZone: o.availability_zone, hostType: o.host_type });
    }
  }
  const seen = new Set<string>();
  for (const p of out) {
    if (seen.has(p.name)) throw new BadValue(`physical server "${p.name}" is listed twice`);
    seen.add(p.name);
  }
  return out;
};

const OPTIONS: { [K in keyof Config]: Option<K> } = {
  host: { env: 'OPENDEH_HOST', default: '127.0.0.1', help: 'Address to listen on', parse: nonEmpty },
  port: { env: 'OPENDEH_PORT', default: '8080', help: 'TCP port for every API (identity, DeH, compute) and the console', parse: int(0, 65535) },
  dataDir: { env: 'OPENDEH_DATA_DIR', default: './data', help: 'Directory of the embedded SQLite database file', parse: nonEmpty },
  databaseUrl: { env: 'OPENDEH_DATABASE_URL', default: '', help: 'postgres:// URL; empty = embedded SQLite in OPENDEH_DATA_DIR', parse: pgUrl },
  publicUrl: { env: 'OPENDEH_PUBLIC_URL', default: '', help: 'Base URL put in the token catalog (default http://<host>:<port>)', parse: url },
  region: { env: 'OPENDEH_REGION', default: 'eu-de', help: 'Region id of every catalog endpoint', parse: nonEmpty },
  adminUser: { env: 'OPENDEH_ADMIN_USER', default: 'admin', help: 'Admin user created on first start', parse: nonEmpty },
  adminPassword: { env: 'OPENDEH_ADMIN_PASSWORD', default: '', help: 'Admin password on first start (empty: generated and printed once)', parse: str },
  adminProject: { env: 'OPENDEH_ADMIN_PROJECT', default: 'eu-de', help: 'Admin project created on first start (OTC clients derive the region from it)', parse: nonEmpty },
  adminDomain: { env: 'OPENDEH_ADMIN_DOMAIN', default: 'Default', help: 'Domain of the admin user and project', parse: nonEmpty },
  tokenTtlSeconds: { env: 'OPENDEH_TOKEN_TTL', default: '86400', help: 'Token lifetime in seconds', parse: int(60, 31_536_000) },
  defaultHostQuota: { env: 'OPENDEH_DEFAULT_HOST_QUOTA', default: '10', help: 'Default DeH quota per tenant and host type (-1 = unlimited)', parse: int(-1, 1_000_000) },
  availabilityZones: { env: 'OPENDEH_AZS', default: 'eu-de-01,eu-de-02,eu-de-03', help: 'Availability zones', parse: list },
  azHostTypes: { env: 'OPENDEH_AZ_HOST_TYPES', default: '', help: 'Host types per AZ, "az=t1,t2;az2=t3" (an AZ not named offers every type)', parse: azTypes },
  releasedRetentionSeconds: { env: 'OPENDEH_RELEASED_RETENTION', default: '300', help: 'Seconds a released DeH stays visible with changes-since / state=released', parse: int(0, 31_536_000) },
  serverBuildSeconds: { env: 'OPENDEH_SERVER_BUILD_SECONDS', default: '2', help: 'Seconds an ECS stays in a transient status (BUILD, REBOOT, RESIZE, …) before it settles (ACTIVE, VERIFY_RESIZE, …)', parse: int(0, 3600) },
  placementStrategy: {
    env: 'OPENDEH_PLACEMENT_STRATEGY', default: 'spread', help: 'Auto-placement: spread (most free memory first, the manual\'s rule) or pack',
    parse: (raw) => {
      if (raw !== 'spread' && raw !== 'pack') throw new BadValue('expected spread or pack');
      return raw;
    },
  },
  claimRetries: { env: 'OPENDEH_CLAIM_RETRIES', default: '10', help: 'Retries of a capacity claim that lost a generation race', parse: int(0, 1000) },
  workers: { env: 'OPENDEH_WORKERS', default: '1', help: 'API processes sharing the port (needs PostgreSQL when > 1)', parse: int(1, 64) },
  bodyLimitBytes: { env: 'OPENDEH_BODY_LIMIT', default: '1048576', help: 'Largest request body accepted (bytes); larger → 413', parse: int(1024, 104_857_600) },
  requestTimeoutMs: { env: 'OPENDEH_REQUEST_TIMEOUT_MS', default: '30000', help: 'Time a client has to send its request; slower → 408', parse: int(0, 3_600_000) },
  logLevel: {
    env: 'OPENDEH_LOG_LEVEL', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent',
    parse: (raw) => {
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)) throw new BadValue('unknown level');
      return raw;
    },
  },
  ecsQuota: {
    env: 'OPENDEH_ECS_QUOTA', default: '1000,4000,16384000', help: 'Default ECS quota per project: instances,cores,ram(MB) (-1 = unlimited)',
    parse: (raw) => {
      const parts = raw.split(',').map((p) => int(-1, 1_000_000_000)(p));
      if (parts.length !== 3) throw new BadValue('expected instances,cores,ram');
      return { instances: parts[0], cores: parts[1], ram: parts[2] };
    },
  },
  keystoneUrl: {
    env: 'OPENDEH_KEYSTONE_URL', default: '',
    help: 'External Keystone (e.g. http://keystone:5000, with or without /v3): user tokens are validated there; empty = the embedded identity', parse: keystoneUrl,
  },
  keystoneServiceUser: { env: 'OPENDEH_KEYSTONE_SERVICE_USER', default: 'opendeh', help: 'Service user OpenDeH validates tokens with (needs the service or admin role)', parse: nonEmpty },
  keystoneServicePassword: { env: 'OPENDEH_KEYSTONE_SERVICE_PASSWORD', default: '', help: 'Password of the service user (required with OPENDEH_KEYSTONE_URL)', parse: str },
  keystoneServiceProject: { env: 'OPENDEH_KEYSTONE_SERVICE_PROJECT', default: 'service', help: 'Project the service user\'s token is scoped to', parse: nonEmpty },
  keystoneServiceDomain: { env: 'OPENDEH_KEYSTONE_SERVICE_DOMAIN', default: 'Default', help: 'Domain name of the service user and its project', parse: nonEmpty },
  keystoneTimeoutMs: { env: 'OPENDEH_KEYSTONE_TIMEOUT_MS', default: '5000', help: 'Time the external Keystone has to answer; slower → 504', parse: int(100, 120_000) },
  keystoneCacheSeconds: {
    env: 'OPENDEH_KEYSTONE_CACHE_SECONDS', default: '30',
    help: 'Seconds a token validated by the external Keystone is trusted without asking again: a revocation takes effect within this bound (0 = ask every time)', parse: int(0, 3600),
  },
  rateProject: { env: 'OPENDEH_RATE_PROJECT', default: '', help: 'Requests per project, COUNT/SECONDS (e.g. 100/1); over it → 429 + Retry-After; empty = off', parse: rate },
  rateSource: { env: 'OPENDEH_RATE_SOURCE', default: '', help: 'Requests per source address, COUNT/SECONDS; over it → 429 + Retry-After; empty = off', parse: rate },
  loginFailuresUser: {
    env: 'OPENDEH_LOGIN_FAILURES_USER', default: '', help: 'Failed password logins per user name, COUNT/SECONDS (e.g. 5/300); beyond → 429 for that name; empty = off', parse: rate,
  },
  traceRetentionSeconds: {
    env: 'OPENDEH_TRACE_RETENTION', default: '7d', help: 'CTS traces older than this are deleted (seconds, or 30m, 36h, 7d, …); pruned every minute in small batches',
    parse: duration(60, 10 * 365 * 86400),
  },
  traceWrites: {
    env: 'OPENDEH_TRACE_WRITES', default: 'on', help: 'on: every change writes its CTS trace; off only to measure what tracing costs (npm run bench)',
    parse: (raw) => {
      if (raw !== 'on' && raw !== 'off') throw new BadValue('expected on or off');
      return raw === 'on';
    },
  },
  loginFailuresSource: {
    env: 'OPENDEH_LOGIN_FAILURES_SOURCE', default: '', help: 'Failed password logins per source address, COUNT/SECONDS (e.g. 20/300); beyond → 429; empty = off', parse: rate,
  },
  pool: {
    env: 'OPENDEH_POOL_FILE', default: '',
    help: 'JSON file of physical servers per AZ and host type (docs/operations.md#physical-pool); added at start-up if not there yet. No inventory at all = unlimited DeHs',
    parse: poolFile,
  },
  recoveryPollSeconds: { env: 'OPENDEH_RECOVERY_POLL_SECONDS', default: '2', help: 'Seconds between two looks for automatic-recovery work (docs/recovery.md)', parse: int(1, 3600) },
  recoveryLeaseSeconds: {
    env: 'OPENDEH_RECOVERY_LEASE_SECONDS', default: '30', help: 'Seconds a process holds a recovery job; a crashed holder\'s job is taken over after it', parse: int(1, 3600),
  },
  recoveryStepDelayMs: {
    env: 'OPENDEH_RECOVERY_STEP_DELAY_MS', default: '0', help: 'Testing aid: pause per ECS moved by a recovery, inside its transaction (to watch or crash one mid-way)', parse: int(0, 60_000),
  },
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Validates every variable and throws one ConfigError naming all bad ones. */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(OPTIONS) as [keyof Config, Option<keyof Config>][]) {
    const raw = env[opt.env] ?? opt.default;
    try {
      out[key] = opt.parse(raw);
    } catch (e) {
      problems.push(`${opt.env}: ${(e as Error).message}`);
    }
  }
  Object.assign(out, overrides);
  if (problems.length === 0) {
    const c = out as unknown as Config;
    for (const az of Object.keys(c.azHostTypes)) {
      if (!c.availabilityZones.includes(az)) problems.push(`OPENDEH_AZ_HOST_TYPES: "${az}" is not in OPENDEH_AZS`);
    }
    if (c.keystoneUrl !== '' && c.keystoneServicePassword === '') {
      problems.push('OPENDEH_KEYSTONE_SERVICE_PASSWORD: required when OPENDEH_KEYSTONE_URL is set (the service user validates tokens)');
    }
    for (const p of c.pool) {
      if (!c.availabilityZones.includes(p.availabilityZone)) problems.push(`OPENDEH_POOL_FILE: physical server "${p.name}": availability zone "${p.availabilityZone}" is not in OPENDEH_AZS`);
      else if (Object.hasOwn(c.azHostTypes, p.availabilityZone) && !c.azHostTypes[p.availabilityZone].includes(p.hostType)) {
        problems.push(`OPENDEH_POOL_FILE: physical server "${p.name}": host type ${p.hostType} is not offered in ${p.availabilityZone} (OPENDEH_AZ_HOST_TYPES)`);
      }
      if (problems.length > 5) break;
    }
    if (c.workers > 1 && c.databaseUrl === '') {
      problems.push('OPENDEH_WORKERS: more than one process needs OPENDEH_DATABASE_URL (PostgreSQL); the embedded SQLite store has a single writer');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (!out.publicUrl) out.publicUrl = `http://${formatHost(out.host as string)}:${out.port as number}`;
  return Object.freeze(out as unknown as Config);
}

function formatHost(h: string): string {
  if (h === '0.0.0.0' || h === '::') return '127.0.0.1';
  return h.includes(':') ? `[${h}]` : h;
}

/** For `opendeh config`: every option with its variable, default and help. */
export function describeOptions(): { env: string; default: string; help: string }[] {
  return Object.values(OPTIONS).map((o) => ({ env: o.env, default: o.default, help: o.help }));
}
