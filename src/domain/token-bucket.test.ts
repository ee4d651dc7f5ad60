import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { refill, take, type Bucket, type Rate } from './token-bucket.js';

// The arithmetic of the abuse limits: never more than `count` plus what refilled in the time
// that passed, never a negative or overfull bucket, and the Retry-After it gives is honest.

const rateArb = fc.record({ count: fc.integer({ min: 1, max: 50 }), seconds: fc.integer({ min: 1, max: 600 }) });
const stepsArb = fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 200 });

test('granted takes never exceed count + the refill over the elapsed time; the bucket stays within [0, count]', () => {
  fc.assert(fc.property(rateArb, stepsArb, (r: Rate, steps) => {
    let b: Bucket | undefined;
    let now = 1_000_000;
    const start = now;
    let granted = 0;
    for (const dt of steps) {
      now += dt;
      const res = take(b, r, now);
      b = res.bucket;
      if (res.ok) granted++;
      assert.ok(b.tokens >= 0 && b.tokens <= r.count, `tokens ${b.tokens}`);
      const allowance = r.count + ((now - start) * r.count) / (r.seconds * 1000);
      assert.ok(granted <= allowance + 1e-9, `${granted} granted, allowance ${allowance}`);
    }
  }));
});

test('a refused take names a wait after which the next take succeeds, and not much before', () => {
  fc.assert(fc.property(rateArb, fc.integer({ min: 0, max: 10_000 }), (r: Rate, lag) => {
    let b: Bucket | undefined;
    const now = 5_000_000;
    for (let i = 0; i < r.count; i++) b = take(b, r, now).bucket;
    const refused = take(b, r, now + lag % 10);
    if (refused.ok) return; // enough refilled during the lag
    assert.ok(refused.retryAfterMs > 0);
    assert.equal(take(refused.bucket, r, now + lag % 10 + refused.retryAfterMs).ok, true);
    if (refused.retryAfterMs > 1) assert.equal(take(refused.bucket, r, now + lag % 10 + refused.retryAfterMs - 2).ok, false);
  }));
});

test('a clock that steps back refills nothing', () => {
  const r = { count: 2, seconds: 10 };
  const b = refill({ tokens: 0, at: 10_000 }, r, 5_000);
  assert.equal(b.tokens, 0);
  assert.equal(b.at, 10_000);
});
