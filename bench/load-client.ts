import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { combineParallel, withServerCpu, type Measurement } from './load.js';
import { treeCpuMs } from './processes.js';
import type { RequestSource, WorkerJob } from './load-worker.js';

// The bench's load generator: `processes` forked workers (load-worker.ts), each driving its
// share of the connections. The server's CPU time (its whole process tree, so cluster workers
// count) is read here around the run; each worker reports its own CPU time, and their sum over
// the run's wall time is the client's CPU % (100 % = one core busy).

const WORKER_MAIN = fileURLToPath(new URL('./load-worker.js', import.meta.url));

export interface ClientRun {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly maxRequests?: number;
  readonly expect: readonly number[];
  readonly source: RequestSource;
  /** The server's pid: the CPU time of it and its children during the run is measured. */
  readonly pid?: number;
}

export class LoadClient {
  private readonly workers: ChildProcess[] = [];
  private readonly waiting = new Map<number, { resolve: (m: Measurement) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(readonly processes: number) {
    for (let i = 0; i < processes; i++) {
      const w = fork(WORKER_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      w.on('message', (msg: { id: number; m?: Measurement; error?: string }) => {
        const p = this.waiting.get(msg.id);
        if (!p) return;
        this.waiting.delete(msg.id);
        if (msg.m) p.resolve(msg.m);
        else p.reject(new Error(msg.error ?? 'load worker failed'));
      });
      w.on('exit', (code) => {
        for (const [id, p] of this.waiting) { this.waiting.delete(id); p.reject(new Error(`load worker exited (${code})`)); }
      });
      this.workers.push(w);
    }
  }

  pids(): number[] {
    return this.workers.map((w) => w.pid!).filter(Boolean);
  }

  private send(w: ChildProcess, job: Omit<WorkerJob, 'id'>): Promise<Measurement> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.send({ ...job, id });
    });
  }

  /** One run, split over the worker processes (connections and the request bound divided evenly). */
  async run(r: ClientRun): Promise<Measurement> {
    const n = Math.max(1, Math.min(this.workers.length, r.connections));
    const cpu0 = r.pid !== undefined ? treeCpuMs(r.pid) : NaN;
    const parts = await Promise.all(this.workers.slice(0, n).map((w, i) => {
      const share = (total: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
      return this.send(w, {
        url: r.url, connections: share(r.connections), seconds: r.seconds, expect: r.expect, source: r.source,
        ...(r.maxRequests !== undefined && { maxRequests: Math.max(1, share(r.maxRequests)) }),
      });
    }));
    const m = combineParallel(parts);
    return r.pid !== undefined ? withServerCpu(m, treeCpuMs(r.pid) - cpu0) : m;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      if (w.exitCode !== null || w.signalCode !== null) return resolve();
      w.once('exit', () => resolve());
      w.disconnect();
      setTimeout(() => { if (w.exitCode === null && w.pid) { try { process.kill(w.pid, 'SIGKILL'); } catch { /* gone */ } } }, 3000).unref();
    })));
  }
}
