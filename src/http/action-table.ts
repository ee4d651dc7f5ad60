import { ROUTE_POLICY, TOKEN, type RoutePolicy } from './route-policy.js';

// The action table of docs/permissions.md, rendered from ROUTE_POLICY so the page can never
// drift from what the server enforces (test/docs/permissions-doc.test.ts holds them equal;
// `node scripts/action-table.mjs --write` rewrites the page's table after a route change).

export const TABLE_BEGIN = '<!-- action-table:begin (generated from src/http/route-policy.ts; node scripts/action-table.mjs --write) -->';
export const TABLE_END = '<!-- action-table:end -->';

const SECTIONS: readonly [string, (key: string, p: RoutePolicy) => boolean][] = [
  ['DeH API v1.0', (k, p) => p.family === 'deh' && !p.operator && /^\S+ \/v1\.0\//.test(k)],
  ['Compute (Nova v2.1 and ECS v1)', (_k, p) => p.family === 'compute'],
  ['Identity and IAM', (_k, p) => p.family === 'identity'],
  ['Operator API (also needs the `admin` role)', (_k, p) => p.operator === true],
  ['Everything else', () => true],
];

function actionCell(p: RoutePolicy): string {
  if (p.action === null) return 'public (no token)';
  if (p.action === TOKEN) return 'any valid token';
  if (typeof p.action === 'string') return `\`${p.action}\``;
  return p.action.variants.map((v) => `\`${v}\``).join(' or ') + ' (from the request)';
}

function traceCell(p: RoutePolicy): string {
  if (!p.trace) return '';
  const n = p.trace.name;
  return typeof n === 'string' ? `\`${n}\`` : 'by request';
}

/** The markdown between the page's markers (markers excluded). */
export function renderActionTable(): string {
  const left = new Map(Object.entries(ROUTE_POLICY));
  const out: string[] = [];
  for (const [title, pick] of SECTIONS) {
    const rows = [...left].filter(([k, p]) => pick(k, p));
    if (rows.length === 0) continue;
    out.push('', `### ${title}`, '', '| route | IAM action | trace |', '| --- | --- | --- |');
    for (const [k, p] of rows) {
      left.delete(k);
      out.push(`| \`${k.replace(/\|/g, '\\|')}\` | ${actionCell(p)} | ${traceCell(p)} |`);
    }
  }
  return out.join('\n') + '\n';
}

/** `doc` with the text between the markers replaced; null when the markers are missing. */
export function withActionTable(doc: string): string | null {
  const a = doc.indexOf(TABLE_BEGIN);
  const b = doc.indexOf(TABLE_END);
  if (a < 0 || b < a) return null;
  return doc.slice(0, a + TABLE_BEGIN.length) + '\n' + renderActionTable() + doc.slice(b);
}
