import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, ramWeigher, weigh, weighersFor } from './weighers.js';
import { fakeHost } from './fake-host.js';

describe('scheduler weighers', () => {
  const cases: [string, number[], number[]][] = [
    ['empty', [], []],
    ['one value', [5], [0]],
    ['all equal', [3, 3, 3], [0, 0, 0]],
    ['spread over 0..1', [0, 50, 100], [0, 0.5, 1]],
    ['order kept', [300, 100, 200], [1, 0, 0.5]],
  ];
  for (const [name, input, expected] of cases) {
    test(`normalize: ${name}`, () => assert.deepEqual(normalize(input), expected));
  }

  const hosts = [
    fakeHost({ id: 'a', usedMemoryMb: 100_000 }),
    fakeHost({ id: 'b', usedMemoryMb: 0 }),
    fakeHost({ id: 'c', usedMemoryMb: 200_000 }),
  ];

  test('RAM weigher reads free memory', () => {
    assert.equal(ramWeigher(1).raw(hosts[0]), 303104 - 100_000);
  });

  test('spread weighs the host with the most free memory highest', () => {
    const w = weigh(hosts, weighersFor('spread'));
    assert.deepEqual(w, [0.5, 1, 0]);
  });

  test('pack weighs the host with the least free memory highest', () => {
    const w = weigh(hosts, weighersFor('pack'));
    assert.equal(Math.max(...w), w[2]);
    assert.deepEqual(w.map((x) => x + 0), [-0.5, -1, 0]);
  });

  test('multipliers scale each weigher', () => {
    assert.deepEqual(weigh(hosts, [ramWeigher(2)]), [1, 2, 0]);
    assert.deepEqual(weigh(hosts, [ramWeigher(1), ramWeigher(1)]), [1, 2, 0]);
  });
});
