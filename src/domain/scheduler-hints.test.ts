import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hintsAfterMigration, keptHints, tenancyOf } from './scheduler-hints.js';

describe('scheduler hints', () => {
  const ok: [string, Record<string, unknown>, ReturnType<typeof tenancyOf>][] = [
    ['none → shared pool', {}, { kind: 'shared' }],
    ['tenancy=shared', { tenancy: 'shared' }, { kind: 'shared' }],
    ['tenancy=dedicated → auto placement', { tenancy: 'dedicated' }, { kind: 'dedicated' }],
    ['dedicated + host', { tenancy: 'dedicated', dedicated_host_id: 'h' }, { kind: 'dedicated', hostId: 'h' }],
    ['host without tenancy → dedicated', { dedicated_host_id: 'h' }, { kind: 'dedicated', hostId: 'h' }],
    ['one-element lists (openstackclient)', { tenancy: ['dedicated'], dedicated_host_id: ['h'] }, { kind: 'dedicated', hostId: 'h' }],
    ['other hints ignored', { group: 'g', different_host: ['x', 'y'] }, { kind: 'shared' }],
    ['empty strings are absent', { tenancy: '', dedicated_host_id: '' }, { kind: 'shared' }],
  ];
  for (const [name, hints, want] of ok) test(name, () => assert.deepEqual(tenancyOf(hints), want));

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['unknown tenancy', { tenancy: 'private' }, /must be "dedicated" or "shared"/],
    ['shared with a host', { tenancy: 'shared', dedicated_host_id: 'h' }, /needs tenancy "dedicated"/],
    ['two hosts', { dedicated_host_id: ['a', 'b'] }, /single string/],
    ['a number', { tenancy: 1 }, /single string/],
  ];
  for (const [name, hints, re] of bad) test(`rejects ${name}`, () => assert.throws(() => tenancyOf(hints), re));

  test('kept hints echo what was asked for, not the chosen host', () => {
    assert.deepEqual(keptHints({ tenancy: 'dedicated' }), { tenancy: 'dedicated' });
    assert.deepEqual(keptHints({ dedicated_host_id: 'h', group: 'g' }), { group: 'g', tenancy: 'dedicated', dedicated_host_id: 'h' });
    assert.deepEqual(keptHints({ tenancy: 'shared' }), { tenancy: 'shared' });
    assert.deepEqual(keptHints({}), {});
  });

  test('after a migration the hints name where the ECS is', () => {
    assert.deepEqual(hintsAfterMigration({ tenancy: 'dedicated', dedicated_host_id: 'a', group: 'g' }, 'b'), { group: 'g', tenancy: 'dedicated', dedicated_host_id: 'b' });
    assert.deepEqual(hintsAfterMigration({ tenancy: 'dedicated', dedicated_host_id: 'a' }, null), { tenancy: 'shared' });
  });
});
