// Validation of an OTC custom policy (POST/PATCH {identity}/v3.0/OS-ROLE/roles), with the
// limits IAM documents (CONTRACT §9.2): policy language Version "1.1", at most 8 statements,
// at most 100 actions per statement, actions `service:resourceType:operation` with a
// lower-case service, at most 10 resources and 10 conditions per statement, description up
// to 256 and display_name up to 64 characters. Pure: returns the first problem as text, or null.
// The policy is stored as the client sent it (never re-shaped), so anything accepted here
// must be a document the evaluator can read.

export const LIMITS = {
  displayName: 64, description: 256, statements: 8, actions: 100, resources: 10, conditions: 10,
  actionLength: 128, resourceLength: 1024, conditionValues: 50, conditionValueLength: 1024,
} as const;

export type PolicyType = 'AX' | 'XA';

/** service (lower case) : resource type : operation; `*` may stand for all or part of a segment. */
const ACTION_RE = /^[a-z0-9*][a-z0-9*_-]*:[A-Za-z0-9*_-]+:[A-Za-z0-9*_-]+$/;
const STATEMENT_KEYS = new Set(['Effect', 'Action', 'Condition', 'Resource']);
const POLICY_KEYS = new Set(['Version', 'Statement']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const chars = (s: string) => [...s].length;

export function checkDisplayName(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return 'role.display_name is required and must be a non-empty string';
  if (chars(v) > LIMITS.displayName) return `role.display_name must be at most ${LIMITS.displayName} characters`;
  return null;
}

export function checkType(v: unknown): string | null {
  return v === 'AX' || v === 'XA' ? null : 'role.type must be "AX" (global services) or "XA" (project-level services)';
}

export function checkDescription(v: unknown, field = 'description'): string | null {
  if (typeof v !== 'string') return `role.${field} must be a string`;
  if (chars(v) > LIMITS.description) return `role.${field} must be at most ${LIMITS.description} characters`;
  return null;
}

export function checkPolicy(p: unknown): string | null {
  if (!isObject(p)) return 'role.policy must be an object';
  for (const k of Object.keys(p)) if (!POLICY_KEYS.has(k)) return `role.policy has an unknown field "${k}"`;
  if (p.Version !== '1.1') return 'role.policy.Version must be "1.1"';
  const st = p.Statement;
  if (!Array.isArray(st) || st.length === 0) return 'role.policy.Statement must be a non-empty array';
  if (st.length > LIMITS.statements) return `role.policy.Statement may hold at most ${LIMITS.statements} statements`;
  for (let i = 0; i < st.length; i++) {
    const problem = checkStatement(st[i], `role.policy.Statement[${i}]`);
    if (problem) return problem;
  }
  return null;
}

function checkStatement(s: unknown, at: string): string | null {
  if (!isObject(s)) return `${at} must be an object`;
  for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) return `${at} has an unknown field "${k}"`;
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return `${at}.Effect must be "Allow" or "Deny"`;
  const actions = s.Action;
  if (!Array.isArray(actions) || actions.length === 0) return `${at}.Action must be a non-empty array`;
  if (actions.length > LIMITS.actions) return `${at}.Action may hold at most ${LIMITS.actions} actions`;
  for (const a of actions) {
    if (typeof a !== 'string' || a.length > LIMITS.actionLength || !ACTION_RE.test(a)) {
      return `${at}.Action: ${JSON.stringify(a)?.slice(0, 80)} is not service:resourceType:operation with a lower-case service`;
    }
  }
  if (own(s, 'Resource')) {
    const r = s.Resource;
    if (!Array.isArray(r) || r.length === 0) return `${at}.Resource must be a non-empty array when given`;
    if (r.length > LIMITS.resources) return `${at}.Resource may hold at most ${LIMITS.resources} resources`;
    for (const x of r) if (typeof x !== 'string' || x === '' || x.length > LIMITS.resourceLength) return `${at}.Resource entries must be non-empty strings`;
  }
  if (own(s, 'Condition')) {
    const c = s.Condition;
    if (!isObject(c) || Object.keys(c).length === 0) return `${at}.Condition must be a non-empty object when given`;
    let n = 0;
    for (const [op, keys] of Object.entries(c)) {
      if (!isObject(keys) || Object.keys(keys).length === 0) return `${at}.Condition.${op} must map condition keys to value lists`;
      for (const [key, values] of Object.entries(keys)) {
        n++;
        if (!Array.isArray(values) || values.length === 0 || values.length > LIMITS.conditionValues) {
          return `${at}.Condition.${op}.${key} must be a list of 1 to ${LIMITS.conditionValues} values`;
        }
        for (const v of values) {
          const ok = (typeof v === 'string' && v.length <= LIMITS.conditionValueLength) || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
          if (!ok) return `${at}.Condition.${op}.${key} values must be strings, numbers or booleans`;
        }
      }
    }
    if (n > LIMITS.conditions) return `${at}.Condition may hold at most ${LIMITS.conditions} conditions`;
  }
  return null;
}
