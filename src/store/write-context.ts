import type { IdempotencyKey } from './idempotency.js';
import type { TraceScope } from './trace-scope.js';

// What a request carries into its writes: its CTS trace and its client token. It is passed
// explicitly (Caller.writes, or a service method's last argument) down to Store.write, not
// through AsyncLocalStorage: on Node 20 an AsyncLocalStorage in use makes the process run
// promise hooks for every promise it creates (kysely makes several per statement), and that
// alone cost allocate 25–30 % of its rate (docs/traces.md, "What tracing costs").

export interface WriteContext {
  /** The trace the request's first committed write carries (trace-scope.ts). */
  trace?: TraceScope;
  /** The client token whose record the request's first write inserts (idempotency.ts). */
  idempotency?: { readonly key: IdempotencyKey; used: boolean };
}
