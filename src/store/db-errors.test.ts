import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDbError } from './db-errors.js';
import { Conflict, ConcurrentUpdate, NotFound, Unavailable } from '../domain/errors.js';

// Each driver error class maps to one domain error, and only races and lost connections retry.
const cases: [string, object, 'transient' | 'final', Function][] = [
  ['sqlite busy', { code: 'SQLITE_BUSY' }, 'transient', ConcurrentUpdate],
  ['sqlite unique', { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'final', Conflict],
  ['sqlite primary key', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, 'final', Conflict],
  ['sqlite foreign key', { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, 'final', Conflict],
  ['sqlite capacity check', { code: 'SQLITE_CONSTRAINT_CHECK' }, 'transient', ConcurrentUpdate],
  ['pg unique 23505', { code: '23505', constraint: 'x_uq' }, 'final', Conflict],
  ['pg foreign key 23503', { code: '23503' }, 'final', Conflict],
  ['pg check 23514', { code: '23514' }, 'transient', ConcurrentUpdate],
  ['pg serialization 40001', { code: '40001' }, 'transient', ConcurrentUpdate],
  ['pg deadlock 40P01', { code: '40P01' }, 'transient', ConcurrentUpdate],
  ['pg admin shutdown 57P01', { code: '57P01' }, 'transient', Unavailable],
  ['pg connection failure 08006', { code: '08006' }, 'transient', Unavailable],
  ['socket refused', { code: 'ECONNREFUSED' }, 'transient', Unavailable],
  ['pg client lost its connection', { message: 'Connection terminated unexpectedly' }, 'transient', Unavailable],
];

for (const [name, err, kind, cls] of cases) {
  test(`classifyDbError: ${name}`, () => {
    const c = classifyDbError(err);
    assert.ok(c, 'classified');
    assert.equal(c!.kind, kind);
    assert.ok(c!.error instanceof cls, `${c!.error.constructor.name} is ${cls.name}`);
  });
}

test('classifyDbError leaves domain errors and unknown errors alone', () => {
  assert.equal(classifyDbError(new NotFound('x')), null);
  assert.equal(classifyDbError(new Error('boom')), null);
  assert.equal(classifyDbError({ code: '42P01' }), null); // undefined table: a bug, not a race
});
