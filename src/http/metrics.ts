import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';

// Prometheus metrics at /metrics: request latency by route and status, plus process metrics.
// One registry per app, so tests and several apps in one process never collide.

/** What watchStore reads: the store's StoreStats, by shape (http/ does not import the store). */
export interface StoreCounters {
  readonly retries: number;
  readonly exhausted: number;
  readonly traceMoveFallbacks: number;
  readonly groupCommit: { readonly batches: ReadonlyMap<number, number>; readonly batchedWrites: number; readonly lostBatches: number };
}

export class Metrics {
  readonly registry = new Registry();
  private readonly latency = new Histogram({
    name: 'opendeh_http_request_duration_seconds', help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  constructor(withDefaults = false) {
    // Workers share one port; the pid label tells their series apart when scraped in turn.
    this.registry.setDefaultLabels({ pid: String(process.pid) });
    if (withDefaults) collectDefaultMetrics({ register: this.registry, prefix: 'opendeh_' });
  }

  /** Exposes the store's race and group-commit counters (read at scrape time, never drifting from the source). */
  watchStore(stats: StoreCounters): void {
    const counter = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    const gc = stats.groupCommit;
    counter('opendeh_store_retries_total', 'Transactions of this process retried after losing a race or a connection', () => stats.retries);
    counter('opendeh_store_retries_exhausted_total', 'Transactions that lost every retry (answered 409)', () => stats.exhausted);
    new Gauge({
      name: 'opendeh_store_group_commits_total', labelNames: ['size'],
      help: 'SQLite group commits (one transaction, one commit) by number of writes, up to `size` (1, 2, 4, … 64)',
      registers: [this.registry], collect() { for (const [size, n] of gc.batches) this.set({ size: String(size) }, n); },
    });
    counter('opendeh_store_group_commit_writes_total', 'Writes in those group commits (÷ commits = mean batch size)', () => gc.batchedWrites);
    counter('opendeh_store_group_commits_lost_total', 'Group commits that failed as a whole (their writes were run again alone)', () => gc.lostBatches);
    counter('opendeh_store_trace_move_fallbacks_total', 'SQLite trace inbox moves the background thread could not make (made on the serving connection)', () => stats.traceMoveFallbacks);
  }

  observe(req: FastifyRequest, reply: FastifyReply): void {
    this.latency.observe({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  }
}
