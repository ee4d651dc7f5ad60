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
  readonly payload?: { bytes: number; rps: number; cpuUs?: number; ratio: number; cpuRatio?: number };
  /** The server's RSS and peak RSS (VmHWM) right after this scenario, MB. */
  readonly rssAfterMb?: number;
  readonly peakAfterMb?: number;
}

export interface EngineResult {
  readonly engine: 'sqlite' | 'postgres';
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
  readonly settings: { mode: 'quick' | 'full'; hosts: number; servers: number; curve: number[]; seconds: number; rounds: number; connections: number; pipelining: 1 };
  readonly engines: EngineResult[];
  readonly targets: TargetRow[];
  readonly wallSeconds: number;
}

export interface TargetRow { readonly target: string; readonly measured: string; readonly verdict: string }

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ratioText = (r: number) => (r >= 0.1 ? r.toFixed(2) : r.toFixed(3));
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

function row(s: ScenarioResult): string {
  if (!s.m) return `| ${s.title} | — | — | — | — | — | — | — | — | — | ${s.status}${s.note ? `: ${s.note}` : ''} |`;
  const m = s.m;
  const opt = (v: number | undefined, f: (n: number) => string) => (v === undefined ? '—' : f(v));
  return `| ${s.title} | ${int(m.rps)} | ${opt(s.ratio, ratioText)} | ${opt(s.ceilingRps, int)} | ${ms(m.p50)} | ${ms(m.p99)} | ${int(m.errors)} | ${int(m.requests)} | ` +
    `${opt(m.cpuUsPerRequest, int)} | ${opt(s.cpuRatio, ratioText)} | ${s.note ?? ''} |`;
}

export function engineMarkdown(e: EngineResult): string {
  const lines = [
    `### ${e.label}`, '',
    '| scenario | req/s | × ceiling | ceiling req/s | p50 ms | p99 ms | errors | requests | server CPU µs/req | × ceiling (CPU) | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  if (e.ceiling) lines.push(row({ id: 'ceiling', title: '**ceiling**: bare fastify, fixed JSON (all rounds)', status: 'ok', m: e.ceiling, ratio: 1, ceilingRps: e.ceiling.rps, cpuRatio: 1 }));
  for (const s of e.scenarios) if (s.status !== 'skipped') lines.push(row(s));
  lines.push('');
  const reads = e.scenarios.filter((s) => s.payload && s.m);
  if (reads.length) {
    lines.push('Reads against the bare route serving the same answer (what moving that many bytes through fastify costs):', '',
      '| scenario | answer bytes | same-answer ceiling req/s | its CPU µs/req | × same-answer ceiling | × (CPU) |', '|---|---:|---:|---:|---:|---:|');
    for (const s of reads) {
      const p = s.payload!;
      lines.push(`| ${s.title} | ${int(p.bytes)} | ${int(p.rps)} | ${p.cpuUs !== undefined ? int(p.cpuUs) : '—'} | ${ratioText(p.ratio)} | ${p.cpuRatio !== undefined ? ratioText(p.cpuRatio) : '—'} |`);
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
    `autocannon ${s.connections} connections, pipelining ${s.pipelining}, ${s.seconds} s per scenario in ${s.rounds} rounds (writes also bounded by count). ` +
    `× ceiling = median over the rounds of the scenario's req/s ÷ the bare-fastify ceiling's req/s measured just before it, same client settings; ` +
    `× ceiling (CPU) = the same with server CPU time per request (ceiling's ÷ scenario's), which a busy machine disturbs far less. ` +
    `Latencies are client-side, over every answer. Wall time ${r.wallSeconds.toFixed(0)} s.`, '',
  ];
  for (const e of r.engines) lines.push(engineMarkdown(e), '');
  if (r.targets.length) {
    lines.push('### Targets (embedded store, single process)', '', '| target | measured | verdict |', '|---|---|---|');
    for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.verdict} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The issue's targets, judged on the embedded-store block. */
export function judgeTargets(e: EngineResult | undefined, s: RunRecord['settings']): TargetRow[] {
  if (!e) return [];
  const by = (id: string) => e.scenarios.find((x) => x.id === id);
  const out: TargetRow[] = [];
  const missBy = (value: number, target: number, higherIsBetter: boolean, unit = '') => {
    const ok = higherIsBetter ? value >= target : value < target;
    if (ok) return 'met';
    const pct = higherIsBetter ? (100 * (target - value)) / target : (100 * (value - target)) / target;
    return `**missed** by ${pct.toFixed(0)}% (${higherIsBetter ? 'short by' : 'over by'} ${Math.abs(target - value).toFixed(unit === 'x' ? 2 : 1)}${unit === 'x' ? '' : ` ${unit}`})`.replace(/ \)/, ')');
  };
  const na = (s?: ScenarioResult) => (s ? `${s.status}${s.note ? `: ${s.note}` : ''}` : 'not run');

  for (const [id, label] of [['deh-show', 'show one DeH'], ['deh-list', 'list one page (no filter)'], ['deh-list-filtered', 'list one page (host_type+state+tags)']] as const) {
    const x = by(id);
    out.push(x?.ratio !== undefined
      ? { target: `${label} ≥ 0.40 × ceiling req/s`, measured: `${ratioText(x.ratio)} × (${int(x.m!.rps)} of ${int(x.ceilingRps ?? 0)} req/s)${x.cpuRatio !== undefined ? `; by CPU/request ${ratioText(x.cpuRatio)} ×` : ''}`, verdict: missBy(x.ratio, 0.4, true, 'x') }
      : { target: `${label} ≥ 0.40 × ceiling req/s`, measured: '—', verdict: na(x) });
  }
  const big = [...s.curve].sort((a, b) => b - a)[0];
  const place = by(`ecs-place-${big}`);
  if (place?.m) {
    out.push({ target: `auto-placement among ${int(big)} hosts: p99 < 10 ms`, measured: `${ms(place.m.p99)} ms`, verdict: missBy(place.m.p99, 10, false, 'ms') });
    out.push({ target: `auto-placement among ${int(big)} hosts: ≥ 1,000 placements/s`, measured: `${int(place.m.rps)}/s`, verdict: missBy(place.m.rps, 1000, true, '/s') });
  } else {
    out.push({ target: 'auto-placement among 10,000 hosts: p99 < 10 ms and ≥ 1,000/s', measured: '—', verdict: na(place) });
  }
  const lo = [...s.curve].sort((a, b) => a - b)[0];
  const small = by(`ecs-place-${lo}`);
  if (small?.m && place?.m && lo !== big) {
    const g = small.m.rps / place.m.rps;
    out.push({ target: `cost growth ${int(lo)} → ${int(big)} hosts < 2×`, measured: `×${g.toFixed(2)} (req/s), ×${(place.m.meanMs / small.m.meanMs).toFixed(2)} (mean latency)`, verdict: missBy(g, 2, false, 'x') });
  } else {
    out.push({ target: 'cost growth 100 → 10,000 hosts < 2×', measured: '—', verdict: na(small ?? place) });
  }
  const a10 = by('allocate-10');
  out.push(a10?.m
    ? { target: 'allocate quantity 10: p99 < 20 ms', measured: `${ms(a10.m.p99)} ms`, verdict: missBy(a10.m.p99, 20, false, 'ms') }
    : { target: 'allocate quantity 10: p99 < 20 ms', measured: '—', verdict: na(a10) });
  const fullScale = s.hosts >= 10_000 && e.seeding.servers >= 100_000;
  out.push({
    target: 'RSS at 10,000 hosts and 100,000 ECSs < 300 MB',
    measured: `peak ${int(e.rss.peakMb)} MB over the whole run${peakJump(e) ? ` (during “${peakJump(e)}”)` : ''}; ${int(e.rss.peakAfterReadsMb)} MB peak through the read scenarios; idle ${int(e.rss.idleMb)} MB — at ${int(s.hosts)} main hosts / ${int(e.seeding.hosts)} in all, ${int(e.seeding.servers)} ECSs`,
    verdict: fullScale ? missBy(e.rss.peakMb, 300, false, 'MB') : `not at full scale (${missBy(e.rss.peakMb, 300, false, 'MB')} at this scale)`,
  });
  out.push({ target: 'start-up < 1 s', measured: `${int(e.startup.medianMs)} ms (median)`, verdict: missBy(e.startup.medianMs, 1000, false, 'ms') });
  return out;
}
