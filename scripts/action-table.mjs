// Prints the action table of docs/permissions.md from the compiled route table, or with
// --write rewrites it in place between the page's markers. Needs `npx tsc -p tsconfig.json` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionTable, withActionTable } from '../dist/src/http/action-table.js';

const page = new URL('../docs/permissions.md', import.meta.url);
if (process.argv.includes('--write')) {
  const next = withActionTable(readFileSync(page, 'utf8'));
  if (next === null) { console.error('docs/permissions.md: action-table markers missing'); process.exit(1); }
  writeFileSync(page, next);
  console.log('docs/permissions.md: action table rewritten');
} else {
  process.stdout.write(renderActionTable());
}
