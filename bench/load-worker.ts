import type autocannon from 'autocannon';
import { runLoad } from './load.js';
import { scenarios, type ScenarioCtx } from './scenarios.js';

// The load generator's own process (forked by load-client.ts): runs one autocannon load at a
// time on request over IPC and sends back the measurement with every latency. Keeping the
// client out of the bench process (which also holds the seeding data and the report) means
// its CPU use is its own and is reported: a figure is only the server's when the client had
// CPU to spare.

/** What to send: plain requests, or a scenario's requests built here (they may hold closures). */
export type RequestSource =
  | { readonly requests: autocannon.Request[] }
  | { readonly scenario: string; readonly curve: readonly number[]; readonly ctx: ScenarioCtx };

export interface WorkerJob {
  readonly id: number;
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly maxRequests?: number;
  readonly expect: readonly number[];
  readonly source: RequestSource;
}

function requestsOf(src: RequestSource): autocannon.Request[] {
  if ('requests' in src) return src.requests;
  const sc = scenarios(src.curve).find((s) => s.id === src.scenario);
  if (!sc) throw new Error(`unknown scenario ${src.scenario}`);
  return sc.requests(src.ctx);
}

process.on('message', (job: WorkerJob) => {
  void (async () => {
    try {
      const m = await runLoad({ url: job.url, connections: job.connections, seconds: job.seconds, maxRequests: job.maxRequests, expect: job.expect, requests: requestsOf(job.source) });
      process.send!({ id: job.id, m });
    } catch (e) {
      process.send!({ id: job.id, error: (e as Error).message });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
