import { compile, evaluate, type CompiledPolicies } from '../domain/policy/evaluate.js';
import type { Decision, Grant } from '../domain/policy/types.js';

// The permission check of a request: the grants of its token compiled once (per validated
// token context, which the identity service caches) and each action decided once per context.

export interface Principal {
  readonly grants: readonly Grant[];
  readonly isOwner: boolean;
}

export class Permissions {
  private readonly compiled = new WeakMap<Principal, CompiledPolicies>();

  check(p: Principal, action: string): Decision {
    let c = this.compiled.get(p);
    if (!c) this.compiled.set(p, (c = compile(p.grants, p.isOwner)));
    return evaluate(c, action);
  }

  /** `{action: allowed}` for every action given (the console hides what the caller may not do). */
  listing(p: Principal, actions: readonly string[]): Record<string, boolean> {
    const out: Record<string, boolean> = Object.create(null);
    for (const a of actions) out[a] = this.check(p, a).allowed;
    return out;
  }
}
