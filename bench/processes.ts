import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Child processes of the bench (the OpenDeH server and the bare-fastify ceiling), always on
// 127.0.0.1, and the clean-up that must run however the bench ends: every process it started
// is killed by pid and every temporary resource released, on success, error or Ctrl-C.

export const SERVER_MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
export const CEILING_MAIN = fileURLToPath(new URL('./ceiling-server.js', import.meta.url));
export const SQL_TIMING = new URL('./sql-timing.js', import.meta.url).href;

const cleanups: (() => Promise<void> | void)[] = [];
const live = new Set<ChildProcess>();

/** Registers a clean-up step; they run last-in first-out. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  for (const p of live) killHard(p);
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    try { await fn(); } catch (e) { process.stderr.write(`[bench] clean-up step failed: ${(e as Error).message}\n`); }
  }
}

function killHard(p: ChildProcess): void {
  if (p.exitCode === null && p.signalCode === null && p.pid) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Proc {
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn to the first 200 on GET /. */
  readonly startupMs: number;
  /** VmRSS and VmHWM of the process and its children (cluster workers), summed; null when it is gone. */
  rss(): { rssMb: number; hwmMb: number } | null;
  /** SIGTERM, waits for the exit (a --cpu-prof profile is written then); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines the process wrote, for error messages. */
  tail(): string;
}

/**
 * Spawns `node [nodeArgs] script` with `env`, waits for GET / to answer 200 and returns it.
 * @raises Error when the process exits or does not answer within `timeoutMs`.
 */
export async function startProcess(script: string, env: Record<string, string>, opts: { nodeArgs?: string[]; timeoutMs?: number; port?: number } = {}): Promise<Proc> {
  const port = opts.port ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000); };
  const started = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], {
    // As `npm start` runs the server (docs/operations.md, "Memory"): glibc returns large freed
    // blocks to the system instead of keeping them in its arenas.
    env: { MALLOC_MMAP_THRESHOLD_: '1048576', ...inherited(), ...env, OPENDEH_PORT: String(port), OPENDEH_HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => { live.delete(child); r(); }));

  const until = Date.now() + (opts.timeoutMs ?? 30_000);
  let startupMs = -1;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status === 200) {
        startupMs = performance.now() - started;
        break;
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (startupMs < 0) {
    killHard(child);
    throw new Error(`${script} did not answer on ${url} (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${output}`);
  }
  return {
    url, pid: child.pid!, startupMs,
    rss: () => treeRssOf(child.pid!),
    tail: () => output,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => killHard(child), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The bench's environment without OPENDEH_* (a stray OPENDEH_DATABASE_URL must not redirect a run). */
function inherited(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('OPENDEH_') && v !== undefined)) as Record<string, string>;
}

/**
 * CPU time a process has used so far, in ms, all threads: the sum of /proc/<pid>/task/<tid>/schedstat
 * (nanoseconds), or utime+stime from /proc/<pid>/stat (10 ms ticks) where schedstat is missing.
 */
export function cpuMsOf(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]); } catch { /* thread ended */ }
    }
    if (ns > 0) return ns / 1e6;
  } catch { /* fall through */ }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The pid and every descendant (a cluster primary's workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${p}/task`); } catch { return; }
    for (const tid of tids) {
      let kids = '';
      try { kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8'); } catch { continue; }
      for (const k of kids.split(' ')) if (k.trim()) walk(Number(k));
    }
  };
  walk(pid);
  return out;
}

/** CPU time (ms) of a process and all its descendants: with OPENDEH_WORKERS > 1 the work is in the workers. */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((a, p) => { const v = cpuMsOf(p); return Number.isFinite(v) ? a + v : a; }, 0);
}

/** VmRSS and VmHWM of a process tree, summed (a single process: its own). */
export function treeRssOf(pid: number): { rssMb: number; hwmMb: number } | null {
  const own = rssOf(pid);
  if (!own) return null;
  for (const p of processTree(pid).slice(1)) {
    const r = rssOf(p);
    if (r) { own.rssMb += r.rssMb; own.hwmMb += r.hwmMb; }
  }
  return own;
}

/** VmRSS and VmHWM (peak) of a process, in MB; null when it is gone. */
export function rssOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}
