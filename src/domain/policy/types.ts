// What the evaluator consumes: the grants of a request (roles and policies, each with its
// document when it has one) and whether the caller is the account (domain) owner.

export interface Grant {
  readonly id: string;
  readonly name: string;
  /** A policy document (`{Version, Statement}`), or null for a plain Keystone role. */
  readonly policy: unknown;
}

export type Decision =
  | { readonly allowed: true; readonly reason: 'owner' | 'allow'; readonly by?: string }
  | { readonly allowed: false; readonly reason: 'deny' | 'no-allow'; readonly by?: string };
