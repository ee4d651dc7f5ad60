import { TooManyRequests } from '../domain/errors.js';
import type { Clock } from '../domain/time.js';
import { refill, take, waitMs, type Bucket, type Rate } from '../domain/token-bucket.js';
import type { AuthContext } from './identity.js';
import type { TokenValidator } from './token-validator.js';

// Abuse limits, all off by default (docs/keystone.md#abuse-limits): request rates per project
// and per source address, and failed password logins per user name and per source address.
// Token buckets kept in this process's memory: with OPENDEH_WORKERS=N each process limits on
// its own, so a client spread over the N processes may get up to N times the configured
// rate. Sharing them through the database would cost a write per request.

/** Idle keys are forgotten when there are more than this; a full bucket carries no state. */
const MAX_KEYS = 50_000;

export class Buckets {
  private readonly map = new Map<string, Bucket>();
  constructor(private readonly rate: Rate, private readonly clock: Clock) {}

  /** Takes a token for `key`; false with the wait when there is none. */
  take(key: string): { ok: boolean; retryAfterMs: number } {
    const now = this.clock().getTime();
    const r = take(this.map.get(key), this.rate, now);
    this.set(key, r.bucket, now);
    return r;
  }

  /** Milliseconds until `key` has a token (0: it has one), without taking it. */
  wait(key: string): number {
    const b = this.map.get(key);
    return b ? waitMs(refill(b, this.rate, this.clock().getTime()), this.rate) : 0;
  }

  private set(key: string, b: Bucket, now: number): void {
    this.map.delete(key); // re-inserted last: the Map's order is least recently used first
    this.map.set(key, b);
    if (this.map.size <= MAX_KEYS) return;
    for (const [k, v] of this.map) {
      if (this.map.size <= MAX_KEYS * 0.9) break;
      // Full again: forgetting it changes nothing. Otherwise the least recently used goes.
      if (refill(v, this.rate, now).tokens >= this.rate.count || this.map.size > MAX_KEYS) this.map.delete(k);
    }
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Requests per source address; checked before anything else of a request. */
export class SourceRate {
  private readonly buckets: Buckets;
  constructor(rate: Rate, clock: Clock) { this.buckets = new Buckets(rate, clock); }
  hit(source: string): void {
    const r = this.buckets.take(source);
    if (!r.ok) throw new TooManyRequests('Too many requests from this address; slow down.', seconds(r.retryAfterMs));
  }
}

/**
 * Requests per project: every request that presents a token is counted against the token's
 * project (a token without one against its user) once the token is valid, wherever it is
 * validated. Wraps the validator in use, embedded or external.
 */
export class ProjectRateLimited implements TokenValidator {
  private readonly buckets: Buckets;
  constructor(private readonly inner: TokenValidator, rate: Rate, clock: Clock) { this.buckets = new Buckets(rate, clock); }
  async validate(token: string): Promise<AuthContext> {
    const ctx = await this.inner.validate(token);
    const r = this.buckets.take(ctx.project ? `p:${ctx.project.id}` : `u:${ctx.user.id}`);
    if (!r.ok) throw new TooManyRequests('Too many requests for this project; slow down.', seconds(r.retryAfterMs));
    return ctx;
  }
}

/**
 * Failed password logins per claimed user (the name and domain, or the id, as sent: the same
 * key whether or not such a user exists) and per source address. While either is exhausted,
 * every login for that user or from that source is refused with the same 429, before the
 * password is looked at, so the answer tells nothing about the account.
 */
export class LoginThrottle {
  private readonly users: Buckets | null;
  private readonly sources: Buckets | null;
  constructor(perUser: Rate | null, perSource: Rate | null, clock: Clock) {
    this.users = perUser ? new Buckets(perUser, clock) : null;
    this.sources = perSource ? new Buckets(perSource, clock) : null;
  }

  get enabled(): boolean { return this.users !== null || this.sources !== null; }

  /** @raises TooManyRequests while the user or the source has no failures left. */
  check(userKey: string, source: string | undefined): void {
    const wait = Math.max(this.users?.wait(userKey) ?? 0, source ? this.sources?.wait(source) ?? 0 : 0);
    if (wait > 0) throw new TooManyRequests('Too many failed logins; try again later.', seconds(wait));
  }

  failed(userKey: string, source: string | undefined): void {
    this.users?.take(userKey);
    if (source) this.sources?.take(source);
  }
}
