import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCodePoints } from './tag.js';

test('compareCodePoints orders as the UTF-8 bytes do (SQLite BINARY), astral characters included', () => {
  const alphabet = ['a', 'B', 'z', '0', '~', 'é', '中', '\uE000', '\uFFFD', '🔑', '📦', '\u{10FFFF}', ' ', '\u0000'];
  let seed = 11;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const word = () => Array.from({ length: rnd(5) }, () => alphabet[rnd(alphabet.length)]).join('');
  const sign = (n: number) => Math.sign(n);
  for (let i = 0; i < 20_000; i++) {
    const a = word();
    const b = rnd(4) === 0 ? a : word();
    assert.equal(sign(compareCodePoints(a, b)), sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  // Where UTF-16 order differs: U+E000 sorts before 🔑 (U+1F511) by code point, after by UTF-16 unit.
  assert.ok('\uE000' > '🔑');
  assert.ok(compareCodePoints('\uE000', '🔑') < 0);
});
