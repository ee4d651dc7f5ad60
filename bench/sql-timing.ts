import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

// Preloaded into the server under `--profile` (node --import dist/bench/sql-timing.js …):
// times every SQL statement the drivers run, by statement text, and writes the totals to
// $OPENDEH_BENCH_SQL_PROFILE when the process exits. No change to the server's code: it wraps
// better-sqlite3's Statement methods and pg's Client#query, which the server loads from the
// same node_modules. A CPU profile says "time in SQLite"; this says which statement.

interface Entry { calls: number; ns: number }
const stats = new Map<string, Entry>();
// The main thread only: --import also runs in worker threads (the SQLite background thread), whose
// exit would overwrite the server's totals with its own.
const out = isMainThread ? process.env.OPENDEH_BENCH_SQL_PROFILE : undefined;

function record(sqlText: string, ns: number): void {
  const e = stats.get(sqlText) ?? { calls: 0, ns: 0 };
  e.calls++;
  e.ns += ns;
  stats.set(sqlText, e);
}

if (out) {
  const require = createRequire(import.meta.url);
  try {
    const Database = require('better-sqlite3');
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('select 1'));
    probe.close();
    for (const m of ['run', 'get', 'all']) {
      const orig = proto[m];
      proto[m] = function timed(this: { source: string }, ...args: unknown[]) {
        const t = process.hrtime.bigint();
        try {
          return orig.apply(this, args);
        } finally {
          record(this.source, Number(process.hrtime.bigint() - t));
        }
      };
    }
  } catch { /* no SQLite driver */ }
  try {
    const pg = require('pg');
    const orig = pg.Client.prototype.query;
    pg.Client.prototype.query = function timed(this: unknown, ...args: any[]) {
      const text: string = typeof args[0] === 'string' ? args[0] : args[0]?.text ?? '?';
      const t = process.hrtime.bigint();
      const r = orig.apply(this, args);
      if (r && typeof r.then === 'function') {
        // Wall time until the answer: on PostgreSQL the work happens in another process.
        r.then(() => record(text, Number(process.hrtime.bigint() - t)), () => record(text, Number(process.hrtime.bigint() - t)));
      }
      return r;
    };
  } catch { /* no pg */ }
  process.on('exit', () => {
    const rows = [...stats].map(([sql, e]) => ({ sql, calls: e.calls, ms: e.ns / 1e6 })).sort((a, b) => b.ms - a.ms);
    writeFileSync(out, JSON.stringify(rows));
  });
}
