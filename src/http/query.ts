import { BadRequest, ErrorCodes } from '../domain/errors.js';
import { parseIsoTimestamp } from '../domain/time.js';

// Query-string values arrive as strings (or arrays when repeated). These helpers turn them
// into typed values with a 400 that names the parameter, instead of a silent misread.

export type RawQuery = Record<string, string | string[] | undefined>;

export function one(q: RawQuery, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw new BadRequest(`query parameter "${name}" given more than once`, ErrorCodes.InvalidParameter);
    return v[0];
  }
  return v;
}

export function oneOf(q: RawQuery, ...aliases: string[]): string | undefined {
  const present = aliases.filter((a) => q[a] !== undefined);
  if (present.length > 1 && new Set(present.map((a) => one(q, a))).size > 1) {
    throw new BadRequest(`query parameters ${present.join(' and ')} disagree`, ErrorCodes.InvalidParameter);
  }
  return present.length ? one(q, present[0]) : undefined;
}

export function intParam(q: RawQuery, name: string, min: number, max: number): number | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new BadRequest(`query parameter "${name}" must be an integer from ${min} to ${max}`, ErrorCodes.InvalidParameter);
  }
  return Number(v);
}

export function enumParam<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  const lower = v.toLowerCase() as T;
  if (!allowed.includes(lower)) throw new BadRequest(`query parameter "${name}" must be one of ${allowed.join(', ')}`, ErrorCodes.InvalidParameter);
  return lower;
}

export function timeParam(q: RawQuery, name: string): Date | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  const d = parseIsoTimestamp(v);
  if (!d) throw new BadRequest(`query parameter "${name}" must be an ISO 8601 time such as 2024-01-01T00:00:00+01:00`, ErrorCodes.InvalidParameter);
  return d;
}

/** `tags=k1=v1,k2` → [{key:'k1',value:'v1'},{key:'k2'}]: every tag must be on the DeH. */
export function tagsParam(q: RawQuery, name: string): { key: string; value?: string }[] | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  const out = v.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.indexOf('=');
    return i < 0 ? { key: s } : { key: s.slice(0, i), value: s.slice(i + 1) };
  });
  if (out.length === 0 || out.length > 10 || out.some((t) => !t.key)) {
    throw new BadRequest(`query parameter "${name}" must be 1 to 10 comma-separated key or key=value items`, ErrorCodes.InvalidParameter);
  }
  return out;
}
