// Checked once per route when it is registered (onRoute): every integer or number a request
// schema accepts has a minimum and a maximum inside the database's integer range, and every
// all-digits string a length that keeps it there. A route that would let a client's number
// reach SQL unbounded makes the app refuse to start, instead of answering 500 at run time.

import { DB_INT_MAX, DB_INT_MIN } from './schemas/common.js';

const DIGITS_MAX_LENGTH = String(DB_INT_MAX).length - 1;

/** Problems of one schema, each naming its JSON pointer; [] when every number is bounded. */
export function unboundedNumbers(schema: unknown, at = ''): string[] {
  const out: string[] = [];
  const stack: [unknown, string][] = [[schema, at]];
  while (stack.length > 0) {
    const [s, path] = stack.pop()!;
    if (s === null || typeof s !== 'object') continue;
    if (Array.isArray(s)) {
      s.forEach((x, i) => stack.push([x, `${path}/${i}`]));
      continue;
    }
    const o = s as Record<string, unknown>;
    const types = [o.type].flat();
    if (types.includes('integer') || types.includes('number')) {
      const min = typeof o.minimum === 'number' ? o.minimum : typeof o.exclusiveMinimum === 'number' ? o.exclusiveMinimum : undefined;
      const max = typeof o.maximum === 'number' ? o.maximum : typeof o.exclusiveMaximum === 'number' ? o.exclusiveMaximum : undefined;
      if (min === undefined || max === undefined || min < DB_INT_MIN || max > DB_INT_MAX) {
        out.push(`${path || '/'}: ${types.join('|')} needs minimum ≥ ${DB_INT_MIN} and maximum ≤ ${DB_INT_MAX}`);
      }
    }
    if (types.includes('string') && typeof o.pattern === 'string' && /^\^\[0-9\]\+\$$|^\^\\d\+\$$/.test(o.pattern)) {
      if (typeof o.maxLength !== 'number' || o.maxLength > DIGITS_MAX_LENGTH) out.push(`${path || '/'}: a digits string needs maxLength ≤ ${DIGITS_MAX_LENGTH}`);
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions') {
        for (const [name, sub] of Object.entries(v as Record<string, unknown>)) stack.push([sub, `${path}/${name}`]);
      } else if (v !== null && typeof v === 'object') {
        stack.push([v, `${path}/${k}`]);
      }
    }
  }
  return out;
}
