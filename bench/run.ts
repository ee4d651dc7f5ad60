import type autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { summarizeFile, summaryMarkdown } from './cpuprofile-summary.js';
import { call, mergeMeasurements, type Measurement } from './load.js';
import { LoadClient } from './load-client.js';
import { CEILING_MAIN, SERVER_MAIN, SQL_TIMING, cleanupAll, onCleanup, startProcess, type Proc } from './processes.js';
import { judgeTargets, runMarkdown, type EngineResult, type RunRecord, type ScenarioResult } from './report.js';
import { ADMIN_PASSWORD, scenarios, SEED_NETWORKS, serverBody, SLOTS_PER_C4_HOST, type Scenario, type ScenarioCtx } from './scenarios.js';
import { seed, seededForBlock, type Seeded } from './seed.js';

// `npm run bench [-- options]`: seeds a fresh database at the chosen scale, starts the real
// server (`node dist/src/main.js`) on 127.0.0.1, measures the bare-fastify ceiling and every
// scenario with autocannon, on the embedded store and (with --pg) on PostgreSQL, and writes
// bench/results/<date>.json and .md. Every run is bounded in count and time, and every
// process and database it made is removed however it ends.

const HELP = `usage: npm run bench -- [options]
  --quick             small and short: 1,000 hosts, 2,000 ECSs, 2 s per scenario (< 3 min)
  --hosts N           hosts in the main project (default 10000; quick 1000)
  --servers N         ECSs seeded in the main project when the compute API exists (default 100000; quick 2000)
  --curve a,b,c       auto-placement candidate host counts (default 100,1000,10000)
  --pg URL            also run on PostgreSQL: a fresh database is created through URL and dropped after
                      (default: $OPENDEH_BENCH_PG_URL; e.g. postgres://postgres@127.0.0.1:5432/test)
  --engines list      sqlite,postgres (default: sqlite, plus postgres when a URL is given)
  --duration S        seconds per scenario, split over the rounds (default 6 in 3 rounds; quick 2 in 2)
  --connections N     autocannon connections (default 10)
  --workers list      PostgreSQL: server processes (OPENDEH_WORKERS), one block per count on the same
                      seeded database, e.g. 1,3 (default 1; SQLite always runs one process)
  --clients N         load-generator processes sharing the connections (default 1); the report
                      gives the client's CPU % so a client-bound figure shows as such
  --only id,id        run only these scenarios (the ceiling always runs)
  --profile id        run only scenario id, with the server under --cpu-prof, and summarise the profile
  --out DIR           where to write <date>.json and <date>.md (default bench/results)
  --render FILE.json  only re-render FILE.md from a recorded run
`;

interface Options {
  readonly quick: boolean;
  readonly hosts: number;
  readonly servers: number;
  readonly curve: number[];
  readonly pinnedHosts: number;
  readonly pgUrl: string;
  readonly engines: ('sqlite' | 'postgres')[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly warmupWrites: number;
  /** Each scenario is measured in this many rounds, each right after a short ceiling run. */
  readonly rounds: number;
  readonly ceilingRoundSeconds: number;
  readonly connections: number;
  readonly workers: number[];
  readonly clients: number;
  readonly only: string[] | null;
  readonly profile: string | null;
  readonly outDir: string;
}

function parseArgs(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { process.stdout.write(HELP); process.exit(0); }
    if (a === '--quick') { flags.set('quick', '1'); continue; }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument "${a}"\n${HELP}`);
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`--${m[1]} needs a value`);
    flags.set(m[1], v);
  }
  const known = new Set(['quick', 'hosts', 'servers', 'curve', 'pg', 'engines', 'duration', 'connections', 'workers', 'clients', 'only', 'profile', 'out']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${HELP}`);
  const quick = flags.has('quick');
  const num = (k: string, d: number, min: number, max: number) => {
    const v = flags.has(k) ? Number(flags.get(k)) : d;
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${k} must be a number from ${min} to ${max}`);
    return v;
  };
  const pgUrl = flags.get('pg') ?? process.env.OPENDEH_BENCH_PG_URL ?? '';
  if (pgUrl && !/^postgres(ql)?:\/\//.test(pgUrl)) throw new Error('--pg must be a postgres:// URL');
  const engines = (flags.get('engines') ?? (pgUrl ? 'sqlite,postgres' : 'sqlite')).split(',').map((e) => e.trim());
  for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') throw new Error(`unknown engine "${e}"`);
  if (engines.includes('postgres') && !pgUrl) throw new Error('the postgres engine needs --pg URL');
  const curve = (flags.get('curve') ?? '100,1000,10000').split(',').map(Number);
  if (curve.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new Error('--curve must be host counts such as 100,1000,10000');
  const profile = flags.get('profile') ?? null;
  const only = profile ? [profile] : flags.get('only')?.split(',').map((s) => s.trim()) ?? null;
  // A misspelt id would run (or profile) nothing and still write a report.
  const ids = new Set(scenarios(curve).map((s) => s.id));
  const unknown = (only ?? []).filter((id) => !ids.has(id));
  if (unknown.length) throw new Error(`no scenario ${unknown.map((id) => `"${id}"`).join(', ')} (known: ${[...ids].join(', ')})`);
  const workers = (flags.get('workers') ?? '1').split(',').map(Number);
  if (workers.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new Error('--workers must be process counts from 1 to 16, such as 1,3');
  return {
    quick,
    hosts: num('hosts', quick ? 1000 : 10_000, 10, 200_000),
    servers: num('servers', quick ? 2000 : 100_000, 0, 2_000_000),
    curve,
    pinnedHosts: quick ? 100 : 400,
    pgUrl,
    engines: engines as Options['engines'],
    seconds: num('duration', quick ? 2 : 6, 0.5, 600),
    warmupSeconds: quick ? 0.5 : 1,
    warmupWrites: quick ? 50 : 200,
    rounds: quick ? 2 : 3,
    ceilingRoundSeconds: quick ? 0.5 : 1,
    connections: num('connections', 10, 1, 1000),
    workers: [...new Set(workers)],
    clients: num('clients', 1, 1, 8),
    only,
    profile,
    outDir: resolve(flags.get('out') ?? fileURLToPath(new URL('../../bench/results/', import.meta.url))),
  };
}

const log = (engine: string, msg: string) => process.stderr.write(`[bench ${engine}] ${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function progressLine(engine: string, title: string, m: Measurement, ratio: number, ceilingRps: number): void {
  const cpu = (m.cpuUsPerRequest !== undefined ? `  server CPU ${m.cpuUsPerRequest.toFixed(0)} µs/req` : '') +
    (m.clientCpuPct !== undefined ? `  client CPU ${m.clientCpuPct.toFixed(0)} %` : '');
  log(engine, `${title.slice(0, 56).padEnd(56)} ${fmt(m.rps).padStart(7)} req/s  ×${ratio.toFixed(3)} of ceiling (${fmt(ceilingRps)})  ` +
    `p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  errors ${m.errors}/${m.requests}${cpu}  (${m.seconds.toFixed(1)} s)`);
}

/** A fresh, empty database for one engine block and the function that removes it. */
async function freshDatabase(engine: 'sqlite' | 'postgres', o: Options): Promise<{ env: Record<string, string>; release: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'opendeh-bench-'));
    return { env: { OPENDEH_DATA_DIR: dir }, release: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  // Named after the database of --pg (opendeh_<x>_bench_…), so a shared server shows whose it is.
  const base = new URL(o.pgUrl).pathname.replace(/^\//, '').replace(/[^a-z0-9_]/gi, '').toLowerCase() || 'opendeh';
  const name = `${base}_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: o.pgUrl });
  await admin.connect();
  try { await admin.query(`create database ${name}`); } finally { await admin.end(); }
  const u = new URL(o.pgUrl);
  u.pathname = `/${name}`;
  return {
    env: { OPENDEH_DATABASE_URL: u.toString(), OPENDEH_DATA_DIR: os.tmpdir() },
    release: async () => {
      const c = new pg.Client({ connectionString: o.pgUrl });
      await c.connect();
      try { await c.query(`drop database if exists ${name} with (force)`); } finally { await c.end(); }
    },
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | null = null;
  return () => (p ??= fn());
}

async function probeCompute(url: string, seeded: Seeded): Promise<{ available: boolean; note: string }> {
  const p = seeded.projects.pinned;
  const r = await call(url, 'POST', `/compute/v2.1/${p.id}/servers`, { token: p.token, body: JSON.parse(serverBody(seeded.pinnedHostIds[0])) });
  if (r.status === 202) return { available: true, note: 'POST /compute/v2.1/{project_id}/servers answered 202' };
  return { available: false, note: `POST /compute/v2.1/{project_id}/servers answered ${r.status || 'no response'} (${r.text.replace(/\s+/g, ' ').slice(0, 140)}); compute scenarios not run` };
}

interface Scored {
  m: Measurement; ceiling: Measurement; served: number; ratio: number; cpuRatio?: number;
  rounds: { rps: number; ceilingRps: number; cpuUs?: number; ceilingCpuUs?: number; payloadRps?: number }[];
  /** Reads: the same answer served by the bare route (see ceiling-server.ts), its size and the ratio to it. */
  payload?: { bytes: number; ceiling: Measurement; ratio: number; cpuRatio?: number };
}

/** One concrete request of a scenario (its first), with the server's answer to it. */
async function sampleAnswer(url: string, reqs: autocannon.Request[]): Promise<{ status: number; text: string }> {
  const r0 = reqs[0];
  const r = r0.setupRequest ? r0.setupRequest({ ...r0 }, {}) ?? r0 : r0;
  const res = await fetch(`${url}${r.path ?? '/'}`, { method: r.method ?? 'GET', headers: r.headers, body: r.body as string | undefined });
  return { status: res.status, text: await res.text() };
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const mid = v.length / 2;
  return v.length % 2 ? v[Math.floor(mid)] : (v[mid - 1] + v[mid]) / 2;
};

/**
 * Warm-up, then `rounds` rounds of [ceiling, scenario], so each ratio compares two runs a
 * second apart and a drift in the machine's load (other jobs on a shared box) cancels out.
 * The reported ratio is the median of the rounds' ratios. The server's and the ceiling's
 * CPU time per request are measured as well: on a busy machine they move far less than
 * requests/s do.
 */
async function measureScenario(client: LoadClient, server: Proc, ceilingProc: Proc, sc: Scenario, ctx: ScenarioCtx, o: Options): Promise<Scored> {
  let budget = sc.capacity?.(ctx);
  const base = { url: server.url, pid: server.pid, connections: o.connections, expect: sc.expect, source: { scenario: sc.id, curve: o.curve, ctx } };
  const warm = sc.write
    ? await client.run({ ...base, seconds: o.warmupSeconds, maxRequests: Math.min(o.warmupWrites, budget ?? Infinity) })
    : await client.run({ ...base, seconds: o.warmupSeconds });
  if (budget !== undefined && sc.write) budget -= warm.requests;
  const parts: Measurement[] = [];
  const ceilings: Measurement[] = [];
  const payloads: Measurement[] = [];
  const rounds: Scored['rounds'] = [];
  // For reads, the ceiling also serves this scenario's own answer (GET /payload).
  let bytes = 0;
  if (!sc.write) {
    const a = await sampleAnswer(server.url, sc.requests(ctx));
    const put = await fetch(`${ceilingProc.url}/payload`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: a.text });
    if (a.status === 200 && put.status === 204) bytes = Buffer.byteLength(a.text);
  }
  for (let r = 0; r < o.rounds; r++) {
    const c = await runCeiling(client, ceilingProc, o, o.ceilingRoundSeconds);
    const pc = bytes > 0 ? await runCeiling(client, ceilingProc, o, o.ceilingRoundSeconds, '/payload') : undefined;
    if (pc) payloads.push(pc);
    const share = budget === undefined ? undefined : Math.floor(budget / (o.rounds - r));
    if (share !== undefined && share < o.connections) throw new Error(`no capacity left for ${sc.id}`);
    const m = await client.run({ ...base, seconds: o.seconds / o.rounds, maxRequests: share });
    if (budget !== undefined) budget -= m.requests;
    parts.push(m);
    ceilings.push(c);
    rounds.push({ rps: m.rps, ceilingRps: c.rps, cpuUs: m.cpuUsPerRequest, ceilingCpuUs: c.cpuUsPerRequest, ...(pc && { payloadRps: pc.rps }) });
  }
  const ratio = median(rounds.map((x) => x.rps / x.ceilingRps));
  const cpu = rounds.filter((x) => x.cpuUs && x.ceilingCpuUs).map((x) => x.ceilingCpuUs! / x.cpuUs!);
  const m = mergeMeasurements(parts);
  let payload: Scored['payload'];
  if (payloads.length) {
    const pcpu = parts.map((p, i) => (p.cpuUsPerRequest && payloads[i].cpuUsPerRequest ? payloads[i].cpuUsPerRequest! / p.cpuUsPerRequest : NaN)).filter(Number.isFinite);
    payload = {
      bytes, ceiling: mergeMeasurements(payloads), ratio: median(parts.map((p, i) => p.rps / payloads[i].rps)),
      ...(pcpu.length && { cpuRatio: median(pcpu) }),
    };
  }
  return { m, ceiling: mergeMeasurements(ceilings), served: warm.requests + m.requests, ratio, ...(payload && { payload }), ...(cpu.length && { cpuRatio: median(cpu) }), rounds };
}

function runCeiling(client: LoadClient, c: Proc, o: Options, seconds: number, path = '/'): Promise<Measurement> {
  return client.run({ url: c.url, pid: c.pid, connections: o.connections, expect: [200], source: { requests: [{ method: 'GET', path }] }, seconds });
}

async function runEngine(engine: 'sqlite' | 'postgres', o: Options, client: LoadClient): Promise<EngineResult[]> {
  // SQLite has one writer process; --workers applies to PostgreSQL only.
  const workerCounts = engine === 'sqlite' ? [1] : o.workers;
  const db = await freshDatabase(engine, o);
  const release = once(db.release);
  onCleanup(release);
  const env = {
    ...db.env, OPENDEH_ADMIN_PASSWORD: ADMIN_PASSWORD, OPENDEH_DEFAULT_HOST_QUOTA: '-1', OPENDEH_ECS_QUOTA: '-1,-1,-1',
    OPENDEH_SERVER_BUILD_SECONDS: '0', OPENDEH_LOG_LEVEL: 'warn', OPENDEH_WORKERS: '1',
  };
  let server: Proc | null = null;
  try {
    // 1. Hosts, projects and tokens, in-process (each block after the first gets its own write projects).
    const curve = o.curve;
    log(engine, `seeding ${fmt(o.hosts)} main hosts, ${fmt(o.pinnedHosts)} pinned-placement hosts, auto-placement projects of ${curve.map(fmt).join(' / ')} hosts` +
      (workerCounts.length > 1 ? ` (pinned and auto-placement projects once per block: ${workerCounts.join(', ')} processes)` : ''));
    const seeded = await seed(env, { mainHosts: o.hosts, pinnedHosts: o.pinnedHosts, curve, servers: o.servers, blocks: workerCounts.length }, (m) => log(engine, m));
    const seeding = {
      hosts: seeded.hostsTotal, hostSeconds: seeded.seconds, servers: seeded.servers.count, serverSeconds: seeded.servers.seconds,
      serverErrors: 0, note: seeded.servers.note as string | undefined,
    };
    if (seeded.servers.count > 0) log(engine, `seeded ${fmt(seeded.servers.count)} ECSs in ${seeded.servers.seconds.toFixed(1)} s (${seeded.servers.note})`);

    // 2. First start; is there a compute API? If the in-process ECS seeding could not run, seed over HTTP.
    server = await startProcess(SERVER_MAIN, env);
    const firstMs = server.startupMs;
    const compute = await probeCompute(server.url, seeded);
    log(engine, `compute API ${compute.available ? 'available' : `NOT available: ${compute.note}`}`);
    const want = Math.min(o.servers, Math.floor(seeded.mainC4Hosts * SLOTS_PER_C4_HOST * 0.9));
    if (compute.available && seeding.servers < want) {
      log(engine, `seeding ${fmt(want - seeding.servers)} ECSs over HTTP (auto-placement in the main project; ${seeding.note})`);
      const p = seeded.projects.main;
      const m = await client.run({
        url: server.url, connections: 16, seconds: Math.max(120, (want - seeding.servers) / 100), maxRequests: want - seeding.servers, expect: [202],
        source: { requests: SEED_NETWORKS.map((net) => ({ method: 'POST', path: `/compute/v2.1/${p.id}/servers`, headers: { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': p.token }, body: serverBody(undefined, 1, net) })) },
      });
      Object.assign(seeding, { servers: seeding.servers + m.requests - m.errors, serverSeconds: seeding.serverSeconds + m.seconds, serverErrors: m.errors, note: 'over HTTP' });
      log(engine, `seeded ${fmt(m.requests - m.errors)} ECSs over HTTP in ${m.seconds.toFixed(1)} s (${fmt(m.rps)}/s, ${m.errors} errors)`);
    }
    if (want < o.servers) seeding.note = `${seeding.note}; capped at ${fmt(want)} by the capacity of ${fmt(seeded.mainC4Hosts)} c4 hosts`;
    if (!compute.available) seeding.note = 'compute API not available';
    await server.stop();
    server = null;

    const out: EngineResult[] = [];
    let seededServers = seeding.servers;
    for (const [b, workers] of workerCounts.entries()) {
      const ctx: ScenarioCtx = { seeded: seededForBlock(seeded, b, curve), computeAvailable: compute.available, seededServers };
      const r = await runBlock(engine, o, client, { ...env, OPENDEH_WORKERS: String(workers) }, workers, ctx, firstMs);
      out.push({ ...r, seeding, compute });
      // ECSs the block created in the main project (an upper bound) use main's capacity too.
      seededServers += r.scenarios.filter((x) => x.id === 'ecs-place-main' || x.id === 'mixed').reduce((a, x) => a + (x.served ?? 0), 0);
    }
    return out;
  } finally {
    await server?.stop();
    await release();
  }
}

/** One server block: start-up on the seeded database, the ceiling beside it, every scenario, memory, the profile. */
async function runBlock(engine: 'sqlite' | 'postgres', o: Options, client: LoadClient, env: Record<string, string>, workers: number,
  ctx: ScenarioCtx, firstMs: number): Promise<Omit<EngineResult, 'seeding' | 'compute'>> {
  const label = engine === 'sqlite' ? 'Embedded store (SQLite, WAL, synchronous=NORMAL), one process'
    : `PostgreSQL, ${workers === 1 ? 'one server process' : `${workers} server processes (OPENDEH_WORKERS=${workers})`}`;
  const tag = workers > 1 ? `${engine} ×${workers}` : engine;
  let server: Proc | null = null;
  try {
    // Start-up on the seeded database, three times; the last one serves the scenarios.
    const runsMs: number[] = [];
    const profDir = o.profile ? mkdtempSync(join(os.tmpdir(), 'opendeh-cpuprof-')) : '';
    for (let i = 0; i < 3; i++) {
      const last = i === 2;
      const profiling = last && o.profile;
      const s = await startProcess(SERVER_MAIN, { ...env, ...(profiling && { OPENDEH_BENCH_SQL_PROFILE: join(profDir, 'sql.json') }) }, {
        nodeArgs: profiling ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', SQL_TIMING] : [],
        // Several processes on a loaded shared machine took over 30 s to answer (the run was lost).
        timeoutMs: 120_000,
      });
      if (!(last && o.profile)) runsMs.push(s.startupMs);
      if (last) server = s;
      else await s.stop();
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    const startup = { runsMs, medianMs: sorted[Math.floor((sorted.length - 1) / 2)], firstMs };
    await new Promise((r) => setTimeout(r, 200));
    const idle = server!.rss();
    log(tag, `start-up ${runsMs.map((x) => `${fmt(x)} ms`).join(', ')}; RSS idle ${fmt(idle?.rssMb ?? 0)} MB`);

    // The ceiling process runs beside the server for the whole block; every scenario is
    // measured in rounds right after a short ceiling run (see measureScenario).
    const ceilingProc = await startProcess(CEILING_MAIN, {});
    onCleanup(() => ceilingProc.stop());
    await runCeiling(client, ceilingProc, o, o.warmupSeconds);
    const ceilingRuns: Measurement[] = [];
    const loadAvg: number[] = [os.loadavg()[0]];
    const results: ScenarioResult[] = [];
    let afterReads: { rssMb: number; hwmMb: number } | null = null;
    let profiled: Measurement | undefined;
    let profiledServed = 0;
    for (const sc of scenarios(o.curve)) {
      if (o.only && !o.only.includes(sc.id)) {
        results.push({ id: sc.id, title: sc.title, status: 'skipped' });
        continue;
      }
      if (sc.write && !afterReads) afterReads = server!.rss();
      if (sc.needsCompute && !ctx.computeAvailable) {
        results.push({ id: sc.id, title: sc.title, status: 'not available', note: 'compute API not available' });
        log(tag, `${sc.title.padEnd(58)} not available (compute API)`);
        continue;
      }
      if (server!.rss() === null) {
        results.push({ id: sc.id, title: sc.title, status: 'failed', note: 'server process exited' });
        continue;
      }
      try {
        const { m, ceiling, ratio, cpuRatio, rounds, served, payload } = await measureScenario(client, server!, ceilingProc, sc, ctx, o);
        ceilingRuns.push(ceiling);
        const top = Object.entries(m.statuses).filter(([s]) => !sc.expect.includes(Number(s))).map(([s, n]) => `${n}× ${s}`).join(', ');
        const mem = server!.rss();
        results.push({
          id: sc.id, title: sc.title, status: 'ok', m, ratio, cpuRatio, ceilingRps: ceiling.rps, ceilingCpuUs: ceiling.cpuUsPerRequest, rounds, served,
          ...(payload && { payload: { bytes: payload.bytes, rps: payload.ceiling.rps, cpuUs: payload.ceiling.cpuUsPerRequest, p99: payload.ceiling.p99, ratio: payload.ratio, cpuRatio: payload.cpuRatio } }),
          ...(mem && { rssAfterMb: mem.rssMb, peakAfterMb: mem.hwmMb }), ...(top && { note: `unexpected: ${top}` }),
        });
        progressLine(tag, sc.title, m, ratio, ceiling.rps);
        if (o.profile === sc.id) { profiled = m; profiledServed = served; }
      } catch (e) {
        results.push({ id: sc.id, title: sc.title, status: 'failed', note: (e as Error).message });
        log(tag, `${sc.title}: FAILED ${(e as Error).message}`);
      }
    }
    const end = server!.rss();
    loadAvg.push(os.loadavg()[0]);
    await ceilingProc.stop();
    const ceiling = ceilingRuns.length ? mergeMeasurements(ceilingRuns) : await (async () => {
      const c = await startProcess(CEILING_MAIN, {});
      try { return await runCeiling(client, c, o, o.seconds); } finally { await c.stop(); }
    })();
    progressLine(tag, 'ceiling: bare fastify, fixed JSON (all rounds)', ceiling, 1, ceiling.rps);
    const rss = {
      idleMb: idle?.rssMb ?? NaN, afterReadsMb: (afterReads ?? end)?.rssMb ?? NaN, peakAfterReadsMb: (afterReads ?? end)?.hwmMb ?? NaN,
      endMb: end?.rssMb ?? NaN, peakMb: end?.hwmMb ?? NaN,
    };
    if (!end) log(tag, `server process exited early:\n${server!.tail()}`);
    await server!.stop();
    server = null;

    let profile: EngineResult['profile'];
    if (o.profile) {
      const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f));
      // With several processes the primary only forwards connections: profile the busiest worker's file (the largest).
      const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (file) {
        const sum = summarizeFile(file, 25, profiled?.window);
        const perReq = profiled ? ` CPU per request: ${((1000 * sum.busyMs) / profiled.requests).toFixed(0)} µs (${profiled.requests} requests${workers > 1 ? `, one of ${workers} processes` : ''}).` : '';
        const summary = `${summaryMarkdown(sum)}\n\nWindow: the measured run only (warm-up excluded).${perReq}\n\n${sqlSummary(join(profDir, 'sql.json'), profiledServed, engine)}`;
        profile = { scenario: o.profile, file, summary };
        log(tag, `CPU profile of ${o.profile}: ${file}\n${summary}`);
      } else {
        log(tag, `no .cpuprofile written in ${profDir}`);
      }
    }
    return { engine, workers, label, ceiling, loadAvg, startup, rss, scenarios: results, profile };
  } finally {
    await server?.stop();
  }
}

/** The statements that took the most time in the profiled server (warm-up and measured run together). */
function sqlSummary(file: string, served: number, engine: string): string {
  let rows: { sql: string; calls: number; ms: number }[];
  try { rows = JSON.parse(readFileSync(file, 'utf8')); } catch { return 'No SQL timing recorded.'; }
  const total = rows.reduce((a, r) => a + r.ms, 0);
  const lines = [
    `SQL statements by total time (${engine === 'postgres' ? 'wall time until the answer' : 'time inside SQLite'}; ${fmt(served)} requests served, warm-up included; ${total.toFixed(0)} ms in all):`, '',
    '| statement | calls/request | total ms | µs/call | % of SQL time |', '|---|---:|---:|---:|---:|',
    ...rows.slice(0, 12).map((r) => `| \`${r.sql.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 160)}${r.sql.length > 160 ? '…' : ''}\` | ` +
      `${(r.calls / Math.max(served, 1)).toFixed(2)} | ${r.ms.toFixed(0)} | ${((1000 * r.ms) / r.calls).toFixed(0)} | ${((100 * r.ms) / Math.max(total, 1e-9)).toFixed(1)} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--render') {
    // Re-renders the markdown of a recorded run (e.g. after a change to the report's layout).
    const file = process.argv[3];
    const md = runMarkdown(JSON.parse(readFileSync(file, 'utf8')) as RunRecord);
    writeFileSync(file.replace(/\.json$/, '.md'), md);
    process.stdout.write(`${md}\n`);
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  let stopping = false;
  const abort = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n[bench] ${sig}: stopping servers and removing temporary databases\n`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => abort('SIGINT'));
  process.on('SIGTERM', () => abort('SIGTERM'));

  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const engines: EngineResult[] = [];
  const client = new LoadClient(o.clients);
  onCleanup(() => client.close());
  for (const engine of o.engines) engines.push(...await runEngine(engine, o, client));
  const cpus = os.cpus();
  const settings: RunRecord['settings'] = {
    mode: o.quick ? 'quick' : 'full', hosts: o.hosts, servers: o.servers, curve: o.curve, seconds: o.seconds, rounds: o.rounds, connections: o.connections, pipelining: 1,
    workers: o.workers, clients: o.clients,
  };
  const record: RunRecord = {
    date,
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? '?', memGb: os.totalmem() / 2 ** 30, node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings, engines, targets: judgeTargets(engines, settings),
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
  const md = runMarkdown(record);
  mkdirSync(o.outDir, { recursive: true });
  const stem = join(o.outDir, date.replace(/:/g, '-'));
  writeFileSync(`${stem}.json`, `${JSON.stringify(record, (k, v) => (k === 'raw' ? undefined : v), 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  process.stdout.write(`${md}\n`);
  process.stderr.write(`[bench] wrote ${stem}.json and ${stem}.md in ${record.wallSeconds.toFixed(0)} s\n`);
  await cleanupAll();
}

main().catch(async (e) => {
  process.stderr.write(`[bench] failed: ${(e as Error).stack ?? e}\n`);
  await cleanupAll();
  process.exit(1);
});
