// Token buckets for the abuse limits: `count` tokens that refill evenly over `seconds`. A
// request (or a failed login) takes one; an empty bucket says how long until the next token.
// Pure arithmetic on a bucket value and a time, so it is property-tested without a clock.

/** `count` events per `seconds`. */
export interface Rate { readonly count: number; readonly seconds: number }

export interface Bucket {
  /** Tokens left at `at` (fractional while refilling). */
  readonly tokens: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

const perMs = (r: Rate) => r.count / (r.seconds * 1000);
/** Floating-point slack: a bucket refilled for exactly the promised wait must hold its token. */
const WHOLE = 1 - 1e-9;

/** The bucket as it stands at `now` (a full one when there was none). */
export function refill(b: Bucket | undefined, r: Rate, now: number): Bucket {
  if (!b) return { tokens: r.count, at: now };
  const elapsed = Math.max(0, now - b.at); // a clock stepping back refills nothing
  return { tokens: Math.min(r.count, b.tokens + elapsed * perMs(r)), at: Math.max(now, b.at) };
}

/** Milliseconds until the bucket holds one whole token again (0 when it does). */
export function waitMs(b: Bucket, r: Rate): number {
  return b.tokens >= WHOLE ? 0 : Math.ceil((1 - b.tokens) / perMs(r));
}

/** Takes one token if there is one. */
export function take(b: Bucket | undefined, r: Rate, now: number): { bucket: Bucket; ok: boolean; retryAfterMs: number } {
  const cur = refill(b, r, now);
  if (cur.tokens >= WHOLE) return { bucket: { tokens: Math.max(0, cur.tokens - 1), at: cur.at }, ok: true, retryAfterMs: 0 };
  return { bucket: cur, ok: false, retryAfterMs: waitMs(cur, r) };
}
