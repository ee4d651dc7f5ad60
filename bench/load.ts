import autocannon from 'autocannon';
import { treeCpuMs } from './processes.js';

// One bounded load run with autocannon, measured from the client side. Latency percentiles
// are computed here from every response time (autocannon's own histogram keeps whole
// milliseconds, too coarse for sub-millisecond answers), and requests/s is completed
// requests over the time from the first request to the last answer, so a run bounded by
// `amount` is not diluted by autocannon's reporting tick.

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  /**
   * Stop after this many seconds… (a soft bound: a run goes on until at least `connections`
   * answers are in, so a scenario slower than the bound still reports a latency, up to a hard
   * bound of max(30 s, 5 × seconds))
   */
  readonly seconds: number;
  /** …or after this many requests, whichever comes first. */
  readonly maxRequests?: number;
  readonly requests: autocannon.Request[];
  /** Statuses that count as success; anything else is an error. */
  readonly expect: readonly number[];
  /** The server's pid: its CPU time during the run is measured too. */
  readonly pid?: number;
  /** Called about every 5 s with the answers so far (for long seeding runs). */
  readonly tick?: (answered: number) => void;
}

export interface Measurement {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly statuses: Record<string, number>;
  /** Socket errors and timeouts (no HTTP answer at all). */
  readonly transportErrors: number;
  /** Monotonic clock (µs, the clock of V8 CPU profiles) at the start and at the last answer. */
  readonly window: readonly [number, number];
  /** CPU time the server process used during the run (ms), and per answered request (µs). */
  readonly cpuMs?: number;
  readonly cpuUsPerRequest?: number;
  /** CPU time the load generator itself used (ms, all its processes) and as a share of one core over the run (%). */
  readonly clientCpuMs?: number;
  readonly clientCpuPct?: number;
  /** Every response time (ms), sorted; kept out of the JSON record. */
  readonly raw?: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function measurementOf(sorted: number[], answered: number, ok: number, transportErrors: number, seconds: number,
  statuses: Record<string, number>, window: readonly [number, number], cpuMs?: number, clientCpuMs?: number): Measurement {
  const n = sorted.length;
  return {
    ...(cpuMs !== undefined && Number.isFinite(cpuMs) && { cpuMs, cpuUsPerRequest: answered > 0 ? (1000 * cpuMs) / answered : 0 }),
    ...(clientCpuMs !== undefined && Number.isFinite(clientCpuMs) && { clientCpuMs, clientCpuPct: (100 * clientCpuMs) / (1000 * seconds) }),
    requests: answered, errors: answered - ok + transportErrors, seconds, rps: answered / seconds,
    p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99),
    meanMs: n === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / n, maxMs: n === 0 ? 0 : sorted[n - 1],
    statuses, transportErrors, window, raw: sorted,
  };
}

/** Several runs of one scenario as one: counts and times add up, percentiles over all answers. */
export function mergeMeasurements(parts: readonly Measurement[]): Measurement {
  const all = parts.flatMap((p) => p.raw ?? []).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const requests = parts.reduce((a, p) => a + p.requests, 0);
  const errors = parts.reduce((a, p) => a + p.errors, 0);
  const transport = parts.reduce((a, p) => a + p.transportErrors, 0);
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  const cpu = parts.every((p) => p.cpuMs !== undefined) ? parts.reduce((a, p) => a + p.cpuMs!, 0) : undefined;
  const client = parts.every((p) => p.clientCpuMs !== undefined) ? parts.reduce((a, p) => a + p.clientCpuMs!, 0) : undefined;
  return measurementOf(all, requests, requests - errors + transport, transport, seconds, statuses,
    [parts[0]?.window[0] ?? 0, parts[parts.length - 1]?.window[1] ?? 0], cpu, client);
}

/**
 * Parts of one run made at the same time by several client processes: counts and CPU add up,
 * the time is from the first start to the last answer (the parts share one monotonic clock).
 */
export function combineParallel(parts: readonly Measurement[]): Measurement {
  if (parts.length === 1) return parts[0];
  const all = parts.flatMap((p) => p.raw ?? []).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const requests = parts.reduce((a, p) => a + p.requests, 0);
  const errors = parts.reduce((a, p) => a + p.errors, 0);
  const transport = parts.reduce((a, p) => a + p.transportErrors, 0);
  const window: [number, number] = [Math.min(...parts.map((p) => p.window[0])), Math.max(...parts.map((p) => p.window[1]))];
  const client = parts.every((p) => p.clientCpuMs !== undefined) ? parts.reduce((a, p) => a + p.clientCpuMs!, 0) : undefined;
  return measurementOf(all, requests, requests - errors + transport, transport, Math.max(1e-6, (window[1] - window[0]) / 1e6),
    statuses, window, undefined, client);
}

/** The same measurement with the server's CPU time over the run attached. */
export function withServerCpu(m: Measurement, cpuMs: number): Measurement {
  return Number.isFinite(cpuMs) ? { ...m, cpuMs, cpuUsPerRequest: m.requests > 0 ? (1000 * cpuMs) / m.requests : 0 } : m;
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

export function runLoad(spec: LoadSpec): Promise<Measurement> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  const amount = spec.maxRequests !== undefined ? Math.max(spec.connections, Math.floor(spec.maxRequests)) : undefined;
  return new Promise((resolve, reject) => {
    const cpu0 = spec.pid !== undefined ? treeCpuMs(spec.pid) : undefined;
    const client0 = process.cpuUsage();
    const started = performance.now();
    const startedUs = monoUs();
    let last = started;
    let lastUs = startedUs;
    const inst = autocannon({
      url: spec.url, connections: spec.connections, pipelining: 1, timeout: 30, sampleInt: 50,
      // autocannon's own duration is only a backstop; the guard below stops the run.
      ...(amount !== undefined ? { amount } : { duration: Math.ceil(Math.max(30, spec.seconds * 5)) + 5 }),
      requests: spec.requests,
    }, (err, result) => {
      clearTimeout(guard);
      clearInterval(ticker);
      if (err) return reject(err);
      const seconds = Math.max(1e-6, (last - started) / 1000);
      latencies.sort((a, b) => a - b);
      const cpuMs = cpu0 !== undefined ? treeCpuMs(spec.pid!) - cpu0 : undefined;
      const c = process.cpuUsage(client0);
      resolve(measurementOf(latencies, latencies.length, ok, result.errors, seconds, statuses, [startedUs, lastUs], cpuMs, (c.user + c.system) / 1000));
    });
    // `amount` overrides autocannon's duration, so the time bound is enforced here.
    const hardMs = Math.max(30_000, spec.seconds * 5000);
    let guard: NodeJS.Timeout = setTimeout(function check() {
      if (latencies.length >= spec.connections || performance.now() - started >= hardMs) inst.stop();
      else guard = setTimeout(check, 50);
    }, spec.seconds * 1000);
    const ticker = setInterval(() => spec.tick?.(latencies.length), 5000);
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (spec.expect.includes(status)) ok++;
      last = performance.now();
      lastUs = monoUs();
    });
  });
}

/** One HTTP call with a bounded timeout, JSON in and out; network failures come back as status 0. */
export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}):
  Promise<{ status: number; json: any; headers: Headers | null; text: string }> {
  try {
    const r = await fetch(`${base}${path}`, {
      method, signal: AbortSignal.timeout(15_000),
      headers: {
        accept: 'application/json',
        ...(opts.token && { 'x-auth-token': opts.token }),
        ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await r.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, json, headers: r.headers, text };
  } catch (e) {
    return { status: 0, json: null, headers: null, text: (e as Error).message };
  }
}
