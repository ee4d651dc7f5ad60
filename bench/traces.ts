import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { openDb } from '../src/store/dialects.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { call, runLoad, type Measurement } from './load.js';
import { SERVER_MAIN, cleanupAll, onCleanup, startProcess, type Proc } from './processes.js';

// `npm run bench:traces [-- --pg URL]`: what CTS tracing costs, per engine, in one run.
// 1. Allocate (quantity 1) and ECS create (on a named DeH) against two servers on two fresh
//    databases, one writing traces (the default) and one with OPENDEH_TRACE_WRITES=off,
//    measured in alternating rounds (on, off, off, on, …) so a drift of the shared machine's
//    load hits both alike; the ratio is the median of the rounds' ratios.
// 2. GET …/system/trace?limit=100 against a project holding 1,000,000 traces (a week of
//    them), the default window (last hour), the whole week, a resource, an operation, a user,
//    and a page deep in the week (a `next` marker): p50/p99 from every response time.

const HELP = `usage: npm run bench:traces -- [--pg URL] [--engines sqlite,postgres] [--parts writes,lists] [--traces N] [--rounds N] [--seconds S] [--connections N]`;
const PASSWORD = 'bench-traces-secret';

interface Options { pgUrl: string; engines: ('sqlite' | 'postgres')[]; parts: ('writes' | 'lists')[]; traces: number; rounds: number; seconds: number; connections: number; out: string }

function parseArgs(argv: string[]): Options {
  const f = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)$/.exec(argv[i]);
    if (argv[i] === '--help') { process.stdout.write(`${HELP}\n`); process.exit(0); }
    if (!m || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}\n${HELP}`);
    f.set(m[1], argv[++i]);
  }
  const pgUrl = f.get('pg') ?? process.env.OPENDEH_BENCH_PG_URL ?? '';
  const engines = (f.get('engines') ?? (pgUrl ? 'sqlite,postgres' : 'sqlite')).split(',') as Options['engines'];
  if (engines.includes('postgres') && !pgUrl) throw new Error('postgres needs --pg URL');
  return {
    pgUrl, engines, parts: (f.get('parts') ?? 'writes,lists').split(',') as Options['parts'], traces: Number(f.get('traces') ?? 1_000_000), rounds: Number(f.get('rounds') ?? 4),
    seconds: Number(f.get('seconds') ?? 3), connections: Number(f.get('connections') ?? 10),
    out: resolve(f.get('out') ?? fileURLToPath(new URL('../../bench/results/', import.meta.url))),
  };
}

const log = (m: string) => process.stderr.write(`[bench traces] ${m}\n`);
const median = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); const h = v.length / 2; return v.length % 2 ? v[Math.floor(h)] : (v[h - 1] + v[h]) / 2; };

async function freshDb(engine: 'sqlite' | 'postgres', o: Options): Promise<{ env: Record<string, string>; url: string }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'opendeh-bench-traces-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return { env: { OPENDEH_DATA_DIR: dir }, url: join(dir, 'opendeh.db') };
  }
  const name = `opendeh_bench_traces_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: o.pgUrl });
  await admin.connect();
  try { await admin.query(`create database ${name}`); } finally { await admin.end(); }
  onCleanup(async () => {
    const c = new pg.Client({ connectionString: o.pgUrl });
    await c.connect();
    try { await c.query(`drop database if exists ${name} with (force)`); } finally { await c.end(); }
  });
  const u = new URL(o.pgUrl);
  u.pathname = `/${name}`;
  return { env: { OPENDEH_DATABASE_URL: u.toString(), OPENDEH_DATA_DIR: os.tmpdir() }, url: u.toString() };
}

const baseEnv = {
  OPENDEH_ADMIN_PASSWORD: PASSWORD, OPENDEH_DEFAULT_HOST_QUOTA: '-1', OPENDEH_ECS_QUOTA: '-1,-1,-1',
  OPENDEH_SERVER_BUILD_SECONDS: '0', OPENDEH_LOG_LEVEL: 'warn', OPENDEH_WORKERS: '1',
};

async function adminToken(url: string): Promise<{ token: string; projectId: string }> {
  const r = await call(url, 'POST', '/identity/v3/auth/tokens', { body: { auth: {
    identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: PASSWORD } } },
    scope: { project: { name: 'eu-de', domain: { name: 'Default' } } },
  } } });
  if (r.status !== 201) throw new Error(`login failed: ${r.status} ${r.text}`);
  return { token: r.headers!.get('x-subject-token')!, projectId: r.json.token.project.id };
}

const hdr = (token: string) => ({ accept: 'application/json', 'content-type': 'application/json', 'x-auth-token': token });

interface Side { proc: Proc; token: string; projectId: string; hosts: string[] }

async function side(engine: 'sqlite' | 'postgres', o: Options, traces: boolean): Promise<Side> {
  const db = await freshDb(engine, o);
  const proc = await startProcess(SERVER_MAIN, { ...baseEnv, ...db.env, OPENDEH_TRACE_WRITES: traces ? 'on' : 'off' });
  onCleanup(() => proc.stop());
  const a = await adminToken(proc.url);
  // DeHs for ECS creates on a named host, enough for every round to run its full time (a c4
  // holds 37 c4.large.4): at up to ~8,000 creates a second. With a fixed 300 hosts, a faster
  // machine ran out of room a quarter of a second into each round, and the ECS ratio was the
  // ratio of two quarter-second windows.
  const hosts: string[] = [];
  const batches = Math.ceil(((o.rounds + 1) * o.seconds * 8000) / (37 * 0.9) / 100);
  for (let i = 0; i < batches; i++) {
    const r = await call(proc.url, 'POST', `/v1.0/${a.projectId}/dedicated-hosts`, { token: a.token, body: { name: 'ecs', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 100 } });
    if (r.status !== 200) throw new Error(`allocate failed: ${r.status} ${r.text}`);
    hosts.push(...r.json.dedicated_host_ids);
  }
  return { proc, ...a, hosts };
}

function writeLoad(s: Side, kind: 'allocate' | 'ecs', o: Options, maxRequests: number): Promise<Measurement> {
  let n = 0;
  const request = kind === 'allocate'
    ? { method: 'POST' as const, path: `/v1.0/${s.projectId}/dedicated-hosts`, headers: hdr(s.token), body: JSON.stringify({ name: 'b', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 }) }
    : {
      setupRequest: (req: Record<string, unknown>) => Object.assign(req, {
        method: 'POST', path: `/compute/v2.1/${s.projectId}/servers`, headers: hdr(s.token),
        body: JSON.stringify({ server: { name: 'b', imageRef: 'img', flavorRef: 'c4.large.4', availability_zone: 'eu-de-01', networks: [{ uuid: 'net' }] }, 'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: s.hosts[n++ % s.hosts.length] } }),
      }),
    };
  return runLoad({ url: s.proc.url, pid: s.proc.pid, connections: o.connections, seconds: o.seconds, maxRequests, requests: [request as never], expect: kind === 'allocate' ? [200] : [202] });
}

interface Pair { kind: string; on: Measurement[]; off: Measurement[]; ratio: number }

async function sideBySide(engine: 'sqlite' | 'postgres', o: Options): Promise<Pair[]> {
  log(`${engine}: two servers, traces on / off`);
  const on = await side(engine, o, true);
  const off = await side(engine, o, false);
  const out: Pair[] = [];
  for (const kind of ['allocate', 'ecs'] as const) {
    // ECS creates are bounded by the hosts' room (37 per host), shared over the rounds.
    const budget = kind === 'ecs' ? Math.floor((on.hosts.length * 37 * 0.9) / (o.rounds + 1)) : 50_000;
    await writeLoad(on, kind, { ...o, seconds: 1 }, Math.min(budget, 300));
    await writeLoad(off, kind, { ...o, seconds: 1 }, Math.min(budget, 300));
    const pair: Pair = { kind, on: [], off: [], ratio: 0 };
    const ratios: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? [true, false] : [false, true];
      const got: Record<string, Measurement> = {};
      for (const traced of order) got[String(traced)] = await writeLoad(traced ? on : off, kind, o, budget);
      for (const [side, m] of Object.entries(got)) {
        if (m.seconds < 0.8 * o.seconds) log(`${engine} ${kind} round ${r + 1}: the ${side === 'true' ? 'traced' : 'untraced'} side ran out of work after ${m.seconds.toFixed(2)} s (${m.requests} requests): its figures are from a short window`);
      }
      pair.on.push(got.true);
      pair.off.push(got.false);
      ratios.push(got.true.rps / got.false.rps);
      log(`${engine} ${kind} round ${r + 1}: on ${got.true.rps.toFixed(0)}/s p99 ${got.true.p99.toFixed(1)} ms ${got.true.cpuUsPerRequest?.toFixed(0)} µs CPU/req, off ${got.false.rps.toFixed(0)}/s p99 ${got.false.p99.toFixed(1)} ms ${got.false.cpuUsPerRequest?.toFixed(0)} µs CPU/req, ratio ${(got.true.rps / got.false.rps).toFixed(3)}`);
    }
    pair.ratio = median(ratios);
    out.push(pair);
  }
  // A sanity check that the switch did what it says.
  const count = async (s: Side) => (await call(s.proc.url, 'GET', `/cts/v1.0/${s.projectId}/system/trace?limit=1&trace_name=createDedicatedHosts`, { token: s.token })).json.traces.length;
  if (await count(on) !== 1 || await count(off) !== 0) throw new Error('trace switch did not take effect');
  await on.proc.stop();
  await off.proc.stop();
  return out;
}

/** `n` traces of project `pid` over the last 7 days, inserted by the database itself. */
async function seedTraces(dbUrl: string, pid: string, n: number): Promise<number> {
  const started = performance.now();
  const { db } = openDb({ url: dbUrl, poolSize: 1 });
  try {
    await migrateToLatest(db);
    const now = Date.now();
    const span = 7 * 86400_000 - 60_000;
    const pg = /^postgres/.test(dbUrl);
    const hex = (e: string) => (pg ? sql.raw(`lpad(to_hex(${e}), 12, '0')`) : sql.raw(`printf('%012x', ${e})`));
    const cat = pg ? '||' : '||';
    void cat;
    for (let from = 1; from <= n; from += 200_000) {
      const to = Math.min(n, from + 199_999);
      const gen = pg ? sql`select n from generate_series(${sql.lit(from)}::bigint, ${sql.lit(to)}::bigint) as g(n)`
        : sql`select n from (with recursive s(n) as (select ${sql.lit(from)} union all select n + 1 from s where n < ${sql.lit(to)}) select n from s)`;
      await sql`insert into traces (trace_id, time, record_time, project_id, domain_id, trace_name, trace_rating, trace_type, service_type,
          resource_type, resource_id, resource_name, source_ip, user_id, user_name, user_domain_id, user_domain_name, request, response,
          code, api_version, message, request_id)
        select '00000000-0000-7000-8000-' || ${hex('n')}, ${sql.lit(now - span)} + (n * ${sql.lit(Math.floor(span / n))}), ${sql.lit(now - span)} + (n * ${sql.lit(Math.floor(span / n))}) + 3,
          ${pid}, 'default',
          case n % 4 when 0 then 'createDedicatedHosts' when 1 then 'updateDedicatedHosts' when 2 then 'batchCreateDedicatedHostTags' else 'releaseDedicatedHosts' end,
          case when n % 50 = 0 then 'warning' else 'normal' end, 'ApiCall', 'DEH', 'dedicatedHosts',
          'host-' || ${hex('n / 4')}, 'h', '192.0.2.1', 'u', 'user-' || (n % 20), 'default', 'Default',
          '{"dedicated_host":{"name":"h"}}', '', '204', '1.0', '', 'req-bench'
        from (${gen}) as q`.execute(db);
      log(`  ${to.toLocaleString('en-US')} traces`);
    }
    // A week of traces has been vacuumed and analyzed by autovacuum many times over; a table
    // loaded a second ago has not, and autovacuum doing it during the first listing measured
    // that instead (default window p99 86 ms, then 46 ms for the next shape).
    if (pg) await sql`vacuum analyze traces`.execute(db);
  } finally {
    await db.destroy();
  }
  return (performance.now() - started) / 1000;
}

interface ListResult { id: string; title: string; m: Measurement; returned: number }

async function listLatency(engine: 'sqlite' | 'postgres', o: Options): Promise<{ seedSeconds: number; results: ListResult[] }> {
  const db = await freshDb(engine, o);
  const env = { ...baseEnv, ...db.env };
  let proc = await startProcess(SERVER_MAIN, env);
  const { projectId } = await adminToken(proc.url);
  await proc.stop();
  log(`${engine}: seeding ${o.traces.toLocaleString('en-US')} traces`);
  const seedSeconds = await seedTraces(db.url, projectId, o.traces);
  proc = await startProcess(SERVER_MAIN, env, { timeoutMs: 120_000 });
  onCleanup(() => proc.stop());
  const { token } = await adminToken(proc.url);
  const base = `/cts/v1.0/${projectId}/system/trace?limit=100`;
  const week = `&from=${Date.now() - 7 * 86400_000}`;
  const mid = (await call(proc.url, 'GET', `${base}${week}&next=${Date.now() - 3.5 * 86400_000}`, { token })).json.traces[50].trace_id;
  const cases: [string, string, string][] = [
    ['default', 'limit=100, default window (last hour)', base],
    ['week', 'limit=100, the whole week', `${base}${week}`],
    ['resource', 'resource_id of one host, the week', `${base}${week}&resource_id=host-${(123_456).toString(16).padStart(12, '0')}`],
    ['operation', 'trace_name=releaseDedicatedHosts, the week', `${base}${week}&trace_name=releaseDedicatedHosts`],
    ['user', 'user=user-7, the week', `${base}${week}&user=user-7`],
    ['warning', 'trace_rating=warning, the week', `${base}${week}&trace_rating=warning`],
    ['deep', 'next = a trace 3.5 days back (marker)', `${base}${week}&next=${mid}`],
  ];
  const results: ListResult[] = [];
  for (const [i, [id, title, path]] of cases.entries()) {
    const sample = await call(proc.url, 'GET', path, { token });
    if (sample.status !== 200) throw new Error(`${id}: ${sample.status} ${sample.text}`);
    // Warm-up, longer for the first shape: it is the restarted server's first traffic (JIT,
    // caches), which 1 s did not cover — the first shape measured, whichever it was, came out
    // 8–15 ms slower at p99 than the same query a moment later.
    await runLoad({ url: proc.url, connections: o.connections, seconds: i === 0 ? 4 : 1, requests: [{ method: 'GET', path, headers: hdr(token) }], expect: [200] });
    const m = await runLoad({ url: proc.url, pid: proc.pid, connections: o.connections, seconds: o.seconds * 2, requests: [{ method: 'GET', path, headers: hdr(token) }], expect: [200] });
    results.push({ id, title, m, returned: sample.json.traces.length });
    log(`${engine} list ${id}: ${m.rps.toFixed(0)}/s p50 ${m.p50.toFixed(2)} ms p99 ${m.p99.toFixed(2)} ms (${sample.json.traces.length} returned, errors ${m.errors})`);
  }
  await proc.stop();
  return { seedSeconds, results };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const record: Record<string, unknown> = { date: new Date().toISOString(), host: { cpus: os.cpus().length, load: os.loadavg() }, options: o, engines: {} };
  const md: string[] = [`# Trace bench ${record.date as string}`, '', `${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at start; ${o.connections} connections, ${o.rounds} rounds of ${o.seconds} s per side.`, ''];
  for (const engine of o.engines) {
    const pairs = o.parts.includes('writes') ? await sideBySide(engine, o) : [];
    const list = o.parts.includes('lists') ? await listLatency(engine, o) : { seedSeconds: 0, results: [] };
    (record.engines as Record<string, unknown>)[engine] = { pairs: pairs.map((p) => ({ ...p, on: p.on.map(strip), off: p.off.map(strip) })), list: { ...list, results: list.results.map((r) => ({ ...r, m: strip(r.m) })) } };
    // Server CPU per answered request is steadier than the rate on a shared machine: off/on of
    // it is the rate ratio the server's own cost allows.
    md.push(`## ${engine}`, '', '| write | traces on req/s | off req/s | on/off (median of rounds) | on p99 ms | off p99 ms | server CPU µs/req on / off | off/on CPU |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const p of pairs) {
      const sum = (ms: Measurement[]) => ms.reduce((a, m) => a + m.requests, 0) / ms.reduce((a, m) => a + m.seconds, 0);
      const cpu = (ms: Measurement[]) => median(ms.map((m) => m.cpuUsPerRequest ?? Number.NaN));
      md.push(`| ${p.kind === 'ecs' ? 'ECS create (named DeH)' : 'allocate quantity 1'} | ${sum(p.on).toFixed(0)} | ${sum(p.off).toFixed(0)} | ${p.ratio.toFixed(3)} | ${median(p.on.map((m) => m.p99)).toFixed(1)} | ${median(p.off.map((m) => m.p99)).toFixed(1)} | ${cpu(p.on).toFixed(0)} / ${cpu(p.off).toFixed(0)} | ${(cpu(p.off) / cpu(p.on)).toFixed(3)} |`);
    }
    if (list.results.length > 0) {
      md.push('', `Trace list, ${o.traces.toLocaleString('en-US')} traces in the project (seeded in ${list.seedSeconds.toFixed(0)} s):`, '', '| query | returned | req/s | p50 ms | p99 ms |', '| --- | --- | --- | --- | --- |');
      for (const r of list.results) md.push(`| ${r.title} | ${r.returned} | ${r.m.rps.toFixed(0)} | ${r.m.p50.toFixed(2)} | ${r.m.p99.toFixed(2)} |`);
    }
    md.push('');
  }
  mkdirSync(o.out, { recursive: true });
  const stamp = (record.date as string).replace(/[:.]/g, '-');
  writeFileSync(join(o.out, `traces-${stamp}.json`), JSON.stringify(record, null, 2));
  writeFileSync(join(o.out, `traces-${stamp}.md`), `${md.join('\n')}\n`);
  process.stdout.write(`${md.join('\n')}\n`);
}

const strip = (m: Measurement) => { const { raw: _raw, ...rest } = m; return rest; };

main().then(() => cleanupAll(), async (e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  await cleanupAll();
  process.exit(1);
});
