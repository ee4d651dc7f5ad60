import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withActionTable, renderActionTable } from '../../src/http/action-table.js';
import { ROUTE_POLICY } from '../../src/http/route-policy.js';

// docs/permissions.md carries the action table generated from the route table; a route added,
// removed or given another action without regenerating the page fails here.
const page = new URL('../../../docs/permissions.md', import.meta.url);

test('docs/permissions.md holds the action table generated from src/http/route-policy.ts', () => {
  const doc = readFileSync(page, 'utf8');
  const expected = withActionTable(doc);
  assert.ok(expected !== null, 'docs/permissions.md lost its action-table markers');
  assert.ok(doc === expected,
    'docs/permissions.md: the action table differs from the route table; run `npx tsc -p tsconfig.json && node scripts/action-table.mjs --write`');
});

test('the rendered table has one row per route of the route table', () => {
  const rows = renderActionTable().split('\n').filter((l) => l.startsWith('| `'));
  assert.equal(rows.length, Object.keys(ROUTE_POLICY).length);
  assert.ok(rows.some((r) => r.includes('`DELETE /v1.0/:project_id/dedicated-hosts/:host_id` | `deh:dedicatedHosts:delete` | `releaseDedicatedHosts`')));
});
