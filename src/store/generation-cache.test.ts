import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenerationCache } from './generation-cache.js';

test('an entry answers only at the generation it was computed at', () => {
  const c = new GenerationCache<number>(10, () => 1);
  c.set('a', 3, 42);
  assert.equal(c.get('a', 3), 42);
  assert.equal(c.get('a', 4), undefined, 'the project changed since');
  assert.equal(c.get('a', 2), undefined);
  assert.equal(c.get('b', 3), undefined);
  c.set('a', 4, 43);
  assert.equal(c.get('a', 4), 43);
  assert.equal(c.get('a', 3), undefined, 'replaced, not kept beside');
  assert.deepEqual(c.size(), { entries: 1, weight: 1 });
});

test('bounded by weight: the least recently used go first; an entry heavier than the bound is not kept', () => {
  const c = new GenerationCache<string[]>(10, (_k, v) => v.length);
  c.set('a', 1, ['x', 'x', 'x', 'x']);
  c.set('b', 1, ['x', 'x', 'x', 'x']);
  assert.ok(c.get('a', 1), 'a is now the most recently used');
  c.set('c', 1, ['x', 'x', 'x', 'x']);
  assert.equal(c.get('b', 1), undefined, 'b, least recently used, made room');
  assert.ok(c.get('a', 1));
  assert.ok(c.get('c', 1));
  assert.deepEqual(c.size(), { entries: 2, weight: 8 });
  c.set('huge', 1, new Array(11).fill('x'));
  assert.equal(c.get('huge', 1), undefined);
  assert.deepEqual(c.size(), { entries: 2, weight: 8 }, 'nothing evicted for it');
  c.set('a', 2, ['x']);
  assert.deepEqual(c.size(), { entries: 2, weight: 5 }, 'a replaced entry gives its weight back');
  // Property: after any sequence the summed weight is within the bound and matches the entries.
  const p = new GenerationCache<number[]>(50, (_k, v) => v.length);
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const live = new Map<string, { g: number; v: number[] }>();
  let hits = 0;
  for (let i = 0; i < 5000; i++) {
    const k = `k${rnd(30)}`;
    if (rnd(3) === 0) {
      const v = new Array(rnd(20)).fill(0);
      const g = rnd(4);
      p.set(k, g, v);
      live.set(k, { g, v });
    } else {
      const e = live.get(k);
      const got = e ? p.get(k, e.g) : undefined;
      if (got !== undefined) {
        assert.equal(got, e!.v, 'a hit is the value last set for that key and generation');
        hits++;
      }
    }
    assert.ok(p.size().weight <= 50);
  }
  assert.ok(hits > 500, `a cache that kept nothing would pass the rest (${hits} hits)`);
});

test('the key is weighed too: long keys (a query of many conditions) fill the bound sooner', () => {
  const c = new GenerationCache<number>(1000, (key) => key.length);
  for (let i = 0; i < 100; i++) c.set(`${'k'.repeat(300)}${i}`, 1, i);
  assert.ok(c.size().weight <= 1000);
  assert.equal(c.size().entries, 3);
});
