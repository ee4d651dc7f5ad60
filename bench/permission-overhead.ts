import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { compile, evaluate } from '../src/domain/policy/evaluate.js';
import { SYSTEM_ROLES, systemRoleId } from '../src/domain/system-policies.js';
import { Permissions } from '../src/services/permissions.js';
import { call, type Measurement } from './load.js';
import { LoadClient } from './load-client.js';
import { cleanupAll, onCleanup, SERVER_MAIN, startProcess, type Proc } from './processes.js';
import { ADMIN_PASSWORD, scenarios, type ScenarioCtx } from './scenarios.js';
import { seed } from './seed.js';

// `npm run bench:iam [-- --pg URL] [--rounds N] [--duration S]`: what the permission check
// (issue 9) costs per request, measured side by side in one run. Two servers on the same
// seeded database: one as shipped, one with bench/skip-permission-check.js preloaded (every
// check answers "allowed" without evaluating). The requests come from a user who is NOT the
// domain owner (the owner skips evaluation) and holds DeH FullAccess and ECS FullAccess
// through a group plus a custom policy with a Deny, so the check does its real work. Rounds
// alternate the two servers (and which goes first), only one is under load at a time, and the
// server's CPU time per request is compared round by round (median of the paired ratios).
// Also times the check itself in-process, for the same grants. With --control both servers
// enforce (an A/A run): the difference it shows is the noise floor of the method.

interface Opts { pgUrl: string; rounds: number; seconds: number; connections: number; control: boolean; only: string[] }
function parse(argv: string[]): Opts {
  const o: Opts = { pgUrl: '', rounds: 6, seconds: 3, connections: 10, control: false, only: ['deh-show', 'ecs-create-pinned'] };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--control') { o.control = true; continue; }
    if (k === '--pg') o.pgUrl = v;
    else if (k === '--only') o.only = v.split(',');
    else if (k === '--rounds') o.rounds = Number(v);
    else if (k === '--duration') o.seconds = Number(v);
    else if (k === '--connections') o.connections = Number(v);
    else throw new Error(`unknown argument ${k} (use --pg URL, --rounds N, --duration S, --connections N, --only ids, --control)`);
    i++;
  }
  if (!(o.rounds >= 1 && o.rounds <= 50 && o.seconds > 0 && o.seconds <= 60)) throw new Error('--rounds 1–50, --duration (0, 60]');
  return o;
}

const SKIP = new URL('./skip-permission-check.js', import.meta.url).href;
const log = (m: string) => process.stderr.write(`[bench:iam] ${m}\n`);
const median = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); const h = v.length / 2; return v.length % 2 ? v[Math.floor(h)] : (v[h - 1] + v[h]) / 2; };

async function database(o: Opts): Promise<{ env: Record<string, string>; label: string }> {
  if (!o.pgUrl) {
    const dir = mkdtempSync(join(os.tmpdir(), 'opendeh-bench-iam-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return { env: { OPENDEH_DATA_DIR: dir }, label: 'SQLite (two processes on one WAL database, one under load at a time)' };
  }
  const name = `opendeh_bench_iam_${process.pid}`;
  const c = new pg.Client({ connectionString: o.pgUrl });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  onCleanup(async () => {
    const d = new pg.Client({ connectionString: o.pgUrl });
    await d.connect();
    await d.query(`drop database if exists ${name} with (force)`);
    await d.end();
  });
  const u = new URL(o.pgUrl);
  u.pathname = `/${name}`;
  return { env: { OPENDEH_DATABASE_URL: u.toString() }, label: 'PostgreSQL (two server processes, one under load at a time)' };
}

/** A non-owner user holding DeH and ECS FullAccess through a group and a custom policy with a Deny; its tokens per project. */
async function iamUser(url: string, projects: { key: string; id: string; name: string }[]): Promise<Record<string, string>> {
  const must = <T extends { status: number; text: string }>(r: T, want: number, what: string): T => { if (r.status !== want) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };
  const login = async (user: string, password: string, projectId: string) => {
    const r = await fetch(`${url}/identity/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } }, scope: { project: { id: projectId } } } }) });
    if (r.status !== 201) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
    return r.headers.get('x-subject-token')!;
  };
  const admin = await login('admin', ADMIN_PASSWORD, projects[0].id);
  const user = must(await call(url, 'POST', '/identity/v3/users', { token: admin, body: { user: { name: 'bench-iam', domain_id: 'default', password: 'bench-iam-pw' } } }), 201, 'user').json.user;
  const group = must(await call(url, 'POST', '/identity/v3/groups', { token: admin, body: { group: { name: 'bench-iam-ops' } } }), 201, 'group').json.group;
  must(await call(url, 'PUT', `/identity/v3/groups/${group.id}/users/${user.id}`, { token: admin }), 204, 'membership');
  const custom = must(await call(url, 'POST', '/v3.0/OS-ROLE/roles', { token: admin, body: { role: { display_name: 'bench-no-release', type: 'XA', description: 'bench',
    policy: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['deh:dedicatedHosts:delete', 'ecs:servers:delete'] }, { Effect: 'Allow', Action: ['deh:*:get*', 'deh:*:list*'] }] } } } }), 201, 'custom policy').json.role;
  const tokens: Record<string, string> = {};
  for (const p of projects) {
    for (const role of [systemRoleId('system_all_57'), systemRoleId('system_all_51'), custom.id]) {
      must(await call(url, 'PUT', `/identity/v3/projects/${p.id}/groups/${group.id}/roles/${role}`, { token: admin }), 204, 'grant');
    }
    tokens[p.key] = await login('bench-iam', 'bench-iam-pw', p.id);
  }
  return tokens;
}

/** Nanoseconds per check in-process, for the grants the bench user holds: per request (cached context) and per context (compile + first check). */
function checkCost(actions: string[]): { perRequestNs: number; perContextNs: number } {
  const grants = ['system_all_57', 'system_all_51'].map((n) => { const r = SYSTEM_ROLES.find((s) => s.name === n)!; return { id: systemRoleId(n), name: n, policy: r.policy }; });
  grants.push({ id: 'c', name: 'custom', policy: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['deh:dedicatedHosts:delete', 'ecs:servers:delete'] }, { Effect: 'Allow', Action: ['deh:*:get*', 'deh:*:list*'] }] } as never });
  const perms = new Permissions();
  const ctx = { grants, isOwner: false };
  const N = 2_000_000;
  for (let i = 0; i < 100_000; i++) perms.check(ctx, actions[i % actions.length]);
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) if (!perms.check(ctx, actions[i % actions.length]).allowed) throw new Error('denied');
  const perRequestNs = Number(process.hrtime.bigint() - t0) / N;
  const M = 50_000;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) evaluate(compile(grants, false), actions[i % actions.length]);
  const perContextNs = Number(process.hrtime.bigint() - t0) / M;
  return { perRequestNs, perContextNs };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const db = await database(o);
  const env = { ...db.env, OPENDEH_ADMIN_PASSWORD: ADMIN_PASSWORD, OPENDEH_DEFAULT_HOST_QUOTA: '-1', OPENDEH_ECS_QUOTA: '-1,-1,-1',
    OPENDEH_SERVER_BUILD_SECONDS: '0', OPENDEH_LOG_LEVEL: 'warn', OPENDEH_WORKERS: '1' };
  log('seeding 1,000 hosts (show) and 400 c4 hosts (ECS create with dedicated_host_id)');
  const seeded = await seed(env, { mainHosts: 1000, pinnedHosts: 400, curve: [], servers: 0 }, log);
  const client = new LoadClient(1);
  onCleanup(() => client.close());
  // The baseline starts first, so start order never favours the enforcing server.
  const off = await startProcess(SERVER_MAIN, env, { nodeArgs: o.control ? [] : ['--import', SKIP] });
  onCleanup(() => off.stop());
  const on = await startProcess(SERVER_MAIN, env);
  onCleanup(() => on.stop());
  const tokens = await iamUser(on.url, ['main', 'pinned'].map((k) => seeded.projects[k]));
  const projects = Object.fromEntries(Object.entries(seeded.projects).map(([k, p]) => [k, tokens[k] ? { ...p, token: tokens[k] } : p]));
  // The last main host is the one the probe below releases; the show scenario cycles over the others.
  const probeHost = seeded.mainHostIds[seeded.mainHostIds.length - 1];
  const ctx: ScenarioCtx = { seeded: { ...seeded, projects, mainHostIds: seeded.mainHostIds.slice(0, -1) }, computeAvailable: true, seededServers: 0 };

  // The baseline really skips the check: a request the bench user's policy denies passes there.
  const deny = `/v1.0/${projects.main.id}/dedicated-hosts/${probeHost}`;
  const denOn = await call(on.url, 'DELETE', deny, { token: projects.main.token });
  const denOff = await call(off.url, 'DELETE', deny, { token: projects.main.token });
  if (denOn.status !== 403 || (denOff.status === 403) !== o.control) throw new Error(`servers not as expected: enforcing ${denOn.status}, baseline ${denOff.status}`);
  log(`release as the bench user: ${denOn.status} on the enforcing server (${denOn.json?.error?.message}), ${denOff.status} on the baseline`);

  const rows: string[] = [];
  for (const id of o.only) {
    const sc = scenarios([]).find((s) => s.id === id)!;
    let budget = sc.capacity ? Math.floor(sc.capacity(ctx) * 0.9) : Infinity;
    const runs = { on: [] as Measurement[], off: [] as Measurement[] };
    const one = async (s: Proc, seconds: number, max?: number) => client.run({ url: s.url, pid: s.pid, connections: o.connections, seconds, expect: sc.expect,
      source: { scenario: id, curve: [], ctx }, ...(max !== undefined && { maxRequests: max }) });
    for (const s of [on, off]) await one(s, 2, sc.write ? 150 : undefined); // warm-up (JIT), both servers
    if (sc.write) budget -= 300;
    for (let r = 0; r < o.rounds; r++) {
      const order: ['on' | 'off', Proc][] = r % 2 === 0 ? [['on', on], ['off', off]] : [['off', off], ['on', on]];
      for (const [k, s] of order) {
        const max = sc.write ? Math.floor(budget / (2 * (o.rounds - r))) : undefined;
        const m = await one(s, o.seconds, max);
        if (sc.write) budget -= m.requests;
        const bad = m.requests - Object.entries(m.statuses).filter(([st]) => sc.expect.includes(Number(st))).reduce((a, [, n]) => a + n, 0);
        if (bad > 0) throw new Error(`${id} on the ${k} server: unexpected answers ${JSON.stringify(m.statuses)}`);
        runs[k].push(m);
        log(`${id} round ${r + 1} ${k.padEnd(3)} ${m.rps.toFixed(0).padStart(6)} req/s  server CPU ${m.cpuUsPerRequest!.toFixed(0)} µs/req  (${m.requests} requests)`);
      }
    }
    const cpuOn = median(runs.on.map((m) => m.cpuUsPerRequest!));
    const cpuOff = median(runs.off.map((m) => m.cpuUsPerRequest!));
    const paired = median(runs.on.map((m, i) => m.cpuUsPerRequest! / runs.off[i].cpuUsPerRequest!));
    const rpsOn = median(runs.on.map((m) => m.rps));
    const rpsOff = median(runs.off.map((m) => m.rps));
    rows.push(`| ${sc.title} | ${cpuOn.toFixed(0)} | ${cpuOff.toFixed(0)} | ${((paired - 1) * 100).toFixed(1)} % | ${rpsOn.toFixed(0)} / ${rpsOff.toFixed(0)} | ${runs.on.reduce((a, m) => a + m.requests, 0)} / ${runs.off.reduce((a, m) => a + m.requests, 0)} |`);
  }
  const cost = checkCost(['deh:dedicatedHosts:get', 'ecs:servers:create']);
  const cpus = os.cpus();
  const md = [
    `Permission check overhead${o.control ? ' (CONTROL: both servers enforce)' : ''}, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: ${db.label}; ${o.rounds} rounds of ${o.seconds} s per server and scenario, ${o.connections} connections;`,
    `${cpus.length} × ${cpus[0]?.model.trim()}, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end.`, '',
    '| scenario | server CPU µs/request, check on | check skipped | added by the check (median of paired rounds) | req/s on / skipped | requests on / skipped |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows, '',
    `The check itself, in-process for the same grants: ${cost.perRequestNs.toFixed(0)} ns per request (context cached with the token), ` +
    `${(cost.perContextNs / 1000).toFixed(1)} µs to compile a context's policies and decide once (once per token and process every ${5} s at most).`,
  ].join('\n');
  process.stdout.write(`${md}\n`);
  await cleanupAll();
}

main().catch(async (e) => {
  process.stderr.write(`[bench:iam] failed: ${(e as Error).stack ?? e}\n`);
  await cleanupAll();
  process.exit(1);
});
