// IAM actions are `service:resourceType:operation` (OTC policy language, IAM "policy syntax").
// The service part is lower-case and compared exactly; resource type and operation are
// case-insensitive. `*` matches all or part of ONE segment: it never crosses a `:`.

export interface ActionPattern {
  readonly service: SegmentMatcher;
  readonly type: SegmentMatcher;
  readonly op: SegmentMatcher;
}

/** A matcher for one segment: exact text, anything, or a glob compiled to a RegExp. */
export type SegmentMatcher = { readonly kind: 'any' } | { readonly kind: 'exact'; readonly text: string } | { readonly kind: 'glob'; readonly re: RegExp };

const SEGMENT_RE = /^[A-Za-z0-9_*.-]+$/;

/** A well-formed concrete action (what a route names): three non-empty segments, no wildcard. */
export function isAction(s: string): boolean {
  const parts = s.split(':');
  return parts.length === 3 && parts.every((p) => p.length > 0 && SEGMENT_RE.test(p) && !p.includes('*'));
}

/** A pattern as written in a policy; `null` when it is not `a:b:c` with valid characters. */
export function parsePattern(s: string): ActionPattern | null {
  if (typeof s !== 'string') return null;
  const parts = s.split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || !SEGMENT_RE.test(p))) return null;
  return { service: segment(parts[0], false), type: segment(parts[1], true), op: segment(parts[2], true) };
}

function segment(p: string, caseInsensitive: boolean): SegmentMatcher {
  if (/^\*+$/.test(p)) return { kind: 'any' };
  if (!p.includes('*')) return { kind: 'exact', text: caseInsensitive ? p.toLowerCase() : p };
  const body = p.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('[^:]*');
  return { kind: 'glob', re: new RegExp(`^${body}$`, caseInsensitive ? 'i' : '') };
}

/** The action split once per request: service as is, type and operation lower-cased. */
export interface ParsedAction { readonly service: string; readonly type: string; readonly op: string; readonly typeRaw: string; readonly opRaw: string }

export function splitAction(action: string): ParsedAction | null {
  const parts = action.split(':');
  if (parts.length !== 3) return null;
  return { service: parts[0], type: parts[1].toLowerCase(), op: parts[2].toLowerCase(), typeRaw: parts[1], opRaw: parts[2] };
}

export function matches(p: ActionPattern, a: ParsedAction): boolean {
  return seg(p.service, a.service, a.service) && seg(p.type, a.type, a.typeRaw) && seg(p.op, a.op, a.opRaw);
}

function seg(m: SegmentMatcher, lower: string, raw: string): boolean {
  if (m.kind === 'any') return true;
  if (m.kind === 'exact') return m.text === lower;
  return m.re.test(raw);
}
