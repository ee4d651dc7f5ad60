import fc from 'fast-check';
import { JObj, jsonArb, type J } from './json.js';

// A fast-check arbitrary of the values a JSON Schema (as TypeBox emits it) accepts. Strings
// come from the schema (length, pattern, enum) or, often, from a pool of values that mean
// something to the service (ids of the fixtures, host types, zones, flavors), so that a good
// share of the generated bodies passes validation and reaches the services, where the deeper
// defects live. Sizes are kept small: the hostile sizes come from the mutations.

type Schema = Record<string, unknown>;

export interface SchemaArbOptions {
  /** Strings that mean something to the service; used where the schema allows them. */
  readonly pool: readonly string[];
}

const MAX_ITEMS = 3;
const MAX_STRING = 24;

export function schemaArb(schema: unknown, opts: SchemaArbOptions, depth = 0): fc.Arbitrary<J> {
  const s = (schema ?? {}) as Schema;
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const as J);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as J[]));
  const alts = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alts) && alts.length > 0) return fc.oneof(...alts.map((a) => schemaArb(a, opts, depth + 1)));
  const types = s.type === undefined ? [] : [s.type].flat() as string[];
  if (types.length === 0) return s.properties || s.patternProperties ? objectArb(s, opts, depth) : jsonArb();
  return fc.oneof(...types.map((type) => {
    switch (type) {
      case 'null': return fc.constant(null);
      case 'boolean': return fc.boolean();
      case 'integer': return intArb(s);
      case 'number': return fc.oneof(intArb(s), fc.double({ min: num(s.minimum, -1e6), max: num(s.maximum, 1e6), noNaN: true, noDefaultInfinity: true }));
      case 'string': return stringArb(s, opts);
      case 'array': {
        const min = num(s.minItems, 0);
        return fc.array(schemaArb(s.items, opts, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(num(s.maxItems, MAX_ITEMS), MAX_ITEMS)) }) as fc.Arbitrary<J>;
      }
      case 'object': return objectArb(s, opts, depth);
      default: return jsonArb();
    }
  }));
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

function intArb(s: Schema): fc.Arbitrary<J> {
  const min = Math.max(num(s.minimum, -1000), -2_147_483_648);
  const max = Math.min(num(s.maximum, 1000), 2_147_483_647);
  // The bounds themselves, and small values, which are where the meaning changes.
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max: Math.min(max, min + 20) }) }, fc.integer({ min, max }), fc.constantFrom(min, max));
}

function stringArb(s: Schema, opts: SchemaArbOptions): fc.Arbitrary<J> {
  const minLength = num(s.minLength, 0);
  const maxLength = num(s.maxLength, 10_000);
  const re = typeof s.pattern === 'string' ? new RegExp(s.pattern) : undefined;
  const fits = (v: string) => v.length >= minLength && v.length <= maxLength && (!re || re.test(v));
  const pool = opts.pool.filter(fits);
  const free = re
    ? fc.stringMatching(re).filter((v) => v.length >= minLength && v.length <= maxLength)
    : fc.string({ minLength, maxLength: Math.max(minLength, Math.min(maxLength, MAX_STRING)), unit: 'grapheme' });
  return pool.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 2, arbitrary: free }) : free;
}

function objectArb(s: Schema, opts: SchemaArbOptions, depth: number): fc.Arbitrary<J> {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required ?? []) as string[]);
  const members = Object.entries(props).map(([k, sub]) => {
    const v = schemaArb(sub, opts, depth + 1);
    // Optional members are present about half the time.
    return required.has(k) ? v.map((x) => [[k, x] as const]) : fc.option(v, { nil: undefined, freq: 2 }).map((x) => (x === undefined ? [] : [[k, x] as const]));
  });
  const open = Object.values((s.patternProperties ?? {}) as Record<string, unknown>)[0]
    ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : s.additionalProperties === true ? {} : undefined);
  const extra = open === undefined ? fc.constant([] as (readonly [string, J])[])
    : fc.array(fc.tuple(fc.oneof(fc.constantFrom(...opts.pool.filter((p) => p.length > 0 && p.length < 60)), fc.string({ minLength: 1, maxLength: 12 })), schemaArb(open, opts, depth + 1)), {
      minLength: num(s.minProperties, 0), maxLength: Math.max(num(s.minProperties, 0), Math.min(num(s.maxProperties, 2), 2)),
    }).map((xs) => xs.filter(([k], i) => !(k in props) && xs.findIndex(([k2]) => k2 === k) === i));
  return fc.tuple(fc.tuple(...members), extra).map(([ms, xs]) => new JObj([...ms.flat(), ...xs]));
}
