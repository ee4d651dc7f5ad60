// What a CLI run may touch: two output streams and the environment. main.ts passes the
// process's; the tests pass buffers and a clean environment, so runs are isolated.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 done, 1 the service (or the network) refused, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A problem with what the operator typed or configured: printed as is, exit code 2. */
export class UsageError extends Error {}

/** The service refused an offline command: printed as is, exit code 1. */
export class Failure extends Error {}
