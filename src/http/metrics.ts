import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';

// Prometheus metrics at /metrics: request latency by route and status, plus process metrics.
// One registry per app, so tests and several apps in one process never collide.

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

  /** Exposes the store's race counters (read at scrape time, never drifting from the source). */
  watchStore(stats: { retries: number; exhausted: number }): void {
    new Gauge({
      name: 'opendeh_store_retries_total', help: 'Transactions of this process retried after losing a race or a connection',
      registers: [this.registry], collect() { this.set(stats.retries); },
    });
    new Gauge({
      name: 'opendeh_store_retries_exhausted_total', help: 'Transactions that lost every retry (answered 409)',
      registers: [this.registry], collect() { this.set(stats.exhausted); },
    });
  }

  observe(req: FastifyRequest, reply: FastifyReply): void {
    this.latency.observe({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  }
}
