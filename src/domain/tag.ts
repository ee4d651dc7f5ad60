import { BadRequest, ErrorCodes } from './errors.js';

// Tag rules of the DeH reference (adding_tags_to_a_deh_in_batches.rst): at most 10 tags per
// DeH; key 1..36 characters, value 0..43; neither may contain = * < > \ | / , ; keys are
// unique per DeH and "create" overwrites the value of an existing key.

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export const MAX_TAGS = 10;
const FORBIDDEN = /[=*<>\\|/,]/;

/** Length in Unicode characters (code points), as the REF counts them; `.length` counts UTF-16 units. */
const chars = (s: string) => [...s].length;

export function validateTag(t: Tag, action: 'create' | 'delete'): void {
  if (chars(t.key) === 0 || chars(t.key) > 36) throw new BadRequest(`tag key "${t.key}" must be 1 to 36 characters`, ErrorCodes.InvalidParameter);
  if (t.key.trim() !== t.key) throw new BadRequest(`tag key "${t.key}" must not start or end with spaces`, ErrorCodes.InvalidParameter);
  if (FORBIDDEN.test(t.key)) throw new BadRequest(`tag key "${t.key}" must not contain = * < > \\ | / ,`, ErrorCodes.InvalidParameter);
  if (action === 'delete') return;
  if (chars(t.value) > 43) throw new BadRequest(`tag value of "${t.key}" must be at most 43 characters`, ErrorCodes.InvalidParameter);
  if (FORBIDDEN.test(t.value)) throw new BadRequest(`tag value of "${t.key}" must not contain = * < > \\ | / ,`, ErrorCodes.InvalidParameter);
}

/** Validates a batch; duplicate keys within one batch are a client error. */
export function validateTagBatch(tags: readonly Tag[], action: 'create' | 'delete'): void {
  const keys = new Set<string>();
  for (const t of tags) {
    validateTag(t, action);
    if (keys.has(t.key)) throw new BadRequest(`tag key "${t.key}" appears twice in the request`, ErrorCodes.InvalidParameter);
    keys.add(t.key);
  }
}

/** Tags after an upsert; throws when the DeH would carry more than MAX_TAGS. */
export function mergeTags(existing: readonly Tag[], add: readonly Tag[]): Tag[] {
  const m = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of add) m.set(t.key, t.value);
  if (m.size > MAX_TAGS) throw new BadRequest(`a DeH can have at most ${MAX_TAGS} tags (this request would make ${m.size})`, ErrorCodes.TooManyTags);
  return [...m].map(([key, value]) => ({ key, value }));
}

/**
 * Strings in Unicode code point order — the order of their UTF-8 bytes, SQLite's BINARY
 * collation. JavaScript's `<` compares UTF-16 units, which puts characters beyond U+FFFF
 * (surrogate pairs, units 0xD800–0xDFFF) before U+E000–U+FFFF; the units are shifted so they
 * come after.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
