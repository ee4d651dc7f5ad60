import type { Measurement } from './load.js';

// The run's record (JSON) and its tables (markdown), and the issue's targets judged against
// the embedded-store figures. Targets are reported, never enforced: a missed figure is a
// finding for docs/performance.md, not a failed run.

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly status: 'ok' | 'not available' | 'failed' | 'skipped';
  readonly note?: string;
  readonly m?: Measurement;
  /** Median over the rounds of (requests/s ÷ the ceiling's requests/s measured just before). */
  readonly ratio?: number;
  /** Median over the rounds of (the ceiling's server CPU µs per request ÷ this scenario's). */
  readonly cpuRatio?: number;
  /** The ceiling's requests/s and server CPU µs per request over this scenario's rounds. */
  readonly ceilingRps?: number;
  readonly ceilingCpuUs?: number;
  readonly rounds?: { rps: number; ceilingRps: number; cpuUs?: number; ceilingCpuUs?: number }[];
  /** Reads: the bare route serving this scenario's own answer (bytes): its req/s, CPU µs/req, and our ratios to it. */
  /** `p99`: the bare route's own, serving that answer with the same connections (absent in runs before 2026-12-07 23:30). */
  readonly payload?: { bytes: number; rps: number; cpuUs?: number; p99?: number; ratio: number; cpuRatio?: number };
  /** The server's RSS and peak RSS (VmHWM) right after this scenario, MB. */
  readonly rssAfterMb?: number;
  readonly peakAfterMb?: number;
  /** Requests answered, warm-up included (writes: what the state absorbed). */
  readonly served?: number;
}

export interface EngineResult {
  readonly engine: 'sqlite' | 'postgres';
  /** Server processes (OPENDEH_WORKERS); 1 when absent (records before --workers). */
  readonly workers?: number;
  readonly label: string;
  /** All ceiling rounds of the block together. */
  readonly ceiling?: Measurement;
  /** 1-minute load average before and after the scenarios (2 = both cores busy). */
  readonly loadAvg?: number[];
  readonly seeding: { hosts: number; hostSeconds: number; servers: number; serverSeconds: number; serverErrors: number; note?: string };
  readonly compute: { available: boolean; note: string };
  readonly startup: { runsMs: number[]; medianMs: number; firstMs: number };
  readonly rss: { idleMb: number; afterReadsMb: number; peakAfterReadsMb: number; endMb: number; peakMb: number };
  readonly scenarios: ScenarioResult[];
  readonly profile?: { scenario: string; file: string; summary: string };
}

export interface RunRecord {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memGb: number; node: string; platform: string };
  readonly settings: { mode: 'quick' | 'full'; hosts: number; servers: number; curve: number[]; seconds: number; rounds: number; connections: number; pipelining: 1; workers?: number[]; clients?: number };
  readonly engines: EngineResult[];
  readonly targets: TargetRow[];
  readonly wallSeconds: number;
}

export interface TargetRow { readonly target: string; readonly measured: string; readonly verdict: string }

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ratioText = (r: number) => (r >= 0.1 ? r.toFixed(2) : r.toFixed(3));
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

function row(s: ScenarioResult): string {
  if (!s.m) return `| ${s.title} | — | — | — | — | — | — | — | — | — | — | ${s.status}${s.note ? `: ${s.note}` : ''} |`;
  const m = s.m;
  const opt = (v: number | undefined, f: (n: number) => string) => (v === undefined ? '—' : f(v));
  return `| ${s.title} | ${int(m.rps)} | ${opt(s.ratio, ratioText)} | ${opt(s.ceilingRps, int)} | ${ms(m.p50)} | ${ms(m.p99)} | ${int(m.errors)} | ${int(m.requests)} | ` +
    `${opt(m.cpuUsPerRequest, int)} | ${opt(s.cpuRatio, ratioText)} | ${opt(m.clientCpuPct, int)} | ${s.note ?? ''} |`;
}

export function engineMarkdown(e: EngineResult): string {
  const lines = [
    `### ${e.label}`, '',
    '| scenario | req/s | × ceiling | ceiling req/s | p50 ms | p99 ms | errors | requests | server CPU µs/req | × ceiling (CPU) | client CPU % | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  if (e.ceiling) lines.push(row({ id: 'ceiling', title: '**ceiling**: bare fastify, fixed JSON (all rounds)', status: 'ok', m: e.ceiling, ratio: 1, ceilingRps: e.ceiling.rps, cpuRatio: 1 }));
  for (const s of e.scenarios) if (s.status !== 'skipped') lines.push(row(s));
  lines.push('');
  const reads = e.scenarios.filter((s) => s.payload && s.m);
  if (reads.length) {
    lines.push('Reads against the bare route serving the same answer (what moving that many bytes through fastify costs):', '',
      '| scenario | answer bytes | same-answer ceiling req/s | its CPU µs/req | its p99 ms | × same-answer ceiling | × (CPU) |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const s of reads) {
      const p = s.payload!;
      lines.push(`| ${s.title} | ${int(p.bytes)} | ${int(p.rps)} | ${p.cpuUs !== undefined ? int(p.cpuUs) : '—'} | ${p.p99 !== undefined ? ms(p.p99) : '—'} | ${ratioText(p.ratio)} | ${p.cpuRatio !== undefined ? ratioText(p.cpuRatio) : '—'} |`);
    }
    lines.push('');
  }
  if (e.loadAvg) lines.push(`- Machine load (1-min load average, 2 cores) before/after the scenarios: ${e.loadAvg.map((x) => x.toFixed(2)).join(' / ')}.`);
  const sd = e.seeding;
  lines.push(`- Seeding: ${int(sd.hosts)} hosts in ${sd.hostSeconds.toFixed(1)} s (in-process, through the services); ` +
    (sd.servers > 0 ? `${int(sd.servers)} ECSs in ${sd.serverSeconds.toFixed(1)} s (${int(sd.servers / Math.max(sd.serverSeconds, 1e-3))}/s, ${int(sd.serverErrors)} errors; ${sd.note})` : `no ECSs${sd.note ? ` (${sd.note})` : ''}`) + '.');
  lines.push(`- Compute API: ${e.compute.available ? 'available' : `**not available** — ${e.compute.note}`}.`);
  lines.push(`- Start-up to first answer (spawn → 200 on GET /, seeded database): median ${int(e.startup.medianMs)} ms (runs: ${e.startup.runsMs.map(int).join(', ')} ms; first start, before ECS seeding: ${int(e.startup.firstMs)} ms).`);
  const jump = peakJump(e);
  lines.push(`- Server RSS: ${int(e.rss.idleMb)} MB idle after start; ${int(e.rss.afterReadsMb)} MB after the read scenarios (peak so far ${int(e.rss.peakAfterReadsMb)} MB); ` +
    `${int(e.rss.endMb)} MB at the end, peak (VmHWM) ${int(e.rss.peakMb)} MB${jump ? `, reached during “${jump}”` : ''}.`);
  const curve = e.scenarios.filter((s) => /^ecs-place-\d+$/.test(s.id) && s.m);
  if (curve.length >= 2) {
    const first = curve[0].m!, last = curve[curve.length - 1].m!;
    lines.push(`- Auto-placement cost curve (${curve.map((s) => s.id.replace('ecs-place-', '')).join(' → ')} hosts): ` +
      `req/s ${curve.map((s) => int(s.m!.rps)).join(' → ')}, mean latency ${curve.map((s) => ms(s.m!.meanMs)).join(' → ')} ms; ` +
      `cost growth ×${(first.rps / last.rps).toFixed(2)} (req/s ratio), ×${(last.meanMs / first.meanMs).toFixed(2)} (mean latency ratio).`);
  }
  if (e.profile) lines.push('', `Profile of \`${e.profile.scenario}\` (${e.profile.file}):`, '', e.profile.summary);
  return lines.join('\n');
}

/** The scenario during which the peak RSS grew the most. */
function peakJump(e: EngineResult): string | undefined {
  let prev = e.rss.idleMb;
  let best: { title: string; d: number } | undefined;
  for (const s of e.scenarios) {
    if (s.peakAfterMb === undefined) continue;
    const d = s.peakAfterMb - prev;
    if (!best || d > best.d) best = { title: s.title, d };
    prev = Math.max(prev, s.peakAfterMb);
  }
  return best && best.d > 10 ? best.title : undefined;
}

export function runMarkdown(r: RunRecord): string {
  const s = r.settings;
  const lines = [
    `## OpenDeH benchmark, ${r.date}`, '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGb.toFixed(0)} GB, Node ${r.machine.node}, ${r.machine.platform}. ` +
    `Mode: ${s.mode} — ${int(s.hosts)} hosts in the main project, ${int(s.servers)} ECSs seeded, auto-placement curve ${s.curve.map(int).join(' / ')} hosts; ` +
    `autocannon ${s.connections} connections, pipelining ${s.pipelining}, in ${s.clients ?? 1} load-generator process${(s.clients ?? 1) > 1 ? 'es' : ''} of its own, ${s.seconds} s per scenario in ${s.rounds} rounds (writes also bounded by count). ` +
    `Client CPU % = the load generator's CPU time over the run's wall time (100 = one core): near 100 the client, not the server, limits the figure. ` +
    `× ceiling = median over the rounds of the scenario's req/s ÷ the bare-fastify ceiling's req/s measured just before it, same client settings; ` +
    `× ceiling (CPU) = the same with server CPU time per request (ceiling's ÷ scenario's), which a busy machine disturbs far less. ` +
    `Latencies are client-side, over every answer. Wall time ${r.wallSeconds.toFixed(0)} s.`, '',
  ];
  for (const e of r.engines) lines.push(engineMarkdown(e), '');
  if (r.targets.length) {
    lines.push('### Targets (issue 13; SQLite one process, PostgreSQL by process count)', '', '| target | measured | verdict |', '|---|---|---|');
    for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.verdict} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The targets of issue 13 (and the standing ones of issue 6), judged on the run's blocks. */
export function judgeTargets(engines: readonly EngineResult[], s: RunRecord['settings']): TargetRow[] {
  const out: TargetRow[] = [];
  const missBy = (value: number, target: number, higherIsBetter: boolean, unit = '') => {
    const ok = higherIsBetter ? value >= target : value < target;
    if (ok) return 'met';
    const pct = higherIsBetter ? (100 * (target - value)) / target : (100 * (value - target)) / target;
    return `**missed** by ${pct.toFixed(0)}% (${higherIsBetter ? 'short by' : 'over by'} ${Math.abs(target - value).toFixed(unit === 'x' ? 2 : 1)}${unit === 'x' ? '' : ` ${unit}`})`.replace(/ \)/, ')');
  };
  const both = (a: string, b: string) => (a === 'met' && b === 'met' ? 'met' : [a, b].filter((x) => x !== 'met').join('; '));
  const na = (x?: ScenarioResult) => (x ? `${x.status}${x.note ? `: ${x.note}` : ''}` : 'not run');
  const e = engines.find((x) => x.engine === 'sqlite');
  if (e) {
    const by = (id: string) => e.scenarios.find((x) => x.id === id);
    const big = [...s.curve].sort((a, b) => b - a)[0];
    for (const [id, label] of [[`ecs-place-${big}`, `SQLite: ECS create, auto-placement among ${int(big)} hosts`], ['ecs-create-pinned', 'SQLite: ECS create with dedicated_host_id']] as const) {
      const x = by(id);
      const target = `${label}: ≥ 2,500/s and p99 < 10 ms`;
      out.push(x?.m ? { target, measured: `${int(x.m.rps)}/s, p99 ${ms(x.m.p99)} ms (${int(x.m.cpuUsPerRequest ?? NaN)} µs server CPU per create)`, verdict: both(missBy(x.m.rps, 2500, true, '/s'), missBy(x.m.p99, 10, false, 'ms')) }
        : { target, measured: '—', verdict: na(x) });
    }
    const lo = [...s.curve].sort((a, b) => a - b)[0];
    const small = by(`ecs-place-${lo}`), place = by(`ecs-place-${big}`);
    if (small?.m && place?.m && lo !== big) {
      const g = small.m.rps / place.m.rps;
      out.push({ target: `SQLite: cost growth ${int(lo)} → ${int(big)} hosts < 1.2×`, measured: `×${g.toFixed(2)} (req/s), ×${(place.m.meanMs / small.m.meanMs).toFixed(2)} (mean latency)`, verdict: missBy(g, 1.2, false, 'x') });
    }
    for (const id of ['tag-query', 'tag-query-new', 'deh-list-tags', 'deh-list-type', 'deh-list-state', 'deh-list-filtered']) {
      const x = by(id);
      const target = `SQLite: ${x?.title ?? id} ≥ 0.5 × same-answer ceiling, p99 < 15 ms`;
      out.push(x?.m && x.payload ? { target, measured: `${ratioText(x.payload.ratio)} × (${int(x.m.rps)} of ${int(x.payload.rps)} req/s; by CPU ${x.payload.cpuRatio !== undefined ? ratioText(x.payload.cpuRatio) : '—'} ×), p99 ${ms(x.m.p99)} ms`, verdict: both(missBy(x.payload.ratio, 0.5, true, 'x'), missBy(x.m.p99, 15, false, 'ms')) + (x.payload.p99 !== undefined && x.m.p99 >= 15 ? ` (the bare route serving the same answer: p99 ${ms(x.payload.p99)} ms)` : '') }
        : { target, measured: '—', verdict: na(x) });
    }
    const show = by('deh-show');
    out.push(show?.m && show.payload ? { target: 'SQLite: show one DeH ≥ 0.5 × same-answer ceiling', measured: `${ratioText(show.payload.ratio)} × (${int(show.m.rps)} of ${int(show.payload.rps)} req/s; by CPU ${show.payload.cpuRatio !== undefined ? ratioText(show.payload.cpuRatio) : '—'} ×)`, verdict: missBy(show.payload.ratio, 0.5, true, 'x') }
      : { target: 'SQLite: show one DeH ≥ 0.5 × same-answer ceiling', measured: '—', verdict: na(show) });
    const fullScale = s.hosts >= 10_000 && e.seeding.servers >= 100_000;
    out.push({
      target: 'RSS at 10,000 hosts and 100,000 ECSs < 300 MB',
      measured: `peak ${int(e.rss.peakMb)} MB over the whole run${peakJump(e) ? ` (during “${peakJump(e)}”)` : ''}; idle ${int(e.rss.idleMb)} MB — at ${int(s.hosts)} main hosts / ${int(e.seeding.hosts)} in all, ${int(e.seeding.servers)} ECSs`,
      verdict: fullScale ? missBy(e.rss.peakMb, 300, false, 'MB') : `not at full scale (${missBy(e.rss.peakMb, 300, false, 'MB')} at this scale)`,
    });
    out.push({ target: 'start-up < 1 s', measured: `${int(e.startup.medianMs)} ms (median)`, verdict: missBy(e.startup.medianMs, 1000, false, 'ms') });
  }
  const pg = engines.filter((x) => x.engine === 'postgres');
  const create = (x?: EngineResult) => x?.scenarios.find((y) => y.id === `ecs-place-${[...s.curve].sort((a, b) => b - a)[0]}`);
  const one = pg.find((x) => (x.workers ?? 1) === 1);
  for (const x of pg.filter((y) => (y.workers ?? 1) > 1)) {
    const c = create(x), c1 = create(one);
    const target = `PostgreSQL, ${x.workers} processes: ≥ 1,000 ECS creates/s in one project, p99 < 30 ms`;
    out.push(c?.m ? { target, measured: `${int(c.m.rps)}/s, p99 ${ms(c.m.p99)} ms`, verdict: both(missBy(c.m.rps, 1000, true, '/s'), missBy(c.m.p99, 30, false, 'ms')) } : { target, measured: '—', verdict: na(c) });
    if (c?.m && c1?.m) {
      const g = c.m.rps / c1.m.rps;
      out.push({ target: `PostgreSQL: ${x.workers} processes ≥ 1.5 × one process (same run)`, measured: `×${g.toFixed(2)} (${int(c.m.rps)} vs ${int(c1.m.rps)}/s)`, verdict: missBy(g, 1.5, true, 'x') });
    }
  }
  return out;
}
