import { matches, parsePattern, splitAction, type ActionPattern, type ParsedAction } from './action.js';
import { documentsForRoleName } from './builtin-roles.js';
import type { Decision, Grant } from './types.js';

// The OTC policy evaluation (IAM "policy syntax" / "authorization process"), pure:
//   1. an explicit Deny that matches the action anywhere → denied;
//   2. otherwise an Allow that matches → allowed;
//   3. otherwise → denied (default deny).
// Fail closed: a statement this evaluator cannot evaluate — a `Condition` (no condition keys
// are supported), a `Resource` other than "all resources", or an Action entry that is not a
// valid `service:type:operation` pattern — is treated so that it can only take permissions
// away: as a Deny it applies (to every action, when its Action list cannot be read), as an
// Allow it is ignored. A document that is not an object with a Statement array allows nothing.

interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  /** null: the statement applies to every action (an unreadable Deny). */
  readonly patterns: readonly ActionPattern[] | null;
  readonly grant: string;
}

export interface CompiledPolicies {
  readonly owner: boolean;
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
  /** Decisions already made for this set of grants (a token's set is evaluated many times). */
  readonly memo: Map<string, Decision>;
}

export function compile(grants: readonly Grant[], owner = false): CompiledPolicies {
  const denies: CompiledStatement[] = [];
  const allows: CompiledStatement[] = [];
  for (const g of grants) {
    const docs = g.policy === null || g.policy === undefined ? documentsForRoleName(g.name) : [g.policy];
    for (const doc of docs) for (const s of statementsOf(doc, g.name)) (s.effect === 'Deny' ? denies : allows).push(s);
  }
  return { owner, denies, allows, memo: new Map() };
}

function statementsOf(doc: unknown, grant: string): CompiledStatement[] {
  if (!isRecord(doc) || !Array.isArray(doc.Statement)) return [];
  const out: CompiledStatement[] = [];
  for (const st of doc.Statement as unknown[]) {
    if (!isRecord(st)) continue;
    const effect = st.Effect === 'Allow' || st.Effect === 'Deny' ? st.Effect : null;
    if (!effect) continue; // no effect: nothing can be concluded from it
    const actions = Array.isArray(st.Action) ? (st.Action as unknown[]) : null;
    const parsed = actions?.map((a) => (typeof a === 'string' ? parsePattern(a) : null)) ?? null;
    const readable = parsed !== null && parsed.every((p): p is ActionPattern => p !== null);
    const evaluable = readable && conditionEvaluable(st.Condition) && resourceEvaluable(st.Resource);
    if (effect === 'Allow') {
      if (evaluable) out.push({ effect, patterns: parsed as ActionPattern[], grant });
    } else {
      // A Deny that cannot be fully evaluated still applies: to its readable actions when
      // only its Condition/Resource is unsupported, to everything when its actions are unreadable.
      out.push({ effect, patterns: readable ? (parsed as ActionPattern[]) : null, grant });
    }
  }
  return out;
}

function conditionEvaluable(c: unknown): boolean {
  return c === undefined || c === null || (isRecord(c) && Object.keys(c).length === 0);
}

/** Resource absent, empty, or only "all resources" forms (`*`, `service:*:*:*:*`) is evaluable. */
function resourceEvaluable(r: unknown): boolean {
  if (r === undefined || r === null) return true;
  if (!Array.isArray(r)) return false;
  return r.every((x) => typeof x === 'string' && /^(\*|[a-z0-9-]+(:\*)+)$/.test(x));
}

export function evaluate(p: CompiledPolicies, action: string): Decision {
  if (p.owner) return { allowed: true, reason: 'owner' };
  const seen = p.memo.get(action);
  if (seen) return seen;
  const d = decide(p, splitAction(action));
  if (p.memo.size < 1000) p.memo.set(action, d);
  return d;
}

function decide(p: CompiledPolicies, a: ParsedAction | null): Decision {
  // An action that is not `a:b:c` cannot be evaluated: denied.
  if (!a) return { allowed: false, reason: 'no-allow' };
  for (const s of p.denies) if (s.patterns === null || s.patterns.some((x) => matches(x, a))) return { allowed: false, reason: 'deny', by: s.grant };
  for (const s of p.allows) if (s.patterns!.some((x) => matches(x, a))) return { allowed: true, reason: 'allow', by: s.grant };
  return { allowed: false, reason: 'no-allow' };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
