import { readFileSync } from 'node:fs';

// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per area
// (SQLite, kysely, fastify, JSON, our code, GC, idle), so docs/performance.md can say what
// dominates a scenario. Usage: node dist/bench/cpuprofile-summary.js <file.cpuprofile> [top [fromUs toUs]]

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  readonly totalMs: number;
  readonly busyMs: number;
  readonly top: { name: string; where: string; selfMs: number; pctOfBusy: number }[];
  readonly areas: { area: string; selfMs: number; pctOfBusy: number }[];
}

export function areaOf(f: CallFrame): string {
  const u = f.url;
  const n = f.functionName;
  if (n === '(idle)') return 'idle';
  if (n === '(garbage collector)') return 'GC';
  if (n === '(program)') return 'V8/native (program)';
  // V8 charges the time inside a native call to the JS function that made it: SQLite's own
  // work (running a statement, committing) shows up as kysely's SqliteDriver#executeQuery.
  if (u.includes('kysely') && u.includes('sqlite-driver') && n === 'executeQuery') return 'SQLite execution (statements and commits)';
  if (u.includes('/bench/sql-timing')) return 'SQLite execution (statements and commits)';
  if (u.includes('better-sqlite3') && n === 'prepare') return 'SQLite prepare (SQL parse + plan)';
  if (u.includes('better-sqlite3')) return 'better-sqlite3 (other)';
  if (u.includes('node_modules/pg')) return 'pg driver (protocol, row parsing)';
  if (u.includes('node_modules/kysely')) return 'kysely (query building, compiling, results)';
  if (u.includes('node_modules/fastify') || u.includes('node_modules/find-my-way') || u.includes('node_modules/light-my-request') || u.includes('node_modules/avvio')) return 'fastify';
  if (u.includes('node_modules/ajv') || u.includes('node_modules/fast-json-stringify') || u.includes('node_modules/fast-uri')) return 'fastify schemas (ajv / serializer)';
  if (u.includes('node_modules/pino') || u.includes('node_modules/sonic-boom')) return 'pino';
  if (u.includes('node_modules/prom-client')) return 'prom-client (metrics)';
  if (u.includes('node_modules/')) return `other deps (${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? '?'})`;
  if (u.includes('/dist/src/store/')) return 'opendeh store';
  if (u.includes('/dist/src/services/')) return 'opendeh services';
  if (u.includes('/dist/src/scheduler/')) return 'opendeh scheduler';
  if (u.includes('/dist/src/http/')) return 'opendeh http';
  if (u.includes('/dist/src/')) return 'opendeh other';
  if (u.startsWith('node:') || u === '') {
    if (n === 'stringify' || n === 'parse') return 'JSON';
    if (n === 'writev' || n === 'writeUtf8String' || n === 'writeBuffer') return 'socket I/O (writev: kernel TCP + wake-ups)';
    if (/^(writev?|writeGeneric|writeBuffer|onStreamRead|_write|end)$/.test(n)) return 'socket I/O (writev: kernel TCP + wake-ups)';
    return u === '' ? 'V8/native builtins' : 'node core';
  }
  return 'other';
}

/**
 * Self time per function and per area. With `window` ([from, to] in µs of the monotonic clock,
 * the clock V8 stamps samples with, i.e. process.hrtime), only samples inside it count, so a
 * profile of a whole server process can be cut down to one measured scenario.
 */
export function summarize(profile: CpuProfile, topN = 25, window?: readonly [number, number]): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window[0] || t > window[1])) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const fns = new Map<string, { name: string; where: string; us: number; area: string }>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    total += us;
    const area = areaOf(f);
    if (area === 'idle') { idle += us; continue; }
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : '(native)';
    const key = `${f.functionName}@${where}`;
    const e = fns.get(key) ?? { name: f.functionName || '(anonymous)', where, us: 0, area };
    e.us += us;
    fns.set(key, e);
  }
  const busy = total - idle;
  const pct = (us: number) => (busy > 0 ? (100 * us) / busy : 0);
  return {
    totalMs: total / 1000, busyMs: busy / 1000,
    top: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, pctOfBusy: pct(e.us) })),
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: us / 1000, pctOfBusy: pct(us) })),
  };
}

export function summaryMarkdown(s: ProfileSummary): string {
  const lines = [
    `Profile: ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms busy (not idle).`, '',
    '| area | self ms | % of busy |', '|---|---:|---:|',
    ...s.areas.map((a) => `| ${a.area} | ${a.selfMs.toFixed(0)} | ${a.pctOfBusy.toFixed(1)} |`), '',
    '| function | where | self ms | % of busy |', '|---|---|---:|---:|',
    ...s.top.map((t) => `| ${t.name.replace(/\|/g, '\\|')} | ${t.where} | ${t.selfMs.toFixed(0)} | ${t.pctOfBusy.toFixed(1)} |`),
  ];
  return lines.join('\n');
}

export function summarizeFile(path: string, topN = 25, window?: readonly [number, number]): ProfileSummary {
  return summarize(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, topN, window);
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/cpuprofile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const window = process.argv[5] ? [Number(process.argv[4]), Number(process.argv[5])] as const : undefined;
  process.stdout.write(`${summaryMarkdown(summarizeFile(file, Number(process.argv[3] ?? 25), window))}\n`);
}
