import { BadRequest } from '../domain/errors.js';

// The one JSON body parser of every route. Three things are refused here, at the edge, for
// every body, before any schema or handler sees it:
// - bytes that are not UTF-8 (a lone surrogate encoded as bytes, an overlong sequence):
//   Node's default decoding would silently turn them into U+FFFD and store that;
// - nesting deeper than MAX_JSON_DEPTH: V8 parses deep JSON, but every recursive consumer
//   after it (schema validation, JSON.stringify of an idempotent answer) overflows the stack;
// - a string or object key holding a lone UTF-16 surrogate written as a `\ud800` escape:
//   PostgreSQL refuses it and SQLite stores U+FFFD, so the value read back would differ;
// - a string or object key holding NUL (`\u0000`): PostgreSQL's text cannot hold it (a
//   driver error, i.e. a 500, found by the fuzz suite) and SQLite would store it, so the two
//   engines would answer differently. No field of any API needs it.

/** No API of the service nests deeper than 8; Nova's open objects are flat maps in practice. */
export const MAX_JSON_DEPTH = 32;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

// The text each parsed object or array body was parsed from, for what keeps the body as text
// (a CTS trace's `request`): re-serialising the parsed value costs more than the write it
// records. Weak: it lives as long as the request's body.
const bodyTexts = new WeakMap<object, string>();

/** The JSON text `body` was parsed from by parseJsonBody (trimmed), or undefined. */
export function jsonTextOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null ? bodyTexts.get(body) : undefined;
}

/** `undefined` for an empty body (clients send Content-Type: application/json on body-less calls). */
export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    throw new BadRequest('the request body is not valid UTF-8');
  }
  text = text.trim();
  if (text === '') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new BadRequest(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
  const bad = firstUnstorableString(value);
  if (bad !== undefined) throw new BadRequest(`the request body holds ${bad.what} in ${bad.path}`);
  if (typeof value === 'object' && value !== null) bodyTexts.set(value, text);
  return value;
}

/** Deepest bracket nesting of a JSON text, brackets inside strings not counted. O(n), no recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/** Why a string cannot be stored and read back as sent on both engines; undefined when it can. */
export function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return 'a NUL character';
  if (LONE_SURROGATE.test(s)) return 'a lone UTF-16 surrogate';
  return undefined;
}
// Code units, not code points (no `u` flag): a high surrogate not followed by a low one, or a
// low one not preceded by a high one. No repetition, so no backtracking on long strings.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Path (`$.a.b[2]`) and reason of the first key or string value `unstorable` refuses; iterative. */
export function firstUnstorableString(root: unknown): { path: string; what: string } | undefined {
  const stack: [unknown, string][] = [[root, '$']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const what = unstorable(v);
      if (what !== undefined) return { path, what };
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const what = unstorable(k);
        if (what !== undefined) return { path: `${path} (a key)`, what };
        stack.push([(v as Record<string, unknown>)[k], `${path}.${k}`]);
      }
    }
  }
  return undefined;
}
