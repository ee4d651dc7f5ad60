import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeOrderedUuid, UUID_RE } from './ids.js';

test('time-ordered ids are UUIDv7-shaped, unique, and sort by creation time', () => {
  const seen = new Set<string>();
  let prev = '';
  for (let i = 0; i < 2000; i++) { // spans several refills of the random pool
    const id = timeOrderedUuid(1_700_000_000_000 + i);
    assert.match(id, UUID_RE);
    assert.equal(id[14], '7');
    assert.ok('89ab'.includes(id[19]));
    assert.ok(id > prev, 'later ids sort after earlier ones');
    assert.ok(!seen.has(id));
    seen.add(id);
    prev = id;
  }
});
