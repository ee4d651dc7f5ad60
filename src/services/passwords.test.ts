import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashingLoad, hashPassword, verifyPassword } from './passwords.js';

// At most one scrypt per CPU runs at once; the others queue and all finish with the right answer.
test('password hashes: at most one per CPU at a time, every one correct', async () => {
  const n = 12;
  const pending = Array.from({ length: n }, (_, i) => hashPassword(`pw-${i}`));
  const load = hashingLoad();
  assert.equal(load.running, Math.min(n, load.max));
  assert.equal(load.queued, n - load.running);
  const hashes = await Promise.all(pending);
  assert.deepEqual(hashingLoad(), { running: 0, queued: 0, max: load.max });
  const checks = await Promise.all(hashes.flatMap((h, i) => [verifyPassword(`pw-${i}`, h), verifyPassword(`pw-${i}x`, h)]));
  assert.deepEqual(checks, hashes.flatMap(() => [true, false]));
  assert.deepEqual(hashingLoad(), { running: 0, queued: 0, max: load.max });
});
