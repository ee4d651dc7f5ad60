import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNetworkId, derivedUuid, ipOf, macFor, nextUsableOffset, offsetOf, portIdFor, validateWantedIp } from './addresses.js';
import { UUID_RE } from './ids.js';
import { nameMatcher } from './name-filter.js';

describe('fixed IPs, MACs, ports', () => {
  test('offsets skip the network (.0) and broadcast (.255) addresses and start at .10', () => {
    assert.equal(nextUsableOffset(0), 10);
    assert.equal(ipOf(nextUsableOffset(10)), '192.168.0.10');
    assert.equal(ipOf(nextUsableOffset(255)), '192.168.1.1');
    assert.equal(ipOf(nextUsableOffset(256)), '192.168.1.1');
    assert.equal(ipOf(nextUsableOffset(254)), '192.168.0.254');
  });
  test('offsetOf is the inverse of ipOf inside 192.168.0.0/16 and null outside it', () => {
    for (const o of [10, 254, 257, 65534]) assert.equal(offsetOf(ipOf(o)), o);
    assert.equal(offsetOf('10.0.0.5'), null);
    assert.equal(offsetOf('192.168.300.1'), null);
  });
  test('a requested address must be IPv4', () => {
    assert.equal(validateWantedIp('10.0.0.5'), '10.0.0.5');
    assert.throws(() => validateWantedIp('10.0.0.256'), /not an IPv4 address/);
    assert.throws(() => validateWantedIp('fe80::1'), /not an IPv4 address/);
  });
  test('derived ids are stable, distinct and UUID-shaped', () => {
    assert.equal(defaultNetworkId('p1'), defaultNetworkId('p1'));
    assert.notEqual(defaultNetworkId('p1'), defaultNetworkId('p2'));
    assert.match(derivedUuid('x'), UUID_RE);
    assert.notEqual(portIdFor('s', 0), portIdFor('s', 1));
    assert.match(macFor('s', 0), /^fa:16:3e(:[0-9a-f]{2}){3}$/);
  });
});

describe('name filter (Nova regex subset)', () => {
  const rows: [string, string, boolean][] = [
    ['vm', 'my-vm-1', true],
    ['^vm', 'my-vm-1', false],
    ['^vm', 'vm-1', true],
    ['1$', 'vm-1', true],
    ['^vm-1$', 'vm-10', false],
    ['^vm.*1$', 'vm-x-1', true],
    ['^vm.*1$', 'vm-x-2', false],
    ['a.*b.*c', 'xaybzc', true],
    ['a.*b.*c', 'xcybza', false],
    ['^ab.*ba$', 'aba', false],
    ['vm.1', 'vm.1', true],
    ['vm.1', 'vmx1', false],
    ['', 'anything', true],
  ];
  for (const [pattern, name, want] of rows) test(`${JSON.stringify(pattern)} ${want ? 'matches' : 'does not match'} ${name}`, () => assert.equal(nameMatcher(pattern)(name), want));
  test('stays fast on a pathological pattern', () => {
    const started = performance.now();
    nameMatcher('a.*'.repeat(80) + 'b')('a'.repeat(255));
    assert.ok(performance.now() - started < 50);
  });
});
