import { timeOrderedUuid } from './ids.js';

// CTS traces (CONTRACT §10): what one trace holds, the rules for reading them, and the removal
// of secrets from what a trace keeps of a request. Pure: no I/O.

export type TraceRating = 'normal' | 'warning' | 'incident';
export const TRACE_RATINGS: readonly TraceRating[] = ['normal', 'warning', 'incident'];

/** A stored trace in wire terms (§10.4); times are ms since the epoch. */
export interface Trace {
  readonly traceId: string;
  readonly projectId: string | null;
  readonly domainId: string | null;
  readonly traceName: string;
  readonly traceRating: TraceRating;
  readonly traceType: string;
  readonly serviceType: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly resourceName: string | null;
  readonly sourceIp: string;
  readonly user: { readonly id: string | null; readonly name: string | null; readonly domainId: string | null; readonly domainName: string | null };
  readonly request: string;
  readonly response: string;
  readonly code: string;
  readonly apiVersion: string;
  readonly message: string;
  readonly requestId: string;
  readonly time: number;
  readonly recordTime: number;
}

/** The filters of GET …/{tracker}/trace (§10.2/§10.3), already normalised. */
export interface TraceQuery {
  /** null: every project (operator view only). */
  readonly projectId: string | null;
  readonly traceId?: string;
  readonly serviceType?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly resourceName?: string;
  readonly traceName?: string;
  readonly traceRating?: TraceRating;
  readonly user?: string;
  /** Inclusive window, ms. */
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** Keyset position: traces strictly older than (time, traceId). */
  readonly before?: { readonly time: number; readonly traceId: string | null };
}

export const TRACE_LIST_DEFAULT_LIMIT = 10;
export const TRACE_LIST_MAX_LIMIT = 200;
/** CTSDOC: without `from`, the last hour. */
export const TRACE_DEFAULT_WINDOW_MS = 3600 * 1000;

/** Longest text kept of a request or response body; longer ones are cut and marked. */
export const TRACE_BODY_MAX = 4096;
/** Longest resource id/name, user name, … kept (path parameters may be up to 500 characters). */
export const TRACE_FIELD_MAX = 255;

// Keys whose values are secrets wherever they appear in a body: passwords (Keystone's
// `password.user.password`, Nova's `adminPass`, TOTP `passcode`), tokens (`token.id`),
// application-credential and other secrets, private keys, and `user_data` (cloud-init
// scripts routinely carry passwords). Matched on the key alone, case-insensitively.
const SECRET_KEY = /pass|secret|token|credential|private|user_?data|api_?key|access_?key|signature|cookie|authorization/i;
export const REDACTED = '******';

/**
 * The body with every secret value replaced by REDACTED, recursively. A key named exactly
 * `password` whose value is an object is Keystone's method block ({"user": {"name",
 * "password"}}): it is walked, so the claimed user name stays and the password goes. Any
 * other secret-named key loses its whole value, objects included (`{"token": {"id": …}}`).
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (depth > 64) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!SECRET_KEY.test(k)) out[k] = scrubSecrets(v, depth + 1);
    else if (k.toLowerCase() === 'password' && typeof v === 'object' && v !== null && !Array.isArray(v)) out[k] = scrubSecrets(v, depth + 1);
    else out[k] = REDACTED;
  }
  return out;
}

/**
 * scrubSecrets as a JSON.stringify replacer: the same text in one pass, instead of a walk that
 * copies the body and a second serialisation (an ECS create's answer always holds adminPass:
 * that was ~20 µs of its trace). Unlike scrubSecrets it does not cut at 64 levels; what it
 * serialises are request bodies (≤ MAX_JSON_DEPTH = 32 levels, json-body.ts) and our answers.
 */
function redacting(key: string, value: unknown): unknown {
  if (key === '' || !SECRET_KEY.test(key)) return value;
  if (key.toLowerCase() === 'password' && typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  return REDACTED;
}

/** A body as a trace keeps it: secrets removed, JSON text, at most TRACE_BODY_MAX characters. */
export function traceBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  let text: string;
  try {
    // Serialised first: a text with no secret-like name in it (JSON.stringify writes every key
    // as it is, escaping only quotes, backslashes and control characters — hence the backslash
    // test) had nothing to scrub, and the walk is skipped.
    text = JSON.stringify(body) ?? '';
    if (mayHoldSecret(text)) text = JSON.stringify(body, redacting) ?? '';
  } catch {
    return '';
  }
  return clip(text, TRACE_BODY_MAX);
}

/**
 * The request body as a trace keeps it, from the JSON `text` it was parsed from when there is
 * one: a text with no secret-like name anywhere in it (keys or values) and no escape (a key
 * spelled `p\u0061ss` must not slip past the test) is kept as sent — scrubbing it would change
 * nothing — without walking and re-serialising the parsed value. Anything else goes through
 * traceBody. The answer never holds more than traceBody's would.
 */
export function traceRequestBody(body: unknown, text: string | undefined): string {
  if (text === undefined || mayHoldSecret(text)) return traceBody(body);
  return clip(text, TRACE_BODY_MAX);
}

/**
 * Whether scrubbing the JSON `text` could change it: a secret-like name anywhere in it (keys or
 * values), or any escape (behind which a key name could hide from that test).
 */
function mayHoldSecret(text: string): boolean {
  return text.includes('\\') || SECRET_KEY.test(text);
}

/** Cuts `s` to `max` characters, marking the cut. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** `trace_rating` / `trace_status` / OSC's upper-cased `--level`: case-insensitive; undefined when not a rating. */
export function parseRating(raw: string): TraceRating | undefined {
  const r = raw.trim().toLowerCase();
  return (TRACE_RATINGS as readonly string[]).includes(r) ? (r as TraceRating) : undefined;
}

/** The rating of an answered call: normal for success, warning for a refused or failed one, incident for a server fault. */
export function ratingOf(status: number): TraceRating {
  if (status >= 500) return 'incident';
  return status >= 400 ? 'warning' : 'normal';
}

/** Retention values: seconds, or a number with s/m/h/d (`7d`, `36h`). null when malformed. */
export function parseDuration(raw: string): number | null {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(raw);
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2].toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : null;
}

let lastMs = -Infinity;
let lastId = '';
/** The last id's random tail as a number, once an id of the same millisecond needed it. */
let lastTail = -1;

/**
 * A time-ordered id (UUIDv7 layout) that is also strictly increasing within this process:
 * traces of the same millisecond (the steps of one recovery, the hosts of one allocation) list
 * in the order they were written. An id for a millisecond not after the last one's is the last
 * one plus one in its random tail (48 bits: exact in a double; kept as a number, as string
 * arithmetic on every id was most of its cost).
 */
export function nextTraceId(ms: number): string {
  if (ms > lastMs) {
    lastMs = ms;
    lastTail = -1;
    return (lastId = timeOrderedUuid(ms));
  }
  if (lastTail < 0) lastTail = Number.parseInt(lastId.slice(24), 16);
  if (lastTail + 1 >= 2 ** 48) {
    // The tail is spent (2^48 ids in one millisecond, or a random start near its end): the
    // next millisecond's id is greater than every id of this one.
    lastMs += 1;
    lastTail = -1;
    return (lastId = timeOrderedUuid(lastMs));
  }
  lastTail += 1;
  return (lastId = `${lastId.slice(0, 24)}${(lastTail + 2 ** 48).toString(16).slice(1)}`);
}
