// Timestamps are stored as fixed-width ISO 8601 UTC strings (millisecond precision), so they
// compare correctly as text on every engine. The wire shows them without milliseconds, as OTC does.

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export function toStored(d: Date): string {
  return d.toISOString();
}

/** "2016-10-10T14:35:47Z" */
export function toWire(stored: string | null | undefined): string {
  if (!stored) return '';
  return stored.replace(/\.\d{3}Z$/, 'Z');
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses the REF's `CCYY-MM-DDThh:mm:ss±hh:mm` (UTC when no offset); null when malformed. */
export function parseIsoTimestamp(raw: string): Date | null {
  const m = ISO_RE.exec(raw.trim());
  if (!m) return null;
  let zone = m[8] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}${zone.toUpperCase()}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
