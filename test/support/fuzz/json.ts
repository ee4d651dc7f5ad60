import fc from 'fast-check';

// A JSON value as the fuzz suite builds it: besides plain values, a `Raw` token is written into
// the text as it is (numbers JavaScript cannot hold, `-0`, escapes of lone surrogates, nesting
// deeper than any recursion should follow), and a `JObj` keeps its entries in order with
// duplicates and keys such as `__proto__` that a JavaScript object literal would swallow.

export class Raw {
  constructor(readonly text: string) {}
}
export class JObj {
  constructor(readonly entries: readonly (readonly [string, J])[]) {}
}
export type J = null | boolean | number | string | Raw | JObj | readonly J[];

/** The JSON text of a value. Iterative, so a deep value cannot overflow the generator itself. */
export function jsonText(root: J): string {
  const out: string[] = [];
  const stack: (J | { close: string } | { sep: string })[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v instanceof Raw) out.push(v.text);
    else if (v instanceof JObj) {
      out.push('{');
      stack.push({ close: '}' });
      for (let i = v.entries.length - 1; i >= 0; i--) {
        stack.push(v.entries[i][1], { sep: `${JSON.stringify(v.entries[i][0])}:` });
        if (i > 0) stack.push({ sep: ',' });
      }
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ close: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i] as J);
        if (i > 0) stack.push({ sep: ',' });
      }
    } else if (v !== null && typeof v === 'object' && 'close' in v) out.push(v.close);
    else if (v !== null && typeof v === 'object' && 'sep' in v) out.push(v.sep);
    else out.push(JSON.stringify(v));
  }
  return out.join('');
}

/** Nesting of the given depth as one raw token: `{"a":{"a":…1…}}` or `[[[…]]]`. */
export function nested(depth: number, kind: 'object' | 'array'): Raw {
  return kind === 'object' ? new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) : new Raw(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
}

/** Slots of a value where a mutation can go: the root, every object member and array item. */
export function slotCount(root: J): number {
  let n = 1;
  const stack: J[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const kids = v instanceof JObj ? v.entries.map((e) => e[1]) : Array.isArray(v) ? (v as J[]) : [];
    n += kids.length;
    stack.push(...kids);
  }
  return n;
}

/** Pre-order indexes (as replaceSlot counts) of the slots that hold a string. */
export function stringSlots(root: J): number[] {
  const out: number[] = [];
  let i = 0;
  const walk = (v: J): void => {
    if (typeof v === 'string') out.push(i);
    i++;
    if (v instanceof JObj) v.entries.forEach((e) => walk(e[1]));
    else if (Array.isArray(v)) (v as J[]).forEach(walk);
  };
  walk(root);
  return out;
}

/** `root` with slot `index` (pre-order, as slotCount counts) replaced by `f(old)`. */
export function replaceSlot(root: J, index: number, f: (old: J) => J): J {
  let i = index;
  const walk = (v: J): J => {
    if (i-- === 0) return f(v);
    if (v instanceof JObj) return new JObj(v.entries.map(([k, x]) => [k, walk(x)] as const));
    if (Array.isArray(v)) return (v as J[]).map(walk);
    return v;
  };
  return walk(root);
}

/** Plain JavaScript (from a schema arbitrary) as J. */
export function fromPlain(v: unknown): J {
  if (v instanceof Raw || v instanceof JObj) return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v !== null && typeof v === 'object') return new JObj(Object.entries(v).map(([k, x]) => [k, fromPlain(x)] as const));
  if (v === undefined) return null;
  return v as J;
}

export const jsonArb = (): fc.Arbitrary<J> => fc.jsonValue({ maxDepth: 2 }).map(fromPlain);
