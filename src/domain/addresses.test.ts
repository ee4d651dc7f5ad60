import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateIp, defaultNetworkId, derivedUuid, ipOf, macFor, portIdFor } from './addresses.js';
import { UUID_RE } from './ids.js';
import { nameMatcher } from './name-filter.js';

describe('fixed IPs, MACs, ports', () => {
  test('the lowest free address, skipping .0 and .255', () => {
    assert.equal(allocateIp(new Set()), '192.168.0.10');
    assert.equal(allocateIp(new Set(['192.168.0.10', '192.168.0.11'])), '192.168.0.12');
    const upTo254 = new Set(Array.from({ length: 245 }, (_, i) => ipOf(10 + i)));
    assert.equal(allocateIp(upTo254), '192.168.1.1');
  });
  test('a requested address is used when free and refused when taken or malformed', () => {
    assert.equal(allocateIp(new Set(), '10.0.0.5'), '10.0.0.5');
    assert.throws(() => allocateIp(new Set(['10.0.0.5']), '10.0.0.5'), /already in use/);
    assert.throws(() => allocateIp(new Set(), '10.0.0.256'), /not an IPv4 address/);
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
