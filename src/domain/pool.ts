// The physical pool as the services see it: the finite set of servers a DeH is carved from.
// A DeH allocation takes one free server per DeH; the server backs that DeH until it is
// released (free again) or fails (faulty: it leaves the pool until an operator acts).

export type PhysicalServerState = 'free' | 'allocated' | 'faulty' | 'retired';
export const PHYSICAL_SERVER_STATES: readonly PhysicalServerState[] = ['free', 'allocated', 'faulty', 'retired'];

export interface PhysicalServer {
  readonly id: string;
  /** The operator's serial number or name; unique. */
  readonly name: string;
  readonly availabilityZone: string;
  readonly hostType: string;
  readonly state: PhysicalServerState;
  /** The DeH it backs (allocated, or faulty while the DeH still exists). */
  readonly hostId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the operator declares: one physical server. */
export interface PhysicalServerSpec {
  readonly name: string;
  readonly availabilityZone: string;
  readonly hostType: string;
}

/** Counts of one (AZ, host type) of the pool. */
export interface PoolCount {
  readonly availabilityZone: string;
  readonly hostType: string;
  readonly free: number;
  readonly allocated: number;
  readonly faulty: number;
  readonly retired: number;
}

// Serials and names as data centres write them: letters, digits and . _ : - (no spaces, no
// slashes, so a name is a path segment of the operator API as it is).
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function physicalNameProblem(name: string): string | null {
  return NAME_RE.test(name) ? null : `physical server name "${name}" must be 1-64 characters of letters, digits and . _ : - (starting with a letter or digit)`;
}
