import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PG_URL, type Dialect } from '../support/dialects.js';

// Real server processes for the concurrency and crash suites: the same `node dist/src/main.js`
// a user runs, on 127.0.0.1, over SQLite (one process) or PostgreSQL (OPENDEH_WORKERS=3).

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
export const ADMIN_PASSWORD = 'admin-secret';

export interface Cluster {
  readonly url: string;
  readonly dbUrl: string;
  readonly dialect: Dialect;
  proc: ChildProcess;
  /** Stops the server (SIGKILL when `hard`), keeping the data. */
  stop(hard?: boolean): Promise<void>;
  /** Starts the server again on the same port and data. */
  restart(): Promise<void>;
  /** Worker pids (cluster mode) or the single process pid. */
  serverPids(): Promise<number[]>;
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${stderrOf.get(proc) ?? ''}`);
    try {
      const r = await fetch(`${url}/opendeh/readyz`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

const stderrOf = new WeakMap<ChildProcess, string>();

/**
 * Starts a cluster; a port taken between picking and binding it (another suite) is retried.
 * With `sharedDbUrl` (PostgreSQL) it joins that existing database instead of making one, and
 * `destroy` leaves the database to its owner.
 */
export async function startCluster(dialect: Dialect, env: Record<string, string> = {}, sharedDbUrl?: string): Promise<Cluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(dialect, env, sharedDbUrl);
    } catch (e) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(e))) throw e;
    }
  }
}

/**
 * `count` separate server processes (one worker each, each on its own port) on one fresh
 * PostgreSQL database, so a test can send a request to a chosen process: what a change made
 * through one process does to the others. Started one after the other (the first migrates and
 * bootstraps); `destroy` stops them all and drops the database.
 */
export async function startPeers(count: number, env: Record<string, string> = {}): Promise<{ readonly peers: Cluster[]; destroy(): Promise<void> }> {
  const first = await startCluster('postgres', { ...env, OPENDEH_WORKERS: '1' });
  const peers = [first];
  try {
    for (let i = 1; i < count; i++) peers.push(await startCluster('postgres', { ...env, OPENDEH_WORKERS: '1' }, first.dbUrl));
  } catch (e) {
    for (const p of peers.reverse()) await p.destroy();
    throw e;
  }
  return {
    peers,
    async destroy() {
      for (const p of [...peers].reverse()) await p.destroy(); // the first (owner of the database) last
    },
  };
}

async function startClusterOnce(dialect: Dialect, env: Record<string, string>, sharedDbUrl?: string): Promise<Cluster> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let dbUrl: string;
  let dataDir = '';
  let dropDb = async () => {};
  if (dialect === 'postgres' && sharedDbUrl) {
    dbUrl = sharedDbUrl;
  } else if (dialect === 'postgres') {
    const name = `opendeh_cc_${process.pid}_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    dropDb = async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    };
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'opendeh-cc-'));
    dbUrl = join(dataDir, 'opendeh.db');
  }
  const childEnv = {
    ...process.env, OPENDEH_HOST: '127.0.0.1', OPENDEH_PORT: String(port), OPENDEH_PUBLIC_URL: url,
    OPENDEH_ADMIN_PASSWORD: ADMIN_PASSWORD, OPENDEH_LOG_LEVEL: 'warn', OPENDEH_SERVER_BUILD_SECONDS: '0',
    ...(dialect === 'postgres' ? { OPENDEH_DATABASE_URL: dbUrl, OPENDEH_WORKERS: '3' } : { OPENDEH_DATA_DIR: dataDir, OPENDEH_WORKERS: '1' }),
    ...env,
  };
  const launch = () => {
    const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    stderrOf.set(child, '');
    child.stderr!.on('data', (d: Buffer) => {
      const text = (stderrOf.get(child) ?? '') + d.toString();
      stderrOf.set(child, text.slice(-4000));
      process.stderr.write(d);
    });
    return child;
  };
  const cluster: Cluster = {
    url, dbUrl, dialect, proc: launch(),
    async stop(hard = false) {
      if (cluster.proc.exitCode !== null || cluster.proc.signalCode !== null) return;
      const done = new Promise((r) => cluster.proc.once('exit', r));
      cluster.proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await done;
      if (hard && Number(childEnv.OPENDEH_WORKERS) > 1) {
        // SIGKILL of the primary leaves its workers orphaned; kill them too, as a crash would.
        for (const pid of await childPids(cluster.proc.pid!)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    },
    async restart() {
      cluster.proc = launch();
      await waitReady(url, cluster.proc);
    },
    async serverPids() {
      return Number(childEnv.OPENDEH_WORKERS) > 1 ? childPids(cluster.proc.pid!) : [cluster.proc.pid!];
    },
    async destroy() {
      await cluster.stop();
      await dropDb();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, cluster.proc);
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  const workers = Number(childEnv.OPENDEH_WORKERS);
  if (workers > 1) {
    // Every worker must be listening before the load starts.
    const until = Date.now() + 60_000;
    while ((await childPids(cluster.proc.pid!)).length < workers && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }
  return cluster;
}

async function childPids(pid: number): Promise<number[]> {
  const { readFileSync, readdirSync } = await import('node:fs');
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch { /* exited */ }
  }
  return out;
}

/** JSON over HTTP with a bounded timeout (60 s: on a loaded shared machine 64 concurrent ECS creates on PostgreSQL took over 15 s); network failures come back as status 0. */
export async function http(url: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}):
  Promise<{ status: number; json: any; headers: Headers | null }> {
  try {
    const r = await fetch(`${url}${path}`, {
      method, signal: AbortSignal.timeout(60_000),
      headers: { ...(token && { 'x-auth-token': token }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null, headers: r.headers };
  } catch {
    return { status: 0, json: null, headers: null };
  }
}

export async function login(url: string, user: string, password: string, project: string): Promise<{ token: string; projectId: string }> {
  const r = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } }, scope: { project: { name: project, domain: { name: 'Default' } } } } }),
  });
  if (r.status !== 201) throw new Error(`login ${r.status} ${await r.text()}`);
  const body = await r.json() as { token: { project: { id: string } } };
  return { token: r.headers.get('x-subject-token')!, projectId: body.token.project.id };
}

/** Creates a project and a member user through the Keystone admin API, returns a token for it. */
export async function newTenant(url: string, adminToken: string, name: string): Promise<{ token: string; projectId: string }> {
  const p = await http(url, 'POST', '/identity/v3/projects', adminToken, { project: { name, domain_id: 'default' } });
  const u = await http(url, 'POST', '/identity/v3/users', adminToken, { user: { name: `u-${name}`, domain_id: 'default', password: 'pw-secret' } });
  const roles = await http(url, 'GET', '/identity/v3/roles?name=member', adminToken);
  const g = await http(url, 'PUT', `/identity/v3/projects/${p.json.project.id}/users/${u.json.user.id}/roles/${roles.json.roles[0].id}`, adminToken);
  if (p.status !== 201 || u.status !== 201 || g.status !== 204) throw new Error(`tenant setup failed ${p.status} ${u.status} ${g.status}`);
  return login(url, `u-${name}`, 'pw-secret', name);
}

/** Runs `clients` concurrent loops of `rounds` steps each; bounded by count. */
export async function swarm(clients: number, rounds: number, step: (client: number, round: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let r = 0; r < rounds; r++) await step(c, r);
  }));
}

/** Sums a counter over every worker: scrapes /metrics until each pid was seen (bounded). */
export async function sumMetric(url: string, name: string, workers: number): Promise<number> {
  const byPid = new Map<string, number>();
  for (let i = 0; i < 40 && byPid.size < workers; i++) {
    try {
      const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
      const m = new RegExp(`^${name}\\{pid="(\\d+)"\\} (\\d+)`, 'm').exec(text);
      if (m) byPid.set(m[1], Number(m[2]));
    } catch { /* retry */ }
  }
  return [...byPid.values()].reduce((a, b) => a + b, 0);
}
