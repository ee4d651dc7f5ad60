// Aligned plain-text tables: a header row, columns padded to the widest cell, two spaces
// between columns, no borders, so `grep`, `awk` and `cut` work on the output.

export type Cell = string | number | null | undefined;

export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...text.map(line)].join('\n') + '\n';
}

/** Two columns, field and value, for one object. */
export function fields(pairs: [string, Cell][]): string {
  return table(['FIELD', 'VALUE'], pairs);
}
