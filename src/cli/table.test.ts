import assert from 'node:assert/strict';
import { test } from 'node:test';
import { table } from './table.js';

test('table pads every column to its widest cell and leaves no trailing spaces', () => {
  assert.equal(table(['ID', 'NAME', 'TAGS'], [['1', 'a-long-name', ''], ['22', 'b', 'k=v'], ['3', null, undefined]]),
    'ID  NAME         TAGS\n' +
    '1   a-long-name\n' +
    '22  b            k=v\n' +
    '3\n');
  assert.equal(table(['A', 'B'], []), 'A  B\n');
});
