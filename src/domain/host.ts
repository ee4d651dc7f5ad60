// The DeH aggregate as the services see it (camelCase); the store maps rows to it and the
// http views map it to the OTC wire shape.

export type HostState = 'available' | 'fault' | 'released';
export const HOST_STATES: readonly HostState[] = ['available', 'fault', 'released'];

export interface Host {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly hostType: string;
  readonly availabilityZone: string;
  readonly autoPlacement: 'on' | 'off';
  readonly state: HostState;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly usedVcpus: number;
  readonly usedMemoryMb: number;
  readonly instanceTotal: number;
  readonly generation: number;
  readonly allocatedAt: string;
  readonly releasedAt: string | null;
  readonly updatedAt: string;
}

/** Name rule of the object model: ≤255 characters, no leading/trailing spaces, not empty. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'name must not be empty';
  if (name.length > 255) return 'name must be at most 255 characters';
  if (name.trim() !== name) return 'name must not start or end with spaces';
  return null;
}
