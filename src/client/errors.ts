// Errors the client raises. Every API family shapes its error body differently (the server
// decides that in http/error-handler.ts); the client folds them into one ApiError so the CLI
// and the console print `<status> <code> <message>` without knowing which API answered.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** DeH: "DEH.0404"; Keystone: its title ("Unauthorized"); Nova: the envelope key ("itemNotFound"). */
    readonly code: string,
    message: string,
    readonly method: string,
    readonly url: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line, as the CLI prints it after `error: `. */
  toLine(): string {
    return `${this.status} ${this.code} ${this.message}`;
  }
}

/** The server could not be reached at all (refused, DNS, timeout): no status to report. */
export class ConnectionError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach ${url}: ${reasonOf(cause)}`, { cause });
    this.name = 'ConnectionError';
  }
}

/** The token's catalog lacks the service a call needs (e.g. no `compute` on a DeH-only server). */
export class EndpointNotFound extends Error {
  constructor(readonly type: string) {
    super(`the token's catalog has no public "${type}" endpoint`);
    this.name = 'EndpointNotFound';
  }
}

function reasonOf(e: unknown): string {
  // Node's fetch hides the socket error one level down ("fetch failed" → cause ECONNREFUSED).
  const inner = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (inner?.code) return inner.code;
  if (inner?.message) return inner.message;
  return (e as Error)?.message ?? String(e);
}

/** Reads `{"error":{code,message}}` (DeH), `{"error":{code,title,message}}` (Keystone) or `{"itemNotFound":{code,message}}` (Nova). */
export function parseErrorBody(status: number, text: string): { code: string; message: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: `HTTP${status}`, message: text.trim().slice(0, 500) || `HTTP ${status}` };
  }
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const err = o.error;
    if (err && typeof err === 'object') {
      const e = err as { code?: unknown; title?: unknown; message?: unknown };
      const code = typeof e.code === 'string' ? e.code : typeof e.title === 'string' ? e.title : `HTTP${status}`;
      return { code, message: typeof e.message === 'string' ? e.message : JSON.stringify(err) };
    }
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const inner = o[keys[0]];
      if (inner && typeof inner === 'object' && typeof (inner as { message?: unknown }).message === 'string') {
        return { code: keys[0], message: (inner as { message: string }).message };
      }
    }
    if (typeof o.message === 'string') return { code: `HTTP${status}`, message: o.message };
  }
  return { code: `HTTP${status}`, message: text.slice(0, 500) };
}
